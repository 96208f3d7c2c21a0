"""The command line: `python -m bot [run|chat|ask|route|faq check|eval ask|eval route|...]`."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

from bot.services.holidays import HolidayFileError
from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Layanan warga Deli Serdang: Telegram citizen service bot.",
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot on Telegram (default)")
    sub.add_parser("chat", help="talk to the bot in this terminal, offline, as a resident")
    for name, helptext in (
        ("ask", "what the bot would do with a message"),
        ("route", "which OPD a complaint text goes to"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--json", action="store_true", help="one JSON object per line")
        p.add_argument("text", nargs="*", help="the message; without it, read lines from stdin")
    faq = sub.add_parser("faq", help="FAQ files")
    faq_sub = faq.add_subparsers(dest="faq_command", required=True)
    faq_sub.add_parser("check", help="validate FAQ and routing files; non-zero exit on problems")
    faq_sub.add_parser(
        "teach", help="teach the bot the questions it missed, interactively (as /pertanyaan)"
    )
    ev = sub.add_parser(
        "eval",
        help="score ask, route or emergency on a CSV of text,expected; holdout: the FAQ's "
        "own phrasings, each asked by a matcher built without it",
    )
    ev.add_argument("kind", choices=["ask", "route", "emergency", "holdout"])
    ev.add_argument("file", type=Path, nargs="?", help="the CSV (not for holdout)")
    ev.add_argument("--folds", type=int, default=5, help="holdout: number of folds")
    ev.add_argument(
        "--fail-under",
        type=float,
        default=None,
        help="exit 1 when overall accuracy is below this (0..1)",
    )
    ev.add_argument("--worst", type=int, default=10, help="how many confusions to list")
    ex = sub.add_parser("export", help="complaints as CSV (no personal data unless --personal)")
    ex.add_argument("--days", type=int, default=None, help="only the last N days")
    ex.add_argument(
        "--personal",
        action="store_true",
        help="include reporter name, phone, coordinates and unmasked text",
    )
    ex.add_argument("--out", type=Path, default=None, help="file to write (default: stdout)")
    un = sub.add_parser("unanswered", help="questions the bot could not answer, most asked first")
    un.add_argument("--limit", type=int, default=30)
    sub.add_parser(
        "health",
        help="exit 0 when the running bot's heartbeat is fresh and its database current "
        "(for Docker's HEALTHCHECK and monitoring)",
    )
    rp = sub.add_parser("report", help="the monthly report for the council, as one HTML file")
    rp.add_argument(
        "--month", default=None, help="YYYY-MM (default: the last full month; 'ini': this one)"
    )
    rp.add_argument(
        "--out",
        type=Path,
        default=None,
        help="file to write (default: laporan-bulanan-YYYY-MM.html)",
    )
    un.add_argument(
        "--groups", action="store_true", help="similar questions grouped, with likely topics"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    command = args.command or "run"
    try:
        if command == "run":
            return _run(settings)
        if command == "chat":
            from bot.offline.terminal import run_chat

            # The terminal is the conversation; routine log lines would interrupt it.
            if logging.getLogger().level < logging.WARNING:
                logging.getLogger().setLevel(logging.WARNING)
            return asyncio.run(run_chat(settings))
        if command == "ask":
            return _ask(settings, args.text, as_json=args.json)
        if command == "route":
            return _route(settings, args.text, as_json=args.json)
        if command == "faq" and args.faq_command == "teach":
            from bot.offline.teaching import run_teach

            if logging.getLogger().level < logging.WARNING:  # the terminal is the conversation
                logging.getLogger().setLevel(logging.WARNING)
            return asyncio.run(run_teach(settings))
        if command == "faq":
            return _faq_check(settings)
        if command == "eval":
            if args.kind == "holdout":
                from bot.offline.evaluation import holdout_command

                return holdout_command(
                    _knowledge(settings), args.folds, args.fail_under, args.worst
                )
            if args.file is None:
                print("Error: eval ask|route|emergency needs a CSV file", file=sys.stderr)
                return 2
            from bot.offline.evaluation import eval_command

            return eval_command(
                _knowledge(settings), args.kind, args.file, args.fail_under, args.worst
            )
        if command == "export":
            return _export(settings, args.days, args.personal, args.out)
        if command == "unanswered" and args.groups:
            return asyncio.run(_unanswered_groups(settings, args.limit))
        if command == "unanswered":
            return asyncio.run(_unanswered(settings, args.limit))
        if command == "report":
            return asyncio.run(_report(settings, args.month, args.out))
        if command == "health":
            return _health(settings)
    except SettingsError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    except _Broken as exc:
        print(exc, file=sys.stderr)
        return 1
    except HolidayFileError as exc:  # data/holidays.yaml broken: the bot does not start
        print(exc, file=sys.stderr)
        return 1
    return 2


def _health(settings: Settings) -> int:
    from bot.heartbeat import database_problem, heartbeat_path, read_health
    from db.database import migration_files

    problem = database_problem(settings.database_path, len(migration_files()))
    if problem is not None:
        print(f"unhealthy: {problem}")
        return 1
    health = read_health(heartbeat_path(settings.database_path), dt.datetime.now(dt.UTC))
    outbox = health.details.get("outbox") or {}
    backlog = ", ".join(f"{state} {count}" for state, count in sorted(dict(outbox).items()))
    print(
        f"{'healthy' if health.healthy else 'unhealthy'}: {health.reason}"
        + (f"; outbox: {backlog}" if backlog else "")
    )
    return 0 if health.healthy else 1


class _Broken(Exception):
    """The FAQ or routing files are broken; the message is the full report."""


def _knowledge(settings: Settings):
    from bot.services.knowledge import KnowledgeError, LiveKnowledge

    try:
        return LiveKnowledge(settings.faq_dir, settings.opd_file, settings.categories_file)
    except KnowledgeError as exc:
        lines = [f"  {p}" for p in exc.problems]
        raise _Broken(
            "The FAQ or OPD files have problems; fix them, then run `python -m bot faq check`:\n"
            + "\n".join(lines)
        ) from None


def _messages(text: list[str]) -> Iterator[str]:
    if text:
        yield " ".join(text)
        return
    for line in sys.stdin:
        line = line.rstrip("\n")
        if line.strip():
            yield line


def _ask(settings: Settings, text: list[str], *, as_json: bool) -> int:
    assistant = _knowledge(settings).assistant
    for message in _messages(text):
        reply = assistant.ask(message)
        if as_json:
            print(json.dumps(reply.as_json(), ensure_ascii=False), flush=True)
            continue
        data = reply.as_json()
        print(f"{message}\n  intent: {data['intent']}  score: {data['score']}")
        if data["faq_id"]:
            print(f"  answer: {data['faq_id']}")
        if data["suggestions"]:
            print(f"  maksud anda: {', '.join(data['suggestions'])}")
        if reply.intent == "complaint":
            print(f"  complaint for: {data['opd']}")
    return 0


def _route(settings: Settings, text: list[str], *, as_json: bool) -> int:
    assistant = _knowledge(settings).assistant
    for message in _messages(text):
        data = assistant.route(message).as_json(message)
        if as_json:
            print(json.dumps(data, ensure_ascii=False), flush=True)
        else:
            print(
                f"{message}\n  opd: {data['opd']}  score: {data['score']}"
                f"  alternatives: {', '.join(data['alternatives']) or '-'}"
            )
    return 0


def _faq_check(settings: Settings) -> int:
    from faq.knowledge import load_knowledge

    knowledge, problems = load_knowledge(
        settings.faq_dir, settings.opd_file, settings.categories_file
    )
    holiday_notes, holiday_summary = _holiday_check(settings, problems)
    if knowledge is None or problems:
        for problem in problems:
            print(problem)
        print(f"faq check: {len(problems)} problem(s) found; the bot will not load these files.")
        return 1
    for note in (*knowledge.notes, *holiday_notes):
        print(f"note: {note}")
    for draft in knowledge.drafts:  # the teaching loop's drafts: reported, not errors
        print(f"draft: {draft}")
    tests_line = _admin_tests_check(settings)
    print(
        f"faq check: ok ({len(knowledge.topics)} topics in {len(knowledge.areas)} areas, "
        f"{len(knowledge.opds)} OPDs; {len(knowledge.notes)} local detail(s) for admins to fill"
        + (f"; {len(knowledge.drafts)} draft topic(s) not served yet" if knowledge.drafts else "")
        + ")"
    )
    if tests_line:
        print(tests_line)
    print(holiday_summary)
    return 0


def _admin_tests_check(settings: Settings) -> str:
    """The admins' own test questions (`_tests.yaml` in the FAQ folder), which a teaching
    must not make worse: their problems as notes, and a one-line summary."""
    from faq.measuring import TESTS_FILE, read_admin_tests

    path = settings.faq_dir / TESTS_FILE
    cases, problems = read_admin_tests(path)
    for problem in problems:
        print(f"note: {problem}")
    return f"admin test questions: {len(cases)} in {TESTS_FILE}" if path.is_file() else ""


def _holiday_check(settings: Settings, problems: list) -> tuple[list[str], str]:
    """Validate the holidays override (its problems join `problems`); notes for admins about
    this year and next year, and a one-line summary."""
    import datetime as dt

    from bot.services.calendar import WIB
    from bot.services.holidays import (
        coverage_notes,
        package_holidays,
        package_version,
        read_holidays,
    )

    override, errors = read_holidays(settings.holidays_file)
    problems += errors
    if override is None:
        return [], ""
    today = dt.datetime.now(WIB).date()
    path = settings.holidays_file
    shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
    notes, years = coverage_notes(shown, override, package_holidays, today)
    figures = "; ".join(
        f"{y.year}: {y.public} libur nasional, {y.joint} cuti bersama, {y.local} tambahan"
        for y in years
    )
    summary = (
        f"holidays: ok (package holidays {package_version()}; {figures}; "
        f"{len(override.remove)} removed by {settings.holidays_file.name})"
    )
    return notes, summary


ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
BAD_TOKEN_EXIT = 3  # exit status when Telegram refuses the token


def _run(settings: Settings) -> int:
    from telegram.error import InvalidToken

    from bot.app import build_application

    settings.require_token()
    if settings.webhook_url:
        settings.require_webhook_secret()  # before anything starts
    application = build_application(settings, knowledge=_knowledge(settings))
    try:
        if settings.webhook_url:
            from bot.webhook import serve_webhook

            log.info("starting the bot with a webhook at %s", settings.webhook_url)
            asyncio.run(serve_webhook(application, ALLOWED_UPDATES))
        else:
            from bot.polling import poll

            log.info("starting the bot with long polling")
            asyncio.run(poll(application, ALLOWED_UPDATES))
    except InvalidToken as exc:
        # The one failure a restart cannot fix (deploy/ does not restart on this status).
        print(
            f"Error: Telegram refused BOT_TOKEN ({exc}): copy the token again from @BotFather.",
            file=sys.stderr,
        )
        return BAD_TOKEN_EXIT
    return 0


async def _open_db(settings: Settings):
    from db import Database

    db = Database(settings.database_path)
    await db.open()
    return db


def _export(settings: Settings, days: int | None, personal: bool, out: Path | None) -> int:
    data = asyncio.run(_export_csv(settings, days, personal))
    if out is None:
        sys.stdout.write(data)
    else:
        out.write_text(data, encoding="utf-8")
        print(f"wrote {data.count(chr(10)) - 1} complaint(s) to {out}", file=sys.stderr)
    return 0


async def _export_csv(settings: Settings, days: int | None, personal: bool) -> str:
    from bot.services.reports import Reports

    db = await _open_db(settings)
    try:
        return await Reports(db).export_csv(days, personal=personal)
    finally:
        await db.close()


async def _unanswered(settings: Settings, limit: int) -> int:
    from bot.services.questions import QuestionLog

    db = await _open_db(settings)
    try:
        top = await QuestionLog(db).top_unanswered(limit)
    finally:
        await db.close()
    for item in top:
        print(f"{item.times:5d}  {item.example}  (nearest topic: {item.nearest_topic or '-'})")
    if not top:
        print("no unanswered questions yet")
    return 0


async def _unanswered_groups(settings: Settings, limit: int) -> int:
    from bot.services.teaching import TeachingService

    knowledge = _knowledge(settings)
    db = await _open_db(settings)
    try:
        shown, total = await TeachingService(db, knowledge).open_groups(limit, store=False)
    finally:
        await db.close()
    for item in shown:
        group = item.group
        last = group.last_asked.date().isoformat() if group.last_asked else "-"
        print(f"{group.count:5d}  last {last}  {group.example}")
        others = "; ".join(text for text, _ in group.variants[1:4])
        if others:
            print(f"       also: {others}")
        print(f"       likely topics: {', '.join(item.likely) or '-'}")
    if not shown:
        print("no unanswered questions to teach")
    elif total > len(shown):
        print(f"({len(shown)} of {total} groups; --limit for more)")
    print("teach them with `python -m bot faq teach` or /pertanyaan in Telegram")
    return 0


async def _report(settings: Settings, month_text: str | None, out: Path | None) -> int:
    from bot.presentation.report import render_monthly_html
    from bot.services.calendar import WorkingCalendar
    from bot.services.monthly_report import Labels, Month, MonthlyReports
    from bot.services.regions import Regions

    calendar = WorkingCalendar.load(settings.holidays_file)
    regions = Regions.load()
    db = await _open_db(settings)
    try:
        service = MonthlyReports(db, calendar, regions)
        now = Month.containing(service.clock())
        if month_text is None:
            month = now.previous()
        elif month_text.lower() == "ini":
            month = now
        else:
            try:
                month = Month.parse(month_text)
            except ValueError:
                print(f"Error: --month must look like 2026-11, not {month_text!r}", file=sys.stderr)
                return 2
        labels = Labels.from_files(settings.opd_file, settings.categories_file)
        figures = await service.collect(month, labels)
    finally:
        await db.close()
    out = out or Path(f"laporan-bulanan-{month.key}.html")
    out.write_text(render_monthly_html(figures, regions.kecamatan_outlines()), encoding="utf-8")
    print(
        f"wrote {out}: {month.label}, {figures.total} complaint(s),"
        f" {figures.questions_total} unanswered question(s)",
        file=sys.stderr,
    )
    return 0
