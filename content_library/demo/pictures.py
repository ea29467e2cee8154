"""Pictures for the demo library, drawn at seed time with Pillow: a branded social card per item (1200×630,
the size networks show link previews at) in its topic's colours — a diagonal gradient, soft shapes laid
out from the title, the organization's mark, the topic and the title itself. The same title always gives
the same picture. Text posts get a quote card."""

from __future__ import annotations

import random
import textwrap
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

SIZE = (1200, 630)
MARGIN = 72

# topic -> (gradient from, gradient to, accent)
PALETTES = {
    "Product": ((49, 46, 129), (124, 58, 237), (250, 204, 21)),
    "Careers": ((15, 118, 110), (22, 163, 74), (254, 240, 138)),
    "Sustainability": ((20, 83, 45), (101, 163, 13), (217, 249, 157)),
    "Engineering": ((15, 23, 42), (3, 105, 161), (56, 189, 248)),
    "Customers": ((194, 65, 12), (190, 18, 60), (254, 215, 170)),
    "Company news": ((30, 58, 138), (37, 99, 235), (165, 243, 252)),
    "Events": ((134, 25, 143), (217, 119, 6), (253, 224, 71)),
}
DEFAULT_PALETTE = ((55, 48, 163), (79, 70, 229), (199, 210, 254))

_BOLD = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/Library/Fonts/Arial Bold.ttf",
)
_REGULAR = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/Library/Fonts/Arial.ttf",
)


@lru_cache(maxsize=32)
def _font(size: int, bold: bool) -> tuple[ImageFont.FreeTypeFont, int]:
    """A system font when there is one, else Pillow's own; with the stroke that makes it bold if needed."""
    for path in _BOLD if bold else _REGULAR:
        if Path(path).exists():
            return ImageFont.truetype(path, size), 0
    return ImageFont.load_default(size=size), (max(1, size // 28) if bold else 0)


def _gradient(start, end, angle: int) -> Image.Image:
    ramp = Image.linear_gradient("L").rotate(angle, resample=Image.Resampling.BILINEAR)
    mask = ramp.crop((38, 38, 218, 218)).resize(SIZE, Image.Resampling.BILINEAR)  # inside the rotated square
    return Image.composite(Image.new("RGB", SIZE, end), Image.new("RGB", SIZE, start), mask)


def _shapes(rng: random.Random, accent) -> Image.Image:
    """Soft light shapes on the right, where the text is not."""
    width, height = SIZE
    small = Image.new("RGBA", (width // 4, height // 4), (0, 0, 0, 0))  # blurred at a quarter of the size
    draw = ImageDraw.Draw(small)
    for _ in range(3):
        r = rng.randint(140, 300) // 4
        x, y = rng.randint(width // 2, width + 60) // 4, rng.randint(-80, height + 40) // 4
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, rng.randint(28, 52)))
    glow = small.filter(ImageFilter.GaussianBlur(5)).resize(SIZE, Image.Resampling.BILINEAR)
    crisp = ImageDraw.Draw(glow)
    style = rng.choice(("rings", "dots", "bars"))
    if style == "rings":
        cx, cy = rng.randint(width - 230, width - 150), rng.randint(150, 330)
        for i, r in enumerate((210, 150, 90)):
            crisp.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(*accent, 150 - i * 30), width=10 - i * 2)
    elif style == "dots":
        x0, y0 = rng.randint(width - 380, width - 340), rng.randint(70, 150)
        for row in range(7):
            for col in range(7):
                x, y = x0 + col * 46, y0 + row * 46
                crisp.ellipse((x - 5, y - 5, x + 5, y + 5), fill=(255, 255, 255, 90 + 10 * ((row + col) % 3)))
        crisp.rounded_rectangle((x0 + 90, y0 + 90, x0 + 230, y0 + 230), radius=28, fill=(*accent, 170))
    else:
        for i in range(5):
            x = width - 110 - i * 58
            top = rng.randint(120, 330)
            crisp.rounded_rectangle((x, top, x + 40, height + 20), radius=20, fill=(*accent, 110 + i * 22))
    return glow


def _wrap(text: str, font, stroke: int, max_width: int, max_lines: int) -> list[str] | None:
    words, lines, line = text.split(), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if font.getlength(trial) + 2 * stroke <= max_width:
            line = trial
        else:
            if line:
                lines.append(line)
            line = word
    lines.append(line)
    return lines if len(lines) <= max_lines else None


def _title_block(draw, text: str, *, top: int, bottom: int, max_width: int) -> None:
    """The title as large as fits in three lines, set from the bottom up."""
    for size in (66, 60, 54, 48, 42):
        font, stroke = _font(size, bold=True)
        lines = _wrap(text, font, stroke, max_width, 3)
        if lines:
            break
    else:
        font, stroke = _font(42, bold=True)
        lines = textwrap.wrap(text, 40)[:3]
    step = int(size * 1.18)
    y = max(top, bottom - step * len(lines))
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=(255, 255, 255), stroke_width=stroke, stroke_fill=(255, 255, 255))
        y += step


def _brand(draw, brand: str, topic: str, accent) -> None:
    mark, _ = _font(30, bold=True)
    draw.rounded_rectangle((MARGIN, MARGIN, MARGIN + 52, MARGIN + 52), radius=12, fill=(255, 255, 255))
    draw.text((MARGIN + 26, MARGIN + 27), brand[:1].upper(), font=mark, fill=(30, 27, 75), anchor="mm")
    name, stroke = _font(28, bold=True)
    draw.text((MARGIN + 70, MARGIN + 27), brand, font=name, fill=(255, 255, 255), anchor="lm", stroke_width=stroke)
    label, _ = _font(20, bold=False)
    tag = topic.upper()
    x = MARGIN + 70 + name.getlength(brand) + 2 * stroke + 22
    box = (x, MARGIN + 11, x + label.getlength(tag) + 28, MARGIN + 43)
    draw.rounded_rectangle(box, radius=16, fill=(*accent, 235))
    draw.text(((box[0] + box[2]) / 2, MARGIN + 27), tag, font=label, fill=(17, 24, 39), anchor="mm")


def draw_picture(*, title: str, brand: str, topic: str, kind: str = "link") -> bytes:
    """A JPEG social card for an item."""
    start, end, accent = PALETTES.get(topic, DEFAULT_PALETTE)
    rng = random.Random(f"{brand}|{title}")
    image = _gradient(start, end, rng.choice((-35, -20, 20, 35))).convert("RGBA")
    image.alpha_composite(_shapes(rng, accent))
    draw = ImageDraw.Draw(image)
    _brand(draw, brand, topic, accent)
    text_width = SIZE[0] - 2 * MARGIN - 340  # clear of the shapes on the right
    if kind == "text":  # a quote card: the post's words between large quotation marks
        quote, _ = _font(220, bold=True)
        draw.text((MARGIN - 8, 120), "\u201c", font=quote, fill=(*accent, 255))
        _title_block(draw, title, top=230, bottom=SIZE[1] - MARGIN - 10, max_width=text_width)
    else:
        draw.rounded_rectangle((MARGIN, 250, MARGIN + 84, 258), radius=4, fill=(*accent, 255))
        _title_block(draw, title, top=280, bottom=SIZE[1] - MARGIN, max_width=text_width)
    out = BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=84, progressive=True)
    return out.getvalue()
