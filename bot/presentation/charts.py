"""Charts for admins, as PNG bytes (Pillow and its built-in font: no files needed)."""

from __future__ import annotations

import io


def bar_chart_png(title: str, counts: list[tuple[str, int]], width: int = 900) -> bytes:
    """A horizontal bar chart as PNG bytes (Pillow, its built-in font: no files needed)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.load_default()
    row_height, top, left = 26, 50, 260
    height = top + row_height * max(len(counts), 1) + 30
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((20, 15), title, fill="black", font=font)
    biggest = max((c for _, c in counts), default=1) or 1
    span = width - left - 80
    for index, (label, count) in enumerate(counts):
        y = top + index * row_height
        draw.text((20, y + 5), label[:40], fill="black", font=font)
        length = int(span * count / biggest)
        draw.rectangle((left, y + 3, left + max(length, 1), y + row_height - 5), fill="#2f6db5")
        draw.text((left + length + 8, y + 5), str(count), fill="black", font=font)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
