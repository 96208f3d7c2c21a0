"""The command-line contract of PRODUCT.md, run as a subprocess the way checks run it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot import PROJECT_ROOT


def run(
    *args: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    cwd: Path = PROJECT_ROOT,
    keep_token: bool = False,
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    if not keep_token:
        full_env.pop("BOT_TOKEN", None)
    full_env["PYTHONPATH"] = str(PROJECT_ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=120,
    )


def test_ask_json_with_text() -> None:
    result = run("ask", "--json", "syarat akta kelahiran")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["intent"] == "faq" and data["faq_id"] == "akta-lahir"
    assert set(data) == {"text", "intent", "faq_id", "score", "suggestions", "opd"}


def test_ask_json_reads_stdin_one_object_per_line_in_order() -> None:
    result = run(
        "ask", "--json", stdin="halo\ncara bayar pbb\n\njalan rusak parah berlubang di desa kami\n"
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["intent"] for d in lines] == ["smalltalk", "faq", "complaint"]
    assert lines[1]["faq_id"] == "pbb-bayar"
    assert lines[2]["opd"] == "sdabmbk"


def test_route_json() -> None:
    result = run("route", "--json", "sampah menumpuk di pinggir jalan tidak diangkut")
    data = json.loads(result.stdout)
    assert set(data) == {"text", "opd", "score", "alternatives"}
    assert data["opd"] == "dlh"


def test_faq_check_ok_on_shipped_files() -> None:
    result = run("faq", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "faq check: ok" in result.stdout


def test_faq_check_fails_with_file_and_line(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "faq" / "content", content)
    path = content / "pajak.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("opd: bapenda", "opd: entah", 1))
    result = run("faq", "check", env={"BOT_FAQ_DIR": str(content)})
    assert result.returncode == 1
    assert "pajak.yaml:" in result.stdout and "entah" in result.stdout


def test_eval_ask_prints_per_class_and_confusions(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "text,expected\n"
        "cara bikin akta lahir anak,akta-lahir\n"
        "selamat malam,none\n"
        "lampu jalan depan sekolah mati total,complaint:dishub\n"
        "syarat skck,kk-baru\n",
        encoding="utf-8",
    )
    result = run("eval", "ask", str(cases))
    assert result.returncode == 0, result.stderr
    assert "akta-lahir" in result.stdout
    assert "kk-baru -> skck: 1" in result.stdout
    assert "overall accuracy: 3/4 = 0.750" in result.stdout
    assert run("eval", "ask", str(cases), "--fail-under", "0.9").returncode == 1


def test_bad_setting_is_one_clear_sentence() -> None:
    result = run("faq", "check", env={"BOT_ADMIN_IDS": "bukan-angka"})
    assert result.returncode == 2
    assert "BOT_ADMIN_IDS" in result.stderr and "Traceback" not in result.stderr


def test_run_without_token_says_what_to_do() -> None:
    result = run("run")
    assert result.returncode == 2
    assert "BOT_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_chat_runs_offline_in_the_terminal(tmp_path: Path) -> None:
    result = run(
        "chat",
        stdin="cara bikin ktp\n1\nresep rendang\n/keluar\n",
        env={"BOT_DATABASE_PATH": str(tmp_path / "chat.sqlite3")},
    )
    assert result.returncode == 0, result.stderr
    assert "selamat datang" in result.stdout
    assert "KTP-el" in result.stdout
    assert "Terima kasih atas penilaian Anda" in result.stdout
    assert "belum menemukan jawaban" in result.stdout


def test_run_uses_polling_or_the_webhook_when_configured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from telegram.ext import Application

    from bot import cli

    seen: dict[str, dict] = {}

    async def fake_poll(application: Application, allowed: list[str]) -> None:
        seen["polling"] = {"allowed_updates": allowed}

    async def fake_webhook(application: Application, allowed: list[str]) -> None:
        seen["webhook"] = {"allowed_updates": allowed}

    monkeypatch.setattr("bot.polling.poll", fake_poll)
    monkeypatch.setattr("bot.webhook.serve_webhook", fake_webhook)
    monkeypatch.setenv("BOT_TOKEN", "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
    monkeypatch.setenv("BOT_DATABASE_PATH", str(tmp_path / "x.sqlite3"))
    assert cli.main(["run"]) == 0
    assert "callback_query" in seen["polling"]["allowed_updates"]
    monkeypatch.setenv("BOT_WEBHOOK_URL", "https://bot.example.go.id/telegram/hook")
    monkeypatch.setenv("BOT_WEBHOOK_SECRET", "rahasia-123")
    assert cli.main(["run"]) == 0
    assert "callback_query" in seen["webhook"]["allowed_updates"]


def test_webhook_mode_without_a_secret_refuses_to_start(tmp_path: Path) -> None:
    result = run(
        "run",
        env={
            "BOT_TOKEN": "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "BOT_WEBHOOK_URL": "https://bot.example.go.id/telegram/hook",
            "BOT_WEBHOOK_SECRET": "",
            "BOT_DATABASE_PATH": str(tmp_path / "w.sqlite3"),
            # Nothing may be contacted: a start would fail on this address, not refuse.
            "BOT_API_BASE_URL": "http://127.0.0.1:9/bot",
        },
        keep_token=True,
    )
    assert result.returncode == 2, result.stderr
    assert "BOT_WEBHOOK_SECRET" in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1  # one sentence


def test_export_and_unanswered_commands(tmp_path: Path) -> None:
    env = {"BOT_DATABASE_PATH": str(tmp_path / "e.sqlite3")}
    result = run("export", env=env)
    assert result.returncode == 0 and result.stdout.startswith("ticket,created_at,status")
    assert "reporter_name" not in result.stdout
    assert "reporter_name" in run("export", "--personal", env=env).stdout
    assert "no unanswered questions" in run("unanswered", env=env).stdout


def _seed_missed(database: Path, texts: list[str]) -> None:
    import asyncio

    from bot.services.questions import QuestionLog
    from db import Database

    async def seed() -> None:
        db = Database(database)
        await db.open()
        try:
            for text in texts:
                await QuestionLog(db).record_unanswered(text, text, None, None)
        finally:
            await db.close()

    asyncio.run(seed())


MISSED = "ktp ku tercecer entah dimana sewaktu pindahan"


def test_unanswered_groups(tmp_path: Path) -> None:
    database = tmp_path / "g.sqlite3"
    _seed_missed(database, [MISSED, MISSED, "ktp ku tercecer entah dmn sewaktu pindahan", "x y"])
    result = run("unanswered", "--groups", env={"BOT_DATABASE_PATH": str(database)})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["3", "last", *lines[0].split()[2:3], *MISSED.split()]
    assert "also: ktp ku tercecer entah dmn sewaktu pindahan" in lines[1]
    assert lines[2].startswith("       likely topics: ") and "ktp-hilang-rusak" in lines[2]


def test_faq_teach_mirrors_the_telegram_loop(tmp_path: Path) -> None:
    faq_dir = tmp_path / "faq"
    shutil.copytree(PROJECT_ROOT / "faq" / "content", faq_dir)
    original = (faq_dir / "kependudukan.yaml").read_bytes()
    database = tmp_path / "t.sqlite3"
    _seed_missed(database, [MISSED])
    env = {"BOT_DATABASE_PATH": str(database), "BOT_FAQ_DIR": str(faq_dir)}
    # Search a topic by words, teach it, look at the history, undo.
    script = "Topik lain…\nktp hilang\nktp-hilang-rusak\nRiwayat\n"
    result = run("faq", "teach", stdin=script, env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "1 kelompok" in out and MISSED in out
    assert "balas pesan ini dengan beberapa kata" in out
    assert "diajarkan ke ktp-hilang-rusak" in out
    assert f"“{MISSED}” → ktp-hilang-rusak" in out  # the history
    assert "Berkas FAQ sudah diubah" in out
    assert f"      - {MISSED}\n" in (faq_dir / "kependudukan.yaml").read_text("utf-8")
    assert "ktp-hilang-rusak" in run("ask", "--json", MISSED, env=env).stdout

    result = run("faq", "teach", stdin="Riwayat\nBatalkan yang terakhir\n", env=env)
    assert "Dibatalkan oleh" in result.stdout, result.stdout
    assert (faq_dir / "kependudukan.yaml").read_bytes() == original


def test_faq_check_reports_drafts_and_admin_tests(tmp_path: Path) -> None:
    from faq.editing import FaqEditor

    faq_dir = tmp_path / "faq"
    shutil.copytree(PROJECT_ROOT / "faq" / "content", faq_dir)
    editor = FaqEditor(faq_dir, PROJECT_ROOT / "data" / "opd.yaml")
    assert editor.add_draft(["jadwal lomba layangan agustusan"]).ok
    (faq_dir / "_tests.yaml").write_text(
        "tests:\n  - text: cara bayar pbb\n    expected: pbb-bayar\n", "utf-8"
    )
    result = run("faq", "check", env={"BOT_FAQ_DIR": str(faq_dir)})
    assert result.returncode == 0, result.stdout
    assert "draft: _draft.yaml:5: draf 'jadwal-lomba-layangan' belum dipakai bot" in result.stdout
    assert "1 draft topic(s) not served yet" in result.stdout
    assert "admin test questions: 1 in _tests.yaml" in result.stdout
