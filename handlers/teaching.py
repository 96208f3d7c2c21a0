"""Admins teach the bot what it missed: /pertanyaan lists the groups of unanswered
questions with buttons (likely topics, "Topik lain…", "Belum ada topiknya", "Abaikan"),
a "Riwayat" view and an undo. Thin: the work is in bot/services/teaching.py.

"Topik lain…" asks the admin to reply with a few words; the prompt names the group
("Kelompok #12"), so the reply needs no state kept between updates.
"""

from __future__ import annotations

import logging
import re

from telegram import ForceReply, Message, Update
from telegram.ext import ContextTypes, filters

from bot.presentation import callbacks, texts
from bot.presentation import teaching as view
from bot.services.teaching import Outcome, Teacher, TeachingService
from faq.drafts import DRAFTS_FILE
from faq.editing import CHANGED
from faq.formatting import escape, split_html
from handlers.admin import refused
from handlers.context import services

log = logging.getLogger(__name__)

# The search prompt starts with "🔎 Kelompok #<id>": a reply to it is a search.
_PROMPT = re.compile(re.escape(texts.TEACH_SEARCH_PROMPT.split("{group}")[0]) + r"(\d+)")
MAX_SEARCH_WORDS = 100  # characters of the admin's search


class _ReplyToSearchPrompt(filters.MessageFilter):
    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        return replied is not None and bool(_PROMPT.match(replied.text or ""))


SEARCH_REPLY = _ReplyToSearchPrompt(name="reply to a teaching search prompt")


def _service(context: ContextTypes.DEFAULT_TYPE) -> TeachingService:
    teaching = services(context).teaching
    assert teaching is not None, "bot/app.py builds the teaching service"
    return teaching


def _teacher(update: Update) -> Teacher:
    user = update.effective_user
    assert user is not None
    return Teacher(user.id, user.full_name)


# -- /pertanyaan ------------------------------------------------------------------------
async def list_groups(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await refused(update, context):
        return
    message = update.effective_message
    assert message is not None
    shown, total = await _service(context).open_groups()
    if not shown:
        await message.reply_text(texts.TEACH_NONE, reply_markup=view.history_keyboard())
        return
    header = texts.TEACH_HEADER.format(total=total)
    if total > len(shown):
        header += "\n" + texts.TEACH_MORE.format(shown=len(shown), total=total)
    await message.reply_text(header, reply_markup=view.history_keyboard())
    for group in shown:
        await message.reply_text(view.group_text(group), reply_markup=view.group_keyboard(group))


# -- buttons ----------------------------------------------------------------------------
async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """q:t:<group>:<topic> teach, q:o/d/i:<group> other/draft/ignore, q:h history,
    q:u:<entry> undo the last action."""
    query = update.callback_query
    assert query is not None
    if await refused(update, context):
        return
    parts = callbacks.parts(query.data)
    action = parts[1] if len(parts) > 1 else ""
    number = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else None
    if not isinstance(query.message, Message) or (action != "h" and number is None):
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    message = query.message
    service = _service(context)
    teacher = _teacher(update)
    await query.answer()  # checking a teaching takes seconds; the spinner stops now
    if action == "h":
        await _send_history(message, service)
    elif action == "o":
        await message.reply_text(
            texts.TEACH_SEARCH_PROMPT.format(group=number), reply_markup=ForceReply()
        )
    elif action == "u":
        await _undo(message, service, teacher, number)
    elif number is not None and action in ("t", "d", "i"):
        if action == "t" and len(parts) == 4:
            outcome = await service.teach(number, parts[3], teacher)
        elif action == "d":
            outcome = await service.draft(number, teacher)
        elif action == "i":
            outcome = await service.ignore(number, teacher)
        else:
            await message.reply_text(texts.STALE_BUTTON)
            return
        await _acted(message, number, action, outcome, teacher)
    else:
        await message.reply_text(texts.STALE_BUTTON)


async def _acted(
    message: Message, group: int, action: str, outcome: Outcome, teacher: Teacher
) -> None:
    """Replace the group's message by what was done (with an undo button), or say why
    nothing changed and keep the group's buttons for another choice."""
    if not outcome.ok:
        log.info("teaching refused: %s", outcome.reason)
        await _reply_long(
            message,
            texts.TEACH_REFUSED.format(
                group=group, reason=view.reason_text(outcome.reason, outcome.detail)
            ),
        )
        return
    admin = escape(teacher.name)
    topic = escape(outcome.topic_id)
    if action == "t" and outcome.reloaded:
        added = "; ".join(f"“{escape(a)}”" for a in outcome.added)
        text = texts.TEACH_DONE.format(
            group=group, topic=topic, admin=admin, questions=outcome.questions, added=added
        )
        if not outcome.answers_now:
            text += texts.TEACH_NOT_ANSWERED_YET
    elif action == "t":
        text = texts.TEACH_DONE_NOT_RELOADED.format(group=group, topic=topic, admin=admin)
    elif action == "d":
        text = texts.TEACH_DRAFTED.format(group=group, topic=topic, file=DRAFTS_FILE, admin=admin)
    else:
        text = texts.TEACH_IGNORED.format(group=group, admin=admin, questions=outcome.questions)
    log.info("teaching: group %d handled by an admin (entry %s)", group, outcome.entry_id)
    await message.edit_text(text, reply_markup=view.undo_keyboard(outcome.entry_id))


async def _undo(
    message: Message, service: TeachingService, teacher: Teacher, entry: int | None
) -> None:
    before = {e.id: e for e in await service.history(50)}
    outcome = await service.undo_last(teacher, entry)
    if not outcome.ok:
        reason = (
            texts.TEACH_UNDO_CHANGED
            if outcome.reason == CHANGED
            else view.reason_text(outcome.reason, outcome.detail)
        )
        await message.reply_text(texts.TEACH_UNDO_REFUSED.format(reason=reason))
        return
    done = before.get(outcome.entry_id or 0)
    what = view.what_was_done(done) if done else ""
    await message.reply_text(
        texts.TEACH_UNDONE.format(admin=escape(teacher.name), what=what),
        reply_markup=view.history_keyboard(),
    )


async def _send_history(message: Message, service: TeachingService) -> None:
    entries = await service.history()
    if not entries:
        await message.reply_text(texts.TEACH_HISTORY_EMPTY)
        return
    last = await service.last_entry()
    markup = view.undo_last_keyboard(last.id) if last else None
    await message.reply_text(view.history_text(entries), reply_markup=markup)


async def _reply_long(message: Message, text: str) -> None:
    for part in split_html(text):
        await message.reply_text(part)


# -- "Topik lain…": the admin's words ----------------------------------------------------
async def on_search_words(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A reply to the search prompt: topics matching the words, as teaching buttons."""
    if await refused(update, context):
        return
    message = update.effective_message
    assert message is not None and message.reply_to_message is not None
    match = _PROMPT.match(message.reply_to_message.text or "")
    assert match is not None  # SEARCH_REPLY let it through
    group = int(match.group(1))
    words = (message.text or "")[:MAX_SEARCH_WORDS]
    found = _service(context).search_topics(words)
    template = texts.TEACH_SEARCH_RESULTS if found else texts.TEACH_SEARCH_NONE
    await message.reply_text(
        template.format(words=escape(words), group=group),
        reply_markup=view.search_keyboard(group, found),
    )
