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


# Update ids never repeat, like Telegram's: a handled update id is remembered in the
# database (effects happen once per update), and the terminal chat and the tests reopen the
# same database in a new process or Application. Seeded from the clock in milliseconds: no
# one types faster than that.
_UPDATE_IDS = itertools.count(time.time_ns() // 1_000_000)


def next_update_id() -> int:
    """A fresh update id, never used before in this process (nor, in practice, before)."""
    return next(_UPDATE_IDS)


RESIDENT = Person(id=5550001, first_name="Budi", last_name="Santoso", username="budi_ds")


class Simulator:
    def __init__(self, application: Application, api: LocalBotApi) -> None:
        self.application = application
        self.api = api
        self._update_ids = _UPDATE_IDS
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

    def text_update(
        self,
        text: str,
        person: Person = RESIDENT,
        *,
        chat: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The raw update of a text message, not processed yet (process it twice to see a
        redelivery); a leading /command gets the entity Telegram would add."""
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            fields["reply_to_message"] = replied(reply_to)
        return self.message_update(person, chat=chat, **fields)

    def message_update(
        self, person: Person = RESIDENT, *, chat: dict[str, Any] | None = None, **fields: Any
    ) -> dict[str, Any]:
        """The raw update of any message, not processed yet."""
        message = self._message(person, chat, **fields)
        return {"update_id": next(self._update_ids), "message": message}

    async def send(
        self,
        text: str,
        person: Person = RESIDENT,
        *,
        chat: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> list[ApiCall]:
        """A text message; a leading /command gets the entity Telegram would add."""
        return await self.process(self.text_update(text, person, chat=chat, reply_to=reply_to))

    async def send_message(
        self, person: Person = RESIDENT, *, chat: dict[str, Any] | None = None, **fields: Any
    ) -> list[ApiCall]:
        """Any other message: sticker=..., voice=..., photo=[...], location=..."""
        return await self.process(self.message_update(person, chat=chat, **fields))

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
        return await self.process(self.press_update(call, data, person))

    def press_update(self, call: ApiCall, data: str, person: Person = RESIDENT) -> dict[str, Any]:
        """The raw update of a button press, not processed yet."""
        message = call.result if isinstance(call.result, dict) else None
        query: dict[str, Any] = {
            "id": str(next(self._update_ids) + 10_000),
            "from": person.as_user(),
            "chat_instance": "local",
            "data": data,
        }
        if message is not None:
            query["message"] = message
        return {"update_id": next(self._update_ids), "callback_query": query}
