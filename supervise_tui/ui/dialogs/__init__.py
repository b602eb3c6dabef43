"""Dialogs over the screens: each returns the user's answer with ``dismiss``; the caller hands it to the domain."""
