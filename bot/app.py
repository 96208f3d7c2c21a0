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

from bot.local_api import LocalBotApi
from bot.services.knowledge import LiveKnowledge
from bot.services.questions import QuestionLog
from bot.settings import OFFLINE_TOKEN, Settings
from db import Database
from handlers import errors, resident
from handlers.context import SERVICES_KEY, Services

PRIVATE = filters.ChatType.PRIVATE


def build_application(
    settings: Settings,
    *,
    api: BaseRequest | None = None,
    knowledge: LiveKnowledge | None = None,
) -> Application:
    """Build the bot. With `api` (e.g. `LocalBotApi`) no token and no network are needed.

    Raises `KnowledgeError` when the FAQ or OPD files are broken, so the bot never starts
    with a half-valid FAQ.
    """
    knowledge = knowledge or LiveKnowledge(settings.faq_dir, settings.opd_file)
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
        .post_shutdown(_close_services)
    )
    if api is not None:
        builder = builder.request(api).get_updates_request(api)
    else:
        # Telegram allows ~30 messages/s overall and 20/min into one group.
        builder = builder.rate_limiter(AIORateLimiter(max_retries=0))
    application = builder.build()
    db = Database(settings.database_path)
    application.bot_data[SERVICES_KEY] = Services(
        settings=settings, db=db, knowledge=knowledge, questions=QuestionLog(db)
    )
    register_handlers(application)
    return application


def register_handlers(application: Application) -> None:
    # Residents, private chats. Commands first, then buttons, then free text, then the rest.
    application.add_handler(CommandHandler("start", resident.start, filters=PRIVATE))
    application.add_handler(
        CommandHandler(["help", "bantuan"], resident.help_command, filters=PRIVATE)
    )
    application.add_handler(CommandHandler(["faq", "topik"], resident.faq_menu, filters=PRIVATE))
    application.add_handler(CommandHandler("lapor", resident.report_command, filters=PRIVATE))
    application.add_handler(CommandHandler("status", resident.status_command, filters=PRIVATE))
    application.add_handler(CallbackQueryHandler(resident.callback))
    application.add_handler(
        # Edited questions are answered again: the resident fixed a typo and wants an answer.
        MessageHandler(
            PRIVATE & filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGES,
            resident.text_message,
        )
    )
    application.add_handler(
        MessageHandler(
            PRIVATE & filters.COMMAND & filters.UpdateType.MESSAGES, resident.unknown_command
        )
    )
    application.add_handler(
        MessageHandler(PRIVATE & filters.UpdateType.MESSAGES & ~filters.TEXT, resident.unsupported)
    )
    application.add_error_handler(errors.on_error)


async def _open_services(application: Application) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    await services.db.open()


async def _close_services(application: Application) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
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
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
