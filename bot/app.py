"""The composition root: the one place that builds the Application and registers handlers.

Order matters in python-telegram-bot (the first matching handler in a group wins), so
every handler is registered here, in the order written.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.delivery import OutboxWorker
from bot.local_api import LocalBotApi
from bot.services.calendar import WorkingCalendar
from bot.services.complaints import ComplaintService
from bot.services.knowledge import LiveKnowledge
from bot.services.outbox import Outbox
from bot.services.questions import QuestionLog
from bot.services.regions import Regions
from bot.settings import OFFLINE_TOKEN, Settings
from db import Database
from handlers import admin, complaint_flow, errors, officer, resident, tracking
from handlers.context import SERVICES_KEY, Services

PRIVATE = filters.ChatType.PRIVATE
GROUPS = filters.ChatType.GROUPS


def build_application(
    settings: Settings,
    *,
    api: BaseRequest | None = None,
    knowledge: LiveKnowledge | None = None,
    run_worker: bool = True,
) -> Application:
    """Build the bot. With `api` (e.g. `LocalBotApi`) no token and no network are needed.

    Raises `KnowledgeError` when the FAQ or OPD files are broken, so the bot never starts
    with a half-valid FAQ. With `run_worker=False` the outbox worker exists but does not run
    by itself (tests drain it step by step).
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
        .post_init(_open_services)
        .post_stop(_stop_worker)
        .post_shutdown(_close_services)
    )
    if api is not None:
        builder = builder.request(api).get_updates_request(api)
    else:
        # Telegram allows ~30 messages/s overall and 20/min into one group.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=0))
    application = builder.build()
    db = Database(settings.database_path)
    calendar = WorkingCalendar.load(settings.holidays_file)
    application.bot_data[SERVICES_KEY] = Services(
        settings=settings,
        db=db,
        knowledge=knowledge,
        questions=QuestionLog(db),
        complaints=ComplaintService(db, knowledge, calendar),
        outbox=Outbox(db),
        regions=Regions.load(),
        calendar=calendar,
    )
    application.bot_data["run_worker"] = run_worker
    register_handlers(application)
    return application


def register_handlers(application: Application) -> None:
    add = application.add_handler
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
    # Buttons, by callback-data prefix.
    add(CallbackQueryHandler(officer.on_button, pattern=r"^k:"))
    add(CallbackQueryHandler(tracking.on_button, pattern=r"^r:"))
    add(CallbackQueryHandler(complaint_flow.on_button, pattern=r"^[clpsex]:"))
    add(CallbackQueryHandler(resident.callback))
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


async def _open_services(application: Application) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    await services.db.open()
    await services.complaints.sync_routing_rules()
    services.worker = OutboxWorker(services.outbox, services.complaints, application.bot)
    if application.bot_data.get("run_worker", True):
        await services.worker.start()


async def _stop_worker(application: Application) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    if services.worker is not None:
        await services.worker.stop()


async def _close_services(application: Application) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    await _stop_worker(application)
    await services.db.close()


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
