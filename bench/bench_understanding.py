"""Benchmark: how the bot understands residents, four matcher variants side by side.

    .venv/bin/python bench/bench_understanding.py           # full run, about 10 min on 2 cores
    .venv/bin/python bench/bench_understanding.py --quick   # 2 folds, 1 pass, 1,000 topics

Variants, each in fresh Python processes, one after another (PYTHONHASHSEED=0):

* previous: the code at commit f69f6af with its own FAQ and lexicon (`git archive` into a
  temporary folder, run with the same venv);
* current: today's `Assistant` as shipped (lexical matcher + naive Bayes second opinion);
* lexical only: today's code with `faq.matcher.BAYES_ENABLED = False`;
* char n-grams: today's `Assistant` with the FAQ matcher replaced by bench/ngram.py (TF-IDF
  over char_wb 3-5-grams, not shipped). Its answer threshold is the one of 0.20-0.80 with
  the best top-1 - 3 x wrong rate - 1 x out-of-scope answered rate (bench/calibrate.py's
  rule) on the held-out folds and bench/data/out_of_scope.txt, so its held-out figures
  are measured on what the threshold was picked on (one parameter: slightly optimistic).

Per variant: held-out FAQ phrasings (k folds as `python -m bot eval holdout`), top-1 and
wrong answers; per CSV given with --questions (`text,expected`, read at run time, nothing
copied): FAQ rows answered right / wrong, `none` rows kept out (no FAQ answer),
`complaint:<opd>` rows with the right OPD; per `ask`, after a warm-up pass, p50/p99 wall
time and p99 CPU time of the thread (robust to other people's jobs on a shared machine)
at the shipped FAQ and at a synthetic FAQ of --size topics (bench_matching.synthesize,
"weighted"); build time of `Assistant(knowledge)` and RSS right after it.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
from bench_matching import SEED, SYNTHETIC_SIZE, read_questions, synthesize  # noqa: E402
from benchlib import (  # noqa: E402
    PROJECT_ROOT,
    Stopwatch,
    code_version,
    machine_info,
    percentile_ms,
    rss_kib,
    run_json_worker,
)

PREVIOUS_COMMIT = "f69f6af"
VARIANTS = {
    "previous": f"previous ({PREVIOUS_COMMIT})",
    "current": "current",
    "lexical": "lexical only",
    "ngram": "char n-grams",
}
OUT_OF_SCOPE = BENCH_DIR / "data" / "out_of_scope.txt"
WRONG_COST, OOS_COST = 3.0, 1.0  # as bench/calibrate.py
THRESHOLDS = [round(0.20 + 0.02 * i, 2) for i in range(31)]
TARGETS = {"p99_shipped": 5.0, "p99_synthetic": 50.0, "rss_shipped": 120.0}


def default_questions() -> list[Path]:
    """ask_dev.csv and ask_dev2.csv from ../shared/eval, or beside the main checkout when
    this is a git worktree (/work/wt/x -> /work/shared/eval)."""
    roots = [PROJECT_ROOT.parent]
    try:
        common = subprocess.run(
            ["git", "rev-parse", "--path-format=absolute", "--git-common-dir"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        roots.append(Path(common).parent.parent)
    except (OSError, subprocess.CalledProcessError):
        pass
    for root in roots:
        found = [root / "shared" / "eval" / n for n in ("ask_dev.csv", "ask_dev2.csv")]
        found = [p for p in found if p.is_file()]
        if found:
            return found
    return []


# -- inside a worker process ------------------------------------------------------------
def prepare(variant: str, root: Path, threshold: float):
    """Import the variant's `Assistant` from `root` (the temporary checkout for "previous")."""
    sys.path.insert(0, str(root))
    import faq

    if not Path(faq.__file__).resolve().is_relative_to(root):
        raise SystemExit(f"faq imported from {faq.__file__}, not from {root}")
    if variant == "lexical":
        import faq.matcher

        faq.matcher.BAYES_ENABLED = False
    elif variant == "ngram":
        import ngram

        import bot.services.assistant

        bot.services.assistant.Matcher = ngram.NgramMatcher  # type: ignore[misc]
        ngram.THRESHOLD = threshold
    from bot.services.assistant import Assistant

    return Assistant


def load(root: Path):
    from faq.knowledge import load_knowledge

    knowledge, problems = load_knowledge(root / "faq" / "content", root / "data" / "opd.yaml")
    if knowledge is None:
        raise SystemExit("FAQ does not load:\n" + "\n".join(map(str, problems)))
    return knowledge


def outcome(reply) -> str:
    if reply.intent == "faq" and reply.topic is not None:
        return reply.topic.id
    if reply.intent == "complaint":
        return f"complaint:{reply.opd}"
    return "none"


def split_folds(knowledge, folds: int):
    """As bot.evaluation.evaluate_holdout (which the previous code does not have)."""
    for fold in range(folds):
        held, topics = [], {}
        for topic_id, topic in knowledge.topics.items():
            kept = [p for i, p in enumerate(topic.phrasings) if i % folds != fold]
            held += [(p, topic_id) for i, p in enumerate(topic.phrasings) if i % folds == fold]
            topics[topic_id] = topic.model_copy(update={"phrasings": kept})
        yield replace(knowledge, topics=topics), held


def count(outcomes: list[tuple[str, str]]) -> dict:
    asked = len(outcomes)
    right = sum(got == want for got, want in outcomes)
    wrong = sum(
        got not in (want, "none") and not got.startswith("complaint:") for got, want in outcomes
    )
    return {"asked": asked, "right": right, "wrong": wrong}


def worker_holdout(variant: str, root: Path, folds: int) -> dict:
    assistant_class = prepare(variant, root, 1.0)
    from faq.normalize import Lexicon

    lexicon, knowledge = Lexicon.load(), load(root)
    started = time.perf_counter()
    if variant != "ngram":
        outcomes = []
        for fold_knowledge, held in split_folds(knowledge, folds):
            assistant = assistant_class(fold_knowledge, lexicon)
            outcomes += [(outcome(assistant.ask(text)), want) for text, want in held]
        return {**count(outcomes), "seconds": time.perf_counter() - started}
    # char n-grams: every threshold of the grid on the same folds (rankings cached).
    import ngram

    per_threshold: dict[float, list[tuple[str, str]]] = {t: [] for t in THRESHOLDS}
    for fold_knowledge, held in split_folds(knowledge, folds):
        assistant = assistant_class(fold_knowledge, lexicon)
        assistant.matcher.memo = {}
        readings = [(assistant.read(text), want) for text, want in held]
        for threshold in THRESHOLDS:
            ngram.THRESHOLD = threshold
            per_threshold[threshold] += [
                (outcome(assistant.ask(r.text, r)), want) for r, want in readings
            ]
    assistant = assistant_class(knowledge, lexicon)
    assistant.matcher.memo = {}
    lines = OUT_OF_SCOPE.read_text(encoding="utf-8").splitlines()
    oos = [assistant.read(ln.strip()) for ln in lines if ln.strip() and not ln.startswith("#")]
    grid = []
    for threshold in THRESHOLDS:
        ngram.THRESHOLD = threshold
        outs = [outcome(assistant.ask(r.text, r)) for r in oos]
        answered = sum(o != "none" and not o.startswith("complaint:") for o in outs)
        c = count(per_threshold[threshold])
        utility = (c["right"] - WRONG_COST * c["wrong"]) / c["asked"] - OOS_COST * answered / len(
            oos
        )
        grid.append({**c, "threshold": threshold, "oos_answered": answered, "utility": utility})
    best = max(grid, key=lambda g: g["utility"])
    return {**best, "oos_n": len(oos), "grid": grid, "seconds": time.perf_counter() - started}


def worker_serve(variant, root, faq_kind, files, passes, size, seed, threshold) -> dict:
    assistant_class = prepare(variant, root, threshold)
    cases = [(i, text, want) for i, f in enumerate(files) for text, want in read_questions(f)]
    knowledge = load(root)
    if faq_kind == "synthetic":
        knowledge = synthesize(knowledge, size, seed, vocab="weighted")
    gc.collect()
    started = time.perf_counter()
    assistant = assistant_class(knowledge)
    build_s = time.perf_counter() - started
    gc.collect()
    rss, peak = rss_kib()
    wall, cpu = time.perf_counter_ns, time.thread_time_ns

    def timed_pass() -> tuple[list[int], list[int], list[str]]:
        times, cpu_times, got = [], [], []
        for _, text, _ in cases:
            t0, c0 = wall(), cpu()
            reply = assistant.ask(text)
            times.append(wall() - t0)
            cpu_times.append(cpu() - c0)
            got.append(outcome(reply))
        return times, cpu_times, got

    cold, cold_cpu, got = timed_pass()  # warm-up pass; also the accuracy pass
    warm, warm_cpu = [], []
    clock = Stopwatch().start()
    for _ in range(passes):
        times, cpu_times, _ = timed_pass()
        warm += times
        warm_cpu += cpu_times
    busy = clock.stop()
    warm, warm_cpu = warm or cold, warm_cpu or cold_cpu
    per_file = []
    for i, _ in enumerate(files):
        rows = [(g, want) for (f, _, want), g in zip(cases, got, strict=True) if f == i]
        faq = [(g, w) for g, w in rows if w != "none" and not w.startswith("complaint:")]
        none = [g for g, w in rows if w == "none"]
        complaints = [(g, w) for g, w in rows if w.startswith("complaint:")]
        per_file.append(
            {
                **{f"faq_{k}": v for k, v in count(faq).items()},
                "none_kept": sum(g == "none" or g.startswith("complaint:") for g in none),
                "none_n": len(none),
                "cmp_right": sum(g == w for g, w in complaints),
                "cmp_recognised": sum(g.startswith("complaint:") for g, _ in complaints),
                "cmp_n": len(complaints),
                "unknown_ids": sorted({w for _, w in faq if w not in knowledge.topics}),
            }
        )
    return {
        "topics": len(knowledge.topics),
        "phrasings": sum(len(t.phrasings) for t in knowledge.topics.values()),
        "build_s": build_s,
        "rss_mib": rss / 1024,
        "peak_rss_mib": peak / 1024,
        "p50_ms": percentile_ms(warm, 50),
        "p99_ms": percentile_ms(warm, 99),
        "max_ms": max(warm) / 1e6,
        "cpu_p50_ms": percentile_ms(warm_cpu, 50),
        "cpu_p99_ms": percentile_ms(warm_cpu, 99),
        "cold_p99_ms": percentile_ms(cold, 99),
        "samples": len(warm),
        "others_cores": busy["others_cores"],
        "files": per_file,
    }


# -- driver -----------------------------------------------------------------------------
def extract_previous(folder: Path) -> None:
    tar = ["git", "archive", "--format=tar", PREVIOUS_COMMIT]
    archive = subprocess.run(tar, cwd=PROJECT_ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)


def pct(ok: int, n: int) -> str:
    return f"{ok / n:.3f} ({ok}/{n})" if n else "-"


def report(results: dict, files: list[Path], args) -> list[str]:
    """One table: a row per measure, a column per variant."""
    size = f"{args.size:,} topics"

    def files_of(r: dict, kind: str) -> list[dict]:
        return r[kind]["files"]

    def holdout(key: str) -> Callable[[dict], str]:
        return lambda r: pct(r["holdout"][key], r["holdout"]["asked"])

    rows = [
        (
            "FAQ topics / phrasings (shipped)",
            "",
            lambda r: "{topics} / {phrasings}".format(**r["shipped"]),
        ),
        (f"held-out top-1 ({args.folds} folds)", "", holdout("right")),
        ("held-out wrong answers", "", holdout("wrong")),
    ]
    for i, path in enumerate(files):
        for label, ok, n in (
            ("FAQ answered right", "faq_right", "faq_asked"),
            ("FAQ wrong topic", "faq_wrong", "faq_asked"),
            ("out-of-scope kept out", "none_kept", "none_n"),
            ("complaints, right OPD", "cmp_right", "cmp_n"),
        ):
            if any(files_of(r, "shipped")[i][n] for r in results.values()):

                def cell(r: dict, i: int = i, ok: str = ok, n: str = n) -> str:
                    return pct(files_of(r, "shipped")[i][ok], files_of(r, "shipped")[i][n])

                rows.append((f"{path.name}: {label}", "", cell))
    for kind, label in (("shipped", "shipped FAQ"), ("synthetic", size)):
        rows.append((f"p50 ms, {label}", "", lambda r, k=kind: f"{r[k]['p50_ms']:.2f}"))
        at_target = kind == "shipped" or args.size == SYNTHETIC_SIZE
        target = f"< {TARGETS['p99_' + kind]:g}" if at_target else ""
        rows.append((f"p99 ms, {label}", target, lambda r, k=kind: f"{r[k]['p99_ms']:.2f}"))
        rows.append((f"p99 CPU ms, {label}", "", lambda r, k=kind: f"{r[k]['cpu_p99_ms']:.2f}"))
        rows.append(
            (f"others' load, {label} (cores)", "", lambda r, k=kind: f"{r[k]['others_cores']:.1f}")
        )
    rows += [
        (
            f"FAQ answered right at {size}",
            "",
            lambda r: pct(
                sum(x["faq_right"] for x in files_of(r, "synthetic")),
                sum(x["faq_asked"] for x in files_of(r, "synthetic")),
            ),
        ),
        ("build s, shipped FAQ", "", lambda r: f"{r['shipped']['build_s']:.2f}"),
        (f"build s, {size}", "", lambda r: f"{r['synthetic']['build_s']:.1f}"),
        (
            "RSS MiB after load, shipped",
            f"< {TARGETS['rss_shipped']:g}",
            lambda r: f"{r['shipped']['rss_mib']:.0f}",
        ),
        (f"RSS MiB after load, {size}", "", lambda r: f"{r['synthetic']['rss_mib']:.0f}"),
    ]
    if "ngram" in results:
        rows.append(
            (
                "n-gram answer threshold (chosen)",
                "",
                lambda r: str(r["holdout"].get("threshold", "")),
            )
        )
    header = ["measure", "target", *(VARIANTS[v] for v in results)]
    cells = [[label, target, *(cell(r) for r in results.values())] for label, target, cell in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]

    def fmt(c: list[str]) -> str:
        return " | ".join(
            x.ljust(w) if i < 2 else x.rjust(w)
            for i, (x, w) in enumerate(zip(c, widths, strict=True))
        ).rstrip()

    return [fmt(header), "-+-".join("-" * w for w in widths), *map(fmt, cells)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=Path, nargs="*", help="CSV files text,expected")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--passes", type=int, default=2, help="timed passes after the warm-up")
    parser.add_argument(
        "--synthetic-passes", type=int, default=1, help="the same at the synthetic FAQ"
    )
    parser.add_argument("--quick", action="store_true", help="2 folds, 1 pass, 1,000 topics")
    parser.add_argument(
        "--size", type=int, help=f"synthetic topics ({SYNTHETIC_SIZE:,}; quick: 1,000)"
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--variants", nargs="*", choices=list(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--threshold", type=float, default=0.5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.folds, args.passes, args.synthetic_passes = 2, 1, 1
    args.size = args.size or (1000 if args.quick else SYNTHETIC_SIZE)
    files = [
        p.resolve() for p in (default_questions() if args.questions is None else args.questions)
    ]
    root = args.root.resolve()

    if args.worker:
        kind, variant = args.worker
        if kind == "holdout":
            result = worker_holdout(variant, root, args.folds)
        else:
            result = worker_serve(
                variant, root, kind, files, args.passes, args.size, args.seed, args.threshold
            )
        print(json.dumps(result))
        return

    os.environ["PYTHONHASHSEED"] = "0"  # set iteration order: same sums, same ties, each run
    started = time.perf_counter()
    print("Understanding benchmark: matcher variants side by side")
    print(*(ln for ln in machine_info(fsync=False) if not ln.startswith("code")), sep="\n")
    print(f"code      {code_version(('faq', 'bot', 'data', 'bench'))}")
    for path in files:
        print(f"questions {path} ({len(read_questions(path))} rows)")
    print(
        f"timing    1 warm-up pass + {args.passes} timed pass(es) (synthetic FAQ: "
        f"{args.synthetic_passes}) over all question rows per (variant, FAQ), each in a fresh "
        f"process; held-out: {args.folds} folds"
    )
    print()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-previous-") as tmp:
        extract_previous(Path(tmp))
        for variant in args.variants:
            variant_root = Path(tmp) if variant == "previous" else PROJECT_ROOT
            base = [
                sys.executable,
                __file__,
                "--root",
                str(variant_root),
                "--folds",
                str(args.folds),
                "--size",
                str(args.size),
                "--seed",
                str(args.seed),
                "--questions",
                *map(str, files),
            ]
            out = results[variant] = {}
            clock = time.perf_counter()
            out["holdout"] = run_json_worker(
                [*base, "--worker", "holdout", variant], f"{variant}/holdout"
            )
            threshold = str(out["holdout"].get("threshold", 0.5))
            for kind, passes in (("shipped", args.passes), ("synthetic", args.synthetic_passes)):
                options = ["--passes", str(passes), "--threshold", threshold]
                out[kind] = run_json_worker(
                    [*base, *options, "--worker", kind, variant],
                    f"{variant}/{kind}",
                )
            out["wall_s"] = time.perf_counter() - clock
    measured = {v: results[v] for v in VARIANTS if v in results}
    print(*report(measured, files, args), sep="\n")
    print()
    for v, r in measured.items():
        missing = sorted({i for f in r["shipped"]["files"] for i in f["unknown_ids"]})
        if missing:
            print(
                f"{VARIANTS[v]}: expected topics its FAQ lacks (always wrong): {', '.join(missing)}"
            )
    print(f"total benchmark time {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
