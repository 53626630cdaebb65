"""Starting a briefing from an article: the engine of ``briefing new`` (no Textual here)."""

from briefing_reader.authoring.draft import draft_briefing, slugify, write_draft

__all__ = ["draft_briefing", "slugify", "write_draft"]
