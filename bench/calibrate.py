"""Calibrate the matcher's answer thresholds by measurement, not by hand.

The tuning data is the project's own: the FAQ files' phrasings, each asked by a matcher
built without it (k folds, as `python -m bot eval holdout`), and the out-of-scope
messages in bench/data/out_of_scope.txt. For every combination in the grid below the
script reports held-out top-1, the wrong-answer rate and the share of out-of-scope
messages answered, and picks the combination with the best top-1 among those within
the limits (wrong answers <= MAX_WRONG, out-of-scope answered <= MAX_OOS).

The chosen values go into faq/matcher.py by hand, with this script's output in
docs/matching.md; other measuring sets (shared/eval, your own) are then checked with
`python -m bot eval ask`, never tuned on.

    .venv/bin/python bench/calibrate.py [--folds 5] [--quick]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import faq.matcher as matcher_module  # noqa: E402
from bot.services.assistant import Assistant  # noqa: E402
from bot.services.knowledge import LiveKnowledge  # noqa: E402
from bot.settings import Settings  # noqa: E402
from faq.normalize import Lexicon  # noqa: E402

MAX_WRONG = 0.03
MAX_OOS = 0.05
OUT_OF_SCOPE = ROOT / "bench" / "data" / "out_of_scope.txt"

GRID = {
    "UNKNOWN_WEIGHT": [0.7, 0.85, 1.0, 1.2],
    "MIN_COVERED": [0.35, 0.45, 0.55],
    "ANSWER_SCORE": [0.5, 0.55, 0.6],
    "CLEAR_SCORE": [0.38, 0.42, 0.48],
    "CLEAR_MARGIN": [0.06, 0.1, 0.15],
}
QUICK = {
    "UNKNOWN_WEIGHT": [0.7, 1.0],
    "MIN_COVERED": [0.35, 0.5],
    "ANSWER_SCORE": [0.55],
    "CLEAR_SCORE": [0.42],
    "CLEAR_MARGIN": [0.1],
}


def out_of_scope() -> list[str]:
    lines = OUT_OF_SCOPE.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="a small grid, for a smoke run")
    args = parser.parse_args()
    grid = QUICK if args.quick else GRID
    settings = Settings()
    live = LiveKnowledge(settings.faq_dir, settings.opd_file, settings.categories_file)
    knowledge, lexicon = live.knowledge, Lexicon.load()
    started = time.perf_counter()
    # One assistant per fold, built once; thresholds are module constants read at decide
    # time, the unknown-word weight is set on each matcher.
    folds: list[tuple[Assistant, list[tuple[str, str]]]] = []
    for fold in range(args.folds):
        topics, held = {}, []
        for topic_id, topic in knowledge.topics.items():
            keep = [p for i, p in enumerate(topic.phrasings) if i % args.folds != fold]
            held += [(p, topic_id) for i, p in enumerate(topic.phrasings) if i % args.folds == fold]
            topics[topic_id] = topic.model_copy(update={"phrasings": keep})
        folds.append((Assistant(replace(knowledge, topics=topics), lexicon), held))
    full = live.assistant
    oos = out_of_scope()
    names = list(grid)
    results = []
    for values in itertools.product(*(grid[n] for n in names)):
        config = dict(zip(names, values, strict=True))
        for name, value in config.items():
            setattr(matcher_module, name, value)
        right = wrong = asked = 0
        for assistant, held in [*folds]:
            matcher = assistant.matcher
            matcher.unknown_idf = config["UNKNOWN_WEIGHT"] * matcher.unknown_scale
            for text, topic_id in held:
                reply = assistant.ask(text)
                asked += 1
                if reply.intent == "faq" and reply.topic is not None:
                    right += reply.topic.id == topic_id
                    wrong += reply.topic.id != topic_id
        full.matcher.unknown_idf = config["UNKNOWN_WEIGHT"] * full.matcher.unknown_scale
        answered = sum(full.ask(text).intent == "faq" for text in oos)
        results.append((config, right / asked, wrong / asked, answered / len(oos)))
    results.sort(key=lambda r: -r[1])
    print(f"{len(results)} combinations, {asked} held-out phrasings, {len(oos)} out-of-scope")
    print("top-1  wrong  oos-answered  config")
    for config, top1, wrong_rate, oos_rate in results[:15]:
        print(f"{top1:.3f}  {wrong_rate:.3f}  {oos_rate:.3f}        {config}")
    within = [r for r in results if r[2] <= MAX_WRONG and r[3] <= MAX_OOS]
    if within:
        config, top1, wrong_rate, oos_rate = within[0]
        print(
            f"best within limits (wrong <= {MAX_WRONG}, out-of-scope <= {MAX_OOS}): "
            f"top-1 {top1:.3f}, wrong {wrong_rate:.3f}, out-of-scope {oos_rate:.3f}: {config}"
        )
    else:
        best = min(results, key=lambda r: (r[2] + r[3], -r[1]))
        print(f"nothing within limits; fewest errors: {best}")
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
