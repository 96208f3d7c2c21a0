"""A complaint being written: steps, descriptions, places, photos, privacy, referral."""

from __future__ import annotations

import pytest

from bot.services.complaints import drafts
from bot.services.complaints.drafts import (
    MAX_DESCRIPTION_CHARS,
    MAX_PHOTOS,
    Described,
    Draft,
    Photo,
)
from bot.services.knowledge import LiveKnowledge
from bot.services.regions import Regions
from tests.conftest import Harness

SAMPAH = "Sampah di TPS dekat pasar sudah seminggu tidak diangkut, baunya menyengat"


@pytest.fixture(scope="module")
def regions() -> Regions:
    return Regions.load()


def draft(**fields: object) -> Draft:
    return Draft(resident_id=1, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "meaningful"),
    [("rusak", False), ("jalan rusak parah", True), ("aaaa bbbb", False), ("😡 😡 😡 😡", False)],
)
def test_a_description_says_something(text: str, meaningful: bool) -> None:
    assert drafts.meaningful(text) is meaningful


def test_descriptions_join_pastes_up_to_the_limit() -> None:
    d = draft(step="description")
    assert drafts.describe(d, "rusak") == Described.TOO_SHORT and d.description == ""
    first = ("Jalan rusak parah " * 300)[:3995]
    assert drafts.describe(d, first) == Described.MORE_EXPECTED
    assert drafts.describe(d, "lanjutan uraian") == Described.CAPPED
    assert len(d.description) <= MAX_DESCRIPTION_CHARS
    assert d.description.startswith(first.strip()) and "\nlanj" in d.description
    short = draft(step="description")
    assert drafts.describe(short, SAMPAH) == Described.DONE and short.description == SAMPAH


def test_the_steps_in_order(shipped_knowledge: LiveKnowledge) -> None:
    d = draft(category="sampah")
    seen = []
    for _ in range(6):
        drafts.advance(d, shipped_knowledge)
        seen.append(d.step)
        if d.step == "description":
            d.description = SAMPAH
    assert seen[:5] == ["description", "location", "photos", "privacy", "confirm"]
    # A description that came with the flow (free text) skips its step.
    started = draft(category="sampah", description=SAMPAH)
    drafts.advance(started, shipped_knowledge)
    assert started.step == "location"


def test_an_anonymous_complaint_skips_the_privacy_choice(shipped_knowledge: LiveKnowledge) -> None:
    d = draft(category="kekerasan", description=SAMPAH, step="photos", share="name")
    drafts.advance(d, shipped_knowledge)
    assert d.step == "confirm" and d.share == "anon"
    assert drafts.anonymous(d, shipped_knowledge)
    assert not drafts.anonymous(draft(category="sampah", description=SAMPAH), shipped_knowledge)


def test_editing_from_the_summary_starts_that_step_again(shipped_knowledge: LiveKnowledge) -> None:
    d = draft(step="confirm", description=SAMPAH, photos=["a"])
    assert not drafts.edit_step(d, "confirm") and not drafts.edit_step(d, "hapus")
    assert drafts.edit_step(d, "photos") and d.photos == [] and d.step == "photos"
    drafts.advance(d, shipped_knowledge)
    assert d.step == "confirm" and not d.editing  # back to the summary, not the next step
    assert not drafts.edit_step(draft(step="location"), "photos")  # only from the summary


def test_privacy_choices() -> None:
    d = draft(step="privacy")
    drafts.choose_privacy(d, "name", "Budi Santoso")
    assert (d.share, d.reporter_name, d.step) == ("name", "Budi Santoso", "privacy")
    drafts.choose_privacy(d, "name_phone", "Budi Santoso")
    assert d.step == "contact"
    drafts.share_contact(d, "+6281234567890")
    assert (d.share, d.reporter_phone, d.step) == ("name_phone", "+6281234567890", "confirm")
    drafts.share_contact(d, None)
    assert (d.share, d.reporter_phone) == ("name", None)
    drafts.choose_privacy(d, "anon", "Budi Santoso")
    assert d.reporter_name is None


def test_photos_up_to_the_limit_and_a_repeat_ignored() -> None:
    d = draft(step="photos")
    assert drafts.add_photo(d, "a") == Photo.ADDED
    assert drafts.add_photo(d, "a") == Photo.REPEATED
    assert drafts.add_photo(d, "b") == Photo.ADDED
    assert drafts.add_photo(d, "c") == Photo.LAST
    assert drafts.add_photo(d, "d") == Photo.FULL and len(d.photos) == MAX_PHOTOS


def test_places_offered_and_chosen(regions: Regions) -> None:
    d = draft(step="location")
    matches = regions.search("tanjung selamat")
    drafts.offer_places(d, matches, "tanjung selamat")
    assert 2 <= len(d.location_options) <= 5 and d.location_text == "tanjung selamat"
    assert not drafts.choose_place(d, "d12.07.99.9999", regions)  # not one offered
    key = d.location_options[0]["key"]
    assert drafts.choose_place(d, key, regions)
    assert d.kecamatan_code and d.location_options == [] and d.place


def test_another_bodys_matter_is_a_referral(shipped_knowledge: LiveKnowledge) -> None:
    skck = draft(category="lainnya", description="mau bikin SKCK untuk melamar kerja gimana")
    opd = drafts.referral(skck, shipped_knowledge)
    assert opd is not None and opd.is_external
    # A Pemkab category chosen by the resident is never referred away.
    assert drafts.referral(draft(category="sampah", description=SAMPAH), shipped_knowledge) is None


async def test_a_draft_survives_storage_whole(bot: Harness) -> None:
    store = bot.services.complaints.drafts
    resident = await store.resident_id(5550001, 5550001)
    assert await store.find_resident(5550001) == resident
    d = Draft(resident_id=resident, step="photos", category="sampah", description=SAMPAH)
    d.photos = ["a", "b"]
    await store.save(d)
    again = await store.get(resident)
    assert again is not None and again.photos == ["a", "b"] and again.nonce == d.nonce
    assert await store.discard(resident) and await store.get(resident) is None


async def test_a_change_from_an_update_already_applied_is_not_stored(bot: Harness) -> None:
    store = bot.services.complaints.drafts
    resident = await store.resident_id(5550001, 5550001)
    d = Draft(resident_id=resident, step="description", category="sampah")
    assert drafts.describe(d, SAMPAH) and await store.save(d, update_id=41)
    # The same update again: appending again in memory is not stored.
    again = await store.get(resident)
    assert again is not None
    drafts.describe(again, SAMPAH)
    assert not await store.save(again, update_id=41)
    stored = await store.get(resident)
    assert stored is not None and stored.description == SAMPAH
