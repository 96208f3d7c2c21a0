"""A complaint being written: its steps, what counts as a description, when identity is
never shown, and when it is another body's matter (a referral, not a ticket).

The draft is stored state (JSON in `draft`), so a restart or a resident who comes back
later loses nothing, and a repeated update finds the step already taken.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from bot.services.applied_updates import claim
from bot.services.complaints import routing
from db import db_time
from faq.models import Opd

if TYPE_CHECKING:
    from bot.services.complaints.store import ComplaintStore
    from bot.services.knowledge import LiveKnowledge
    from bot.services.regions import Desa, Kecamatan, Match, Regions

# The steps in order; "contact" (sharing a phone number) is a detour of "privacy".
STEPS = ("category", "description", "location", "photos", "privacy", "confirm")
EDITABLE_STEPS = STEPS[:-1]  # what the resident may go back to from the summary
MIN_DESCRIPTION_CHARS = 15
MIN_DESCRIPTION_WORDS = 3
# A description is at most this long, however many pastes it is made of: the card and one
# continuation carry it (Telegram allows 4,096 characters a message).
MAX_DESCRIPTION_CHARS = 4000
# Telegram cuts a paste longer than 4,096 characters into several messages; a message
# this long may be followed by its continuation.
CONTINUATION_THRESHOLD = 3900
MAX_PHOTOS = 3

Share = Literal["anon", "name", "name_phone"]
SHARES = ("anon", "name", "name_phone")  # keep identity hidden, show the name, and the phone


@dataclass
class Draft:
    """A complaint being written. Stored as JSON so a restart loses nothing."""

    resident_id: int
    step: str = "category"
    nonce: str = field(default_factory=lambda: secrets.token_hex(8))
    category: str | None = None
    suggested_category: str | None = None
    description: str = ""
    latitude: float | None = None
    longitude: float | None = None
    desa_code: str | None = None
    desa_name: str | None = None
    kecamatan_code: str | None = None
    kecamatan_name: str | None = None
    location_text: str | None = None
    location_options: list[dict[str, str]] = field(default_factory=list)
    photos: list[str] = field(default_factory=list)
    share: Share = "anon"
    reporter_name: str | None = None
    reporter_phone: str | None = None
    emergency_warned: bool = False
    referral_ok: bool = False  # told it is another body's matter, chose to file anyway
    editing: bool = False  # came back to a step from the summary
    updated_at: str | None = None

    def data(self) -> str:
        payload = asdict(self)
        for key in ("resident_id", "step", "nonce", "updated_at"):
            payload.pop(key)
        return json.dumps(payload, ensure_ascii=False)

    @property
    def place(self) -> str | None:
        """The place as the resident will read it in the summary."""
        if self.desa_name and self.kecamatan_name:
            return f"{self.desa_name}, Kec. {self.kecamatan_name}"
        if self.kecamatan_name:
            return f"Kec. {self.kecamatan_name}"
        return self.location_text


# -- what the steps accept ----------------------------------------------------------------
def meaningful(text: str) -> bool:
    """A description says something: enough letters, a few words."""
    letters = sum(ch.isalpha() for ch in text)
    return letters >= MIN_DESCRIPTION_CHARS * 0.6 and len(text.split()) >= MIN_DESCRIPTION_WORDS


def cap(text: str) -> tuple[str, bool]:
    """(the text within MAX_DESCRIPTION_CHARS, whether it was cut)."""
    if len(text) <= MAX_DESCRIPTION_CHARS:
        return text, False
    return text[:MAX_DESCRIPTION_CHARS].rstrip(), True


class Described(StrEnum):
    TOO_SHORT = "too_short"  # not taken: ask again
    MORE_EXPECTED = "more_expected"  # a long paste; its continuation may follow
    CAPPED = "capped"  # taken up to the limit; the rest was dropped
    DONE = "done"


def describe(draft: Draft, text: str) -> Described:
    """Take a message at the description step. A continuation of a long paste is joined to
    what came before, up to MAX_DESCRIPTION_CHARS in total."""
    if draft.description:
        joined = f"{draft.description}\n{text}"
    elif not meaningful(text):
        return Described.TOO_SHORT
    else:
        joined = text
    draft.description, capped = cap(joined)
    if capped:
        return Described.CAPPED
    if len(text) >= CONTINUATION_THRESHOLD:
        return Described.MORE_EXPECTED
    return Described.DONE


def set_place(
    draft: Draft, desa: Desa | None, kecamatan: Kecamatan | None, text: str | None
) -> None:
    """The place is known (from a map point, typed text, or a choice among options)."""
    draft.desa_code = desa.code if desa else None
    draft.desa_name = desa.name if desa else None
    draft.kecamatan_code = kecamatan.code if kecamatan else None
    draft.kecamatan_name = kecamatan.name if kecamatan else None
    draft.location_text = text[:200] if text else draft.location_text
    draft.location_options = []


def offer_places(draft: Draft, matches: list[Match], text: str) -> None:
    """Typed text names several places: the resident chooses among (at most five)."""
    draft.location_options = []
    for match in matches[:5]:
        if match.desa is not None:
            key = f"d{match.desa.code}"
            label = f"{match.desa.name}, Kec. {match.kecamatan.name}"
        else:
            key = f"k{match.kecamatan.code}"
            label = f"Kecamatan {match.kecamatan.name}"
        draft.location_options.append({"key": key, "label": label})
    draft.location_text = text[:200]


def choose_place(draft: Draft, key: str, regions: Regions) -> bool:
    """The resident pressed one of the offered places (`d<desa code>` or `k<kecamatan
    code>`); False when it is not one of them (an old button)."""
    if not any(o["key"] == key for o in draft.location_options):
        return False
    if key.startswith("d"):
        desa = regions.desa_by_code(key[1:])
        kecamatan = regions.kecamatan_by_code(desa.kecamatan_code) if desa else None
    else:
        desa, kecamatan = None, regions.kecamatan_by_code(key[1:])
    if kecamatan is None:
        return False
    set_place(draft, desa, kecamatan, None)
    return True


class Photo(StrEnum):
    ADDED = "added"
    REPEATED = "repeated"  # the same update again (e.g. redelivered after a restart)
    LAST = "last"  # added, and that was the last one allowed
    FULL = "full"  # not added: the limit was reached before


def add_photo(draft: Draft, file_id: str) -> Photo:
    if len(draft.photos) >= MAX_PHOTOS:
        return Photo.FULL
    if file_id in draft.photos:
        return Photo.REPEATED
    draft.photos.append(file_id)
    return Photo.LAST if len(draft.photos) >= MAX_PHOTOS else Photo.ADDED


def choose_privacy(draft: Draft, share: Share, name: str) -> None:
    """Keep identity hidden, or show the name (and the phone: the contact step follows)."""
    draft.share = share
    draft.reporter_name = name if share != "anon" else None
    if share == "name_phone":
        draft.step = "contact"


def share_contact(draft: Draft, phone: str | None) -> None:
    """The resident's own phone number, or none (then only the name is shown)."""
    draft.reporter_phone = phone
    draft.share = "name_phone" if phone else "name"
    draft.step = "confirm"


def edit_step(draft: Draft, step: str) -> bool:
    """Back to a step from the summary; what that step collects starts again."""
    if draft.step != "confirm" or step not in EDITABLE_STEPS:
        return False
    draft.step = step
    draft.editing = True
    if step == "description":
        draft.description = ""
    if step == "photos":
        draft.photos = []
    return True


def needs_emergency_warning(draft: Draft, live: LiveKnowledge, text: str = "") -> bool:
    """Say "call 112" once per draft: an emergency category, or text that reads as one.
    Marks the draft as warned."""
    if draft.emergency_warned:
        return False
    category = live.knowledge.categories.get(draft.category or "")
    if (category is not None and category.emergency) or (
        text and live.assistant.is_emergency(text)
    ):
        draft.emergency_warned = True
        return True
    return False


# -- decisions on the whole draft ---------------------------------------------------------
def anonymous(draft: Draft, live: LiveKnowledge) -> bool:
    """Officers will never see who reported this draft: `routing.anonymous` on the OPD it
    goes to now, the same decision submission stores (so the privacy step, the summary
    and the stored complaint agree)."""
    destination = routing.route(draft, live).opd
    return routing.anonymous(live.knowledge, draft.category, destination)


def advance(draft: Draft, live: LiveKnowledge) -> None:
    """Move to the next step that still needs an answer."""
    if draft.editing:
        draft.step = "confirm"
        draft.editing = False
        return
    index = STEPS.index(draft.step) if draft.step in STEPS else len(STEPS) - 1
    step = STEPS[min(index + 1, len(STEPS) - 1)]
    if step == "description" and len(draft.description) >= MIN_DESCRIPTION_CHARS:
        step = "location"  # the text that started the flow is the description
    if step == "privacy" and anonymous(draft, live):
        draft.share = "anon"  # nothing to choose: it is never shown
        step = "confirm"
    draft.step = step


def referral(draft: Draft, live: LiveKnowledge) -> Opd | None:
    """A matter for a body outside the kabupaten (SKCK, PLN, ...): that body, so the
    resident is referred to it instead of getting a ticket. None when it is the Pemkab's."""
    knowledge = live.knowledge
    category = knowledge.categories.get(draft.category or "")
    if category is not None and category.opd:
        return None  # the resident chose a Pemkab matter
    found = live.assistant.router.route(draft.description)
    if not found.confident or found.opd is None:
        return None
    opd = knowledge.opds.get(found.opd)
    return opd if opd is not None and opd.is_external else None


# -- storage --------------------------------------------------------------------------------
class Drafts:
    """Residents and their drafts in the database."""

    def __init__(self, store: ComplaintStore) -> None:
        self.store = store

    async def resident_id(self, telegram_id: int, chat_id: int) -> int:
        """The resident's id, created when they first start a complaint."""
        db = self.store.db
        existing = await db.fetchone(
            "SELECT id, chat_id FROM resident WHERE telegram_id = ?", (telegram_id,)
        )
        if existing is not None and existing[1] == chat_id:
            return int(existing[0])
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO resident (telegram_id, chat_id) VALUES (?, ?)"
                " ON CONFLICT (telegram_id) DO UPDATE SET chat_id = excluded.chat_id",
                (telegram_id, chat_id),
            )
            async with conn.execute(
                "SELECT id FROM resident WHERE telegram_id = ?", (telegram_id,)
            ) as cur:
                row = await cur.fetchone()
        assert row is not None
        return int(row[0])

    async def find_resident(self, telegram_id: int) -> int | None:
        """The resident's id if they ever filed or started a complaint. Asking questions
        stores nothing about a person, so most users never get a row."""
        row = await self.store.db.fetchone(
            "SELECT id FROM resident WHERE telegram_id = ?", (telegram_id,)
        )
        return int(row[0]) if row else None

    async def of(self, telegram_id: int) -> tuple[int | None, Draft | None]:
        """(resident id, their draft) of a Telegram user; None for what they do not have."""
        resident_id = await self.find_resident(telegram_id)
        return resident_id, await self.get(resident_id) if resident_id is not None else None

    async def get(self, resident_id: int) -> Draft | None:
        row = await self.store.db.fetchone(
            "SELECT step, nonce, data, updated_at FROM draft WHERE resident_id = ?",
            (resident_id,),
        )
        if row is None:
            return None
        data = json.loads(row[2])
        known = set(Draft.__dataclass_fields__)
        return Draft(
            resident_id=resident_id,
            step=row[0],
            nonce=row[1],
            updated_at=row[3],
            **{k: v for k, v in data.items() if k in known},
        )

    async def save(self, draft: Draft, *, update_id: int | None = None) -> bool:
        """Store the draft. With the `update_id` that changed it: False (nothing written)
        when that update was already applied, e.g. a paste continuation delivered twice."""
        now = db_time(self.store.clock())
        # A draft survives any restart of the bot either way; only a power cut could cost
        # the last step typed, which the resident simply types again.
        async with self.store.db.transaction(durable=False) as conn:
            if not await claim(conn, update_id):
                return False
            await conn.execute(
                "INSERT INTO draft (resident_id, step, data, nonce, updated_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (resident_id) DO UPDATE SET"
                " step = excluded.step, data = excluded.data, nonce = excluded.nonce,"
                " updated_at = excluded.updated_at",
                (draft.resident_id, draft.step, draft.data(), draft.nonce, now),
            )
        draft.updated_at = now
        return True

    async def discard(self, resident_id: int) -> bool:
        async with self.store.db.transaction() as conn:
            cursor = await conn.execute("DELETE FROM draft WHERE resident_id = ?", (resident_id,))
            return cursor.rowcount > 0
