"""Where a complaint goes and whether it is anonymous: one decision each."""

from __future__ import annotations

from bot.presentation import texts
from bot.services.complaints import routing
from bot.services.complaints.drafts import Draft
from bot.services.knowledge import LiveKnowledge
from faq.formatting import plain_text
from tests.conftest import Harness
from tests.handlers.test_complaint_flow import TICKET, last_with_buttons

PUNGLI = "Petugas di kantor desa minta uang pungli 200 ribu untuk urus surat pengantar"


def draft(**fields: object) -> Draft:
    return Draft(resident_id=1, **fields)  # type: ignore[arg-type]


def test_category_rule_then_text_then_kecamatan_then_triage(
    shipped_knowledge: LiveKnowledge,
) -> None:
    route = routing.route
    # The category's owner, when the text does not clearly say otherwise.
    assert (
        route(draft(category="sampah", description="tolong dibantu pak"), shipped_knowledge).opd
        == "dlh"
    )
    # The text, when no category owns it.
    found = route(draft(category="lainnya", description=PUNGLI), shipped_knowledge)
    assert found.opd == "inspektorat" and found.triage_reason is None
    # The kecamatan office, when the text says little and the kecamatan is known.
    vague = draft(
        category="lainnya",
        description="tolong diperhatikan pak",
        kecamatan_code="12.07.28",
        kecamatan_name="Lubuk Pakam",
    )
    assert route(vague, shipped_knowledge).opd == "kecamatan"
    # Otherwise triage, with the reason an admin reads.
    unsure = route(
        draft(category="lainnya", description="tolong diperhatikan pak"), shipped_knowledge
    )
    assert (unsure.opd, unsure.triage_reason) == ("kominfostan", "rute tidak yakin")


def test_anonymity_by_category_or_by_opd(shipped_knowledge: LiveKnowledge) -> None:
    knowledge = shipped_knowledge.knowledge
    assert routing.anonymous(knowledge, "pungli", "dlh")  # a sensitive category
    assert routing.anonymous(knowledge, "lainnya", "inspektorat")  # an always-anonymous OPD
    assert routing.anonymous(knowledge, "lainnya", "dp3ap2kb")
    assert not routing.anonymous(knowledge, "sampah", "dlh")


async def test_the_summary_and_the_stored_complaint_agree_on_anonymity(bot: Harness) -> None:
    # Category "Lainnya", but the text routes to Inspektorat (always anonymous).
    [prompt] = await bot.say("/lapor")
    await bot.press(prompt, "Lainnya")
    await bot.say(PUNGLI)
    calls = await bot.say("Lubuk Pakam")
    calls = await bot.press(last_with_buttons(calls), texts.BTN_NO_PHOTOS)
    # No choice to show the name: it would never be shown.
    assert not any(texts.BTN_SHARE_NAME == label for c in calls for label, _ in c.buttons)
    assert any(texts.FLOW_PRIVACY_SENSITIVE in c.text for c in calls)
    summary = last_with_buttons(calls)
    assert texts.FLOW_IDENTITY_ANON in plain_text(summary.text)
    calls = await bot.press(summary, texts.BTN_CONFIRM)
    ticket = TICKET.search(" ".join(c.text for c in calls)).group(0)
    complaint = await bot.services.complaints.by_ticket(ticket)
    assert complaint.opd_id == "inspektorat"
    assert complaint.sensitive and not complaint.share_identity and complaint.reporter_name is None
