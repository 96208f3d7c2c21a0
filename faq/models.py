"""The shape of FAQ files and the OPD directory, validated with pydantic."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from faq.formatting import check_html, plain_text

TOPIC_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Telegram's limit is 4,096; the rendered reply adds a title, the OPD line and local details.
MAX_ANSWER_CHARS = 3500


def _text_list(values: object) -> object:
    # YAML reads `112` as a number; a phrasing or keyword is always text.
    if isinstance(values, list):
        return [str(v) if isinstance(v, int | float) else v for v in values]
    return values


TextList = Annotated[list[str], BeforeValidator(_text_list)]


class Topic(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str
    opd: str
    question: str = Field(min_length=5)
    phrasings: TextList = Field(default_factory=list)
    keywords: TextList = Field(default_factory=list)
    answer: str = Field(min_length=1)
    local_details: str = ""
    admin_todo: str = ""
    updated: dt.date
    area: str = ""  # filled from the file, not written per topic

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if len(value) > 40:
            raise ValueError("id terlalu panjang (paling banyak 40 karakter)")
        if not TOPIC_ID.match(value):
            raise ValueError("id hanya huruf kecil, angka dan tanda '-' (contoh: ktp-hilang)")
        return value

    @field_validator("answer", "local_details")
    @classmethod
    def _telegram_html(cls, value: str) -> str:
        value = value.strip()
        errors = check_html(value)
        if errors:
            raise ValueError("; ".join(errors))
        if len(value) > MAX_ANSWER_CHARS:
            raise ValueError(
                f"terlalu panjang ({len(value)} karakter); batas {MAX_ANSWER_CHARS} agar muat "
                "di satu pesan Telegram (4.096)"
            )
        if value and not plain_text(value).strip():
            raise ValueError("isinya kosong setelah tag dibuang")
        return value

    @field_validator("phrasings", "keywords")
    @classmethod
    def _no_blank(cls, values: list[str]) -> list[str]:
        cleaned = [v.strip() for v in values]
        if any(not v for v in cleaned):
            raise ValueError("ada baris kosong")
        return cleaned


class FaqFile(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    area: str = Field(pattern=r"^[a-z0-9-]+$")
    order: int = 100  # position in the /faq menu, smallest first
    title: str = Field(min_length=2)
    topics: list[Topic] = Field(min_length=1)


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    address: str = ""
    phone: str = ""
    hours: str = ""
    online: str = ""


class Opd(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9]+$")
    kind: Literal["opd", "external"]
    name: str = Field(min_length=2)
    short: str = Field(min_length=2)
    handles: str = ""
    keywords: TextList = Field(default_factory=list)
    # A complaint naming one of these goes to this OPD whatever service it also names:
    # pungli at the capil office is the Inspektorat's, KDRT is DP3AP2KB's, SMA/SMK and
    # provincial roads are the province's (see bot/services/router.py).
    decisive_keywords: TextList = Field(default_factory=list)
    # Acts on danger happening now (fire, flood, violence): preferred for emergencies.
    emergency: bool = False
    contact: Contact = Field(default_factory=Contact)
    notes: str = ""
    # Routing policy (see `RoutingPolicy`): admins change it here, not in code.
    triage: bool = False
    per_kecamatan: bool = False
    always_anonymous: bool = False

    @property
    def is_external(self) -> bool:
        return self.kind == "external"


@dataclass(frozen=True)
class RoutingPolicy:
    """The routing decisions the OPD directory makes (its `triage`, `per_kecamatan` and
    `always_anonymous` flags), so no OPD id is written in code."""

    triage: str | None  # decides what nothing routes confidently; the fallback group
    per_kecamatan: str | None  # one group per kecamatan; the kecamatan fallback
    always_anonymous: frozenset[str]  # officers never see who reported

    @classmethod
    def of(cls, opds: Mapping[str, Opd]) -> RoutingPolicy:
        """The policy of a directory (`load_opds` has checked there is one triage OPD)."""
        return cls(
            triage=next((o.id for o in opds.values() if o.triage), None),
            per_kecamatan=next((o.id for o in opds.values() if o.per_kecamatan), None),
            always_anonymous=frozenset(o.id for o in opds.values() if o.always_anonymous),
        )

    def group_key(self, opd_id: str, kecamatan_code: str | None) -> str:
        """The key of the group that acts for `opd_id`: the OPD id, or `<opd>:<kecamatan
        code>` for the per-kecamatan OPD (one group per kantor camat)."""
        if opd_id == self.per_kecamatan and kecamatan_code:
            return f"{opd_id}:{kecamatan_code}"
        return opd_id


class OpdFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    opds: list[Opd] = Field(min_length=1)


class Category(BaseModel):
    """A complaint category residents choose; `opd` owns it by default (a routing rule)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9-]+$", max_length=20)
    label: str = Field(min_length=2, max_length=60)
    opd: str = ""
    sensitive: bool = False
    emergency: bool = False


class CategoryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    categories: list[Category] = Field(min_length=1)
