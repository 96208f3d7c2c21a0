from __future__ import annotations

from pathlib import Path

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
        ("BOT_UPDATE_CONCURRENCY", "0", "BOT_UPDATE_CONCURRENCY"),
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
    assert settings.update_concurrency == 16


def test_update_concurrency_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_UPDATE_CONCURRENCY", "1")
    assert load_settings(_env_file=None).update_concurrency == 1


def test_webhook_mode_needs_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_WEBHOOK_URL", "https://bot.example.go.id/hook")
    monkeypatch.setenv("BOT_WEBHOOK_SECRET", "")
    with pytest.raises(SettingsError) as info:
        load_settings(_env_file=None).require_webhook_secret()
    assert "BOT_WEBHOOK_SECRET" in str(info.value) and "\n" not in str(info.value)
    monkeypatch.setenv("BOT_WEBHOOK_SECRET", "abc_DEF-123")
    assert load_settings(_env_file=None).require_webhook_secret() == "abc_DEF-123"


def test_webhook_must_be_https(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_WEBHOOK_URL", "http://example.org/hook")
    with pytest.raises(SettingsError, match="BOT_WEBHOOK_URL"):
        load_settings(_env_file=None)


def test_data_files_default_to_the_shipped_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import SHIPPED_DATA_DIR

    monkeypatch.delenv("BOT_DATA_DIR", raising=False)
    monkeypatch.delenv("BOT_OPD_FILE", raising=False)
    settings = load_settings(_env_file=None)
    assert settings.opd_file == SHIPPED_DATA_DIR / "opd.yaml" and settings.opd_file.is_file()
    assert settings.regions_dir == SHIPPED_DATA_DIR / "regions"
    assert (settings.faq_dir / "kependudukan.yaml").is_file()


def test_data_dir_overrides_what_it_holds(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from bot import SHIPPED_DATA_DIR

    (tmp_path / "holidays.yaml").write_text("holidays: [2026-12-25]\n", encoding="utf-8")
    (tmp_path / "faq").mkdir()
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path))
    settings = load_settings(_env_file=None)
    assert settings.holidays_file == tmp_path / "holidays.yaml"
    assert settings.faq_dir == tmp_path / "faq"
    # What the folder does not hold stays the shipped file.
    assert settings.opd_file == SHIPPED_DATA_DIR / "opd.yaml"
    assert settings.regions_dir == SHIPPED_DATA_DIR / "regions"


def test_a_file_setting_wins_over_the_data_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "opd.yaml").write_text("opds: []\n", encoding="utf-8")
    mine = tmp_path / "mine.yaml"
    monkeypatch.setenv("BOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BOT_OPD_FILE", str(mine))
    assert load_settings(_env_file=None).opd_file == mine
