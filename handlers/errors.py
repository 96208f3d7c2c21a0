"""The last line of defence: log the failure with its update id, apologise to the person."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.presentation import texts

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    if isinstance(error, BadRequest) and "query" in str(error).lower():
        # A button press answered too late or twice (e.g. redelivered after a restart):
        # Telegram refuses the answer; nothing is wrong for the person.
        log.info("update %s: callback query could not be answered: %s", update_id, error)
        return
    # No message text or user data in the log line: only ids a maintainer can trace.
    log.error(
        "error while handling update %s: %r", update_id, context.error, exc_info=context.error
    )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.callback_query is not None:
        try:
            await update.callback_query.answer(texts.ERROR_APOLOGY, show_alert=True)
            return
        except TelegramError:
            pass
    try:
        await context.bot.send_message(update.effective_chat.id, texts.ERROR_APOLOGY)
    except Forbidden:
        pass  # the person blocked the bot; nothing more to say
    except TelegramError as exc:
        log.warning("could not send the apology for update %s: %r", update_id, exc)
