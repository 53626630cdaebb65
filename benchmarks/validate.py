"""How much does `briefing validate` cost beyond parsing the YAML at all?

Generates N realistic briefings (default 1,000: varied lengths, evidence drawn
from their own source articles, a few with problems) in a temporary folder,
then measures in one process, as medians of several repetitions:

  (a) the bare parse: read every file and ``yaml.load`` it with PyYAML's
      fastest loader (libyaml's CSafeLoader when present);
  (b) our full check: read, decode, compose safely, build the model, and match
      every evidence excerpt against its source article (what `validate` does,
      minus printing).

and prints both with the ratio (b)/(a). Target: <= 1.5.

Then the same for a second corpus where every excerpt and quote has one word changed, so
every one of them fails and is explained (the article's closest passage found, the
difference located in the YAML): what a briefing whose source was swapped costs. The
target is for the first corpus; the second has none and prints its cost a file.
Usage: .venv/bin/python benchmarks/validate.py [--count 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from briefing_reader.checks.validate import SourceCache, check_file
from briefing_reader.loading import discover

TARGET = 1.5
WORDS = (
    "revenue margin bitcoin energy costs data center expansion investors analysts quarter "
    "guidance capacity demand pricing debt restructuring growth loss profit shares market "
    "computing infrastructure customers contracts outlook"
).split()

try:
    FAST_LOADER: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # PyYAML without libyaml: compare like with like
    FAST_LOADER = yaml.SafeLoader


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + f" {rng.randint(1, 999)} million."


def make_corpus(folder: Path, count: int, seed: int = 7, *, tamper: bool = False) -> None:
    """``count`` briefings citing their articles; with ``tamper``, every excerpt and quote
    has one word changed, so that none of them is in its article."""
    rng = random.Random(seed)
    sources = folder / "sources"
    sources.mkdir()
    articles: list[tuple[str, list[str]]] = []
    for index in range(max(1, count // 10)):
        sentences = [sentence(rng, rng.randint(8, 30)) for _ in range(rng.randint(20, 60))]
        name = f"article-{index}.txt"
        (sources / name).write_text(f"Headline {index}\n\n" + " ".join(sentences) + "\n")
        articles.append((name, sentences))
    for index in range(count):
        name, sentences = rng.choice(articles)

        def pick(sentences: list[str] = sentences) -> str:
            return rng.choice(sentences)

        def quote(sentences: list[str] = sentences) -> str:
            words = pick(sentences).split()
            if tamper:
                words[rng.randrange(len(words))] = "tampered"
            return " ".join(words)

        doc = {
            "format": "briefing/1",
            "id": f"briefing-{index}",
            "title": sentence(rng, rng.randint(5, 12)),
            "subject": "Company " + str(index % 97),
            "period": f"Q{index % 4 + 1} 2024",
            "summary": " ".join(pick() for _ in range(rng.randint(1, 3))),
            "tags": rng.sample(WORDS, 3),
            "source": {"title": f"Headline {name}", "file": f"sources/{name}"},
            "headline_facts": [
                {
                    "label": f"Fact {i}",
                    "value": f"${rng.randint(1, 999)} million",
                    "evidence": quote(),
                }
                for i in range(rng.randint(2, 8))
            ],
            "loss_drivers": [
                {"title": f"Driver {i}", "detail": pick(), "evidence": quote()}
                for i in range(rng.randint(1, 4))
            ],
            "ceo_quote": {"text": quote(), "speaker": "A. Person", "role": "CEO"},
            "open_questions": [
                {"question": pick()[:-1] + "?", "why": pick()} for _ in range(rng.randint(1, 4))
            ],
        }
        if index % 20 == 0:  # some have problems: a changed excerpt and an unknown key
            doc["headline_facts"][0]["evidence"] = "Not in the article at all."
            doc["headlines"] = "typo"
        # JSON is YAML: a compact, correctly quoted rendering of each document.
        text = yaml.safe_dump(json.loads(json.dumps(doc)), sort_keys=False, width=100)
        (folder / f"briefing-{index:05}.yaml").write_text(text)


def bare_parse(files: list[Path]) -> None:
    for path in files:
        yaml.load(path.read_bytes(), Loader=FAST_LOADER)


def full_check(files: list[Path]) -> None:
    cache = SourceCache()
    for path in files:
        check_file(path, cache=cache)


def median_seconds(work: Callable[[list[Path]], None], files: list[Path], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work(files)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(folder: Path, count: int, repeat: int, *, tamper: bool) -> tuple[float, float]:
    """The medians of (a) the bare parse and (b) our full check of a fresh corpus."""
    make_corpus(folder, count, tamper=tamper)
    files = discover([folder])
    size = sum(f.stat().st_size for f in files)
    kind = "every excerpt changed" if tamper else "5% with problems"
    print(f"{len(files):,} briefings ({kind}), {size / len(files) / 1024:.1f} KiB each")
    # Warm the page cache and both code paths once before timing.
    bare_parse(files)
    full_check(files)
    bare: list[float] = []
    ours: list[float] = []
    for _ in range(repeat):  # interleaved, so machine noise hits both alike
        bare.append(median_seconds(bare_parse, files, 1))
        ours.append(median_seconds(full_check, files, 1))
    return statistics.median(bare), statistics.median(ours)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    loader = FAST_LOADER.__name__
    for tamper in (False, True):
        with tempfile.TemporaryDirectory(prefix="briefing-bench-") as tmp:
            a, b = measure(Path(tmp), args.count, args.repeat, tamper=tamper)
        print(f"(a) bare yaml.load ({loader}): {a * 1000:.0f} ms")
        print(f"(b) briefing validate checks:  {b * 1000:.0f} ms")
        if tamper:
            # No target: each failure is explained (its closest passage searched and
            # diffed), work a library of good briefings never pays; shown so it is seen.
            print(
                f"validate: {b / a:.2f}x the bare parse of {args.count:,} briefings "
                f"(every excerpt failing, median of {args.repeat}); "
                f"{(b - a) / args.count * 1000:.1f} ms a file more than the parse"
            )
            continue
        verdict = "meets" if round(b / a, 2) <= TARGET else "MISSES"
        print(
            f"validate: {b / a:.2f}x the bare parse of {args.count:,} briefings "
            f"(median of {args.repeat}); target <= {TARGET}: {verdict}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
