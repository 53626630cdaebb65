"""`briefing new`'s engine: a draft briefing from an article, that loads and quotes faithfully."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import pytest

from briefing_reader import cli
from briefing_reader.authoring import draft_briefing, slugify, write_draft
from briefing_reader.authoring.draft import _money_key
from briefing_reader.checks.sources import SourceCache
from briefing_reader.checks.validate import check_file, check_loaded
from briefing_reader.loading import Loaded, load_file, load_text
from briefing_reader.loading.yamlsafe import LOADERS
from briefing_reader.model import ID_PATTERN, Briefing
from briefing_reader.schema import briefing_schema
from tests.conftest import FIXTURES, ROOT

CORE_ARTICLE = ROOT / "briefings" / "sources" / "core-scientific-expansion.txt"
ARTICLES = FIXTURES / "articles"
PLAIN_ARTICLE = ARTICLES / "library-sunday-hours.txt"
LIST_ARTICLE = ARTICLES / "northwind-guidance.txt"
# Issue 15's two shapes besides the Core Scientific article's bullets: a numbered list and
# no bullet at all; no list and two quotes by different people.
NUMBERED_ARTICLE = ARTICLES / "tideline-ferries-fy2024.txt"
TWO_VOICES_ARTICLE = ARTICLES / "harbor-grid-two-voices.txt"
BUNDLED_BRIEFING = ROOT / "briefings" / "core-scientific-2024-q4.yaml"

HOSTILE_ARTICLE = (
    "[bold]Breaking[/bold]: [@click=app.quit]Quit[/] \x1b[31mAlert\x1b[0m\n"
    "\n"
    "# Not a heading: this line costs $5 million and starts with a hash.\n"
    "& Anchor-like line: key: value: other: value: {braces} [brackets] and 7% more.\n"
    "! Tag-like line with \x1b]0;owned\x07 an escape and a question about $3m?\n"
    "% Directive-like line, 50 percent of it.\n"
    "@ at, ` backtick, | pipe, > fold: nothing: here: at: all.\n"
    "---\n"
    "...\n"
    'He said: "Everything here is \u202eevil\u202c and \u200bhidden\u200b, said nobody."\n'
    "\n"
    "* star: item: with: colons - and 1,200 dollars\n"
    "- null\n"
    "- ~\n"
    "- yes: no\n"
    "1. &anchor *alias !!python/object:os.system\n"
    "\n"
    "A line\u2028with a line separator, a NEL\x85 and a DEL\x7f is 12% odd?\n"
    "Tab\there, and a word far longer than any line: " + "x" * 150 + ".\n"
)


def draft_of(article: Path, briefing_id: str = "draft") -> str:
    return draft_briefing(
        article.read_text(encoding="utf-8"),
        source_file=f"sources/{article.name}",
        briefing_id=briefing_id,
    )


def validator_errors(briefing: Briefing, source: str) -> list[str]:
    """What `briefing validate` finds wrong with ``briefing`` when its article holds ``source``."""
    with tempfile.TemporaryDirectory() as folder:
        article = Path(folder) / briefing.source.file
        article.parent.mkdir(parents=True, exist_ok=True)
        article.write_bytes(source.encode("utf-8"))
        checked = check_loaded(Loaded(Path(folder) / "draft.yaml", briefing), SourceCache())
    return [p.message for p in checked.errors]


def load_cleanly(text: str, source: str) -> Briefing:
    """The draft loads with no error and no warning, with either YAML parser, and quotes
    nothing that is not in its source."""
    briefing = None
    for loader in sorted(LOADERS):
        loaded = load_text(text, Path("draft.yaml"), loader_name=loader)
        assert loaded.problems == (), [str(p) for p in loaded.problems]
        assert loaded.briefing is not None
        assert validator_errors(loaded.briefing, source) == []
        briefing = loaded.briefing
    assert briefing is not None
    return briefing


@pytest.fixture(scope="module")
def core_text() -> str:
    return draft_of(CORE_ARTICLE, "core-scientific-2024-q4")


@pytest.fixture(scope="module")
def core(core_text: str) -> Briefing:
    return load_cleanly(core_text, CORE_ARTICLE.read_text(encoding="utf-8"))


# --- The Core Scientific article ------------------------------------------------------------


def test_core_draft_names_its_source_and_fills_the_header(core: Briefing) -> None:
    headline = "Core Scientific Bets Big: $1.2B Data Center Expansion Amid $265M Q4 Loss"
    assert core.id == "core-scientific-2024-q4"
    assert core.source.title == headline
    assert core.source.file == "sources/core-scientific-expansion.txt"
    assert core.title == headline  # a placeholder to rewrite
    assert core.subject == "Core Scientific"
    assert core.period == "Q4 2024"
    assert core.dateline == "Austin, TX"
    assert core.summary is not None
    assert core.summary.startswith("Despite reporting a staggering $265 million loss in Q4")


def test_core_money_sentences_are_headline_facts(core: Briefing) -> None:
    facts = {(f.value, f.evidence) for f in core.headline_facts}
    assert ("$265 million", "The $265 million net loss in Q4 2024 was attributed to:") in facts
    assert (
        "$1.2 billion",
        "The $1.2 billion investment will fund new high-performance data centers, aiming to "
        "support both Bitcoin mining and the growing demand for AI-driven computing power.",
    ) in facts
    labels = {f.value: f.label for f in core.headline_facts if "net loss" in (f.evidence or "")}
    assert labels == {"$265 million": "Net loss in Q4 2024"}


def test_core_bullets_are_loss_drivers(core: Briefing) -> None:
    assert [d.title for d in core.loss_drivers] == [
        "Declining Bitcoin Prices",
        "Increased Energy Costs",
        "Debt Restructuring & Bankruptcy Recovery",
    ]
    first = core.loss_drivers[0]
    assert first.detail == "Lower BTC prices squeezed mining margins."
    assert first.evidence == "Declining Bitcoin Prices – Lower BTC prices squeezed mining margins."


def test_core_quote_is_the_ceos(core: Briefing) -> None:
    assert core.ceo_quote is not None
    assert core.ceo_quote.speaker == "Adam Sullivan"
    assert core.ceo_quote.role == "CEO"
    assert core.ceo_quote.text.startswith("Despite near-term financial setbacks")
    assert core.ceo_quote.text.endswith("digital asset mining.")


def test_core_closing_question_is_open(core: Briefing) -> None:
    questions = [q.question for q in core.open_questions]
    assert any(
        q.startswith("Will this bet secure its position") and q.endswith("finances further?")
        for q in questions
    ), questions


def test_every_candidate_is_marked_as_a_draft(core_text: str, core: Briefing) -> None:
    drafts = re.findall(r"^ *# draft: ", core_text, flags=re.MULTILINE)
    items = len(core.headline_facts) + len(core.loss_drivers) + len(core.open_questions) + 1
    header = 5  # title, subject, period, dateline, summary
    assert len(drafts) == items + header
    # Each list item sits right under its own draft comment.
    lines = core_text.splitlines()
    for index, line in enumerate(lines):
        if re.match(r"^  - ", line):
            assert lines[index - 1].startswith("  # draft: "), line


def test_draft_fits_an_editor(core_text: str) -> None:
    # Long evidence is folded onto continuation lines, and still loads as one sentence.
    assert all(len(line) <= 100 for line in core_text.splitlines())
    assert core_text.endswith("\n")


# --- Small articles -------------------------------------------------------------------------


def test_article_with_nothing_to_find_gives_empty_sections() -> None:
    text = draft_of(PLAIN_ARTICLE)
    briefing = load_cleanly(text, PLAIN_ARTICLE.read_text(encoding="utf-8"))
    for line in ("headline_facts: []", "loss_drivers: []", "ceo_quote: null", "open_questions: []"):
        assert line in text.splitlines()
    assert briefing.headline_facts == briefing.loss_drivers == briefing.open_questions == ()
    assert briefing.ceo_quote is None
    assert briefing.period is None
    assert briefing.dateline == "Portland, ME"
    assert briefing.summary == (
        "The Harbor Town public library will open on Sundays from next month, "
        "the library board announced on Tuesday."
    )


def test_percentages_numbered_list_and_straight_quotes() -> None:
    source = LIST_ARTICLE.read_text(encoding="utf-8")
    briefing = load_cleanly(draft_of(LIST_ARTICLE), source)
    assert [(f.label, f.value) for f in briefing.headline_facts][:2] == [
        ("Shipping volumes fell", "12%"),
        ("Operating margin shrank", "3.5 percent"),
    ]
    assert [(d.title, d.detail) for d in briefing.loss_drivers] == [
        ("Weaker retail demand", "fewer holiday orders from big-box chains."),
        ("Fuel costs", "diesel prices stayed high through September."),
        ("Driver shortages", "Driver shortages"),
    ]
    assert briefing.ceo_quote is not None
    assert briefing.ceo_quote.text == (
        "We are cutting costs where we can, but we will not cut corners on safety."
    )
    assert briefing.ceo_quote.speaker == "Maria Lopez"
    assert briefing.ceo_quote.role == "Chief Executive Officer"
    assert [q.question for q in briefing.open_questions] == [
        "Can Northwind keep paying its dividend if volumes keep falling?"
    ]
    assert briefing.period == "Q3 2024"
    assert briefing.dateline == "Chicago, IL"


@pytest.mark.parametrize(
    ("sentence", "value"),
    [
        ("Revenue reached $265M in the quarter.", "$265M"),
        ("It raised €3m from investors.", "€3m"),
        ("The bill came to 1,200 dollars in all.", "1,200 dollars"),
        ("The company paid $1,200 for it.", "$1,200"),
        ("Costs rose 3.5 percent on the year.", "3.5 percent"),
        ("Shares gained 12% in a day.", "12%"),
        ("It borrowed USD 5 million more.", "USD 5 million"),
    ],
)
def test_figures_are_taken_as_written(sentence: str, value: str) -> None:
    article = f"Figures\n\n{sentence}\n"
    briefing = load_cleanly(draft_briefing(article, source_file="a.txt", briefing_id="a"), article)
    assert [(f.value, f.evidence) for f in briefing.headline_facts] == [(value, sentence)]


def test_quote_on_the_line_after_a_colon_with_curly_quotes() -> None:
    article = (
        "Acme Results\n\nAcme Corp chairman Jo Bloggs said:\n\n"
        "\u201cWe had a difficult year, and next year will be better.\u201d\n"
    )
    briefing = load_cleanly(draft_briefing(article, source_file="a.txt", briefing_id="a"), article)
    assert briefing.ceo_quote is not None
    assert (briefing.ceo_quote.speaker, briefing.ceo_quote.role) == ("Jo Bloggs", "Chairman")


def test_quote_attributed_after_it_with_the_role_after_the_name() -> None:
    article = (
        'Acme Results\n\nNEW YORK — "We grew," said Smith. "This is the best quarter in our '
        'history by far," said Jane Smith, the chief executive of Acme.\n'
    )
    briefing = load_cleanly(draft_briefing(article, source_file="a.txt", briefing_id="a"), article)
    assert briefing.ceo_quote is not None
    assert briefing.ceo_quote.text == "This is the best quarter in our history by far"
    assert (briefing.ceo_quote.speaker, briefing.ceo_quote.role) == (
        "Jane Smith",
        "Chief executive",
    )
    assert briefing.dateline == "NEW YORK"


def test_hostile_article_still_gives_a_clean_draft() -> None:
    text = draft_briefing(HOSTILE_ARTICLE, source_file="sources/h.txt", briefing_id="hostile")
    briefing = load_cleanly(text, HOSTILE_ARTICLE)
    # The file itself holds no raw control character: what the article hid stays visible.
    assert all(line.isprintable() for line in text.splitlines())
    assert "\x1b" not in text and "\u202e" not in text and "\x85" not in text
    # Markup is text, shown as typed; the escape is shown as a placeholder, not obeyed.
    assert briefing.source.title.startswith("[bold]Breaking[/bold]: [@click=app.quit]Quit[/]")
    assert "\x1b" not in briefing.source.title and "\u241b" in briefing.source.title
    # The bullets, however YAML-like, are loss drivers holding the text as written
    # ("- ~", with no word in it, is a separator, like "* * *").
    assert [d.evidence for d in briefing.loss_drivers] == [
        "star: item: with: colons - and 1,200 dollars",
        "null",
        "yes: no",
        "&anchor *alias !!python/object:os.system",
    ]
    values = [f.value for f in briefing.headline_facts]
    assert values == ["$5 million", "7%", "$3m", "50 percent", "1,200 dollars", "12%"]
    assert len(briefing.open_questions) == 2


# --- slugify --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Core Scientific Bets Big: $1.2B", "core-scientific-bets-big-1-2b"),
        ("  Société Générale -- Q4  ", "societe-generale-q4"),
        ("!!!", "briefing"),
        ("", "briefing"),
        ("数字", "briefing"),
    ],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug
    assert re.match(ID_PATTERN, slugify(text))


def test_slugify_cuts_long_titles_at_a_word() -> None:
    slug = slugify("word " * 40)
    assert len(slug) <= 60 and slug.endswith("word") and re.match(ID_PATTERN, slug)


def test_an_id_that_is_not_a_slug_is_refused() -> None:
    with pytest.raises(ValueError, match="must be a slug"):
        draft_briefing("Title\n\nBody.", source_file="a.txt", briefing_id="Not A Slug")


# --- write_draft ----------------------------------------------------------------------------


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "inbox" / "core.txt"
    path.parent.mkdir()
    path.write_bytes(CORE_ARTICLE.read_bytes())
    return path


def test_write_draft_copies_the_source_and_writes_a_loadable_briefing(
    tmp_path: Path, article: Path
) -> None:
    output = tmp_path / "briefings" / "core.yaml"
    written = write_draft(article, briefing_id="core", output=output)
    assert written == output
    copy = tmp_path / "briefings" / "sources" / "core.txt"
    assert copy.read_bytes() == article.read_bytes()
    loaded = load_file(output)
    assert loaded.problems == ()
    assert loaded.briefing is not None and loaded.briefing.id == "core"
    named = output.parent / loaded.briefing.source.file
    assert named.is_file() and named.samefile(copy)
    assert [p.message for p in check_file(output).errors] == []
    # Atomic writes leave no temporary files behind.
    assert sorted(p.name for p in output.parent.iterdir()) == [
        "briefing.schema.json",
        "core.yaml",
        "sources",
    ]


def test_write_draft_defaults_to_an_id_from_the_headline_in_the_current_folder(
    tmp_path: Path, article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    written = write_draft(article, briefing_id=None, output=None)
    assert written == Path("core-scientific-bets-big-1-2b-data-center-expansion-amid.yaml")
    assert (tmp_path / written).is_file() and (tmp_path / "sources" / "core.txt").is_file()
    assert load_file(tmp_path / written).problems == ()


def test_write_draft_refuses_to_overwrite_a_briefing(tmp_path: Path, article: Path) -> None:
    output = tmp_path / "core.yaml"
    output.write_bytes(b"precious: hand-written\n")
    with pytest.raises(FileExistsError, match="already exists"):
        write_draft(article, briefing_id="core", output=output)
    assert output.read_bytes() == b"precious: hand-written\n"
    assert not (tmp_path / "sources").exists()  # refused before writing anything


def test_write_draft_refuses_to_replace_a_different_source(tmp_path: Path, article: Path) -> None:
    other = tmp_path / "sources" / "core.txt"
    other.parent.mkdir()
    other.write_bytes(b"another article with the same name\n")
    with pytest.raises(FileExistsError, match="differs"):
        write_draft(article, briefing_id="core", output=tmp_path / "core.yaml")
    assert other.read_bytes() == b"another article with the same name\n"
    assert not (tmp_path / "core.yaml").exists()


def test_write_draft_reuses_an_identical_source(tmp_path: Path, article: Path) -> None:
    same = tmp_path / "sources" / "core.txt"
    same.parent.mkdir()
    same.write_bytes(article.read_bytes())
    write_draft(article, briefing_id="core", output=tmp_path / "core.yaml")
    assert load_file(tmp_path / "core.yaml").problems == ()


def test_write_draft_from_an_article_already_in_sources(tmp_path: Path, article: Path) -> None:
    in_place = tmp_path / "sources" / "core.txt"
    in_place.parent.mkdir()
    in_place.write_bytes(article.read_bytes())
    write_draft(in_place, briefing_id="core", output=tmp_path / "core.yaml")
    assert in_place.read_bytes() == article.read_bytes()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\n\t \n", "empty"),
        ("Caf\u00e9 news\n".encode("latin-1"), "not UTF-8"),
        ("Title\n".encode("utf-16"), "not UTF-8"),
    ],
)
def test_write_draft_refuses_empty_or_non_utf8_articles(
    tmp_path: Path, data: bytes, message: str
) -> None:
    source = tmp_path / "bad.txt"
    source.write_bytes(data)
    with pytest.raises(ValueError, match=message):
        write_draft(source, briefing_id="bad", output=tmp_path / "out" / "bad.yaml")
    assert not (tmp_path / "out").exists()


def test_write_draft_refuses_a_fifo_as_its_article_without_waiting(tmp_path: Path) -> None:
    # Opening a FIFO for reading waits for a writer forever: `briefing new --source FIFO`
    # hung. A guard writer lets go of the old code so that it fails instead of hanging.
    import threading

    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)

    def let_go() -> None:
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # no reader: nobody is waiting on it
            return
        os.close(fd)

    guard = threading.Timer(5, let_go)
    guard.start()
    try:
        with pytest.raises(ValueError, match="named pipe"):
            write_draft(fifo, briefing_id="core", output=tmp_path / "core.yaml")
    finally:
        guard.cancel()
    assert not (tmp_path / "core.yaml").exists()


# --- Issue 15: one fact per figure, facts without a dollar sign, a contradiction -------------


def test_core_states_each_figure_once_from_the_sentence_about_it(core: Briefing) -> None:
    money = [f for f in core.headline_facts if f.value.startswith("$")]
    assert [(f.label, f.value, f.evidence) for f in money] == [
        (
            "Net loss in Q4 2024",
            "$265 million",
            "The $265 million net loss in Q4 2024 was attributed to:",
        ),
        (
            "Data center expansion plan",
            "$1.2 billion",
            "The $1.2 billion investment will fund new high-performance data centers, aiming to "
            "support both Bitcoin mining and the growing demand for AI-driven computing power.",
        ),
    ]


def test_core_facts_without_a_dollar_sign(core: Briefing) -> None:
    facts = {f.label: (f.value, f.evidence) for f in core.headline_facts}
    assert facts["Adjusted EBITDA"] == (
        "Mining operations still profitable on an adjusted EBITDA basis",
        "Despite these challenges, the company continues to generate strong revenue, with "
        "mining operations still profitable on an adjusted EBITDA basis.",
    )
    value, evidence = facts["Stock"]
    assert value == "The stock has seen high volatility"
    assert evidence is not None and evidence.startswith("The stock has seen high volatility, but")
    value, evidence = facts["Bitcoin\u2019s next halving event"]
    assert value == "2024"
    assert evidence is not None and "bracing for lower block rewards" in evidence
    assert facts["Core Scientific emerged from bankruptcy"][0] == "2023"


def test_core_asks_whether_the_next_halving_is_past(core: Briefing) -> None:
    asked = [q for q in core.open_questions if "halving" in q.question]
    assert [q.question for q in asked] == [
        "Is the halving event in 2024 still ahead, in a report on Q4 2024?"
    ]
    # Both sentences, verbatim: the one that dates the report and the one that says "next".
    assert asked[0].why is not None
    assert "\u201cThe $265 million net loss in Q4 2024 was attributed to:\u201d" in asked[0].why
    assert asked[0].evidence is not None
    assert asked[0].evidence.startswith("With Bitcoin\u2019s next halving event in 2024, mining")


def test_numbered_list_with_no_bullet() -> None:
    briefing = load_cleanly(draft_of(NUMBERED_ARTICLE), NUMBERED_ARTICLE.read_text("utf-8"))
    facts = [(f.label, f.value) for f in briefing.headline_facts]
    # "$410 million" and "$410M" are one figure, its evidence the sentence about it alone.
    assert [v for _, v in facts if "410" in v] == ["$410M"]
    assert ("Operating margin", "Operating margin held steady through the year") in facts
    assert ("Debt", "Net debt fell to its lowest level in a decade") in facts
    assert ("Fuel contract that expires", "2026") in facts
    # A hedged sentence ("revenue could fall if ...") is no claim of the article's.
    assert not any("could" in f.value for f in briefing.headline_facts)
    assert [d.title for d in briefing.loss_drivers] == [
        "Replace two diesel vessels with hybrid ones",
        "Renegotiate the fuel contract that expires in 2026",
        "Open a second terminal in Tacoma",
    ]
    assert briefing.period == "FY2024"
    assert [q.question for q in briefing.open_questions] == [
        "Is the fare review in 2023 still ahead, in a report on FY2024?"
    ]


def test_two_quotes_by_different_people_and_no_list() -> None:
    briefing = load_cleanly(draft_of(TWO_VOICES_ARTICLE), TWO_VOICES_ARTICLE.read_text("utf-8"))
    assert briefing.ceo_quote is not None
    assert (briefing.ceo_quote.speaker, briefing.ceo_quote.role) == (
        "Lena Brandt",
        "Chief Executive Officer",
    )
    assert briefing.ceo_quote.text.startswith("We accept the findings")
    assert briefing.loss_drivers == ()
    facts = [(f.label, f.value) for f in briefing.headline_facts]
    assert [v for _, v in facts if "120" in v] == ["$120 million"]  # and "120 million dollars"
    assert ("Revenue", "Harbor Grid's revenue rose last year") in facts
    # "next inspection ... in 2025" contradicts nothing: the article reports on no period.
    assert [q.question for q in briefing.open_questions] == [
        "Can the utility pay for new transformers without raising rates?"
    ]


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("$265 million", "$265M", True),
        ("$265 million", "265 million dollars", True),
        ("$1.2 billion", "$1,200 million", True),
        ("$1.2 billion", "$1.2bn", True),
        ("$265 million", "\u20ac265 million", False),
        ("$265 million", "$265", False),
    ],
)
def test_money_is_compared_as_an_amount(one: str, other: str, same: bool) -> None:
    assert _money_key(one) is not None
    assert (_money_key(one) == _money_key(other)) is same


@pytest.mark.parametrize("article", [CORE_ARTICLE, NUMBERED_ARTICLE, TWO_VOICES_ARTICLE])
def test_every_draft_passes_validate_with_only_draft_warnings(
    tmp_path: Path, article: Path
) -> None:
    written = write_draft(article, briefing_id="draft", output=tmp_path / "draft.yaml")
    checked = check_file(written)
    assert checked.errors == ()
    assert {p.code for p in checked.problems} == {"draft"}


def test_the_bundled_briefing_names_no_year_its_article_lacks() -> None:
    article = CORE_ARTICLE.read_text(encoding="utf-8")
    years = set(re.findall(r"\b(?:19|20)\d{2}\b", BUNDLED_BRIEFING.read_text(encoding="utf-8")))
    assert years and {y for y in years if y not in article} == set()


# --- The schema line ------------------------------------------------------------------------


def test_a_draft_names_a_schema_written_beside_it(tmp_path: Path, article: Path) -> None:
    output = tmp_path / "briefings" / "core.yaml"
    write_draft(article, briefing_id="core", output=output)
    text = output.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=./briefing.schema.json"
    schema = output.parent / "briefing.schema.json"
    assert json.loads(schema.read_text(encoding="utf-8")) == briefing_schema()
    # A second draft in the folder uses it, and never rewrites it.
    schema.write_text("{}\n", encoding="utf-8")
    other = write_draft(article, briefing_id="other", output=output.parent / "other.yaml")
    assert schema.read_text(encoding="utf-8") == "{}\n"
    assert other.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=./briefing.schema.json\n"
    )


@pytest.mark.parametrize(
    ("given", "line"),
    [
        ("schemas/b.json", "$schema=../schemas/b.json"),
        ("out/local.json", "$schema=./local.json"),
        ("https://example.org/b.json", "$schema=https://example.org/b.json"),
    ],
)
def test_a_schema_given_is_named_relative_to_the_draft_and_not_written(
    tmp_path: Path, article: Path, monkeypatch: pytest.MonkeyPatch, given: str, line: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert (
        cli.main(
            ["new", "--source", str(article), "--id", "c", "-o", "out/c.yaml", "--schema", given]
        )
        == 0
    )
    first = (tmp_path / "out" / "c.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: {line}"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["c.yaml", "sources"]


def test_a_schema_name_that_would_break_the_line_is_refused(tmp_path: Path, article: Path) -> None:
    with pytest.raises(ValueError, match="--schema"):
        write_draft(article, briefing_id="c", output=tmp_path / "c.yaml", schema="a\nb.json")
    assert not (tmp_path / "c.yaml").exists()
