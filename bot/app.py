"""The composition root: the one place that builds the Application and registers handlers.

Order matters in python-telegram-bot (the first matching handler in a group wins), so
every handler is registered here, in the order written.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.delivery import OutboxWorker
from bot.delivery.rate_limit import PerRequestRetryLimiter
from bot.heartbeat import HEARTBEAT_SECONDS, heartbeat_path, write_heartbeat
from bot.offline.local_api import LocalBotApi
from bot.presentation import callbacks
from bot.services import applied_updates
from bot.services.calendar import WorkingCalendar
from bot.services.complaints import ComplaintService, utcnow
from bot.services.deadlines import DeadlineService
from bot.services.knowledge import LiveKnowledge
from bot.services.outbox import Outbox
from bot.services.questions import QuestionLog
from bot.services.regions import Regions
from bot.services.reports import Reports
from bot.services.teaching import TeachingService
from bot.settings import OFFLINE_TOKEN, Settings
from db import Database
from handlers import (
    admin,
    complaint_flow,
    errors,
    held,
    officer,
    resident,
    teaching,
    tracking,
)
from handlers.context import SERVICES_KEY, Services
from handlers.operations import (
    FLOOD_KEY,
    GROUP_GUARD_KEY,
    FloodControl,
    GroupPolicy,
    flood_guard,
    group_guard,
    logged,
)

log = logging.getLogger(__name__)

PRIVATE = filters.ChatType.PRIVATE
GROUPS = filters.ChatType.GROUPS
DEADLINE_JOB_SECONDS = 600  # the deadline job runs every 10 minutes
OUTBOX_KEEP = datetime.timedelta(days=90)  # sent messages are forgotten after this

RESIDENT_COMMANDS = [
    BotCommand("start", "Menu utama"),
    BotCommand("faq", "Topik layanan"),
    BotCommand("lapor", "Buat pengaduan"),
    BotCommand("status", "Cek pengaduan Anda"),
    BotCommand("batal", "Batalkan pengaduan yang sedang dibuat"),
    BotCommand("help", "Cara memakai bot"),
]
ADMIN_COMMANDS = [
    BotCommand("triase", "Pengaduan yang menunggu keputusan"),
    BotCommand("statistik", "Statistik: /statistik 7|30|90|semua, /statistik bulan"),
    BotCommand("opd", "Daftar OPD, grup, dan jumlah pengaduan"),
    BotCommand("pertanyaan", "Pertanyaan yang belum terjawab"),
    BotCommand("ekspor", "Ekspor CSV: /ekspor [hari] [pribadi]"),
    BotCommand("reload", "Muat ulang berkas FAQ"),
    BotCommand("hubungkan", "Hubungkan grup ini ke OPD: /hubungkan dlh"),
    BotCommand("tertahan", "Pesan yang tertahan: kirim ulang atau abaikan"),
]


def build_application(
    settings: Settings,
    *,
    api: BaseRequest | None = None,
    knowledge: LiveKnowledge | None = None,
    regions: Regions | None = None,
    run_worker: bool = True,
) -> Application:
    """Build the bot. With `api` (e.g. `LocalBotApi`) no token and no network are needed.
    `knowledge` and `regions` are read-only once loaded; tests pass shared ones.

    Raises `KnowledgeError` when the FAQ or OPD files are broken, so the bot never starts
    with a half-valid FAQ. With `run_worker=False` the outbox worker and the scheduled jobs
    exist but do not run by themselves (tests drive them step by step).
    """
    knowledge = knowledge or LiveKnowledge(
        settings.faq_dir, settings.opd_file, settings.categories_file
    )
    offline = isinstance(api, LocalBotApi)
    builder = (
        ApplicationBuilder()
        .token(OFFLINE_TOKEN if offline else settings.require_token())
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(_start_services)
        .post_stop(_stop_worker)
        .post_shutdown(_close_services)
    )
    if api is not None:
        builder = builder.request(api).get_updates_request(api)
    else:
        # Telegram allows ~30 messages/s overall and 20/min into one group; a request it
        # refuses anyway (429) waits and is retried alone, never pausing other chats.
        builder = builder.rate_limiter(PerRequestRetryLimiter())
    application = builder.build()
    db = Database(settings.database_path)
    calendar = WorkingCalendar.load(settings.holidays_file)
    services: Services
    complaints = ComplaintService(
        db, knowledge, calendar, admin_chats=lambda: services.admin_chats()
    )
    services = Services(
        settings=settings,
        db=db,
        knowledge=knowledge,
        questions=QuestionLog(db),
        complaints=complaints,
        outbox=Outbox(db),
        regions=regions or Regions.load(settings.regions_dir),
        calendar=calendar,
        reports=Reports(db),
        teaching=TeachingService(db, knowledge),
    )
    application.bot_data[SERVICES_KEY] = services
    application.bot_data[FLOOD_KEY] = FloodControl(settings.flood_messages)
    application.bot_data[GROUP_GUARD_KEY] = GroupPolicy(
        frozenset(c.command for c in ADMIN_COMMANDS), settings.group_flood_messages
    )
    application.bot_data["deadlines"] = DeadlineService(
        db, complaints, calendar, services.admin_chats
    )
    application.bot_data["run_worker"] = run_worker
    register_handlers(application)
    return application


def register_handlers(application: Application) -> None:
    def add(handler: BaseHandler, group: int = 0) -> None:
        handler.callback = logged(handler.callback)
        application.add_handler(handler, group)

    # Before anything else (one handler runs per group, hence two groups): groups are heard
    # only when linked, within their flood limit, and admin commands only from admins...
    application.add_handler(TypeHandler(Update, group_guard), group=-2)
    # ... and residents flooding the bot are slowed down.
    application.add_handler(TypeHandler(Update, flood_guard), group=-1)
    # Residents, private chats. Commands first, then buttons, then messages.
    add(CommandHandler("start", resident.start, filters=PRIVATE))
    add(CommandHandler(["help", "bantuan"], resident.help_command, filters=PRIVATE))
    add(CommandHandler(["faq", "topik"], resident.faq_menu, filters=PRIVATE))
    add(CommandHandler("lapor", complaint_flow.lapor_command, filters=PRIVATE))
    add(CommandHandler("batal", complaint_flow.cancel_command, filters=PRIVATE))
    add(CommandHandler("status", tracking.status_command, filters=PRIVATE))
    # Admins, wherever they are (linking is done inside the OPD's group).
    add(CommandHandler("hubungkan", admin.link_group))
    add(CommandHandler("opd", admin.list_opds))
    add(CommandHandler("reload", admin.reload_faq))
    add(CommandHandler("triase", admin.triage))
    add(CommandHandler("statistik", admin.statistics))
    add(CommandHandler("ekspor", admin.export))
    add(CommandHandler("pertanyaan", teaching.list_groups))
    add(CommandHandler("tertahan", held.held_command))
    # Buttons, by callback-data prefix (bot/presentation/callbacks.py names them all).
    add(CallbackQueryHandler(officer.on_button, pattern=callbacks.OFFICER_PATTERN))
    add(CallbackQueryHandler(tracking.on_button, pattern=callbacks.TRACKING_PATTERN))
    add(CallbackQueryHandler(admin.assign, pattern=callbacks.ASSIGN_PATTERN))
    add(CallbackQueryHandler(held.on_button, pattern=callbacks.HELD_PATTERN))
    add(CallbackQueryHandler(teaching.on_button, pattern=callbacks.TEACH_PATTERN))
    add(CallbackQueryHandler(complaint_flow.on_button, pattern=callbacks.FLOW_PATTERN))
    # Residents' question buttons, and any press nobody above took ("no longer valid").
    add(CallbackQueryHandler(resident.callback))
    # An admin's words for "Topik lain…" (a reply to the search prompt, in any chat).
    add(
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND & teaching.SEARCH_REPLY,
            teaching.on_search_words,
        )
    )
    # Officers replying in their group (to a card, or to a request for a note).
    add(MessageHandler(GROUPS & filters.REPLY & filters.UpdateType.MESSAGE, officer.on_group_reply))
    # Residents' messages. Edited questions are answered again: the resident fixed a typo.
    add(
        MessageHandler(
            PRIVATE & filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGES,
            resident.text_message,
        )
    )
    add(
        MessageHandler(
            PRIVATE & filters.COMMAND & filters.UpdateType.MESSAGES, resident.unknown_command
        )
    )
    add(MessageHandler(PRIVATE & filters.UpdateType.MESSAGES & ~filters.TEXT, resident.unsupported))
    application.add_error_handler(errors.on_error)


async def run_deadlines(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The scheduled job: reminders, escalations, auto-close (state lives in the database)."""
    deadlines: DeadlineService = context.application.bot_data["deadlines"]
    services: Services = context.application.bot_data[SERVICES_KEY]
    report = await deadlines.run()
    if report.reminders or report.escalated or report.closed:
        log.info(
            "deadlines: %d reminder(s), %d escalated, %d closed",
            report.reminders,
            report.escalated,
            report.closed,
        )
        services.wake_outbox()
    control: FloodControl = context.application.bot_data[FLOOD_KEY]
    control.forget_idle()
    context.application.bot_data[GROUP_GUARD_KEY].flood.forget_idle()
    await services.outbox.prune(deadlines.clock() - OUTBOX_KEEP)
    await services.complaints.updates.prune(deadlines.clock() - applied_updates.KEEP)


async def beat(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The heartbeat job (see bot.heartbeat): proves the loop, the job queue and the
    database are alive, with the outbox's rows counted by state for a human to read."""
    services: Services = context.application.bot_data[SERVICES_KEY]
    path = heartbeat_path(services.settings.database_path)
    if path is None:
        return
    outbox = await services.outbox.counts()
    try:
        await asyncio.to_thread(write_heartbeat, path, utcnow(), {"outbox": outbox})
    except OSError as exc:  # a full disk must not kill the job queue; health will notice
        log.error("cannot write the heartbeat %s: %s", path, exc)


async def set_commands(application: Application) -> None:
    """Command menus per audience. A failure is logged, never fatal: the bot works without."""
    services: Services = application.bot_data[SERVICES_KEY]
    bot = application.bot
    try:
        await bot.set_my_commands(RESIDENT_COMMANDS, scope=BotCommandScopeAllPrivateChats())
        await bot.set_my_commands([], scope=BotCommandScopeAllGroupChats())
        for chat_id in services.admin_chats():
            await bot.set_my_commands(
                RESIDENT_COMMANDS + ADMIN_COMMANDS, scope=BotCommandScopeChat(chat_id)
            )
    except TelegramError as exc:
        log.warning("could not set the command menus: %s", exc)


def reload_on_sighup(application: Application) -> None:
    """`kill -HUP <pid>` reloads the FAQ; a broken file keeps the working FAQ live."""
    services: Services = application.bot_data[SERVICES_KEY]

    async def reload() -> None:
        result = await services.knowledge.reload_async()
        for problem in services.calendar.reload():  # a broken file keeps the old holidays
            log.warning("SIGHUP: holidays NOT reloaded: %s", problem)
        if result.ok:
            log.info("SIGHUP: FAQ reloaded (%d topics)", result.topics)
        else:
            log.warning(
                "SIGHUP: FAQ NOT reloaded, %d problem(s); first: %s",
                len(result.problems),
                result.problems[0] if result.problems else "",
            )

    try:
        loop = asyncio.get_running_loop()
        pending: set[asyncio.Task[None]] = set()

        def on_signal() -> None:
            task = loop.create_task(reload())
            pending.add(task)  # keep a reference until it is done
            task.add_done_callback(pending.discard)

        loop.add_signal_handler(signal.SIGHUP, on_signal)
    except (NotImplementedError, RuntimeError, AttributeError):
        log.info("SIGHUP reload is not available on this platform")


async def _start_services(application: Application) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    await services.db.open()
    await services.complaints.sync_routing_rules()
    services.worker = OutboxWorker(services.outbox, services.complaints, application.bot)
    if application.bot_data.get("run_worker", True):
        await services.worker.start()
        if application.job_queue is not None:
            application.job_queue.run_repeating(
                run_deadlines, interval=DEADLINE_JOB_SECONDS, first=30, name="deadlines"
            )
            application.job_queue.run_repeating(
                beat, interval=HEARTBEAT_SECONDS, first=0, name="heartbeat"
            )
        await set_commands(application)
        reload_on_sighup(application)


async def _stop_worker(application: Application) -> None:
    """Stop taking new work: the worker finishes the message in hand; the rest stays
    pending in the database for the next start."""
    services: Services = application.bot_data[SERVICES_KEY]
    if services.worker is not None:
        await services.worker.stop()


async def _close_services(application: Application) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    await _stop_worker(application)
    await services.db.close()
    log.info("stopped; database closed")


@asynccontextmanager
async def running(application: Application) -> AsyncIterator[Application]:
    """Initialise and open services the way `run_polling` does, for offline use and tests."""
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        yield application
    finally:
        if application.post_stop:
            await application.post_stop(application)
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
