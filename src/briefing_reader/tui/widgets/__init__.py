"""Widgets that render parts of a briefing."""
