"""Build-time tools: the task list extractor and the offline bundle builder (not part of the app)."""
