"""Settings from the environment and `.env`, validated once at start.

A bad or missing setting stops the bot with one sentence naming it
(see `SettingsError`), never with a traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError as _SourceError

from bot import PROJECT_ROOT

OFFLINE_TOKEN = "0:offline-terminal-chat"


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
    database_path: Path = Field(default=PROJECT_ROOT / "var" / "layanan.sqlite3")
    faq_dir: Path = Field(default=PROJECT_ROOT / "faq" / "content")
    opd_file: Path = Field(default=PROJECT_ROOT / "data" / "opd.yaml")
    categories_file: Path = Field(default=PROJECT_ROOT / "data" / "categories.yaml")
    holidays_file: Path = Field(default=PROJECT_ROOT / "data" / "holidays.yaml")
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
    api_base_url: str = Field(default="https://api.telegram.org/bot")
    api_file_url: str = Field(default="https://api.telegram.org/file/bot")
    log_level: str = Field(default="INFO")

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
