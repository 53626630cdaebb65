"""The briefing library without Textual: an index of many briefing files and read marks.

:mod:`briefing_reader.library.index` keeps one small entry per file, cached between runs
so that opening a folder of 10,000 briefings re-reads only what changed;
:mod:`briefing_reader.library.state` remembers which briefings were read.

Both write through :func:`briefing_reader.files.write_atomic`.
"""
