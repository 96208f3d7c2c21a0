"""Thin Telegram adapters: read the update, call a service, render the reply.

Split by audience: `resident` (private chats), later `officer` (OPD groups) and `admin`.
Registration order lives in one place: `bot.app.register_handlers`.
"""
