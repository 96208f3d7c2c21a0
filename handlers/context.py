"""Typed access to the services the composition root put in `bot_data`."""

from __future__ import annotations

from dataclasses import dataclass

from telegram.ext import ContextTypes

from bot.services.knowledge import LiveKnowledge
from bot.services.questions import QuestionLog
from bot.settings import Settings
from db import Database

SERVICES_KEY = "services"


@dataclass
class Services:
    settings: Settings
    db: Database
    knowledge: LiveKnowledge
    questions: QuestionLog


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data[SERVICES_KEY]
