"""Library benchmark: opening a folder of N briefings (default 10,000), cold and warm.

Generates N realistic briefings in a temporary folder (never under ``briefings/``): 2-4 KB
each, with varied numbers of facts, drivers and questions, spread over subfolders of ~500
files that each keep their ``sources/`` articles; every evidence excerpt and quote is
verbatim from its article, ~5% have planted problems (an excerpt not in the article, a YAML
syntax error, an unknown key) and ~90% an optional ``date:`` (``--no-date`` drops it). All
file times are set a day back, as for a folder that has been sitting there. Then, in one run,
as medians of ``--repeat`` repetitions, with the page cache warm for every figure (nothing is
dropped from it: these are repeat-open times, not first-boot times):

(a) a bare Textual app's first paint, as a whole process in a pty, exactly as
    benchmarks/startup.py measures it (its helpers are imported from there);
(b) reading every file's bytes in this process (os.scandir walk, open, read): the I/O floor;
(c) reading and parsing every briefing with ``yaml.load(..., Loader=yaml.CSafeLoader)`` in
    this process, on one core: the parse floor (interpreter start-up is in (a), not here);
    once in each turn of the pty runs, so that it sees the machine as they do;
(d) ``briefing <folder>`` in a pty of ``--size`` with an empty cache: time to the first frame
    (the list's border title ``Library``) and to the filled library (``10,000 briefings``);
(e) the same with the cache a previous run left (a cache hit): first paint and filled library;
(f) in-process through Textual's pilot (``make_library_app``, cache filled beforehand), once
    the library is loaded: one cursor move, one filter keystroke and one search (each
    ``press`` + ``pause``), at N and at 100 briefings, next to the pilot's own floor (an
    unbound key: Textual's idle wait sleeps in 20 ms steps, so small costs hide below it);
(g) peak RSS (ru_maxrss from os.wait4) of (a) after its first paint and of (e) at N once the
    library is filled (the child is terminated as soon as the marker appears).

Children get XDG_CACHE_HOME, XDG_STATE_HOME and XDG_CONFIG_HOME in the benchmark's temporary
folder, so the user's own cache, config and read marks are never touched. pty runs are
interleaved (bare, cold, warm, bare, ...) after warm-ups, so noise hits all alike. Each
figure is printed with its ratio to its baseline and the issue's target at N = 10,000.

The exit status is 0 whether or not targets are met, non-zero only when measuring failed.

Usage: .venv/bin/python benchmarks/library.py [--count 10000] [--repeat 3] [--size 120x40]
       [--quick] [--keep] [--no-date] [--seed 1] [--corpus ours|independent] [--skip-keys]
       [--compare DIR]

``--compare DIR`` runs the whole-process figures of another checkout too (a worktree of the
commit before a change), in turns with this one's, against the same (a) and (c).
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import contextlib
import functools
import importlib.util
import os
import platform
import pty
import random
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from briefing_reader.library.index import Index


def _load_startup() -> ModuleType:
    """benchmarks/startup.py as a module: its pty helpers and bare app are shared, not copied."""
    name = "benchmarks_startup"
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("startup.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


startup = _load_startup()

REPO_ROOT: Path = startup.REPO_ROOT
FOLDER_SIZE = 500
SMALL_COUNT = 100
PROBLEM_SHARE = 0.05
DATE_SHARE = 0.9
# Far enough back that no entry is "racy" (see library/index.py's RACY_NS) for any run.
FILE_AGE_NS = 86_400 * 10**9
LIBRARY_MARKER = "Library"
# Rows of the terminal that are not list rows (status, borders, footer), with a margin: a
# screenful of titles is this many rows fewer than the terminal has.
SCREEN_CHROME = 8
CURSOR_MOVES = 30
FILTER_TEXT = "min"  # typed one keystroke at a time into the filter
SEARCH_TEXT = "hashrate"
# Bound to nothing: press + pause of it is the pilot's own floor (Textual's wait_for_idle
# sleeps in 20 ms steps), shown so the ratios of (f) can be read against it.
UNBOUND_KEY = "f24"

try:
    FAST_LOADER: Any = yaml.CSafeLoader
    FAST_DUMPER: Any = yaml.CSafeDumper
except AttributeError:  # PyYAML without libyaml: say so in the header, measure anyway
    FAST_LOADER = yaml.SafeLoader
    FAST_DUMPER = yaml.SafeDumper


# --- the corpus -------------------------------------------------------------------------------

COMPANIES = (
    "Northwind Mining, Helios Compute, Granite Hash, Bluewater Digital, Aurora Data Centers, "
    "Ironclad Systems, Meridian Power, Cobalt Ridge, Summit Ledger, Pioneer Grid"
).split(", ")
CITIES = ("Austin, TX", "Denver, CO", "Calgary, AB", "Reno, NV", "Atlanta, GA", "Oslo")
PEOPLE = ("Maria Chen", "David Okafor", "Elena Ruiz", "Tom Becker", "Priya Nair", "Sam Holt")
BANKS = ("Cantor", "B. Riley", "Needham", "Jefferies", "Macquarie")
TAGS = "bitcoin-mining ai-infrastructure data-centers earnings energy debt guidance hpc".split()
# One fact a line: its label | the article's sentence | the value as the briefing gives it.
FACTS = [
    tuple(line.split(" | "))
    for line in """\
Net loss | {c} lost ${n} million in {p}, against ${m} million a year earlier. | ${n} million
Revenue | Revenue rose {k} percent to ${n} million, helped by higher hosting fees. | ${n} million
Energy cost | Energy costs climbed to {k} cents per kilowatt-hour at its {j} sites. | {k} cents/kWh
Expansion budget | The company plans to spend ${n} million on new capacity in {city}. | ${n} million
Price target | Analysts at {bank} cut their price target to ${j} per share. | ${j}
Debt | Debt stood at ${n} million at the end of the quarter. | ${n} million
New capacity | Management said the expansion would add {m} megawatts by the end of 2025. | {m} MW
Share price | Shares fell {k} percent in early trading after the results. | -{k}%
Hashrate | Hashrate reached {j} exahashes per second, up from {k} a quarter earlier. | {j} EH/s
Buyback | The board approved a buyback of up to ${m} million. | ${m} million
AI contracts | Customers in the AI sector signed contracts worth ${n} million. | ${n} million
Adjusted EBITDA | Adjusted EBITDA was ${m} million, ahead of the consensus estimate. | ${m} million
""".splitlines()
]
# (title, detail): the article writes "title – detail", like the bundled one.
DRIVERS = (
    ("Lower Bitcoin prices", "Lower prices squeezed mining margins through the quarter."),
    ("Higher energy costs", "Rising electricity expenses cut into profitability at every site."),
    ("Network difficulty", "Mining difficulty rose faster than the fleet could be upgraded."),
    ("Impairments", "Older machines were written down as newer models made them uneconomic."),
    ("Restructuring", "Ongoing financial restructuring after bankruptcy added legal costs."),
    ("Curtailment", "Grid operators asked sites to curtail power during the summer peaks."),
)
QUOTES = (
    "Despite near-term setbacks, we remain committed to expanding our infrastructure",
    "We are building the capacity our customers will need for the next decade",
    "The quarter was hard, but our balance sheet is stronger than it has ever been",
    "Artificial intelligence workloads will be the largest part of our business by 2026",
    "We will keep our costs down and our fleet efficient whatever the price of Bitcoin",
)
FILLER = (
    "It did not say how the expansion would be funded.",
    "The results were released after the market closed on Thursday.",
    "Investors remain cautious but intrigued by the long-term plan.",
    "The stock has seen high volatility since the start of the year.",
    "Several rivals have announced similar moves into high-performance computing.",
    "The company emerged from bankruptcy last year and still carries legacy obligations.",
    "Hosting revenue now accounts for a growing share of the total.",
    "A spokesperson declined to comment on the timing of the next site.",
)
QUESTIONS = (
    ("How will the expansion be funded?", "The article names no source of funds."),
    ("Will the loss repeat next quarter?", "Every driver of the loss may persist."),
    ("How much capacity goes to AI customers?", "The size of the pivot decides the revenue mix."),
    ("Can the company keep its energy contracts?", "Power is the largest cost of mining."),
    ("What happens if Bitcoin falls further?", "Margins are already thin at current prices."),
)
NOTES = (
    "The article gives no breakdown of the figure.",
    "Compared with the same quarter a year earlier.",
    "The company attributes most of it to market conditions rather than operations, and "
    "says it expects the effect to fade as newer machines come online next year.",
    "A figure the article repeats twice, once in the headline.",
)


@dataclass(frozen=True)
class Article:
    file: str  # relative to the briefing's folder
    title: str
    company: str
    city: str
    date: str
    ceo: str
    facts: list[tuple[str, str, str]]  # label, sentence, value
    drivers: list[tuple[str, str, str]]  # title, detail, sentence
    quotes: list[str]
    sentences: list[str]


@dataclass
class Corpus:
    folder: Path
    count: int
    files: int = 0
    total_bytes: int = 0
    planted: dict[str, int] = field(default_factory=dict)


def make_article(rng: random.Random, file: str) -> Article:
    company = rng.choice(COMPANIES)
    city = rng.choice(CITIES)
    period = f"Q{rng.randint(1, 4)} {rng.choice((2023, 2024))}"
    facts = []
    for label, template, value in rng.sample(FACTS, rng.randint(7, len(FACTS))):
        numbers = {"n": rng.randint(12, 980), "m": rng.randint(5, 400), "k": rng.randint(2, 60)}
        numbers["j"] = rng.randint(3, 90)
        sentence = template.format(
            c=company, p=period, city=rng.choice(CITIES), bank=rng.choice(BANKS), **numbers
        )
        facts.append((label, sentence, value.format(**numbers)))
    drivers = [(t, d, f"{t} – {d}") for t, d in rng.sample(DRIVERS, rng.randint(3, 5))]
    ceo = rng.choice(PEOPLE)
    quotes = rng.sample(QUOTES, 2)
    body = [s for _, s, _ in facts] + rng.sample(FILLER, rng.randint(4, len(FILLER)))
    body += [f"{ceo}, the chief executive, said: “{quote}.”" for quote in quotes]
    rng.shuffle(body)
    title = f"{company} {rng.choice(('bets on', 'doubles down on', 'rethinks'))} data centers"
    date = f"{rng.choice((2023, 2024))}-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}"
    return Article(file, title, company, city, date, ceo, facts, drivers, quotes, body)


def article_text(article: Article, rng: random.Random) -> str:
    """Headline, dateline, paragraphs of two to four sentences and a list of the drivers."""
    body = article.sentences
    paragraphs = [article.title, f"{article.city} – " + " ".join(body[:3])]
    start = 3
    while start < len(body):
        end = start + rng.randint(2, 4)
        paragraphs.append(" ".join(body[start:end]))
        start = end
    bullets = "\n".join(f"  • {sentence}" for *_, sentence in article.drivers)
    paragraphs.insert(3, f"The loss was attributed to:\n\n{bullets}")
    return "\n\n".join(paragraphs) + "\n"


def excerpt(rng: random.Random, sentence: str) -> str:
    """A verbatim piece of a sentence: all of it, or its first clause."""
    head, comma, _ = sentence.partition(", ")
    return head if comma and rng.random() < 0.3 else sentence


def make_briefing(
    rng: random.Random, article: Article, index: int, with_date: bool
) -> dict[str, Any]:
    facts = rng.sample(article.facts, rng.randint(2, 7))
    drivers = rng.sample(article.drivers, rng.randint(1, len(article.drivers)))
    period = f"Q{rng.randint(1, 4)} {article.date[:4]}"
    doc: dict[str, Any] = {
        "format": "briefing/1",
        "id": f"{article.company.lower().replace(' ', '-')}-{index:05}",
        # Numbered: with a few articles per folder, titles would repeat, and the benchmark
        # counts different titles on screen.
        "title": f"{article.company}: {facts[0][0].lower()} of {facts[0][2]} in {period} #{index}",
        "subject": article.company,
        "period": period,
        "dateline": article.city,
    }
    if with_date:
        doc["date"] = article.date
    doc["summary"] = " ".join(rng.sample(FILLER, rng.randint(2, 5)))
    doc["tags"] = rng.sample(TAGS, rng.randint(1, 4))
    doc["source"] = {"title": article.title, "file": article.file}
    if rng.random() < 0.5:
        doc["source"]["url"] = f"https://news.example.com/{doc['id']}"
    doc["headline_facts"] = []
    for label, sentence, value in facts:
        fact = {"label": label, "value": value}
        if rng.random() < 0.8:
            fact["note"] = rng.choice(NOTES)
        fact["evidence"] = excerpt(rng, sentence)
        doc["headline_facts"].append(fact)
    doc["loss_drivers"] = [{"title": t, "detail": d, "evidence": s} for t, d, s in drivers]
    doc["ceo_quote"] = (
        {"text": rng.choice(article.quotes), "speaker": article.ceo, "role": "CEO"}
        if rng.random() < 0.85
        else None
    )
    asked = rng.sample(QUESTIONS, rng.randint(1, len(QUESTIONS)))
    passages = rng.sample(article.sentences, len(asked))
    doc["open_questions"] = [
        {"question": q, "why": f"{why} {rng.choice(FILLER)}", "evidence": excerpt(rng, passage)}
        for (q, why), passage in zip(asked, passages, strict=True)
    ]
    return doc


def render(doc: dict[str, Any]) -> str:
    date = doc.pop("date", None)
    text = yaml.dump(doc, Dumper=FAST_DUMPER, sort_keys=False, allow_unicode=True, width=88)
    if date is not None:  # written as a person would: unquoted (the loader keeps it as text)
        text = text.replace("\nsummary:", f"\ndate: {date}\nsummary:", 1)
    return text


def plant_problem(rng: random.Random, doc: dict[str, Any]) -> tuple[str, dict[str, Any] | str]:
    """One problem that `validate` reports as one error; returns its kind and the document."""
    kind = rng.choices(("evidence", "syntax", "unknown key"), weights=(6, 2, 2))[0]
    if kind == "evidence":
        fact = doc["headline_facts"][0]
        fact["evidence"] = "Reportedly, " + fact["evidence"]
        return kind, doc
    if kind == "unknown key":
        doc["author"] = "Staff writer"
        return kind, doc
    # "mapping values are not allowed here": a stray indented key under the title.
    return kind, render(doc).replace("\nsubject:", "\n  stray: value\nsubject:", 1)


def make_corpus(folder: Path, count: int, seed: int, with_date: bool) -> Corpus:
    rng = random.Random(seed)
    corpus = Corpus(folder, count)
    for part, start in enumerate(range(0, count, FOLDER_SIZE)):
        sub = folder / f"part-{part:03}"
        (sub / "sources").mkdir(parents=True)
        articles = [make_article(rng, f"sources/article-{i}.txt") for i in range(3)]
        for article in articles:
            (sub / article.file).write_text(article_text(article, rng), encoding="utf-8")
        for index in range(start, min(count, start + FOLDER_SIZE)):
            doc = make_briefing(
                rng, rng.choice(articles), index, with_date and rng.random() < DATE_SHARE
            )
            planted: dict[str, Any] | str = doc
            if rng.random() < PROBLEM_SHARE:
                kind, planted = plant_problem(rng, doc)
                corpus.planted[kind] = corpus.planted.get(kind, 0) + 1
            text = planted if isinstance(planted, str) else render(planted)
            (sub / f"{doc['id']}.yaml").write_text(text, encoding="utf-8")
    stamp = time.time_ns() - FILE_AGE_NS
    for path in walk(folder):
        os.utime(path, ns=(stamp, stamp))
        corpus.files += 1
        corpus.total_bytes += os.path.getsize(path) if path.endswith(".yaml") else 0
    return corpus


# The independent corpus (issue 14): one flat folder, no dates, one source article that no
# quote of any briefing is in. Each briefing then carries one error per excerpt.
SHARED_ARTICLE = "sources/article.txt"


def make_independent_corpus(folder: Path, count: int, seed: int) -> Corpus:
    rng = random.Random(seed)
    corpus = Corpus(folder, count)
    (folder / "sources").mkdir(parents=True)
    article = make_article(rng, SHARED_ARTICLE)
    (folder / article.file).write_text(article_text(article, rng), encoding="utf-8")
    others = [make_article(rng, SHARED_ARTICLE) for _ in range(20)]  # varied titles, one file
    for index in range(count):
        doc = make_briefing(rng, rng.choice(others), index, with_date=False)
        for section in ("headline_facts", "loss_drivers", "open_questions"):
            for item in doc[section]:
                item["evidence"] = "Reportedly, " + item["evidence"]
        if doc["ceo_quote"] is not None:
            doc["ceo_quote"]["text"] = "As we said, " + doc["ceo_quote"]["text"]
        corpus.planted["evidence"] = corpus.planted.get("evidence", 0) + 1
        (folder / f"{doc['id']}.yaml").write_text(render(doc), encoding="utf-8")
    stamp = time.time_ns() - FILE_AGE_NS
    for path in walk(folder):
        os.utime(path, ns=(stamp, stamp))
        corpus.files += 1
        corpus.total_bytes += os.path.getsize(path) if path.endswith(".yaml") else 0
    return corpus


def walk(folder: Path | str) -> Iterator[str]:
    """Every file under ``folder``, by os.scandir (the way a library would be read)."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from walk(entry.path)
            else:
                yield entry.path


# --- (b) and (c): floors, in this process ------------------------------------------------------


def read_all(folder: Path) -> int:
    total = 0
    for path in walk(folder):
        with open(path, "rb") as file:
            total += len(file.read())
    return total


def parse_all(folder: Path) -> int:
    parsed = 0
    for path in walk(folder):
        if path.endswith(".yaml"):
            with open(path, "rb") as file:
                text = file.read().decode("utf-8")
            with contextlib.suppress(yaml.YAMLError):  # the planted syntax errors
                yaml.load(text, Loader=FAST_LOADER)
                parsed += 1
    return parsed


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


# --- (a), (d), (e), (g): whole processes in a pty ----------------------------------------------


@dataclass
class Run:
    seconds: list[float]  # per marker, in the order given
    maxrss_kib: int


def reap(proc: subprocess.Popen[bytes], master: int) -> Any:
    """Terminate the child's group, kill it if it lingers, reap it with wait4: its rusage."""
    # Never proc.poll()/wait(): they would reap the child and lose its rusage. Until wait4
    # reaps it, the leader's pid (the group id) cannot be reused, so killpg is safe.
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        deadline = time.monotonic() + startup.KILL_GRACE_S
        while time.monotonic() < deadline:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                return usage
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready and not startup.read_chunk(master):
                time.sleep(0.01)  # closed pty: readable for good; wait, don't spin
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage


CONTROL_SEQUENCE = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\\\)|.)")


def screen_text(output: bytes | bytearray, limit: int = 400) -> str:
    """The visible text at the end of a child's output: escape sequences and runs of box
    drawing and blanks removed, so a failure says what the screen showed."""
    text = CONTROL_SEQUENCE.sub(b" ", bytes(output[-64 * 1024 :])).decode("utf-8", "replace")
    text = re.sub(r"[\s\u2500-\u259f]+", " ", text).strip()
    return repr(text[-limit:])


def spawn(
    argv: list[str], size: tuple[int, int], env: dict[str, str], cwd: Path
) -> tuple[subprocess.Popen[bytes], int, float]:
    """Start ``argv`` on a new pty of ``size``: the child, the pty's master fd, the start time."""
    master, slave = pty.openpty()
    try:
        termios.tcsetwinsize(slave, (size[1], size[0]))  # rows, columns
        started = time.perf_counter()
        # Its own session and process group, as in startup.py: signalled as a whole, and
        # nothing it does can reach this script's terminal.
        proc = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env, start_new_session=True
        )
        return proc, master, started
    except BaseException:
        os.close(master)
        raise
    finally:
        os.close(slave)  # only the child may hold it, or its exit would go unseen


class Text:
    """A marker: this text has been written."""

    def __init__(self, text: str) -> None:
        self.text = text.encode()
        self.scanned = 0

    def __str__(self) -> str:
        return repr(self.text)

    def seen(self, output: bytearray, new: int) -> bool:
        # From where the last look ended (back across a read's end, where a marker may
        # straddle two reads): text written before an earlier marker appeared counts too.
        start, self.scanned = max(0, self.scanned - len(self.text)), len(output)
        return output.find(self.text, start) != -1


# A briefing's title as make_briefing writes it, drawn on one row of the list: what tells a
# row showing its title from one showing a file name (or an empty list's border).
TITLE = re.compile(
    rb"(?:" + rb"|".join(re.escape(c.encode()) for c in COMPANIES) + rb"): [a-z ]+ of "
    rb"[^\x1b\r\n]{1,40}? in Q[1-4] \d{4}(?: #\d+)?"
)


class Titles:
    """A marker: ``count`` different titles of briefings have been drawn (1: the first title
    on screen; a screen's rows: the first screenful of titles)."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.titles: set[bytes] = set()
        self.scanned = 0

    def __str__(self) -> str:
        return f"{self.count} titles (saw {len(self.titles)})"

    def seen(self, output: bytearray, new: int) -> bool:
        for match in TITLE.finditer(output, max(0, self.scanned - 200)):
            self.titles.add(match.group())
        self.scanned = len(output)
        return len(self.titles) >= self.count


Marker = str | Text | Titles


def run_pty(
    name: str,
    argv: list[str],
    markers: list[Marker],
    *,
    size: tuple[int, int],
    env: dict[str, str],
    cwd: Path,
    timeout: float,
    linger: Callable[[], bool] | None = None,
) -> Run:
    """Seconds from spawn to each marker on the pty, then the child's peak RSS.

    ``linger``: keep the child running (and its output drained) after the last marker until
    this returns True.
    """
    proc, master, started = spawn(argv, size, env, cwd)
    wanted = [Text(m) if isinstance(m, str) else m for m in markers]
    found: list[float] = []
    output = bytearray()
    try:
        deadline = started + timeout
        while len(found) < len(wanted) or (linger is not None and not linger()):
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                waiting = wanted[len(found)] if len(found) < len(wanted) else "(linger)"
                raise startup.MeasureError(
                    f"{name}: {waiting} did not appear within {timeout:g} s; "
                    f"the screen's text last ended with: {screen_text(output)}"
                )
            if not select.select([master], [], [], min(remaining, 0.05))[0]:
                continue
            chunk = startup.read_chunk(master)
            now = time.perf_counter()
            if not chunk:
                raise startup.MeasureError(
                    f"{name}: closed its terminal before {markers[len(found) :]}; its "
                    f"output ended with: {screen_text(output)}"
                )
            output += chunk
            while len(found) < len(wanted) and wanted[len(found)].seen(output, len(chunk)):
                found.append(now - started)
    finally:
        try:
            usage = reap(proc, master)
        finally:
            os.close(master)
    return Run(found, usage.ru_maxrss)


@dataclass
class Setup:
    root: Path
    size: tuple[int, int]
    briefing: str  # the console script
    # --compare: the other code's source folder, put first on its children's PYTHONPATH
    # (the same console script then imports it); its XDG folders are named apart.
    src: Path | None = None
    tag: str = ""

    def env(self, name: str) -> dict[str, str]:
        """The children's environment, with XDG folders of their own under ``root``."""
        env: dict[str, str] = startup.child_env()  # startup is loaded by path: Any
        for variable in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
            path = self.root / "xdg" / (self.tag + name) / variable.split("_")[1].lower()
            path.mkdir(parents=True, exist_ok=True)
            env[variable] = str(path)
        if self.src is not None:
            env["PYTHONPATH"] = str(self.src)
        return env

    def fresh_env(self, name: str) -> dict[str, str]:
        shutil.rmtree(self.root / "xdg" / (self.tag + name), ignore_errors=True)
        return self.env(name)

    def bare(self) -> Run:
        argv = [sys.executable, "-c", startup.BARE_APP_SOURCE]
        return run_pty(
            "bare Textual",
            argv,
            [startup.BARE_MARKER],
            size=self.size,
            env=self.env("bare"),
            cwd=self.root,
            timeout=startup.RUN_TIMEOUT_S,
        )

    def markers(self, corpus: Corpus) -> list[Marker]:
        """First paint, first title, first screenful of titles, the filled library."""
        screenful = min(corpus.count, self.size[1] - SCREEN_CHROME)
        return [LIBRARY_MARKER, Titles(1), Titles(screenful), f"{corpus.count:,} briefings"]

    def library(
        self, corpus: Corpus, env: dict[str, str], linger: Callable[[], bool] | None = None
    ) -> Run:
        return run_pty(
            f"briefing ({corpus.count:,})",
            [self.briefing, str(corpus.folder)],
            self.markers(corpus),
            size=self.size,
            env=env,
            cwd=self.root,
            timeout=startup.RUN_TIMEOUT_S + corpus.count / 50,
            linger=linger,
        )


def cache_written(env: dict[str, str]) -> Callable[[], bool]:
    """True once the app has written its cache and the files have stopped changing."""
    cache_root = Path(env["XDG_CACHE_HOME"])
    seen: list[tuple[int, ...]] = []

    def check() -> bool:
        stamps = []
        for path in walk(cache_root):
            result = os.stat(path)
            stamps += [result.st_size, result.st_mtime_ns]
        seen.append(tuple(stamps))
        # Something written, and the same over the last six checks (at least ~0.25 s).
        return len(seen) >= 6 and bool(seen[-1]) and len(set(seen[-6:])) == 1

    return check


# --- (f): keystrokes through the pilot ----------------------------------------------------------


def corpus_size(folder: Path) -> int:
    return sum(1 for path in walk(folder) if path.endswith(".yaml"))


async def pilot_latencies(folder: Path, size: tuple[int, int], repeat: int) -> dict[str, float]:
    # Imported here: the pty runs measure processes that import it themselves.
    from briefing_reader.tui.app import make_library_app

    app = make_library_app([folder], use_cache=True, read_state=False)
    samples: dict[str, list[float]] = {"floor": [], "cursor": [], "filter": [], "search": []}

    async with app.run_test(size=size) as pilot:
        timeout = startup.RUN_TIMEOUT_S + corpus_size(folder) / 50
        await asyncio.wait_for(app.library_loaded.wait(), timeout)
        await pilot.pause()

        async def timed_press(kind: str, key: str) -> None:
            started = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            samples[kind].append(time.perf_counter() - started)

        await pilot.press("down", "up")  # warm the code path, untimed
        await pilot.pause()
        for _ in range(CURSOR_MOVES):
            await timed_press("floor", UNBOUND_KEY)
            await timed_press("cursor", "down")
        for _ in range(repeat):
            await pilot.press("f")
            await pilot.pause()
            for char in FILTER_TEXT:
                await timed_press("filter", char)
            await pilot.press("escape")
            await pilot.pause()
        for _ in range(repeat):
            await pilot.press("slash", *SEARCH_TEXT)
            await pilot.pause()
            await timed_press("search", "enter")
            await pilot.press("escape")
            await pilot.pause()
    return {kind: statistics.median(times) for kind, times in samples.items()}


# --- the report ---------------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    value: float | None  # seconds, or KiB for memory; None: not measured
    unit: str = "s"
    baseline: str | None = None  # the other figure's name, as printed in the ratio
    base: float | None = None
    target: float | None = None
    note: str = ""

    def cells(self) -> list[str]:
        if self.value is None:
            return [self.name, "-", "", "", "", self.note]
        shown = (
            f"{self.value * 1000:.1f} ms" if self.unit == "s" else f"{self.value / 1024:.0f} MiB"
        )
        if self.base is None or self.baseline is None:
            return [self.name, shown, "", "", "", self.note]
        ratio = self.value / self.base
        cells = [self.name, shown, f"{ratio:.2f}x {self.baseline}"]
        if self.target is None:
            return [*cells, "", "", self.note]
        # Judge the ratio as printed, so "1.50" never reads as a miss.
        verdict = "meets" if round(ratio, 2) <= self.target else "misses"
        return [*cells, f"<= {self.target:g}x", verdict, self.note]


def print_table(figures: list[Figure]) -> None:
    rows = [["figure", "median", "ratio", "target", "verdict", ""]]
    rows += [f.cells() for f in figures]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[5])


def median_of(runs: list[Run], index: int) -> float | None:
    return statistics.median(run.seconds[index] for run in runs) if runs else None


def report(
    count: int,
    read_s: float,
    parse_s: float,
    bare: list[Run],
    cold: list[Run],
    warm: list[Run],
    note: str,
) -> list[Figure]:
    """The figures of (a) to (e) and (g), each against its baseline and target."""
    a = median_of(bare, 0)
    floor = a + parse_s if a is not None else None
    rss_a = statistics.median(run.maxrss_kib for run in bare) if bare else None
    rss_e = statistics.median(run.maxrss_kib for run in warm) if warm else None
    n = f"{count:,}"
    return [
        Figure("(a) bare Textual first paint (process)", a),
        Figure("(b) read all files' bytes", read_s, "s", "(a)", a),
        Figure("(c) parse all, CSafeLoader, 1 process", parse_s, "s", "(a)", a),
        Figure("(d) cold: first paint", median_of(cold, 0), "s", "(a)", a, None, note),
        Figure("(d) cold: first title", median_of(cold, 1), "s", "(a)", a, None, note),
        Figure("(d) cold: first screenful of titles", median_of(cold, 2), "s", "(a)", a, 1.5,
               note),
        Figure(f"(d) cold: filled library ({n})", median_of(cold, 3), "s", "((a)+(c))", floor,
               0.6, note),
        Figure("(e) warm: first paint", median_of(warm, 0), "s", "(a)", a, 1.5, note),
        Figure("(e) warm: first title", median_of(warm, 1), "s", "(a)", a, 1.3, note),
        Figure(f"(e) warm: filled library ({n})", median_of(warm, 3), "s", "(a)", a, 1.6, note),
        Figure("(g) peak RSS of (a)", rss_a, "KiB"),
        Figure(f"(g) peak RSS of (e), filled ({n})", rss_e, "KiB", "(a)", rss_a, 1.5, note),
    ]  # fmt: skip


def pilot_figures(count: int, latencies: dict[int, dict[str, float]], note: str) -> list[Figure]:
    """The figures of (f): at 100 against the cursor move at 100, at N against the same at 100."""
    small, big = latencies.get(SMALL_COUNT, {}), latencies.get(count, {})
    cursor = small.get("cursor")
    n = f"{count:,}"
    return [
        Figure(f"(f) pilot floor (unbound key) at {SMALL_COUNT}", small.get("floor"), note=note),
        Figure(f"(f) pilot floor (unbound key) at {n}", big.get("floor"), note=note),
        Figure(f"(f) cursor move at {SMALL_COUNT}", cursor, note=note),
        Figure(f"(f) cursor move at {n}", big.get("cursor"), "s", "cursor@100", cursor, 1.2, note),
        Figure(f"(f) filter keystroke at {SMALL_COUNT}", small.get("filter"), "s", "cursor@100",
               cursor, None, note),
        Figure(f"(f) filter keystroke at {n}", big.get("filter"), "s", "cursor@100", cursor, 3.0,
               note),
        Figure(f"(f) search at {SMALL_COUNT}", small.get("search"), "s", "cursor@100", cursor,
               None, note),
        Figure(f"(f) search at {n}", big.get("search"), "s", "search@100", small.get("search"),
               None, note),
    ]  # fmt: skip


def source_folder(text: str) -> Path:
    """--compare's checkout: its ``src`` folder (the checkout's root or ``src`` itself)."""
    folder = Path(text).resolve()
    for candidate in (folder / "src", folder):
        if (candidate / "briefing_reader" / "cli.py").is_file():
            return candidate
    raise argparse.ArgumentTypeError(f"no briefing_reader package in {text} or {text}/src")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--count",
        type=startup.positive_int,
        default=10_000,
        help="briefings to generate (default 10000)",
    )
    parser.add_argument(
        "--repeat",
        type=startup.positive_int,
        default=3,
        help="repetitions of each figure; medians are printed (default 3)",
    )
    parser.add_argument(
        "--size",
        type=startup.parse_size,
        default=(120, 40),
        metavar="WxH",
        help="terminal size for the pty runs and the pilot (default 120x40)",
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: --count 1000 --repeat 1")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--no-date",
        dest="date",
        action="store_false",
        help="generate briefings without the optional date field",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the generator (default 1)")
    parser.add_argument(
        "--corpus",
        choices=("ours", "independent"),
        default="ours",
        help="ours: folders of 500 with 3 articles each, 5%% broken; independent: one flat "
        "folder, undated, one shared article that no quote is in (default ours)",
    )
    parser.add_argument(
        "--skip-keys", action="store_true", help="leave out (f), the pilot's key latencies"
    )
    parser.add_argument(
        "--compare",
        type=source_folder,
        metavar="DIR",
        help="also run (d), (e) and (g) with the code of another checkout (a worktree of the "
        "commit before, say), in turns with this one's, and print its figures after",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.quick:
        args.count, args.repeat = 1000, 1
    problem = startup.check_setup()
    if problem:
        print(f"library: error: {problem}", file=sys.stderr)
        return 1
    for src in (REPO_ROOT / "src", *([args.compare] if args.compare else [])):
        compileall.compile_dir(src / "briefing_reader", quiet=1)  # as pip would
    root = Path(tempfile.mkdtemp(prefix="briefing-library-bench-")).resolve()
    if (REPO_ROOT / "briefings").resolve() in (root, *root.parents):
        print(f"library: error: temporary folder {root} is under briefings/", file=sys.stderr)
        return 1
    try:
        return measure(args, root)
    finally:
        if args.keep:
            print(f"kept the generated briefings and caches in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


@dataclass
class Outcome:
    """What one part of the benchmark measured, or why it could not."""

    runs: dict[str, list[Run]] = field(default_factory=dict)
    latencies: dict[int, dict[str, float]] = field(default_factory=dict)
    floors: list[float] = field(default_factory=list)  # (c), once a turn
    failure: str = ""  # measuring failed: the exit status is non-zero

    @property
    def note(self) -> str:
        return "failed" if self.failure else ""


def measure_processes(
    setup: Setup,
    big: Corpus,
    small: Corpus,
    repeat: int,
    before: Setup | None = None,
    floor: Callable[[], float] | None = None,
) -> Outcome:
    """(a), (d), (e) and (g): bare, cold and warm runs, interleaved, after warm-ups; with
    ``before`` (--compare), its cold and warm runs too, in turns with this code's; with
    ``floor``, (c) once a turn: this machine's speed drifts by a third over minutes, and a
    (c) taken before all the runs moved the cold ratio from 0.59x to 0.89x between runs."""
    setups = [setup] if before is None else [setup, before]
    out = Outcome(runs={"bare": []})
    for each in setups:
        out.runs[each.tag + "cold"], out.runs[each.tag + "warm"] = [], []

    def attempt(work: Callable[[], Run]) -> Run | None:
        """A run of the app; once one fails, the bare runs go on alone."""
        if out.failure:
            return None
        try:
            return work()
        except (startup.MeasureError, OSError) as error:
            out.failure = str(error)
        return None

    warm_envs = {each.tag: each.fresh_env("warm") for each in setups}
    try:
        setup.bare()  # warm-up
        for each in setups:
            # A warm-up of the app, on the small library.
            attempt(functools.partial(each.library, small, each.fresh_env("probe")))
            # The warm cache: a cold run, left running until it has written its cache.
            env = warm_envs[each.tag]
            attempt(functools.partial(each.library, big, env, linger=cache_written(env)))
        for turn in range(repeat):
            if floor is not None:
                out.floors.append(floor())
            out.runs["bare"].append(setup.bare())
            for each in setups if turn % 2 == 0 else setups[::-1]:  # neither always first
                cold = attempt(functools.partial(each.library, big, each.fresh_env("cold")))
                warm = attempt(functools.partial(each.library, big, warm_envs[each.tag]))
                for kind, run in (("cold", cold), ("warm", warm)):
                    if run is not None:
                        out.runs[each.tag + kind].append(run)
    except (startup.MeasureError, OSError) as error:
        out.failure = out.failure or str(error)
    if out.failure:  # no partial series
        out.runs = {kind: runs if kind == "bare" else [] for kind, runs in out.runs.items()}
    return out


def measure_keys(setup: Setup, corpora: list[Corpus], repeat: int) -> Outcome:
    """(f): keystroke latencies through the pilot, in this process, at each corpus's size."""
    out = Outcome()
    try:
        for corpus in corpora:
            # Warm for N (the cache the pty runs filled); the 100 are indexed on first load.
            env = setup.env("warm" if corpus is corpora[0] else "pilot-100")
            os.environ.update({k: v for k, v in env.items() if k.startswith("XDG_")})
            # Make sure the cache is filled, outside Textual (whose stderr has no descriptor
            # for multiprocessing to pass on): the pilot measures keys, not loading.
            Index.load([corpus.folder])
            out.latencies[corpus.count] = asyncio.run(
                pilot_latencies(corpus.folder, setup.size, max(5, repeat))
            )
    except Exception as error:  # whatever the app does wrong, the rest is still reported
        out.failure = f"{type(error).__name__}: {error}"
    return out


def measure(args: argparse.Namespace, root: Path) -> int:
    say(f"generating {args.count:,} + {SMALL_COUNT} briefings in {root}...")
    if args.corpus == "independent":
        big = make_independent_corpus(root / "library", args.count, args.seed)
        small = make_independent_corpus(root / "library-100", SMALL_COUNT, args.seed + 1)
    else:
        big = make_corpus(root / "library", args.count, args.seed, args.date)
        small = make_corpus(root / "library-100", SMALL_COUNT, args.seed + 1, args.date)
    script = str(Path(sys.executable).with_name("briefing"))
    setup = Setup(root, args.size, script)
    before = (
        None if args.compare is None else Setup(root, args.size, script, args.compare, "before-")
    )

    say("(b): reading in this process...")
    read_all(big.folder)  # warm the page cache (and nothing is ever dropped from it)
    read_s = statistics.median(timed(lambda: read_all(big.folder)) for _ in range(args.repeat))
    say("(a), (c), (d), (e), (g): (c) in this process, the rest as whole processes in a pty...")
    procs = measure_processes(
        setup, big, small, args.repeat, before, floor=lambda: timed(lambda: parse_all(big.folder))
    )
    parse_s = statistics.median(procs.floors) if procs.floors else float("nan")
    keys = Outcome()
    if not args.skip_keys:
        say("(f): keystrokes through the pilot...")
        keys = measure_keys(setup, [big, small], args.repeat)

    runs = procs.runs
    figures = report(args.count, read_s, parse_s, runs["bare"], runs["cold"], runs["warm"],
                     procs.note)  # fmt: skip
    figures += pilot_figures(args.count, keys.latencies, keys.note)
    planted = ", ".join(f"{v} {k}" for k, v in sorted(big.planted.items())) or "none"
    loader = f"{FAST_LOADER.__name__}, yaml.__with_libyaml__={yaml.__with_libyaml__}"
    print(
        f"library benchmark: N={args.count:,} ({big.total_bytes / args.count / 1024:.1f} KiB "
        f"per briefing, {big.files:,} files with sources; corpus {args.corpus}; planted "
        f"problems: {planted}); "
        f"{os.cpu_count()} CPUs; Python {platform.python_version()}; PyYAML {yaml.__version__} "
        f"({loader}); pty {args.size[0]}x{args.size[1]}; medians of {args.repeat}"
    )
    print(
        "page cache warm for every figure (nothing dropped); (b), (c) and (f) run in this "
        "process, (a), (d), (e) as whole processes"
    )
    print_table(figures)
    if before is not None:
        print(f"the code in {args.compare} (--compare), in turns with the above, same (a) and (c):")
        compared = report(
            args.count, read_s, parse_s, runs["bare"], runs["before-cold"], runs["before-warm"],
            procs.note,
        )  # fmt: skip
        print_table(
            [f for f in compared if f.name.startswith(("(d)", "(e)", "(g) peak RSS of (e)"))]
        )
    for part, outcome in (("(d), (e), (g)", procs), ("(f)", keys)):
        if outcome.failure:
            print(f"library: measuring {part} failed: {outcome.failure}", file=sys.stderr)
    return 1 if procs.failure or keys.failure else 0


if __name__ == "__main__":
    sys.exit(main())
