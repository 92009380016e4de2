"""Photos as people send them, drawn by the tests: a shop receipt (a name on top, item lines,
the totals with their amounts at the right edge) and a UPI app's payment-success screen (a big
amount, centred lines), black on white in DejaVu Sans (matplotlib's bundled font), optionally
turned a little and speckled like a phone photo. The shops and the values are invented."""

from __future__ import annotations

import io
import random
from collections.abc import Sequence
from functools import cache

from matplotlib import font_manager
from PIL import Image, ImageDraw, ImageFont

# A receipt line: text on the left, or (left, right) with the right part at the right margin.
ReceiptLine = str | tuple[str, str]


@cache
def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = font_manager.findfont(
        font_manager.FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal")
    )
    return ImageFont.truetype(name, size)


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def _photo(image: Image.Image, *, rotate: float, noise: float, seed: int) -> Image.Image:
    """A slight turn (white fills the corners) and salt-and-pepper speckles."""
    if rotate:
        image = image.rotate(rotate, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white")
    if noise:
        rng = random.Random(seed)
        pixels = image.load()
        width, height = image.size
        for _ in range(int(width * height * noise)):
            x, y = rng.randrange(width), rng.randrange(height)
            pixels[x, y] = (0, 0, 0) if rng.random() < 0.5 else (255, 255, 255)
    return image


def receipt_image(
    lines: Sequence[ReceiptLine],
    *,
    size: int = 30,
    width: int = 900,
    margin: int = 40,
    rotate: float = 0.0,
    noise: float = 0.0,
    seed: int = 0,
) -> Image.Image:
    """A till receipt: one line per entry, left text at the margin, right text flush right."""
    face = font(size)
    step = int(size * 1.5)
    image = Image.new("RGB", (width, 2 * margin + step * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        y = margin + i * step
        left, right = (line, "") if isinstance(line, str) else line
        draw.text((margin, y), left, font=face, fill="black")
        if right:
            draw.text((width - margin, y), right, font=face, fill="black", anchor="ra")
    return _photo(image, rotate=rotate, noise=noise, seed=seed)


def receipt_png(lines: Sequence[ReceiptLine], *, fmt: str = "PNG", **options: object) -> bytes:
    """receipt_image(lines, **options) as the bytes of a PNG (or fmt: "JPEG", "WEBP")."""
    return _encode(receipt_image(lines, **options), fmt)  # type: ignore[arg-type]


def screen_png(
    lines: Sequence[tuple[str, int]],
    *,
    width: int = 720,
    rotate: float = 0.0,
    noise: float = 0.0,
    seed: int = 0,
    fmt: str = "PNG",
) -> bytes:
    """A phone screen: centred lines, each (text, font size), the big amount among them."""
    gap = 24
    height = 80 + sum(int(s * 1.4) + gap for _, s in lines)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    y = 60
    for text, size in lines:
        draw.text((width // 2, y), text, font=font(size, bold=size >= 48), fill="black", anchor="ma")
        y += int(size * 1.4) + gap
    return _encode(_photo(image, rotate=rotate, noise=noise, seed=seed), fmt)


def noise_png(width: int = 600, height: int = 800, *, seed: int = 0) -> bytes:
    """Grey static, as from a photo of nothing in the dark."""
    rng = random.Random(seed)
    image = Image.frombytes("L", (width, height), bytes(rng.randrange(256) for _ in range(width * height)))
    return _encode(image, "PNG")


def blank_png(width: int = 600, height: int = 800) -> bytes:
    return _encode(Image.new("RGB", (width, height), "white"), "PNG")


# A restaurant's bill: a name, address, phone and GSTIN on top, items, then the totals.
RESTAURANT_BILL: tuple[ReceiptLine, ...] = (
    "SPICE GARDEN RESTAURANT",
    "12 MG Road, Bengaluru 560001",
    "Ph: 080-41234567",
    "GSTIN: 29ABCDE1234F1Z5",
    "TAX INVOICE",
    ("Bill No: 4521", "Date: 03/12/2026"),
    ("Table 7", "Time: 20:15"),
    ("2 x Paneer Tikka", "560.00"),
    ("1 x Dal Makhani", "320.00"),
    ("4 x Butter Naan", "240.00"),
    ("Subtotal", "1,120.00"),
    ("CGST @2.5%", "28.00"),
    ("SGST @2.5%", "28.00"),
    ("Round off", "0.00"),
    ("Grand Total", "₹1,176.00"),
    "Thank you! Visit again",
)
