"""The interactive reader (Textual). Renders the model; never loads or checks files itself.

What touches files or processes is given to it: the library's behaviour is a
:class:`~briefing_reader.library.session.LibrarySession`, the reader's source article, reload
and editor a :class:`~briefing_reader.briefing_files.ReaderFiles` (both without Textual).
"""

from briefing_reader.tui.app import BriefingApp, make_app, make_library_app

__all__ = ["BriefingApp", "make_app", "make_library_app"]
