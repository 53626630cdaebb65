"""Checks of a loaded briefing against the world outside its file (no Textual)."""
