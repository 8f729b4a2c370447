"""Draws the example issue's covers and house advertisements (no downloaded pictures).

In: nothing but Pillow and the system's Noto Serif/Sans CJK fonts (fonts-noto-cjk, which the
Makefile installs). Out, next to this script: `covers/front.png` (封一), `covers/inside-front.png`
(封二, its lower half left light for the masthead the build sets there), `covers/inside-back.png`
(封三), `covers/back.png` (封四) and `fillers/ad-1.png`, `fillers/ad-2.png` — each a whole page of
the magazine-16k layout *with its 3 mm bleed* (191 × 266 mm) at 200 dpi, flat colours (small PNGs).

Run: `.venv/bin/python examples/bayannaoer-2025-01/make_pictures.py` (the files are committed; run
it again only to change the pictures).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parent
DPI = 200
W_MM, H_MM, BLEED_MM = 185, 260, 3
SIZE = (round((W_MM + 2 * BLEED_MM) / 25.4 * DPI), round((H_MM + 2 * BLEED_MM) / 25.4 * DPI))
NOTO = Path("/usr/share/fonts/opentype/noto")
RED, GOLD, CREAM, BLUE, GREEN, SAND = "#a8201a", "#e8b64c", "#f7f1e3", "#1f4e79", "#5b8c3a", "#d9b26f"


def mm(v: float) -> int:
    """A length in mm from the trim edge, in pixels from the picture's edge (bleed included)."""
    return round((v + BLEED_MM) / 25.4 * DPI)


def font(size_mm: float, *, serif: bool = True, bold: bool = True) -> ImageFont.FreeTypeFont:
    name = f"Noto{'Serif' if serif else 'Sans'}CJK-{'Bold' if bold else 'Regular'}.ttc"
    return ImageFont.truetype(str(NOTO / name), round(size_mm / 25.4 * DPI), index=2)  # SC


def centred(d: ImageDraw.ImageDraw, y_mm: float, text: str, f, fill: str, x_mm: float = W_MM / 2) -> None:
    d.text((mm(x_mm), mm(y_mm)), text, font=f, fill=fill, anchor="mm")


def landscape(d: ImageDraw.ImageDraw, top_mm: float) -> None:
    """The Yin Mountains over the Hetao plain and the Yellow River, in flat shapes."""
    w, h = SIZE
    d.polygon([(0, mm(top_mm + 40)), (mm(30), mm(top_mm + 8)), (mm(62), mm(top_mm + 30)), (mm(95), mm(top_mm)),
               (mm(130), mm(top_mm + 28)), (mm(160), mm(top_mm + 12)), (w, mm(top_mm + 34)), (w, h), (0, h)],
              fill="#6d7f8c")
    d.polygon([(0, mm(top_mm + 55)), (mm(50), mm(top_mm + 35)), (mm(100), mm(top_mm + 50)), (mm(150), mm(top_mm + 32)),
               (w, mm(top_mm + 48)), (w, h), (0, h)], fill=GREEN)
    d.polygon([(0, mm(top_mm + 75)), (w, mm(top_mm + 62)), (w, h), (0, h)], fill=SAND)
    river = [(0, mm(top_mm + 88)), (mm(60), mm(top_mm + 80)), (mm(120), mm(top_mm + 92)), (w, mm(top_mm + 78))]
    d.line(river, fill="#3b7fb5", width=mm(5) - mm(0), joint="curve")


def front() -> Image.Image:
    im = Image.new("RGB", SIZE, CREAM)
    d = ImageDraw.Draw(im)
    d.rectangle((0, 0, SIZE[0], mm(70)), fill=RED)
    centred(d, 30, "巴彦淖尔人大", font(24), "white")
    centred(d, 52, "BAYANNAOER RENDA", font(6, serif=False), GOLD)
    d.text((mm(W_MM - 14), mm(62)), "2025年第1期", font=font(6, serif=False), fill="white", anchor="rm")
    landscape(d, 150)
    lines = ["市五届人大常委会第十九次会议在临河召开", "市人大常委会举办人大代表履职能力提升培训班",
             "关于对巴彦淖尔国家农业高新技术产业示范区建设的几点思考认识"]
    y = 90.0
    for text in lines:
        d.rectangle((mm(14), mm(y - 3.5), mm(16), mm(y + 3.5)), fill=RED)
        d.text((mm(19), mm(y)), text, font=font(5.2, bold=False), fill="#222222", anchor="lm")
        y += 13
    centred(d, 245, "巴彦淖尔市人大常委会 主办", font(5, serif=False, bold=False), "white")
    return im


def inside_front() -> Image.Image:
    im = Image.new("RGB", SIZE, "white")
    d = ImageDraw.Draw(im)
    d.rectangle((0, 0, SIZE[0], mm(150)), fill=BLUE)
    landscape(d, 60)
    d.rectangle((0, mm(150), SIZE[0], SIZE[1]), fill="white")  # the masthead's place
    d.rectangle((0, mm(150), SIZE[0], mm(152)), fill=GOLD)
    centred(d, 28, "依法履职　为民尽责", font(12), "white")
    centred(d, 44, "坚持好、完善好、运行好人民代表大会制度", font(5, serif=False, bold=False), CREAM)
    return im


def inside_back() -> Image.Image:
    im = Image.new("RGB", SIZE, CREAM)
    d = ImageDraw.Draw(im)
    d.rectangle((0, mm(H_MM - 60), SIZE[0], SIZE[1]), fill=GREEN)
    centred(d, 45, "代表风采", font(16), RED)
    for k, (x, y) in enumerate(((20, 70), (100, 70), (20, 140), (100, 140))):
        d.rectangle((mm(x), mm(y), mm(x + 65), mm(y + 55)), fill=("#c9d6df", "#e4d3b4", "#d3e0c8", "#e8c8c0")[k],
                    outline=SAND, width=mm(1) - mm(0))
        d.ellipse((mm(x + 22), mm(y + 10), mm(x + 43), mm(y + 31)), fill="#8a6d55")
        d.rectangle((mm(x + 15), mm(y + 32), mm(x + 50), mm(y + 55)), fill=BLUE)
    centred(d, H_MM - 30, "扎根基层　倾听民声", font(9), "white")
    return im


def back() -> Image.Image:
    im = Image.new("RGB", SIZE, BLUE)
    d = ImageDraw.Draw(im)
    landscape(d, 120)
    centred(d, 50, "河套明珠　塞上粮仓", font(12), "white")
    centred(d, 68, "巴彦淖尔欢迎您", font(7, bold=False), GOLD)
    d.rectangle((0, mm(H_MM - 24), SIZE[0], SIZE[1]), fill=RED)
    centred(d, H_MM - 12, "内部资料　免费交流", font(5, serif=False, bold=False), "white")
    return im


def ad(title: str, lines: list[str], colour: str) -> Image.Image:
    im = Image.new("RGB", SIZE, "white")
    d = ImageDraw.Draw(im)
    d.rectangle((mm(10), mm(10), mm(W_MM - 10), mm(H_MM - 10)), outline=colour, width=mm(3) - mm(0))
    d.rectangle((mm(10), mm(10), mm(W_MM - 10), mm(70)), fill=colour)
    centred(d, 40, title, font(14), "white")
    y = 100.0
    for text in lines:
        centred(d, y, text, font(6.5, bold=False), "#222222")
        y += 16
    centred(d, H_MM - 30, "《巴彦淖尔人大》编辑部", font(6, serif=False), colour)
    return im


def main() -> None:
    pictures = {
        "covers/front.png": front(),
        "covers/inside-front.png": inside_front(),
        "covers/inside-back.png": inside_back(),
        "covers/back.png": back(),
        "fillers/ad-1.png": ad("欢迎投稿", ["宣传人大制度　讲好人大故事", "反映代表心声　交流履职经验",
                                           "来稿请注明作者姓名、单位和联系电话"], RED),
        "fillers/ad-2.png": ad("欢迎阅读", ["《巴彦淖尔人大》", "记录民主法治进程", "展示人大代表风采",
                                           "每期赠阅各级人大代表"], BLUE),
    }
    for name, im in pictures.items():
        path = HERE / name
        path.parent.mkdir(exist_ok=True)
        # flat colours: a 64-colour palette keeps each page a few tens of KB
        im.quantize(64, dither=Image.Dither.NONE).save(path, optimize=True, dpi=(DPI, DPI))
        print(path.relative_to(HERE), im.size)


if __name__ == "__main__":
    main()
