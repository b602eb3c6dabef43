"""Domain layer: loading, store, rounds, diff, export. Imports nothing from Textual."""
