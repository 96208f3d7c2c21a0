"""Benchmark: the project's matcher (`Assistant.ask`) beside a naive rapidfuzz baseline.

Run from the project root:

    .venv/bin/python bench/bench_matching.py            # full run (about a minute on 2 cores)
    .venv/bin/python bench/bench_matching.py --quick    # one timed pass instead of five

For two FAQ sizes -- the shipped FAQ and a synthetic FAQ of 5,000 topics (the shipped
topics plus generated ones) -- it prints, per matcher:

* accuracy on the measuring questions (`--questions`, CSV `text,expected`): the share of
  FAQ rows answered with the right topic and the share of `none` rows left unanswered;
* latency per message (p50, p99 in ms) over several timed passes after one warm-up pass,
  plus the p99 of the warm-up ("cold") pass, which includes first-time work such as
  stemming and typo correction that the normaliser caches afterwards;
* build time and resident set size (RSS) after building.

Every (FAQ size, matcher) pair runs in its own fresh Python process, one after another,
so RSS and caches of one do not leak into the next. This is a script, not a pytest test.
The measuring questions are read at run time only; nothing from them is stored here.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import code_version as shared_code_version  # noqa: E402  (path set above)
from benchlib import percentile_ms, rss_kib  # noqa: E402

DEFAULT_QUESTIONS = PROJECT_ROOT.parent / "shared" / "eval" / "ask_dev.csv"
FAQ_DIR = PROJECT_ROOT / "faq" / "content"
OPD_FILE = PROJECT_ROOT / "data" / "opd.yaml"

BASELINE_CUTOFF = 70  # WRatio score (0-100) at or above which the baseline answers
SYNTHETIC_SIZE = 5000
SEED = 20250101
SYNTHETIC_AREA = "sintetis"

VOCAB_MODES = ("weighted", "uniform")


# -- measuring helpers ---------------------------------------------------------------
def percentile(samples: list[int], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of nanosecond samples, in milliseconds."""
    return percentile_ms(samples, q)


def read_questions(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"text", "expected"} <= set(reader.fieldnames):
            raise SystemExit(f"{path}: needs a CSV header with columns text,expected")
        return [(row["text"], row["expected"].strip()) for row in reader if row.get("text")]


# -- synthetic FAQ -------------------------------------------------------------------
def _made_up_word(rng: random.Random, taken: set[str]) -> str:
    # Starts with q/x/v/z and has three syllables: not an Indonesian word, not a slang entry.
    while True:
        word = rng.choice("qxvz") + rng.choice("aiueo")
        word += "".join(rng.choice("bdgklmnprst") + rng.choice("aiueo") for _ in range(2))
        if word not in taken:
            taken.add(word)
            return word


def synthesize(knowledge, size: int, seed: int, vocab: str = "weighted"):  # -> KnowledgeBase
    """The shipped topics plus generated ones up to `size` topics, deterministically.

    Generated text combines words from the shipped FAQ's own questions, phrasings and
    keywords. `vocab="weighted"` draws them in proportion to their frequency there, so a
    word such as "ktp" is as common across 5,000 topics as across the shipped 47 (long
    posting lists: a stress test for latency and for confusion). `vocab="uniform"` draws
    each distinct word equally often (no word dominates). Each topic also gets a made-up
    keyword (in its question, its keywords and two thirds of its phrasings) so the topics
    stay distinct, as real topics are distinct by their subject.
    """
    from faq.knowledge import Area, KnowledgeBase
    from faq.models import Topic

    rng = random.Random(seed)
    shipped = list(knowledge.topics.values())
    tokens: list[str] = []
    for topic in shipped:
        for text in (topic.question, *topic.phrasings, *topic.keywords):
            tokens.extend(w for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 2)
    taken = set(tokens)
    if vocab == "uniform":
        tokens = sorted(taken)
    elif vocab != "weighted":
        raise ValueError(f"unknown vocab mode {vocab!r}")
    opd_ids = sorted(knowledge.opds)
    phrasing_lengths = [len(p.split()) for t in shipped for p in t.phrasings] or [5]

    def words(n: int) -> list[str]:
        return [rng.choice(tokens) for _ in range(n)]

    topics = dict(knowledge.topics)
    new_ids: list[str] = []
    updated = dt.date(2025, 1, 1)
    for number in range(1, size - len(shipped) + 1):
        made_up = _made_up_word(rng, taken)
        question = words(rng.randint(4, 7))
        question.insert(rng.randrange(len(question) + 1), made_up)
        phrasings = []
        for _ in range(rng.randint(12, 18)):  # about 15 per topic
            phrasing = words(max(2, rng.choice(phrasing_lengths)))
            if rng.random() < 2 / 3:
                phrasing.insert(rng.randrange(len(phrasing) + 1), made_up)
            phrasings.append(" ".join(phrasing))
        extra = rng.randint(3, 7)
        keywords = [made_up] + [" ".join(words(rng.randint(1, 2))) for _ in range(extra)]
        answer = " ".join(words(rng.randint(60, 110))).capitalize() + "."
        topic_id = f"sintetis-{number:05d}"
        topics[topic_id] = Topic(
            id=topic_id,
            opd=rng.choice(opd_ids),
            question=" ".join(question).capitalize() + "?",
            phrasings=phrasings,
            keywords=keywords,
            answer=answer,
            updated=updated,
            area=SYNTHETIC_AREA,
        )
        new_ids.append(topic_id)
    areas = (*knowledge.areas, Area(SYNTHETIC_AREA, "Topik sintetis", tuple(new_ids), 999))
    return KnowledgeBase(topics, areas, knowledge.opds, knowledge.notes)


# -- one configuration, in its own process -------------------------------------------
def run_worker(faq: str, matcher: str, questions: Path, passes: int, size: int, seed: int) -> dict:
    from faq.knowledge import load_knowledge

    # Import the matcher's code first, so "+build MiB" and "build s" cover building only.
    if matcher == "project":
        from bot.services.assistant import Assistant
    else:
        from rapidfuzz import fuzz, process

    cases = read_questions(questions)
    knowledge, problems = load_knowledge(FAQ_DIR, OPD_FILE)
    if knowledge is None:
        raise SystemExit("shipped FAQ does not load:\n" + "\n".join(map(str, problems)))
    if faq != "shipped":
        knowledge = synthesize(knowledge, size, seed, vocab=faq)
    unknown = {e for _, e in cases if e != "none" and e not in knowledge.topics}

    gc.collect()
    rss_before, _ = rss_kib()
    started = time.perf_counter()
    if matcher == "project":
        assistant = Assistant(knowledge)

        def answer(text: str) -> str | None:
            reply = assistant.ask(text)
            return reply.topic.id if reply.intent == "faq" and reply.topic is not None else None

    else:
        ids = list(knowledge.topics)
        choices = [knowledge.topics[i].question for i in ids]  # one question per topic

        def answer(text: str) -> str | None:
            found = process.extractOne(text, choices, scorer=fuzz.WRatio)
            return ids[found[2]] if found is not None and found[1] >= BASELINE_CUTOFF else None

    build_s = time.perf_counter() - started
    gc.collect()
    rss_after, rss_peak = rss_kib()

    perf = time.perf_counter_ns
    texts = [text for text, _ in cases]

    def timed_pass() -> tuple[list[int], list[str | None]]:
        times, got = [], []
        for text in texts:
            t0 = perf()
            result = answer(text)
            times.append(perf() - t0)
            got.append(result)
        return times, got

    cold, got = timed_pass()  # warm-up pass: also the accuracy pass
    warm: list[int] = []
    for _ in range(passes):
        times, again = timed_pass()
        warm.extend(times)
        if again != got:
            raise SystemExit(f"{faq}/{matcher}: answers changed between passes")

    faq_ok = sum(g == e for (_, e), g in zip(cases, got, strict=True) if e != "none")
    wrong = [g for (_, e), g in zip(cases, got, strict=True) if e != "none" and g not in (e, None)]
    none_ok = sum(g is None for (_, e), g in zip(cases, got, strict=True) if e == "none")
    n_none = sum(e == "none" for _, e in cases)
    return {
        "faq": faq,
        "matcher": matcher,
        "topics": len(knowledge.topics),
        "faq_ok": faq_ok,
        "faq_n": len(cases) - n_none,
        "faq_wrong": len(wrong),
        "faq_wrong_synthetic": sum(g.startswith("sintetis-") for g in wrong),
        "none_ok": none_ok,
        "none_n": n_none,
        "unknown_expected": sorted(unknown),
        "p50_ms": percentile(warm, 50),
        "p99_ms": percentile(warm, 99),
        "max_ms": max(warm) / 1e6,
        "cold_p50_ms": percentile(cold, 50),
        "cold_p99_ms": percentile(cold, 99),
        "samples": len(warm),
        "build_s": build_s,
        "rss_mib": rss_after / 1024,
        "build_rss_mib": (rss_after - rss_before) / 1024,
        "peak_rss_mib": rss_peak / 1024,
    }


# -- driver ------------------------------------------------------------------------------
def machine_info() -> list[str]:
    import rapidfuzz

    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    return [
        f"python    {platform.python_implementation()} {platform.python_version()}",
        f"platform  {platform.platform()}",
        f"cpu       {cpu}; os.cpu_count()={os.cpu_count()}, usable={usable}",
        f"rapidfuzz {rapidfuzz.__version__}",
        f"code      {code_version()}",
    ]


def code_version() -> str:
    """The commit measured, and whether the matching code differs from it."""
    return shared_code_version(("faq", "bot/services"))


def table(results: list[dict]) -> list[str]:
    header = (
        "faq size",
        "matcher",
        "faq acc",
        "faq wrong",
        "none acc",
        "p50 ms",
        "p99 ms",
        "cold p99 ms",
        "build s",
        "RSS MiB",
        "+build MiB",
    )
    rows = []
    for r in results:
        name = "project" if r["matcher"] == "project" else f"baseline WRatio>={BASELINE_CUTOFF}"
        shipped = r["faq"] == "shipped"
        wrong = str(r["faq_wrong"])
        if not shipped:
            wrong += f" ({r['faq_wrong_synthetic']} synth)"
        rows.append(
            (
                f"shipped ({r['topics']})" if shipped else f"{r['topics']} {r['faq']}",
                name,
                f"{r['faq_ok'] / r['faq_n']:.3f} ({r['faq_ok']}/{r['faq_n']})",
                wrong,
                f"{r['none_ok'] / r['none_n']:.3f} ({r['none_ok']}/{r['none_n']})",
                f"{r['p50_ms']:.3f}",
                f"{r['p99_ms']:.3f}",
                f"{r['cold_p99_ms']:.3f}",
                f"{r['build_s']:.2f}",
                f"{r['rss_mib']:.1f}",
                f"{r['build_rss_mib']:.1f}",
            )
        )
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    numeric = set(range(5, len(header)))

    def fmt(cells: tuple[str, ...]) -> str:
        return " | ".join(
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return [fmt(header), "-+-".join("-" * w for w in widths), *(fmt(row) for row in rows)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--questions",
        type=Path,
        default=DEFAULT_QUESTIONS,
        help=f"CSV text,expected (default: {DEFAULT_QUESTIONS})",
    )
    parser.add_argument("--passes", type=int, default=5, help="timed passes after the warm-up")
    parser.add_argument("--quick", action="store_true", help="one timed pass (same as --passes 1)")
    parser.add_argument(
        "--size",
        type=int,
        default=SYNTHETIC_SIZE,
        help="topics in the synthetic FAQ, shipped ones included",
    )
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the synthetic FAQ")
    parser.add_argument(
        "--vocab",
        choices=(*VOCAB_MODES, "both"),
        default="both",
        help="how generated topics draw words (default: both)",
    )
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--worker", nargs=2, metavar=("FAQ", "MATCHER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    passes = 1 if args.quick else args.passes
    questions = args.questions.resolve()

    if args.worker:
        faq, matcher = args.worker
        result = run_worker(faq, matcher, questions, passes, args.size, args.seed)
        print(json.dumps(result))
        return

    if not questions.is_file():
        raise SystemExit(f"no measuring questions at {questions} (use --questions PATH)")
    started = time.perf_counter()
    print("Matching benchmark: project matcher (Assistant.ask) vs naive baseline")
    print(*machine_info(), sep="\n")
    print(f"questions {questions} ({len(read_questions(questions))} rows)")
    print(
        f"timing    1 warm-up pass + {passes} timed pass(es) per configuration, "
        f"each configuration in a fresh process; synthetic FAQ seed {args.seed}"
    )
    print(
        f"baseline  rapidfuzz.process.extractOne(text, [question per topic], "
        f"scorer=fuzz.WRatio), answers when score >= {BASELINE_CUTOFF}"
    )
    print()
    modes = VOCAB_MODES if args.vocab == "both" else (args.vocab,)
    configs = [(faq, m) for faq in ("shipped", *modes) for m in ("project", "baseline")]
    results = []
    for faq, matcher in configs:
        command = [
            sys.executable,
            __file__,
            "--worker",
            faq,
            matcher,
            "--questions",
            str(questions),
            "--passes",
            str(passes),
            "--size",
            str(args.size),
            "--seed",
            str(args.seed),
        ]
        print(f"  running {faq}/{matcher} ...", file=sys.stderr, flush=True)
        done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stderr)
            raise SystemExit(f"{faq}/{matcher} failed (exit {done.returncode})")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print(*table(results), sep="\n")
    print()
    samples = results[0]["samples"]
    print(
        f"p50/p99: nearest rank over {samples} timed calls per row (questions x passes), "
        "warm normaliser caches; cold p99: the warm-up pass alone."
    )
    print(
        "RSS MiB: process RSS right after building (knowledge loaded, matcher built); "
        "+build MiB: growth of RSS during the build alone."
    )
    print(
        "faq acc: FAQ rows answered with the expected topic; faq wrong: FAQ rows answered "
        "with another topic (synth: a generated one); none acc: none rows given no answer."
    )
    print(
        f"synthetic: shipped topics + generated ones up to {args.size}; 'weighted' draws "
        "words by their frequency in the shipped FAQ, 'uniform' draws each distinct word "
        "equally often."
    )
    missing = sorted({t for r in results for t in r["unknown_expected"]})
    if missing:
        print(f"note: expected topic ids not in the shipped FAQ (always wrong): {missing}")
    print(f"total benchmark time {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
