"""Feed the real Application updates shaped exactly as Telegram sends them.

Used by the terminal chat and by the tests: "this resident sends this, the bot answers
that", through python-telegram-bot's own update parsing, filters and handlers, with the
transport replaced by `LocalBotApi`.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.offline.local_api import ApiCall, LocalBotApi, replied


@dataclass(frozen=True)
class Person:
    id: int
    first_name: str = "Warga"
    last_name: str | None = None
    username: str | None = None

    def as_user(self) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": "id",
        }
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        return user


RESIDENT = Person(id=5550001, first_name="Budi", last_name="Santoso", username="budi_ds")


class Simulator:
    def __init__(self, application: Application, api: LocalBotApi) -> None:
        self.application = application
        self.api = api
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)

    async def process(self, update: dict[str, Any]) -> list[ApiCall]:
        """Process one raw update; return the Bot API calls it caused."""
        before = len(self.api.calls)
        await self.application.process_update(Update.de_json(update, self.application.bot))
        return self.api.calls[before:]

    def _message(self, person: Person, chat: dict[str, Any] | None, **fields: Any) -> dict:
        chat = chat or {"id": person.id, "type": "private", "first_name": person.first_name}
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": person.as_user(),
            **fields,
        }
        self.api.remember(message)
        return message

    async def send(
        self,
        text: str,
        person: Person = RESIDENT,
        *,
        chat: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> list[ApiCall]:
        """A text message; a leading /command gets the entity Telegram would add."""
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            fields["reply_to_message"] = replied(reply_to)
        message = self._message(person, chat, **fields)
        return await self.process({"update_id": next(self._update_ids), "message": message})

    async def send_message(
        self, person: Person = RESIDENT, *, chat: dict[str, Any] | None = None, **fields: Any
    ) -> list[ApiCall]:
        """Any other message: sticker=..., voice=..., photo=[...], location=..."""
        message = self._message(person, chat, **fields)
        return await self.process({"update_id": next(self._update_ids), "message": message})

    async def edit(self, text: str, person: Person = RESIDENT) -> list[ApiCall]:
        message = self._message(person, None, text=text, edit_date=int(time.time()))
        return await self.process({"update_id": next(self._update_ids), "edited_message": message})

    async def press(
        self, call: ApiCall, label_or_data: str, person: Person = RESIDENT
    ) -> list[ApiCall]:
        """Press an inline button of a message the bot sent (by label or callback data)."""
        data = next(
            (d for label, d in call.buttons if label_or_data in (label, d)),
            None,
        )
        if data is None:
            raise LookupError(f"no button {label_or_data!r} in {call.buttons}")
        return await self.press_data(call, data, person)

    async def press_data(
        self, call: ApiCall, data: str, person: Person = RESIDENT
    ) -> list[ApiCall]:
        message = call.result if isinstance(call.result, dict) else None
        query: dict[str, Any] = {
            "id": str(next(self._update_ids) + 10_000),
            "from": person.as_user(),
            "chat_instance": "local",
            "data": data,
        }
        if message is not None:
            query["message"] = message
        return await self.process({"update_id": next(self._update_ids), "callback_query": query})
