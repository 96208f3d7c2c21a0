"""Residents in private chat: menu, help, FAQ questions, feedback, anything else they send."""

from __future__ import annotations

import logging
import unicodedata

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.presentation import callbacks, keyboards, texts
from bot.services.assistant import Reply
from faq.formatting import split_html
from faq.models import Topic
from handlers import complaint_flow, tracking
from handlers.context import refuse_outside_private, services

log = logging.getLogger(__name__)

# A question longer than this is almost certainly a paste or a complaint, not a question.
MAX_QUESTION_CHARS = 1000
# An emergency is looked for in this much of any message (a long paste included).
MAX_READ_CHARS = 4000


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    if context.args and context.args[0] == "lapor":  # deep link t.me/<bot>?start=lapor
        await complaint_flow.start(update, context)
        return
    await message.reply_text(
        texts.START.format(bot_name=texts.BOT_NAME), reply_markup=keyboards.main_menu()
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(texts.HELP, reply_markup=keyboards.main_menu())


async def faq_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    knowledge = services(context).knowledge.knowledge
    await update.effective_message.reply_text(
        texts.FAQ_AREAS, reply_markup=keyboards.areas(knowledge)
    )


def _is_emoji_only(text: str) -> bool:
    return bool(text.strip()) and not any(unicodedata.category(ch)[0] in "LN" for ch in text)


async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    text = message.text
    svc = services(context)
    assistant = svc.knowledge.assistant
    reading = assistant.read(text[:MAX_READ_CHARS])
    if reading.signals.emergency:
        # Life first: danger happening now gets "call 112" before anything else, whatever
        # the message turns out to be (a reply to an officer, a step of a complaint).
        await message.reply_text(texts.EMERGENCY_NOW)
    if await tracking.reply_to_officer(update, context):
        return
    draft = await complaint_flow.active_draft(update, context)
    if draft is not None:
        if reading.signals.emergency and not draft.emergency_warned:
            draft.emergency_warned = True
            await svc.complaints.drafts.save(draft)
        await complaint_flow.on_text(update, context, draft)
        return
    if _is_emoji_only(text):
        await message.reply_text(texts.EMOJI_ONLY)
        return
    if len(text) > MAX_QUESTION_CHARS:
        # A long message is rarely a question; if it reads as a complaint, offer to file it
        # (the whole text becomes the description), otherwise ask for a short question.
        reply = assistant.ask(text[:MAX_QUESTION_CHARS])
        if reply.intent != "complaint":
            await message.reply_text(texts.TOO_LONG)
            return
        await render_reply(message, reply, context)
        return
    reply = assistant.ask(text, reading)
    await render_reply(message, reply, context)


async def render_reply(message: Message, reply: Reply, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the assistant's decision to the resident."""
    svc = services(context)
    knowledge = svc.knowledge.knowledge
    if reply.intent == "faq" and reply.topic is not None:
        await send_topic(message, reply.topic, context, quote=True)
        return
    if reply.intent == "smalltalk":
        await message.reply_text(
            texts.SMALLTALK.get(reply.smalltalk or "", texts.SMALLTALK["greeting"])
        )
        return
    if reply.intent == "complaint":
        opd = knowledge.opds.get(reply.opd or "") if reply.route and reply.route.confident else None
        await message.reply_text(
            texts.complaint_offer(
                opd.name if opd else None, external=bool(opd and opd.is_external)
            ),
            # Quoting the message lets "Ya" turn exactly this text into the description.
            do_quote=True,
            reply_markup=keyboards.complaint_offer(),
        )
        return
    analysis_text = reply.analysis.text if reply.analysis else reply.text.lower()
    nearest = reply.nearest
    if reply.suggestions:
        # Kept for admins unless the resident presses one of the topics (see callback).
        await svc.questions.record_unanswered(
            reply.text,
            analysis_text,
            nearest.topic_id if nearest else None,
            nearest.score if nearest else None,
            reason="suggested",
            ref=await svc.questions.answer_ref(message.chat.id, message.message_id),
        )
        await message.reply_text(
            texts.DID_YOU_MEAN,
            # Quoting the question lets a press find it again (and shows what was asked).
            do_quote=True,
            reply_markup=keyboards.suggestions(reply.suggestions),
        )
        return
    await svc.questions.record_unanswered(
        reply.text,
        analysis_text,
        nearest.topic_id if nearest else None,
        nearest.score if nearest else None,
    )
    await message.reply_text(texts.NOT_UNDERSTOOD, reply_markup=keyboards.areas(knowledge))


async def send_topic(
    message: Message, topic: Topic, context: ContextTypes.DEFAULT_TYPE, *, quote: bool
) -> None:
    knowledge = services(context).knowledge.knowledge
    opd = knowledge.opds.get(topic.opd)
    body = texts.topic_answer(
        topic.answer,
        topic.local_details,
        opd.name if opd else None,
        referral=bool(opd and opd.is_external),
        contact=opd.contact.model_dump() if opd else None,
    )
    parts = split_html(body)
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        await message.reply_text(
            part,
            # Quoting the question lets the feedback handler see what was asked.
            do_quote=quote and index == 0,
            reply_markup=keyboards.feedback(topic.id) if last else None,
        )


async def callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every inline button residents press."""
    query = update.callback_query
    assert query is not None
    if await refuse_outside_private(update):
        return
    prefix, _, rest = (query.data or "").partition(callbacks.SEPARATOR)
    message = query.message if isinstance(query.message, Message) else None
    svc = services(context)
    knowledge = svc.knowledge.knowledge
    if message is None:
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    if prefix == callbacks.MENU:
        await query.answer()
        if rest == "faq":
            await message.reply_text(texts.FAQ_AREAS, reply_markup=keyboards.areas(knowledge))
        elif rest == "lapor":
            await complaint_flow.start(update, context)
        elif rest == "status":
            assert update.effective_user is not None
            resident_id = await svc.complaints.drafts.find_resident(update.effective_user.id)
            await tracking.show_list(message, resident_id, context)
        elif rest == "help":
            await message.reply_text(texts.HELP, reply_markup=keyboards.main_menu())
        else:
            await message.reply_text(texts.STALE_BUTTON)
        return
    if prefix == callbacks.AREA:
        area = next((a for a in knowledge.areas if a.id == rest), None)
        await query.answer()
        if area is None:
            await message.reply_text(texts.TOPIC_GONE)
            return
        await message.reply_text(
            texts.FAQ_AREA_TOPICS.format(title=area.title),
            reply_markup=keyboards.area_topics(area, knowledge),
        )
        return
    if prefix == callbacks.TOPIC:
        await query.answer()
        topic = knowledge.topics.get(rest)
        if topic is None:
            await message.reply_text(texts.TOPIC_GONE)
            return
        asked = message.reply_to_message
        if asked is not None:  # a "Maksud Anda" topic: the question found its answer
            ref = await svc.questions.answer_ref(asked.chat.id, asked.message_id)
            await svc.questions.suggestion_chosen(ref, topic.id)
        await send_topic(message, topic, context, quote=False)
        return
    if prefix == callbacks.FEEDBACK:
        await _feedback(update, context, rest)
        return
    if prefix == callbacks.OFFER:
        await query.answer()
        await message.edit_reply_markup(reply_markup=None)
        if rest == "y":
            original = message.reply_to_message.text if message.reply_to_message else None
            await complaint_flow.start(update, context, description=original, force_new=True)
        else:
            await message.reply_text(texts.COMPLAINT_DECLINED)
        return
    await query.answer(texts.STALE_BUTTON, show_alert=True)


async def _feedback(update: Update, context: ContextTypes.DEFAULT_TYPE, rest: str) -> None:
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    message = query.message
    vote, _, topic_id = rest.partition(callbacks.SEPARATOR)
    if vote not in ("0", "1") or not topic_id:
        await query.answer(texts.STALE_BUTTON, show_alert=True)
        return
    svc = services(context)
    ref = await svc.questions.answer_ref(message.chat.id, message.message_id)
    stored = await svc.questions.record_feedback(topic_id, vote == "1", ref)
    if not stored:
        await query.answer(texts.FEEDBACK_ALREADY)
        return
    await query.answer()
    await message.edit_reply_markup(reply_markup=None)
    if vote == "1":
        await message.reply_text(texts.FEEDBACK_THANKS)
        return
    asked = message.reply_to_message.text if message.reply_to_message else None
    if asked:
        analysis = svc.knowledge.assistant.normalizer.analyze(asked)
        await svc.questions.record_unanswered(
            asked, analysis.text, topic_id, None, reason="unhelpful"
        )
    await message.reply_text(texts.FEEDBACK_SORRY)


async def unsupported(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, voice notes, photos, files, locations, contacts: a kind word, never silence."""
    message = update.effective_message
    assert message is not None
    draft = await complaint_flow.active_draft(update, context)
    if draft is not None:
        if message.photo:
            await complaint_flow.on_photo(update, context, draft)
        elif message.location:
            await complaint_flow.on_location(update, context, draft)
        elif message.contact:
            await complaint_flow.on_contact(update, context, draft)
        else:
            await complaint_flow.on_other(update, context, draft)
        return
    if message.sticker:
        kind = "sticker"
    elif message.voice or message.audio or message.video_note:
        kind = "voice"
    elif message.photo or message.video or message.document or message.animation:
        kind = "media"
    elif message.location or message.venue:
        kind = "location"
    elif message.contact:
        kind = "contact"
    else:
        kind = "other"
    await message.reply_text(texts.UNSUPPORTED[kind])


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(texts.UNKNOWN_COMMAND)
