"""Offline install bundles: one zip per platform, checked wheel by wheel, and a single-file executable."""
