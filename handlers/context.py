"""Typed access to the services the composition root put in `bot_data`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.presentation import texts
from bot.services.calendar import WorkingCalendar
from bot.services.complaints import ComplaintService
from bot.services.knowledge import LiveKnowledge
from bot.services.outbox import Outbox
from bot.services.questions import QuestionLog
from bot.services.regions import Regions
from bot.services.reports import Reports
from bot.settings import Settings
from db import Database

if TYPE_CHECKING:
    from bot.delivery import OutboxWorker
    from bot.services.teaching import TeachingService

SERVICES_KEY = "services"


@dataclass
class Services:
    settings: Settings
    db: Database
    knowledge: LiveKnowledge
    questions: QuestionLog
    complaints: ComplaintService
    outbox: Outbox
    regions: Regions
    calendar: WorkingCalendar
    reports: Reports
    worker: OutboxWorker | None = None  # started with the application
    teaching: TeachingService | None = None  # admins teaching the FAQ (/pertanyaan)

    def wake_outbox(self) -> None:
        if self.worker is not None:
            self.worker.wake()

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids

    def admin_chats(self) -> list[int]:
        """Where admin notices go: the admin group if there is one, else each admin."""
        if self.settings.admin_chat_id is not None:
            return [self.settings.admin_chat_id]
        return list(self.settings.admin_ids)


def in_private_chat(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def refuse_outside_private(update: Update) -> bool:
    """Residents' buttons act only in their private chat: pressed in a group (a forwarded
    message), they would show or change a resident's things in front of others."""
    if in_private_chat(update):
        return False
    if update.callback_query is not None:
        await update.callback_query.answer(texts.PRIVATE_ONLY_BUTTON, show_alert=True)
    return True


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data[SERVICES_KEY]
