"""Draw the sample issue's two photographs (examples/sample/images/*.jpg) with Pillow.

In: nothing. Out: two JPEG files, byte-identical on every run (fixed drawing, fixed encoder
settings), so the sample's output bytes are reproducible. Why drawn and not downloaded: the
repository must build offline and carry no third-party pictures.

    .venv/bin/python examples/make_sample_images.py   # writes examples/sample/images/
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent / "sample" / "images"


def fields(width: int = 2000, height: int = 1250) -> Image.Image:
    """Farmland under a sky: green strips converging to the horizon, a row of poplars, a road."""
    im = Image.new("RGB", (width, height))
    d = ImageDraw.Draw(im)
    horizon = int(height * 0.42)
    for y in range(horizon):  # sky: a vertical gradient
        t = y / horizon
        d.line([(0, y), (width, y)], fill=(int(120 + 90 * t), int(170 + 60 * t), int(225 + 20 * t)))
    for k in range(14):  # strips of field, alternating greens, converging at a vanishing point
        t0, t1 = k / 14, (k + 1) / 14
        y0 = horizon + int((height - horizon) * t0 ** 1.6)
        y1 = horizon + int((height - horizon) * t1 ** 1.6)
        green = (70 + 25 * (k % 2), 140 + 30 * (k % 3) // 2, 60 + 10 * (k % 2))
        d.rectangle([0, y0, width, y1], fill=green)
    vx = width // 2
    for k in range(-8, 9):  # irrigation ditches
        d.line([(vx, horizon), (vx + k * width // 6, height)], fill=(95, 120, 150), width=5)
    for k in range(40):  # poplars on the horizon
        x = int(k * width / 40 + 10 * math.sin(k))
        h = 40 + (k * 37) % 35
        d.ellipse([x - 12, horizon - h, x + 12, horizon + 4], fill=(40, 90, 45))
        d.line([(x, horizon - 5), (x, horizon + 6)], fill=(80, 60, 40), width=3)
    d.polygon([(vx - 20, horizon), (vx + 20, horizon), (vx + 260, height), (vx - 260, height)], fill=(150, 140, 120))
    return im


def meeting(width: int = 1600, height: int = 1200) -> Image.Image:
    """A meeting room: a long table, rows of chairs, a banner and a screen."""
    im = Image.new("RGB", (width, height), (226, 220, 205))
    d = ImageDraw.Draw(im)
    d.rectangle([0, 0, width, int(height * 0.18)], fill=(175, 30, 35))  # banner
    d.rectangle([int(width * 0.3), int(height * 0.22), int(width * 0.7), int(height * 0.45)], fill=(40, 60, 95))
    d.rectangle([0, int(height * 0.6), width, height], fill=(120, 80, 50))  # floor
    d.polygon([(int(width * 0.1), int(height * 0.62)), (int(width * 0.9), int(height * 0.62)),
               (width, int(height * 0.8)), (0, int(height * 0.8))], fill=(245, 245, 240))  # table
    for row in range(2):
        for k in range(9):  # people: heads and shoulders behind the table
            x = int(width * (0.14 + k * 0.09))
            y = int(height * (0.5 + row * 0.22))
            d.ellipse([x - 60, y, x + 60, y + 90], fill=(30, 35, 50))
            d.ellipse([x - 28, y - 60, x + 28, y], fill=(225, 190, 160))
    return im


def main() -> None:
    HERE.mkdir(parents=True, exist_ok=True)
    # 1.6:1, the magazine layout's span aspect: set across both columns by the aspect rule.
    fields().save(HERE / "nongtian.jpg", quality=85, optimize=False, progressive=False)
    meeting().save(HERE / "huiyi.jpg", quality=85, optimize=False, progressive=False)


if __name__ == "__main__":
    main()
