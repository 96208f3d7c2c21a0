"""Admins (ids in the settings): linking OPD groups and the OPD list.

Commands from anyone else get one neutral sentence that reveals nothing of what they do.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from bot.services.complaints import KECAMATAN_OPD
from faq.formatting import escape, split_html
from handlers.context import services


async def _refuse_unless_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user, message = update.effective_user, update.effective_message
    if services(context).is_admin(user.id if user else None):
        return False
    if message is not None:
        await message.reply_text(texts.ADMIN_ONLY)
    return True


async def link_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/hubungkan <opd-id> or /hubungkan camat <kecamatan>, run inside the OPD's group."""
    if await _refuse_unless_admin(update, context):
        return
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None
    svc = services(context)
    args = [a.lower() for a in context.args or []]
    if not args or message.chat.type == "private":
        await message.reply_text(texts.GROUP_LINK_USAGE)
        return
    knowledge = svc.knowledge.knowledge
    if args[0] in ("camat", KECAMATAN_OPD) and len(args) > 1:
        resolution = svc.regions.resolve("kecamatan " + " ".join(args[1:]))
        match = resolution.certain or (resolution.candidates[0] if resolution.candidates else None)
        if match is None:
            await message.reply_text(texts.GROUP_LINK_USAGE)
            return
        destination = f"{KECAMATAN_OPD}:{match.kecamatan.code}"
        name = f"Kantor Camat {match.kecamatan.name}"
    else:
        opd = knowledge.opds.get(args[0])
        if opd is None:
            await message.reply_text(texts.GROUP_LINK_UNKNOWN.format(opd_id=escape(args[0])))
            return
        if opd.is_external:
            await message.reply_text(texts.GROUP_LINK_EXTERNAL.format(opd_name=escape(opd.name)))
            return
        destination, name = opd.id, opd.name
    await svc.complaints.link_group(destination, message.chat.id, message.chat.title, user.id)
    svc.wake_outbox()
    await message.reply_text(texts.GROUP_LINKED.format(opd_name=escape(name)))


async def list_opds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if await _refuse_unless_admin(update, context):
        return
    message = update.effective_message
    assert message is not None
    svc = services(context)
    lines = [texts.OPD_LIST_HEADER]
    for opd in svc.knowledge.knowledge.opds.values():
        if opd.is_external:
            continue
        chat = await svc.complaints.group_of(opd.id)
        lines.append(
            texts.OPD_LIST_ITEM.format(
                id=opd.id,
                name=escape(opd.short),
                group=str(chat) if chat is not None else texts.OPD_GROUP_NONE,
            )
        )
    for part in split_html("\n".join(lines)):
        await message.reply_text(part)
