"""Entries hold their first problem without the path, one object for a repeated one."""

from __future__ import annotations

from pathlib import Path

from briefing_reader.library import index as index_module
from briefing_reader.library import prefetch
from briefing_reader.library.index import Entry, _Row, problem_field

QUOTE = (
    "error: headline_facts[0].evidence is not in the source article: \u201cReportedly\u2026\u201d"
)


def entries(folder: Path) -> list[Entry]:
    made = []
    for number in range(40):
        path = f"{folder}/b-{number}.yaml"
        problem = f"{path}:7:13: {QUOTE}" if number % 4 else f"elsewhere.txt:1:1: {QUOTE}"
        made.append(Entry(path, 10, 1, 1, 0, problem_field(path, problem), id=f"b-{number}"))
    return made


def test_first_problem_names_its_file_as_before(tmp_path: Path) -> None:
    first, second = entries(tmp_path)[:2]
    assert first.first_problem == f"elsewhere.txt:1:1: {QUOTE}"  # not its own path: whole
    assert second.first_problem == f"{tmp_path}/b-1.yaml:7:13: {QUOTE}"
    assert Entry("a.yaml", 1, 1, 0, 0, None).first_problem is None


def test_a_warm_read_shares_one_problem_among_the_briefings_that_have_it(tmp_path: Path) -> None:
    made = entries(tmp_path)
    cache = tmp_path / "index.json"
    rows = [_Row(e.path, e, (10, 1)) for e in made]
    assert index_module._write_cache(cache, rows, 2_000_000_000_000_000_000, [tmp_path])
    back, status, _ = index_module._read_cache(cache, [tmp_path])
    assert status == "used"
    read = [back[e.path].entry for e in made]
    assert read == made
    assert [e.first_problem for e in read] == [e.first_problem for e in made]
    assert len({id(e.problem) for e in read}) == 2  # the own-path one and the whole one


def test_the_prefetch_pipe_shares_them_too(tmp_path: Path) -> None:
    made = entries(tmp_path)
    # Built one by one, as a cold start's workers build them: equal, not the same object.
    assert len({id(e.problem) for e in made}) > 2
    sent = prefetch._decode_entries(prefetch._encode_entries(made, {}))
    assert sent == made
    assert sent is not None and len({id(e.problem) for e in sent}) == 2
