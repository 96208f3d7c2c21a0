"""Inline keyboards of the question side: menus, topics, feedback, the complaint offer.

Callback data comes from `bot.presentation.callbacks` (always within Telegram's 64 bytes).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.presentation import texts
from bot.presentation.callbacks import AREA, FEEDBACK, MENU, OFFER, TOPIC, data
from faq.knowledge import Area, KnowledgeBase
from faq.models import Topic

MAX_BUTTON_LABEL = 60


def _label(text: str) -> str:
    return text if len(text) <= MAX_BUTTON_LABEL else text[: MAX_BUTTON_LABEL - 1] + "…"


def main_menu() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.BTN_FAQ, callback_data=data(MENU, "faq"))],
            [InlineKeyboardButton(texts.BTN_REPORT, callback_data=data(MENU, "lapor"))],
            [InlineKeyboardButton(texts.BTN_STATUS, callback_data=data(MENU, "status"))],
            [InlineKeyboardButton(texts.BTN_HELP, callback_data=data(MENU, "help"))],
        ]
    )


def areas(knowledge: KnowledgeBase) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(_label(area.title), callback_data=data(AREA, area.id))]
        for area in knowledge.areas
    ]
    return InlineKeyboardMarkup(rows)


def area_topics(area: Area, knowledge: KnowledgeBase) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(_label(knowledge.topics[t].question), callback_data=data(TOPIC, t))]
        for t in area.topic_ids
    ]
    rows.append([InlineKeyboardButton(texts.BTN_BACK_TO_AREAS, callback_data=data(MENU, "faq"))])
    return InlineKeyboardMarkup(rows)


def suggestions(topics: tuple[Topic, ...]) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(_label(t.question), callback_data=data(TOPIC, t.id))] for t in topics
    ]
    return InlineKeyboardMarkup(rows)


def feedback(topic_id: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.BTN_HELPFUL, callback_data=data(FEEDBACK, "1", topic_id)
                ),
                InlineKeyboardButton(
                    texts.BTN_NOT_HELPFUL, callback_data=data(FEEDBACK, "0", topic_id)
                ),
            ]
        ]
    )


def complaint_offer() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.BTN_REPORT_THIS, callback_data=data(OFFER, "y"))],
            [InlineKeyboardButton(texts.BTN_NOT_A_REPORT, callback_data=data(OFFER, "n"))],
        ]
    )
