"""The interactive reader (Textual). Renders the model; never loads or checks files itself."""

from briefing_reader.tui.app import BriefingApp, make_app, make_library_app

__all__ = ["BriefingApp", "make_app", "make_library_app"]
