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

# What an error costs against a right answer: a wrong topic misleads a resident (3), an
# out-of-scope message answered misleads too but is rarer in real traffic (1).
WRONG_COST = 3.0
OOS_COST = 1.0
OUT_OF_SCOPE = ROOT / "bench" / "data" / "out_of_scope.txt"

GRID = {
    "UNKNOWN_WEIGHT": [0.7, 1.0, 1.3],
    "MIN_COVERED": [0.35, 0.45],
    "BAYES_WEIGHT": [0.1, 0.2],
    "ANSWER_SCORE": [0.55, 0.62],
    "CLEAR_SCORE": [0.45, 0.52],
    "UNKNOWN_BLOCK": [0.0, 0.6, 0.75],
}
QUICK = {
    "UNKNOWN_WEIGHT": [0.7, 1.0],
    "MIN_COVERED": [0.35],
    "BAYES_WEIGHT": [0.2],
    "ANSWER_SCORE": [0.55, 0.62],
    "CLEAR_SCORE": [0.45],
    "UNKNOWN_BLOCK": [0.7],
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

    def utility(result: tuple[dict, float, float, float]) -> float:
        _, top1, wrong_rate, oos_rate = result
        return top1 - WRONG_COST * wrong_rate - OOS_COST * oos_rate

    results.sort(key=utility, reverse=True)
    print(f"{len(results)} combinations, {asked} held-out phrasings, {len(oos)} out-of-scope")
    print(f"utility = top-1 - {WRONG_COST} x wrong - {OOS_COST} x out-of-scope answered")
    print("utility  top-1  wrong  oos-answered  config")
    for result in results[:15]:
        config, top1, wrong_rate, oos_rate = result
        print(
            f"{utility(result):.3f}    {top1:.3f}  {wrong_rate:.3f}  {oos_rate:.3f}        {config}"
        )
    print(f"chosen: {results[0][0]}")
    print(f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
