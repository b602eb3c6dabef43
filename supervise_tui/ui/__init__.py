"""Textual user interface on top of the domain layer."""
