"""The monthly figures for the regency's smart-city council. No Telegram, no HTML.

Which complaints: those filed in the month (WIB). Their later history counts too: a
complaint filed on the 30th and finished on the 3rd of the next month is "finished", and
the report says the date its figures were taken ("keadaan data per ...").

Deadlines (PRODUCT.md, LAPOR!/SP4N practice), recomputed from the event trail with the
same working-day calendar the bot uses for the deadlines it enforces:

- accepted within `ACCEPT_WITHIN` (3) working days of reaching the OPD group that accepted
  it (a complaint moved to another OPD gets a new deadline there, as the bot does);
- finished (or given a follow-up plan) within `FINISH_WITHIN` (5) working days of
  acceptance.

Each is met, missed (late, or still not done after the deadline), or pending (not done,
deadline not reached yet). The share within the deadline is met / (met + missed).

Counts, ratings and median times come from `bot.services.reports.Reports` (the same code
as /statistik); unanswered questions from `bot.services.question_groups`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.services.calendar import ACCEPT_WITHIN, FINISH_WITHIN, MONTHS, WIB, WorkingCalendar
from bot.services.question_groups import QuestionGroup, group_questions, load_questions
from bot.services.regions import Regions
from bot.services.reports import Reports, Timeline
from db import Database, db_time
from faq.knowledge import KnowledgeBase, load_categories, load_opds

__all__ = [
    "DeadlineShare",
    "KecamatanRow",
    "Labels",
    "Month",
    "MonthlyFigures",
    "MonthlyReports",
    "OpdRow",
]

MONTH_NAMES = MONTHS  # one list of month names (bot/services/calendar.py)
_MONTH_TEXT = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
TOP_QUESTION_GROUPS = 10
FINISHED = ("selesai", "ditutup")


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 2000 <= self.year <= 2999:
            raise ValueError(f"not a month: {self.year}-{self.month}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """'2026-11' (or '2026-1'); ValueError otherwise."""
        match = _MONTH_TEXT.match(text)
        if not match:
            raise ValueError(f"not a month (YYYY-MM): {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, moment: dt.datetime) -> Month:
        local = moment.astimezone(WIB)
        return cls(local.year, local.month)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    @property
    def start(self) -> dt.datetime:
        """Midnight WIB on the first day."""
        return dt.datetime(self.year, self.month, 1, tzinfo=WIB)

    @property
    def end(self) -> dt.datetime:
        """Midnight WIB on the first day of the next month (exclusive)."""
        return self.next().start

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"


@dataclass(frozen=True)
class DeadlineShare:
    met: int = 0
    missed: int = 0
    pending: int = 0

    @property
    def judged(self) -> int:
        return self.met + self.missed

    @property
    def share(self) -> float | None:
        """Met / (met + missed); None when nothing can be judged yet."""
        return self.met / self.judged if self.judged else None

    def __add__(self, other: DeadlineShare) -> DeadlineShare:
        return DeadlineShare(
            self.met + other.met, self.missed + other.missed, self.pending + other.pending
        )


@dataclass(frozen=True)
class OpdRow:
    opd_id: str
    name: str
    count: int
    finished: int  # selesai or ditutup by now
    accept: DeadlineShare
    finish: DeadlineShare


@dataclass(frozen=True)
class KecamatanRow:
    code: str
    name: str
    count: int


@dataclass(frozen=True)
class Labels:
    """Display names the caller knows (from the FAQ/OPD files); ids are shown otherwise."""

    opds: Mapping[str, str] = field(default_factory=dict)
    categories: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_knowledge(cls, knowledge: KnowledgeBase) -> Labels:
        return cls(
            opds={k: v.name for k, v in knowledge.opds.items()},
            categories={k: v.label for k, v in knowledge.categories.items()},
        )

    @classmethod
    def from_files(cls, opd_file: Path, categories_file: Path) -> Labels:
        """OPD names and category labels from the routing files (ids if they are broken:
        a report is still better than none)."""
        opds, _ = load_opds(opd_file)
        categories, _ = load_categories(categories_file, opds)
        return cls(
            opds={k: v.name for k, v in opds.items()},
            categories={k: v.label for k, v in categories.items()},
        )


@dataclass
class MonthlyFigures:
    month: Month
    as_of: dt.datetime
    total: int = 0
    by_opd: list[OpdRow] = field(default_factory=list)  # most complaints first
    by_kecamatan: list[KecamatanRow] = field(default_factory=list)  # all 22, most first
    no_kecamatan: int = 0  # no location, or a place outside the 22 kecamatan
    by_category: list[tuple[str, int]] = field(default_factory=list)  # label, count
    by_status: list[tuple[str, int]] = field(default_factory=list)  # status id, count
    accept: DeadlineShare = field(default_factory=DeadlineShare)
    finish: DeadlineShare = field(default_factory=DeadlineShare)
    not_delivered: int = 0  # never reached an OPD group (waiting in triage, or undelivered)
    median_hours_to_accept: float | None = None
    median_hours_to_finish: float | None = None
    ratings: Counter[int] = field(default_factory=Counter)  # stars -> complaints
    mean_rating: float | None = None
    questions_total: int = 0  # unanswered + unhelpful in the month
    questions_unhelpful: int = 0
    question_groups: list[QuestionGroup] = field(default_factory=list)  # biggest first
    question_group_count: int = 0

    @property
    def rating_count(self) -> int:
        return sum(self.ratings.values())

    @property
    def empty(self) -> bool:
        return self.total == 0 and self.questions_total == 0


class MonthlyReports:
    def __init__(
        self,
        db: Database,
        calendar: WorkingCalendar,
        regions: Regions,
        reports: Reports | None = None,
    ) -> None:
        self.db = db
        self.calendar = calendar
        self.regions = regions
        self.reports = reports or Reports(db)  # its clock is "now" for the whole report

    def clock(self) -> dt.datetime:
        return self.reports.clock()

    def default_month(self) -> Month:
        """The last full month: the council meets on a month that is over."""
        return Month.containing(self.clock()).previous()

    async def collect(self, month: Month, labels: Labels | None = None) -> MonthlyFigures:
        labels = labels or Labels()
        now = self.clock()
        figures = MonthlyFigures(month=month, as_of=now)
        stats = await self.reports.stats(since=month.start, until=month.end)
        figures.total = stats.total
        figures.by_status = stats.by_status.most_common()
        figures.by_category = [
            (labels.categories.get(k, k), v) for k, v in stats.by_category.most_common()
        ]
        figures.median_hours_to_accept = stats.median_hours_to_accept
        figures.median_hours_to_finish = stats.median_hours_to_finish
        figures.ratings = stats.ratings
        figures.mean_rating = stats.mean_rating
        self._kecamatan(figures, stats.by_kecamatan)
        timelines = await self.reports.timelines(month.start, month.end)
        await self._deadlines(figures, timelines, stats.by_opd, labels, now)
        await self._questions(figures, month)
        return figures

    def _kecamatan(self, figures: MonthlyFigures, by_name: Counter[str]) -> None:
        # Complaints store the kecamatan's display name from the same region data.
        rows = [
            KecamatanRow(k.code, k.name, by_name.get(k.name, 0))
            for k in self.regions.kecamatan_list()
        ]
        known = {row.name for row in rows}
        figures.no_kecamatan = sum(v for k, v in by_name.items() if k not in known)
        figures.by_kecamatan = sorted(rows, key=lambda r: (-r.count, r.name))

    async def _deadlines(
        self,
        figures: MonthlyFigures,
        timelines: list[Timeline],
        by_opd: Counter[str],
        labels: Labels,
        now: dt.datetime,
    ) -> None:
        finished = Counter(
            r[0]
            for r in await self.db.fetchall(
                "SELECT opd_id FROM complaint WHERE created_at >= ? AND created_at < ?"
                " AND status IN (?, ?)",
                (db_time(figures.month.start), db_time(figures.month.end), *FINISHED),
            )
        )
        accept: dict[str, DeadlineShare] = {}
        finish: dict[str, DeadlineShare] = {}
        for timeline in timelines:
            if timeline.delivered_at is None:
                figures.not_delivered += 1
                continue
            a = self._judge(timeline.delivered_at, timeline.accepted_at, ACCEPT_WITHIN, now)
            accept[timeline.opd_id] = accept.get(timeline.opd_id, DeadlineShare()) + a
            if timeline.accepted_at is not None:
                f = self._judge(timeline.accepted_at, timeline.finished_at, FINISH_WITHIN, now)
                finish[timeline.opd_id] = finish.get(timeline.opd_id, DeadlineShare()) + f
        for opd_id, count in by_opd.most_common():
            figures.by_opd.append(
                OpdRow(
                    opd_id=opd_id,
                    name=labels.opds.get(opd_id, opd_id),
                    count=count,
                    finished=finished.get(opd_id, 0),
                    accept=accept.get(opd_id, DeadlineShare()),
                    finish=finish.get(opd_id, DeadlineShare()),
                )
            )
        figures.accept = sum(accept.values(), DeadlineShare())
        figures.finish = sum(finish.values(), DeadlineShare())

    def _judge(
        self, start: dt.datetime, done: dt.datetime | None, within: int, now: dt.datetime
    ) -> DeadlineShare:
        deadline = self.calendar.add_working_days(start, within)
        if done is not None:
            return DeadlineShare(met=1) if done <= deadline else DeadlineShare(missed=1)
        return DeadlineShare(missed=1) if now > deadline else DeadlineShare(pending=1)

    async def _questions(self, figures: MonthlyFigures, month: Month) -> None:
        questions = await load_questions(self.db, month.start, month.end)
        figures.questions_total = len(questions)
        figures.questions_unhelpful = sum(q.reason == "unhelpful" for q in questions)
        groups = group_questions(questions)
        figures.question_group_count = len(groups)
        figures.question_groups = groups[:TOP_QUESTION_GROUPS]
