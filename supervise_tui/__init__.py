"""Supervise the 乐政办发〔2023〕43号 “1+N” task list from a terminal."""

__version__ = "0.1.0"
