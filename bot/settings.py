"""Settings from the environment and `.env`, validated once at start.

A bad or missing setting stops the bot with one sentence naming it
(see `SettingsError`), never with a traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError as _SourceError

import faq
from bot import PROJECT_ROOT, SHIPPED_DATA_DIR, SOURCE_CHECKOUT

OFFLINE_TOKEN = "0:offline-terminal-chat"
SHIPPED_FAQ_DIR = Path(faq.__file__).resolve().parent / "content"
# In a source checkout the database lives beside the code; installed, in the folder the
# bot is started from.
DEFAULT_DATABASE = (PROJECT_ROOT if SOURCE_CHECKOUT else Path()) / "var" / "layanan.sqlite3"
# Data files a BOT_DATA_DIR folder may override (setting -> file or folder name in it).
DATA_FILES = {
    "opd_file": "opd.yaml",
    "categories_file": "categories.yaml",
    "holidays_file": "holidays.yaml",
    "regions_dir": "regions",
}


def data_path(name: str, data_dir: Path | None) -> Path:
    """`name` in the override folder when it is there, otherwise the shipped one."""
    if data_dir is not None and (data_dir / name).exists():
        return data_dir / name
    return SHIPPED_DATA_DIR / name


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one readable sentence."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="BOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        # `BOT_ADMIN_CHAT_ID=` in .env means "not set", as .env.example writes it.
        env_ignore_empty=True,
    )

    token: SecretStr | None = Field(
        default=None, description="Bot token from @BotFather; only `run` needs it."
    )
    database_path: Path = Field(default=DEFAULT_DATABASE)
    # A folder whose opd.yaml, categories.yaml, holidays.yaml, regions/ and faq/ replace
    # the shipped ones (each only when present there). An explicit BOT_OPD_FILE,
    # BOT_FAQ_DIR, ... wins over it.
    data_dir: Path | None = None
    faq_dir: Path = Field(default=SHIPPED_FAQ_DIR)
    opd_file: Path = Field(default=SHIPPED_DATA_DIR / "opd.yaml")
    categories_file: Path = Field(default=SHIPPED_DATA_DIR / "categories.yaml")
    holidays_file: Path = Field(default=SHIPPED_DATA_DIR / "holidays.yaml")
    regions_dir: Path = Field(default=SHIPPED_DATA_DIR / "regions")
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    admin_chat_id: int | None = Field(
        default=None, description="Optional admin group: its members act as admins there."
    )
    webhook_url: str | None = Field(
        default=None, description="Public HTTPS URL Telegram posts updates to; empty: polling."
    )
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    flood_messages: int = Field(default=20, ge=3, description="Messages per minute per resident.")
    # Updates of different chats handled at the same time; one chat's are always in order.
    update_concurrency: int = Field(default=16, ge=1, le=1000)
    # High enough for officers clearing a backlog of cards (each press is an update).
    group_flood_messages: int = Field(
        default=120, ge=3, description="Updates per minute per group; beyond, dropped silently."
    )
    api_base_url: str = Field(default="https://api.telegram.org/bot")
    api_file_url: str = Field(default="https://api.telegram.org/file/bot")
    log_level: str = Field(default="INFO")

    @model_validator(mode="before")
    @classmethod
    def _data_files(cls, data: Any) -> Any:
        """Data files not set one by one come from BOT_DATA_DIR, else the shipped ones."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        data_dir = Path(data["data_dir"]) if data.get("data_dir") else None
        for field, name in DATA_FILES.items():
            if not data.get(field):
                data[field] = data_path(name, data_dir)
        if not data.get("faq_dir"):
            custom = data_dir / "faq" if data_dir is not None else None
            data["faq_dir"] = custom if custom is not None and custom.is_dir() else SHIPPED_FAQ_DIR
        return data

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        # Accept "123,456" as well as a JSON list, since admins write .env by hand.
        if isinstance(value, str):
            parts = [p.strip() for p in value.strip("[]").replace(";", ",").split(",")]
            try:
                return [int(p) for p in parts if p]
            except ValueError:
                raise ValueError("must be Telegram user ids separated by commas") from None
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("log_level")
    @classmethod
    def _check_level(cls, value: str) -> str:
        level = value.upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("api_base_url", "api_file_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value.endswith("//") else value

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith("https://"):
            raise ValueError("must be an https:// URL (Telegram only posts to HTTPS)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _check_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        secret = value.get_secret_value()
        if not (1 <= len(secret) <= 256) or not all(c.isalnum() or c in "_-" for c in secret):
            raise ValueError("use 1-256 characters: letters, digits, _ and -")
        return value

    @field_validator("token")
    @classmethod
    def _check_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        head, _, tail = value.get_secret_value().partition(":")
        if not head.isdigit() or len(tail) < 20:
            raise ValueError("looks wrong; it should look like 123456789:AA... from @BotFather")
        return value

    def require_token(self) -> str:
        if self.token is None:
            raise SettingsError(
                "Setting BOT_TOKEN is missing: create a bot with @BotFather and put its token "
                "in .env (see .env.example), or use `python -m bot chat` to try it offline."
            )
        return self.token.get_secret_value()

    def require_webhook_secret(self) -> str:
        """Webhook mode without a secret would take updates "from" anyone who finds the URL."""
        if self.webhook_secret is None:
            raise SettingsError(
                "Setting BOT_WEBHOOK_SECRET is missing: webhook mode (BOT_WEBHOOK_URL is set) "
                "needs a secret token so that only Telegram can post updates, so put one in "
                ".env (letters, digits, _ and -) or leave BOT_WEBHOOK_URL empty to use long "
                "polling."
            )
        return self.webhook_secret.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning a validation error into one clear sentence."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "BOT_" + str(first["loc"][0]).upper() if first.get("loc") else "a setting"
        raise SettingsError(f"Setting {name} is invalid: {first['msg']}.") from None
    except _SourceError as exc:
        raise SettingsError(f"A setting could not be read: {exc}.") from None
