"""Where a complaint goes, and who may know who reported it: one decision each.

The routing decision reads the complaint in a fixed order: the category's owner OPD (a
routing rule), then the text (the router's evidence), then the kecamatan (its Kantor
Camat when the text says little), and otherwise triage. The triage OPD, the per-kecamatan
OPD and the always-anonymous OPDs are the OPD directory's policy (`data/opd.yaml`).

Both the summary the resident confirms and the stored complaint ask `route` and
`anonymous` here, so what the resident is shown is what is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from faq.knowledge import KnowledgeBase

if TYPE_CHECKING:
    from bot.services.complaints.drafts import Draft
    from bot.services.knowledge import LiveKnowledge


@dataclass(frozen=True)
class RouteDecision:
    opd: str
    score: float
    triage_reason: str | None  # why an admin must decide (None: it goes to `opd`)


def route(draft: Draft, live: LiveKnowledge) -> RouteDecision:
    """The OPD a draft goes to: category rule -> text -> kecamatan -> triage."""
    knowledge = live.knowledge
    policy = knowledge.policy
    triage = policy.triage or ""
    category = knowledge.categories.get(draft.category or "")
    category_opd = category.opd if category and category.opd else None
    found = live.assistant.router.route(
        draft.description, category_opd=category_opd, kecamatan=draft.kecamatan_name
    )
    if found.confident and found.opd:
        if found.opd == policy.per_kecamatan and not draft.kecamatan_code:
            return RouteDecision(triage, found.score, "lokasi kecamatan tidak diketahui")
        opd = knowledge.opds.get(found.opd)
        if opd is not None and opd.is_external:
            # A referral is offered before confirming; reaching here means the resident
            # chose to file anyway, so an admin decides.
            return RouteDecision(
                triage, found.score, f"mungkin urusan {found.opd} (di luar Pemkab)"
            )
        return RouteDecision(found.opd, found.score, None)
    if category_opd:
        return RouteDecision(category_opd, found.score, None)
    return RouteDecision(triage, found.score, "rute tidak yakin")


def anonymous(knowledge: KnowledgeBase, category_id: str | None, opd_id: str) -> bool:
    """Officers may never see who reported: a sensitive category (violence, pungli), or an
    OPD that is always anonymous (DP3AP2KB, Inspektorat: `always_anonymous` in the OPD file).
    The one place that decides it, for the summary, the stored complaint and every move."""
    category = knowledge.categories.get(category_id or "")
    return bool(category and category.sensitive) or opd_id in knowledge.policy.always_anonymous


def valid_target(knowledge: KnowledgeBase, target: str, kecamatan_code: str | None) -> bool:
    """An OPD a complaint may be moved or assigned to: inside the Pemkab, and the
    per-kecamatan OPD only when the complaint's kecamatan is known."""
    opd = knowledge.opds.get(target)
    if opd is None or opd.is_external:
        return False
    return target != knowledge.policy.per_kecamatan or bool(kecamatan_code)


def move_targets(knowledge: KnowledgeBase, opd_id: str, kecamatan_code: str | None) -> list[str]:
    """Every OPD a complaint now at `opd_id` may be moved to, in directory order."""
    return [
        target
        for target in knowledge.opds
        if target != opd_id and valid_target(knowledge, target, kecamatan_code)
    ]
