"""Webhook mode: our own small HTTP server, answering 200 only once an update is stored.

python-telegram-bot's `run_webhook` answers 200 before the update is handled or stored,
so a crash just after loses it. Here the handler checks Telegram's secret header (in
constant time; 403 and nothing stored without it), stores the update in the durable
inbox, and only then answers 200: Telegram retries anything else (at-least-once, like
long polling). The server runs behind a reverse proxy that terminates TLS at
BOT_WEBHOOK_URL and forwards to BOT_WEBHOOK_LISTEN:BOT_WEBHOOK_PORT.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging

import tornado.web
from telegram import Update
from telegram.ext import Application
from tornado.httpserver import HTTPServer

from bot.app import running
from bot.dispatch import Dispatcher
from bot.inbox import Inbox
from bot.polling import stop_on_signals
from handlers.context import SERVICES_KEY, Services

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1_000_000  # bytes; an update is a few kilobytes


def url_path(webhook_url: str) -> str:
    """The path part of the public URL, which the proxy forwards unchanged."""
    return webhook_url.split("://", 1)[1].partition("/")[2]


class UpdateHandler(tornado.web.RequestHandler):
    def initialize(self, dispatcher: Dispatcher, secret: str) -> None:
        self.dispatcher = dispatcher
        self.secret = secret.encode()

    async def post(self) -> None:
        given = (self.request.headers.get(SECRET_HEADER) or "").encode()
        if not hmac.compare_digest(given, self.secret):
            log.warning("webhook: a request without the right secret token was refused")
            self.set_status(403)
            return
        try:
            data = json.loads(self.request.body)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
            update = Update.de_json(data, self.dispatcher.application.bot)
        except Exception:
            log.warning("webhook: a body that is not an update was refused")
            self.set_status(400)
            return
        try:
            await self.dispatcher.receive([update])
        except Exception:
            # Not stored: not 200, so Telegram delivers it again.
            log.exception("webhook: update %s could not be stored", update.update_id)
            self.set_status(500)
            return
        self.set_status(200)

    def log_exception(self, *args: object) -> None:  # type: ignore[override]
        # tornado's default logs the request; ours above say enough.
        return None


def make_app(dispatcher: Dispatcher, path: str, secret: str) -> tornado.web.Application:
    return tornado.web.Application(
        [(f"/{path}", UpdateHandler, {"dispatcher": dispatcher, "secret": secret})],
        log_function=lambda handler: None,  # no access log: one line per update is enough
    )


async def serve_webhook(
    application: Application, allowed_updates: list[str], stop: asyncio.Event | None = None
) -> None:
    """Run until SIGINT/SIGTERM (or `stop`): listen, tell Telegram the URL, store, handle."""
    stop = stop or stop_on_signals()
    async with running(application):
        services: Services = application.bot_data[SERVICES_KEY]
        settings = services.settings
        assert settings.webhook_url is not None
        secret = settings.require_webhook_secret()
        path = url_path(settings.webhook_url)
        await application.start()  # the job queue
        dispatcher = Dispatcher(application, Inbox(services.db), settings.update_concurrency)
        server = HTTPServer(make_app(dispatcher, path, secret), max_body_size=MAX_BODY)
        try:
            await dispatcher.start()
            server.listen(settings.webhook_port, address=settings.webhook_listen)
            log.info(
                "webhook listening on %s:%d/%s",
                settings.webhook_listen,
                settings.webhook_port,
                path,
            )
            await application.bot.set_webhook(
                settings.webhook_url,
                allowed_updates=allowed_updates,
                secret_token=secret,
                drop_pending_updates=False,
            )
            await stop.wait()
        finally:
            server.stop()  # no new requests; Telegram retries them later
            await dispatcher.stop()
            await server.close_all_connections()
            await application.stop()
    log.info("webhook server stopped")
