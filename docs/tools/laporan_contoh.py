"""Regenerate the example monthly report shown in the README (maintainer tool).

    .venv/bin/python docs/tools/laporan_contoh.py            # HTML only
    .venv/bin/python docs/tools/laporan_contoh.py --png      # and the README picture

Seeds a temporary database with the made-up November 2026 of `tests/report_seed.py`
(about 150 complaints, 40 unanswered questions; fixed random seed, fixed "now"), renders
it with the same code as `python -m bot report`, and writes
`docs/img/laporan-bulanan.html`. With `--png` it also prints it to PDF with a headless
Chromium, as a browser prints it on A4, and puts the first two pages side by side in
`docs/img/laporan-bulanan.png` (a 128-colour PNG, about 150 KB). Needs, on Debian:
`apt-get install -y chromium poppler-utils`.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from bot.presentation.report import render_monthly_html  # noqa: E402
from bot.services.calendar import WorkingCalendar  # noqa: E402
from bot.services.monthly_report import Labels, Month, MonthlyReports  # noqa: E402
from bot.services.regions import Regions  # noqa: E402
from bot.services.reports import Reports  # noqa: E402
from db import Database  # noqa: E402
from tests.report_seed import EXAMPLE_AS_OF, EXAMPLE_MONTH, example_month, seed  # noqa: E402

NOTICE = (
    "CONTOH dengan data rekaan untuk dokumentasi: angka-angka ini BUKAN data Kabupaten "
    "Deli Serdang."
)
OUT_DIR = PROJECT_ROOT / "docs" / "img"


async def build_html() -> str:
    calendar = WorkingCalendar.load(PROJECT_ROOT / "data" / "holidays.yaml")
    regions = Regions.load()
    with tempfile.TemporaryDirectory() as folder:
        db = Database(Path(folder) / "contoh.sqlite3")
        await db.open()
        try:
            complaints, questions = example_month(calendar, normalize=_normalizer())
            await seed(db, complaints, questions, calendar, regions)
            service = MonthlyReports(
                db, calendar, regions, Reports(db, clock=lambda: EXAMPLE_AS_OF)
            )
            labels = Labels.from_files(
                PROJECT_ROOT / "data" / "opd.yaml", PROJECT_ROOT / "data" / "categories.yaml"
            )
            figures = await service.collect(Month(*EXAMPLE_MONTH), labels)
        finally:
            await db.close()
    return render_monthly_html(figures, regions.kecamatan_outlines(), notice=NOTICE)


def _normalizer():
    """The bot's own normaliser, so the questions group as they would in production."""
    from bot.services.knowledge import LiveKnowledge

    assistant = LiveKnowledge(
        PROJECT_ROOT / "faq" / "content", PROJECT_ROOT / "data" / "opd.yaml"
    ).assistant

    def normalize(text: str) -> str:
        reply = assistant.ask(text)
        return reply.analysis.text if reply.analysis else text.lower()

    return normalize


def picture(html: Path, png: Path, pages: int, dpi: int) -> None:
    """Print the report to PDF as a browser would on A4, and put its first `pages` pages
    side by side: the picture shows the printed layout, page breaks included."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None or shutil.which("pdftoppm") is None:
        sys.exit("needs chromium and pdftoppm: apt-get install -y chromium poppler-utils")
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "laporan.pdf"
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                html.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-l", str(pages), "-png", str(pdf), f"{folder}/p"],
            check=True,
            timeout=120,
        )
        from PIL import Image

        images = [Image.open(f).convert("RGB") for f in sorted(Path(folder).glob("p-*.png"))]
    gap = 16
    sheet = Image.new(
        "RGB",
        (sum(i.width for i in images) + gap * (len(images) + 1), images[0].height + 2 * gap),
        "#c8ced6",
    )
    x = gap
    for image in images:
        sheet.paste(image, (x, gap))
        x += image.width + gap
    # A palette of 128 colours keeps text and the map crisp at a fraction of the size.
    small = sheet.quantize(colors=128, method=Image.Quantize.MAXCOVERAGE)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", optimize=True)
    png.write_bytes(buffer.getvalue())
    print(f"wrote {png} ({sheet.width}x{sheet.height}, {len(buffer.getvalue()) // 1024} KB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--png", action="store_true", help="also write the README picture")
    parser.add_argument("--pages", type=int, default=2, help="pages in the picture (2)")
    parser.add_argument("--dpi", type=int, default=96, help="resolution of the picture (96)")
    args = parser.parse_args()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    html = OUT_DIR / "laporan-bulanan.html"
    html.write_text(asyncio.run(build_html()), encoding="utf-8")
    print(f"wrote {html}")
    if args.png:
        picture(html, OUT_DIR / "laporan-bulanan.png", args.pages, args.dpi)


if __name__ == "__main__":
    main()
