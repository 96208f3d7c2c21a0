from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_need_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BOT_TOKEN", "BOT_ADMIN_IDS", "BOT_LOG_LEVEL"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(_env_file=None)
    assert settings.token is None
    assert settings.database_path.name.endswith(".sqlite3")
    assert settings.api_base_url == "https://api.telegram.org/bot"


def test_admin_ids_from_a_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_ADMIN_IDS", "111, 222")
    assert load_settings(_env_file=None).admin_ids == [111, 222]


@pytest.mark.parametrize(
    ("name", "value", "mentions"),
    [
        ("BOT_ADMIN_IDS", "budi", "BOT_ADMIN_IDS"),
        ("BOT_TOKEN", "not-a-token", "BOT_TOKEN"),
        ("BOT_LOG_LEVEL", "LOUD", "BOT_LOG_LEVEL"),
        ("BOT_API_BASE_URL", "ftp://x", "BOT_API_BASE_URL"),
    ],
)
def test_bad_setting_fails_with_one_sentence_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, mentions: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as info:
        load_settings(_env_file=None)
    message = str(info.value)
    assert mentions in message and "\n" not in message


def test_local_bot_api_server_url_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_API_BASE_URL", "http://127.0.0.1:8081/bot")
    assert load_settings(_env_file=None).api_base_url == "http://127.0.0.1:8081/bot"


def test_run_without_token_explains_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    with pytest.raises(SettingsError, match="BotFather"):
        load_settings(_env_file=None).require_token()


def test_env_example_loads_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import PROJECT_ROOT

    for name in ("BOT_TOKEN", "BOT_ADMIN_IDS", "BOT_ADMIN_CHAT_ID", "BOT_WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(_env_file=PROJECT_ROOT / ".env.example")
    assert settings.token is None and settings.admin_chat_id is None
    assert settings.webhook_url is None and settings.flood_messages == 20


def test_webhook_must_be_https(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_WEBHOOK_URL", "http://example.org/hook")
    with pytest.raises(SettingsError, match="BOT_WEBHOOK_URL"):
        load_settings(_env_file=None)
