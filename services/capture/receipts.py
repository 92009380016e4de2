"""Receipt photos and payment-success screenshots read offline (Tesseract) into a Proposal.

The person always confirms what was read (sure=False): OCR misreads, and a photo is never
proof. The rules:

* The photo. At most MAX_IMAGE_BYTES (10 MB) of a JPEG, PNG, WebP, GIF, BMP or TIFF; more
  than MAX_PIXELS pixels is refused before it is decoded (a decompression bomb). It is turned
  upright by its EXIF orientation, made grey, and any side over MAX_SIDE_PX (4000 px) is scaled
  down (never refused for that). Tesseract reads it as one column of lines (--psm 4, so a
  label and its amount at the right edge stay on one line). An image under SMALL_PX (600 px)
  a side is read at twice, then three times its size; one under UPSAMPLE_BELOW_PX (2000 px)
  is read again at twice its size when the first reading finds no amount or is in doubt (a
  total far from the subtotal, a better total label whose amount was not read).
* Which kind. A payment-success screen (Google Pay, PhonePe, Paytm, or any UPI app: "Paid
  to", "Payment successful", "Sent to", "UPI transaction ID", ...) gives source = the app
  ("UPI" when no app can be told), payment_mode "UPI", the payee after "Paid to" / "To:" /
  "Sent to", reference = the UPI transaction id, UTR or UPI Ref No (else the app's own
  transaction id). A text with a subtotal, tax or round-off line, or two priced item lines,
  is a shop receipt even when it names a UPI app: source "receipt" (payment_mode "UPI",
  "Cash", "Credit Card" or "Debit Card" when the bill says so; its UPI Ref No as reference).
  A screen whose status line says "Payment failed", "Pending", "Declined" or "Cancelled"
  gives no reading (read_image refuses it saying so).
* The amount of a screen: the big amount on a line of its own (₹250, or 250 when the ₹ was
  not read), else an amount after ₹/Rs on a line such as "Debited from XXXX1234 ₹250".
* The amount of a receipt: the amount paid. Lines are ranked by their label: "grand total",
  "net amount", "amount paid", "total payable", "bill amount"... over a plain "total" over
  "subtotal"; tax lines (GST, CGST, SGST, IGST, VAT, cess, service charge), discounts, round
  off, savings, change, quantities, phone numbers, GSTIN, bill numbers, dates and times never
  give it. The amount of a line is its rightmost; a label alone on its line takes an amount
  alone on the next. Of the best rank the last line wins. A leading digit that may be a
  misread ₹ ("31,176.00") is dropped when that agrees with the rest of the bill (subtotal
  plus taxes, or another total line), or when only without it is the total near the
  subtotal. "Cash paid 500 / Change 270" under "Total 230" gives 230. With no total label,
  the largest amount marked ₹/Rs.
* OCR noise: ₹ read as %, =, R, z or ?; "Rs", "Rs.", "INR"; commas (Indian or Western
  grouping, a comma before the paise); spaces inside a number ("1 250.00"); O for 0 and
  l/I for 1 among digits. Amounts are exact integers of paise (services.money.to_minor).
* The merchant of a receipt: the first line near the top that looks like a name (mostly
  letters; not an address, phone, GSTIN, FSSAI or "TAX INVOICE" line); a one-word first
  line takes the next name-like line with it ("WHOLE" / "FOODS").
* The date: day first (03/12/2026, 03-12-26, 03.12.2026, 3 Dec 2026, 03-Dec-26, Dec 3,
  2026) or ISO (2026-12-03); the first real one on or before today, else None. The time:
  "8:15 pm", "20:15", "at 20:15", one beside a date or after "Time" first; a phone's clock
  alone atop a screenshot is not it.

Thread-safe: no module state is changed; each call opens its own image and Tesseract process.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from services.capture.proposal import Proposal
from services.errors import LeakBotError
from services.money import check_amount, to_minor

if TYPE_CHECKING:  # Pillow is imported when a photo is read, not when the bot starts
    from PIL.Image import Image

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_SIDE_PX = 4000
# Refused before decoding: more pixels than a 10 MB photo honestly holds (a 108 MP phone
# photo is 12000×9000); a PNG of one colour can claim a billion in a few kilobytes.
MAX_PIXELS = 120_000_000
# Tesseract wants letters some 20 px tall: an image whose longest side is under SMALL_PX is read
# at twice its size; one under UPSAMPLE_BELOW_PX is read again at twice its size when the
# first reading finds no amount, or a total that disagrees with the bill's subtotal.
SMALL_PX = 600
UPSAMPLE_BELOW_PX = 2000
OCR_LANG = "eng"
OCR_CONFIG = "--psm 4"
OCR_TIMEOUT_S = 60
CURRENCY = "INR"
_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF"})
_EARLIEST = date(2000, 1, 1)


class ImageRefused(LeakBotError):
    """A photo that could not be read; the message says why and what to send instead."""


class OcrUnavailable(ImageRefused):
    """The OCR engine (tesseract) is not installed where the bot runs."""


NO_TOTAL = (
    "I couldn't read a total on that photo. Try a sharper, straight-on photo of the whole "
    "receipt in good light, or type the spend (e.g. 250 lunch)."
)


# ---------------------------------------------------------------------------------------------
# The image


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) as the image's header gives them, upright; None when it has none."""
    from PIL import Image as pil

    try:
        with pil.open(io.BytesIO(data)) as image:
            width, height = image.size
            turned = image.getexif().get(0x0112) in (5, 6, 7, 8)  # EXIF orientation: on its side
    except Exception:
        return None
    return (height, width) if turned else (width, height)


def ocr_available() -> bool:
    """True when pytesseract imports and a tesseract with English is installed."""
    try:
        import pytesseract

        return OCR_LANG in pytesseract.get_languages(config="")
    except Exception:  # not installed, not on PATH, or broken
        return False


def read_image(data: bytes, *, today: date) -> Proposal:
    """Read a receipt photo or a payment screenshot; ImageRefused says why when it cannot."""
    image = _open(data)
    doubtful: Proposal | None = None
    for attempt in _attempts(image):
        text = _ocr(attempt)
        if status := unpaid_status(text):
            raise ImageRefused(f"That screenshot shows a {status} payment, so there is no spend to log.")
        reading, sound = _reading(text, today=today)
        if reading is not None and sound:
            return reading
        doubtful = doubtful or reading
    if doubtful is None:
        raise ImageRefused(NO_TOTAL)
    return doubtful


def _open(data: bytes) -> Image:
    from PIL import Image as pil
    from PIL import ImageOps, UnidentifiedImageError

    if len(data) > MAX_IMAGE_BYTES:
        raise ImageRefused(
            f"That photo is over {MAX_IMAGE_BYTES // (1024 * 1024)} MB "
            f"({len(data) / (1024 * 1024):.1f} MB). Send it as a photo (not a file), or a screenshot."
        )
    if not data:
        raise ImageRefused("That file is empty; send a photo of the receipt or a screenshot.")
    try:
        image = pil.open(io.BytesIO(data))
    except UnidentifiedImageError as exc:
        raise ImageRefused(
            "That file is not an image I can read; send a photo (JPEG, PNG or WebP) of the receipt "
            "or a screenshot of the payment."
        ) from exc
    except pil.DecompressionBombError as exc:
        raise ImageRefused(_too_many_pixels()) from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageRefused("That image is damaged and cannot be opened; send the photo again.") from exc
    if image.format not in _FORMATS:
        raise ImageRefused(
            f"That is a {image.format or 'strange'} image; send a JPEG, PNG or WebP photo instead."
        )
    if image.format in {"JPEG", "MPO"}:
        # Decode a big JPEG at 1/2, 1/4 or 1/8 scale straight away (no larger than needed).
        image.draft("RGB", (MAX_SIDE_PX, MAX_SIDE_PX))
    width, height = image.size
    if width * height > MAX_PIXELS or width < 1 or height < 1:
        raise ImageRefused(_too_many_pixels())
    try:
        image.load()
        image = ImageOps.exif_transpose(image) or image
    except (OSError, ValueError, SyntaxError, pil.DecompressionBombError) as exc:
        raise ImageRefused(
            "That image is damaged or cut short and cannot be read; send the photo again."
        ) from exc
    return _grey(image)


def _too_many_pixels() -> str:
    return (
        f"That image has too many pixels to read (over {MAX_PIXELS // 1_000_000} megapixels); "
        "send a normal photo or a screenshot."
    )


def _grey(image: Image) -> Image:
    from PIL import Image as pil

    if image.mode in {"RGBA", "LA", "PA"} or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = pil.new("RGBA", rgba.size, "white")
        flat.alpha_composite(rgba)
        image = flat
    grey = image.convert("L")
    if max(grey.size) > MAX_SIDE_PX:
        grey.thumbnail((MAX_SIDE_PX, MAX_SIDE_PX), pil.Resampling.LANCZOS)
    return grey


def _attempts(grey: Image) -> Iterator[Image]:
    """The image to read first and, when that reading fails or is in doubt, next."""
    from PIL import Image as pil

    side = max(grey.size)
    scales = (2, 3) if side < SMALL_PX else (1, 2) if side < UPSAMPLE_BELOW_PX else (1,)
    for scale in scales:
        size = (grey.width * scale, grey.height * scale)
        yield grey if scale == 1 else grey.resize(size, pil.Resampling.LANCZOS)


def _ocr(image: Image) -> str:
    try:
        import pytesseract
    except ImportError as exc:
        raise OcrUnavailable("Reading photos isn't set up on this bot yet; type the spend instead.") from exc
    try:
        return pytesseract.image_to_string(image, lang=OCR_LANG, config=OCR_CONFIG, timeout=OCR_TIMEOUT_S)
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrUnavailable("Reading photos isn't set up on this bot yet; type the spend instead.") from exc
    except RuntimeError as exc:  # pytesseract's timeout
        raise ImageRefused("That photo took too long to read; send a smaller or sharper one.") from exc
    except pytesseract.TesseractError as exc:
        raise ImageRefused("I couldn't read that image; send the photo again as a JPEG or PNG.") from exc


# ---------------------------------------------------------------------------------------------
# Amounts in OCR text

# A currency mark, as printed or as OCR reads ₹: "₹", "Rs", "Rs.", "INR", "%", "=", "R", "z", "?".
_SIGN = r"(?:₹|rs\.?|inr|[%=?z]|r(?=\s?\d))"
# A number: digits in groups (commas, or one space between groups of three), maybe paise.
_NUM = r"\d{1,3}(?:,\d{2,3})+(?:[.,]\d{1,2})?|\d{1,3}(?: \d{3})+(?:\.\d{1,2})|\d+(?:[.,]\d{1,2})?"
_AMOUNT = re.compile(
    rf"(?<![\w@#.,])(?<!\d[:/-])(?P<sign>{_SIGN})?\s?(?P<num>{_NUM})(?!\w|%|[:/\-.,]\d)",
    re.IGNORECASE,
)
_PERCENT = re.compile(r"\d+(?:\.\d+)?\s?%")
# A token of digits with O for 0 or l, I or | for 1 in it (and no other letters).
_DIGITISH = re.compile(r"(?<![A-Za-z])(?=[OoIl|,.]*\d)[\dOoIl|][\dOoIl|,.]*(?<![,.])(?![A-Za-z])")


@dataclass(frozen=True, slots=True)
class _Amount:
    minor: int
    signed: bool  # a currency mark was read before it
    raw: str
    start: int


def _fix_digits(line: str) -> str:
    """O for 0, l/I/| for 1 in a number; the rupee sign and dashes made plain."""
    line = line.replace("\u20a8", "Rs").replace("\u2014", "-").replace("\u2013", "-")
    return _DIGITISH.sub(lambda m: m[0].translate(_AS_DIGITS), line)


_AS_DIGITS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})


def _to_minor(num: str) -> int | None:
    text = num.replace(" ", "")
    if re.search(r",\d{1,2}$", text):  # a comma before the paise ("1,176,00" or "250,00")
        text = text[: text.rindex(",")] + "." + text[text.rindex(",") + 1 :]
    text = text.replace(",", "")
    try:
        return check_amount(to_minor(Decimal(text), CURRENCY), CURRENCY)
    except (InvalidOperation, LeakBotError):
        return None


def _amounts(line: str) -> list[_Amount]:
    """The amounts of a line, left to right; percentages ("@2.5%") are not amounts."""
    for pattern in _DATES:  # "30 Nov 2026" holds no amounts
        line = pattern.sub(lambda m: " " * len(m[0]), line)
    found = []
    for match in _AMOUNT.finditer(line):
        if _PERCENT.match(line, match.start("num")):
            continue
        minor = _to_minor(match["num"])
        if minor is not None:
            found.append(_Amount(minor, bool(match["sign"]), match[0], match.start()))
    return found


def _without_lead(amount: _Amount) -> int | None:
    """The value were its first digit a misread ₹ ("21,176.00" for "₹1,176.00")."""
    digits = re.sub(r"^\D*", "", amount.raw)
    if amount.signed or len(digits) < 2 or digits[0] not in "2378":
        return None
    rest = digits[1:].lstrip(", ")
    return _to_minor(rest) if rest and rest[0] != "0" else None


# ---------------------------------------------------------------------------------------------
# Receipts


def _words(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.IGNORECASE)


# The rank of a line's label: higher is more surely the amount paid.
_PAID = _words(
    r"grand\s*-?\s*total",
    r"net\s*(?:amount|amt|payable|total|bill|value)",
    r"amount\s*paid",
    r"amt\s*paid",
    r"paid\s*amount",
    r"total\s*payable",
    r"amount\s*payable",
    r"payable\s*amount",
    r"to\s*pay",
    r"total\s*due",
    r"amount\s*due",
    r"balance\s*due",
    r"you\s*pay",
)
_BILL = _words(
    r"bill\s*(?:amount|amt|total|value)",
    r"total\s*(?:amount|amt|value|bill)",
    r"invoice\s*(?:total|amount|value)",
)
_TOTAL = _words(r"t[o0]ta[l1i]", r"tot", r"amount", r"amt", r"paid")
_SUBTOTAL = _words(
    r"sub\s*-?\s*t[o0]ta[l1i]",
    r"sub\s*-?\s*tot",
    r"taxable\s*(?:amount|value|amt)",
    r"gross\s*(?:amount|total|amt)",
    r"item\s*total",
    r"food\s*total",
)
_TAX = _words(
    r"[csiu]?gst",
    r"[ciu][eg5]?[s5][t7]",  # CGST as OCR reads it: "cest", "cst", "c5t"
    r"s[eg5o0]?[s5][t7]",  # SGST: "sost", "sest"
    r"vat",
    r"tax(?:es)?",
    r"cess",
    r"service\s*(?:charge|chg|tax)",
    r"s\.?\s*c(?:hg)?\.?",
    r"packing\s*charges?",
    r"delivery\s*charges?",
)
_MINUS = _words(r"discount", r"disc", r"less", r"savings?", r"you\s*saved", r"saved", r"coupon", r"offer")
_ROUND = _words(r"round(?:ed|ing)?\s*(?:off|of)?", r"r/?o")
_NEVER = _words(
    r"change",
    r"tender(?:ed)?",
    r"cash\s*(?:received|given|tendered)",
    r"balance(?!\s*due)",
    r"qty",
    r"quantity",
    r"items?",
    r"no\.?\s*of",
    r"ph(?:one)?",
    r"mob(?:ile)?",
    r"tel",
    r"gstin",
    r"fssai",
    r"pan",
    r"cin",
    r"bill\s*no",
    r"invoice\s*no",
    r"inv\s*no",
    r"order\s*(?:no|id)",
    r"kot",
    r"token",
    r"table",
    r"date",
    r"time",
    r"card\s*no",
    r"a/?c",
    r"hsn",
    r"mrp",
    r"rate",
)
_INCLUSIVE = _words(r"incl\.?", r"inclusive", r"including", r"all\s*taxes")
_SIGN_WORD = re.compile(r"(?:₹|\brs\b\.?|\binr\b)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Line:
    rank: int  # 4 paid, 3 bill amount, 2 total, 1 subtotal; 0 not a total
    kind: str  # "total", "tax", "minus", "round", "never", "" for an item or other line
    amount: _Amount | None
    text: str


_CHANGE = _words(r"change", r"balance", r"refund(?:ed)?", r"returned")


def _classify(text: str) -> tuple[int, str]:
    label = re.sub(r"[\d.,₹%=:/@()\-+*x]+", " ", text)  # the words only
    if _SUBTOTAL.search(label):
        return 1, "total"
    if _ROUND.search(label):
        return 0, "round"
    if _MINUS.search(label):
        return 0, "minus"
    if _NEVER.search(label) and not _PAID.search(label):
        return 0, "never"
    if _TAX.search(label) and not _PAID.search(label) and not _INCLUSIVE.search(label):
        return 0, "tax"
    if _PAID.search(label):
        return 4, "total"
    if _BILL.search(label):
        return 3, "total"
    if _TOTAL.search(label):
        return 2, "total"
    return 0, ""


def _receipt_lines(lines: list[str]) -> list[_Line]:
    out: list[_Line] = []
    for i, text in enumerate(lines):
        rank, kind = _classify(text)
        amounts = _amounts(text)
        amount = amounts[-1] if amounts else None
        if amount is None and rank and i + 1 < len(lines):
            below = lines[i + 1]
            found = _amounts(below)
            # An amount alone on the next line (no words of its own) belongs to this label.
            if len(found) == 1 and re.fullmatch(r"[^A-Za-z]*", _SIGN_WORD.sub("", below)):
                amount = found[0]
        out.append(_Line(rank, kind, amount, text))
    return out


def _receipt_amount(lines: list[str]) -> tuple[int | None, bool]:
    """The amount paid, and whether it is sound: no better-ranked total left unread, and
    not far from the subtotal (half to 1.6 times it) when there is one."""
    read = _receipt_lines(lines)
    totals = [r for r in read if r.kind == "total" and r.amount is not None]
    expected = _expected_totals(read)
    subtotal = next((r.amount.minor for r in reversed(read) if r.rank == 1 and r.amount), None)
    if totals:
        best = max(r.rank for r in totals)
        chosen = [r for r in totals if r.rank == best][-1]
        assert chosen.amount is not None
        others = expected | {r.amount.minor for r in totals if r is not chosen and r.amount}
        value = _less_change(_agreeing(chosen.amount, others, subtotal), read, totals)
        unread = any(r.kind == "total" and r.amount is None and r.rank > best for r in read)
        return value, not unread and (subtotal is None or _near(value, subtotal))
    marked = [r.amount for r in read if r.kind == "" and r.amount is not None and r.amount.signed]
    marked += [
        a for text in lines if _SIGN_WORD.search(text) and _classify(text) == (0, "") for a in _amounts(text)
    ]
    return max((a.minor for a in marked), default=None), False


def _near(value: int, subtotal: int) -> bool:
    return subtotal // 2 <= value <= subtotal * 8 // 5


def _expected_totals(read: list[_Line]) -> set[int]:
    """What the total should be from the subtotal, taxes, discounts and round off."""
    subtotals = [r.amount.minor for r in read if r.rank == 1 and r.amount]
    if not subtotals:
        return set()
    taxes = sum(r.amount.minor for r in read if r.kind == "tax" and r.amount)
    minus = sum(r.amount.minor for r in read if r.kind == "minus" and r.amount)
    base = subtotals[-1] + taxes - minus
    rounds = [r.amount.minor for r in read if r.kind == "round" and r.amount]
    out = {base}
    for off in rounds:
        out |= {base + off, base - off}
    # Rounded to the rupee, either way.
    out |= {v // 100 * 100 for v in list(out)} | {-(-v // 100) * 100 for v in list(out)}
    return out


def _agreeing(amount: _Amount, others: set[int], subtotal: int | None = None) -> int:
    """The amount as read, or without a leading misread ₹ when only that agrees with others
    (or, as read, is far above the subtotal and without it is near)."""
    if amount.minor in others:
        return amount.minor
    shorter = _without_lead(amount)
    if shorter is not None and shorter in others:
        return shorter
    if shorter is not None and subtotal and not _near(amount.minor, subtotal) and _near(shorter, subtotal):
        return shorter
    return amount.minor


def _less_change(value: int, read: list[_Line], totals: list[_Line]) -> int:
    """ "Cash paid 500 / Change 270" with "Total 230" on the bill: the total, not the cash handed over."""
    changes = {r.amount.minor for r in read if r.amount and r.kind == "never" and _CHANGE.search(r.text)}
    if not changes:
        return value
    for r in reversed(totals):
        if r.amount and any(value - change == r.amount.minor for change in changes):
            return r.amount.minor
    return value


def _merchant(lines: list[str]) -> str | None:
    top = lines[:8]
    for i, text in enumerate(top):
        if _name_like(text):
            name = text
            if len(text.split()) == 1 and i + 1 < len(top) and _name_like(top[i + 1]):
                name = f"{text} {top[i + 1]}"
            return _tidy(name)
    return None


_NOT_A_NAME = _words(
    r"tax\s*invoice",
    r"invoice",
    r"bill\s*of\s*supply",
    r"cash\s*memo",
    r"receipt",
    r"estimate",
    r"duplicate",
    r"original",
    r"copy",
    r"welcome",
    r"gstin",
    r"gst",
    r"fssai",
    r"ph(?:one)?",
    r"mob(?:ile)?",
    r"tel",
    r"e-?mail",
    r"www",
    r"road",
    r"rd",
    r"street",
    r"st",
    r"lane",
    r"nagar",
    r"marg",
    r"floor",
    r"flr",
    r"bldg",
    r"building",
    r"shop\s*no",
    r"near",
    r"opp",
    r"sector",
    r"phase",
    r"layout",
    r"colony",
    r"complex",
    r"plot",
    r"main",
    r"cross",
    r"block",
    r"date",
    r"bill",
    r"table",
    r"thank",
)


def _name_like(text: str) -> bool:
    letters = sum(c.isalpha() for c in text)
    visible = sum(not c.isspace() for c in text)
    return (
        letters >= 3
        and letters >= 0.75 * visible
        and not any(c.isdigit() for c in text)
        and not _NOT_A_NAME.search(text)
        and _classify(text) == (0, "")
        and not re.search(r"[@/]|\.com\b", text)
    )


def _tidy(text: str) -> str | None:
    text = re.sub(r"\s+", " ", text.strip(" .:-*|_~'\"")).strip()
    return text[:60] or None


# ---------------------------------------------------------------------------------------------
# Payment screens

_APPS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "Google Pay",
        _words(
            r"google\s*pay",
            r"g\s*pay",
            r"google\s*transaction\s*id",
            r"powered\s*by\s*google",
            r"@ok(?:axis|hdfcbank|icici|sbi)",
        ),
    ),
    ("PhonePe", _words(r"phone\s*pe", r"phonepe", r"@ybl", r"@ibl", r"@axl")),
    ("Paytm", _words(r"paytm", r"pay\s*tm", r"paid\s*successfully", r"@pt(?:yes|hdfc|axis|sbi)", r"@paytm")),
)
_SCREEN = _words(
    r"paid\s*to",
    r"payment\s*(?:successful|success|completed|done)",
    r"transaction\s*(?:successful|success|completed)",
    r"paid\s*successfully",
    r"sent\s*to",
    r"money\s*sent",
    r"sent\s*successfully",
    r"upi\s*(?:transaction|txn|ref(?:erence)?)\s*(?:id|no|number)?",
    r"debited\s*from",
    r"utr",
)
_PAYEE = re.compile(
    r"^(?:.*?\b)?(?:paid\s*(?:successfully\s*)?to|sent\s*to|to\s*:|to\b|payment\s*to|paying)\s*:?\s*(?P<name>.*)$",
    re.IGNORECASE,
)
_REF_STRONG = re.compile(
    r"\b(?:upi\s*(?:transaction|txn)\s*(?:id|no)|upi\s*ref(?:erence)?\.?\s*(?:id|no|number)?\.?|utr\s*(?:no|number)?\.?|rrn)\b\.?",
    re.IGNORECASE,
)
_REF_WEAK = re.compile(
    r"\b(?:(?:google\s*|phonepe\s*|paytm\s*)?(?:transaction|txn|order)\s*(?:id|no|ref)|ref(?:erence)?\s*(?:id|no))\b\.?",
    re.IGNORECASE,
)
_REF_VALUE = re.compile(r"^[A-Za-z0-9]{8,40}$")
_SCREEN_NEAR = _words(
    r"paid\s*to",
    r"payment\s*successful",
    r"transaction\s*successful",
    r"paid\s*successfully",
    r"sent\s*to",
    r"money\s*sent",
    r"completed",
    r"successful",
    r"amount",
)


def _app(text: str) -> str | None:
    return next((name for name, pattern in _APPS if pattern.search(text)), None)


def _receipt_like(lines: list[str]) -> bool:
    """A shop's bill: a subtotal, tax or round-off line, or two item lines priced at the right."""
    items = 0
    for text in lines:
        rank, kind = _classify(text)
        if rank == 1 or kind in {"tax", "round"}:
            return True
        found = _amounts(text)
        priced = found and re.fullmatch(r"[\d,. ]+\.\d\d", found[-1].raw.strip())
        if kind == "" and priced and sum(c.isalpha() for c in text[: found[-1].start]) >= 3:
            items += 1  # "Paneer Tikka 560.00"
    return items >= 2


def _is_screen(text: str, lines: list[str], app: str | None) -> bool:
    """A payment app's success screen (not a bill that names the app it was paid with)."""
    return bool(app or _SCREEN.search(text)) and not _receipt_like(lines)


def _alone(text: str) -> _Amount | None:
    """An amount that is the whole line (the big one): "₹250", "%1,250.00", "Rs 99", "250"."""
    found = _amounts(text)
    if len(found) != 1:
        return None
    rest = text.replace(found[0].raw, "", 1).strip(" .:-*|_~'\"")
    return found[0] if not rest else None


def _screen_amount(lines: list[str]) -> tuple[int | None, bool]:
    """The big amount (and True: a screen's reading is never worth a second look)."""
    candidates: list[tuple[int, int, _Amount]] = []
    for i, text in enumerate(lines):
        amount = _alone(text)
        if amount is None or _after_ref_label(lines, i):
            continue
        if not amount.signed and not re.search(r"[,.]", amount.raw) and len(amount.raw.strip()) > 7:
            continue  # a long bare number is an id or a phone number, not the amount
        if amount.signed or _near_screen_word(lines, i):
            candidates.append((0 if amount.signed else 1, i, amount))
    marked = [
        a
        for i, t in enumerate(lines)
        if not _alone(t) and not _after_ref_label(lines, i)
        for a in _amounts(t)
        if a.signed
    ]
    if candidates:
        best = min(candidates, key=lambda c: c[:2])[2]
        others = {a.minor for *_, a in candidates if a is not best} | {a.minor for a in marked}
        # Sound: it stands beside "Paid to" or its ₹ was read (the ₹ is often lost; reading
        # again larger rarely brings it back).
        return _agreeing(best, others), True
    return (marked[0].minor, True) if marked else (None, False)


def _near_screen_word(lines: list[str], i: int) -> bool:
    return any(_SCREEN_NEAR.search(t) for t in lines[max(0, i - 3) : i + 4])


def _after_ref_label(lines: list[str], i: int) -> bool:
    return i > 0 and bool(_REF_STRONG.search(lines[i - 1]) or _REF_WEAK.search(lines[i - 1]))


def _payee(lines: list[str]) -> str | None:
    found: list[tuple[int, str]] = []
    for i, text in enumerate(lines):
        match = _PAYEE.match(text)
        if not match or re.match(r"^\s*(?:from|debited)", text, re.IGNORECASE):
            continue
        name = match["name"].strip()
        if not name and i + 1 < len(lines):
            name = lines[i + 1]
        name = re.sub(r"\s*(?:₹|rs\.?\s)\s*[\d,.]+.*$", "", name, flags=re.IGNORECASE)
        name = _tidy(name) or ""
        if sum(c.isalpha() for c in name) >= 2:
            priority = 0 if re.search(r"paid|sent|payment", text, re.IGNORECASE) else 1
            found.append((priority, name))
    if not found:
        return None
    return min(found, key=lambda p: p[0])[1]


def _reference(lines: list[str]) -> str | None:
    """The UPI transaction id, UTR or UPI Ref No (else the app's own id) after its label, on
    its line or the next; spaces inside it ("6123 4567 8901") dropped."""
    for pattern in (_REF_STRONG, _REF_WEAK):
        for i, text in enumerate(lines):
            for match in pattern.finditer(text):
                rest = text[match.end() :].strip(" :.#-")
                value = (rest or (lines[i + 1] if i + 1 < len(lines) else "")).replace(" ", "")
                if _REF_VALUE.match(value) and any(c.isdigit() for c in value):
                    return value
    return None


# ---------------------------------------------------------------------------------------------
# Dates and times

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_MONTH = r"(?P<mon>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATES = (
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)[-/.](?P<m>\d\d?)[-/.](?P<d>\d\d?)(?!\d)"),
    re.compile(r"(?<!\d)(?P<d>\d\d?)[-/.](?P<m>\d\d?)[-/.](?P<y>(?:19|20)?\d\d)(?!\d)"),
    re.compile(
        rf"(?<!\d)(?P<d>\d\d?)(?:st|nd|rd|th)?[\s\-/.,]*{_MONTH}[\s\-/.,']*(?P<y>(?:19|20)?\d\d)(?!\d)",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b{_MONTH}[\s\-/.]*(?P<d>\d\d?)(?:st|nd|rd|th)?,?\s*(?P<y>(?:19|20)\d\d)(?!\d)", re.IGNORECASE
    ),
)
_TIME = re.compile(
    r"(?<![\d.:])(?P<h>[01]?\d|2[0-3])[:.](?P<m>[0-5]\d)(?::[0-5]\d)?\s*(?P<ampm>[ap]\.?\s?m\b\.?)?(?![\d.:])",
    re.IGNORECASE,
)


def _dates(text: str) -> Iterable[tuple[int, date]]:
    for pattern in _DATES:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            month = _MONTHS[parts["mon"].lower()] if parts.get("mon") else int(parts["m"])
            year = int(parts["y"])
            year += 2000 if year < 100 else 0
            try:
                yield match.start(), date(year, month, int(parts["d"]))
            except ValueError:
                continue


def _date(text: str, today: date) -> date | None:
    found = sorted((pos, d) for pos, d in _dates(text) if _EARLIEST <= d <= today)
    return found[0][1] if found else None


def _time(lines: list[str]) -> time | None:
    """The time of the payment: one beside a date or after "Time" first, else the first other
    than a phone's clock (a time alone on one of the top lines of a screenshot)."""
    found: list[tuple[int, int, time]] = []
    for i, text in enumerate(lines):
        if _REF_STRONG.search(text) or _REF_WEAK.search(text):
            continue
        for match in _TIME.finditer(text):
            hour, minute = int(match["h"]), int(match["m"])
            if match["ampm"]:
                if not 1 <= hour <= 12:
                    continue
                hour = hour % 12 + (12 if match["ampm"].lower().startswith("p") else 0)
            labelled = bool(re.search(r"\bat\b|time", text, re.IGNORECASE))
            # A price like "12.50" is not a time: a dot counts only with am/pm or a label.
            if "." in match[0] and not match["ampm"] and not labelled:
                continue
            dated = any(True for _ in _dates(text))
            clock = i < 2 and text.strip() == match[0].strip()
            if not clock:
                found.append((0 if dated or labelled else 1, i, time(hour, minute)))
    return min(found)[2] if found else None


# ---------------------------------------------------------------------------------------------
# Text to a proposal


def _lines(text: str) -> list[str]:
    return [clean for raw in text.splitlines() if (clean := re.sub(r"[ \t]+", " ", _fix_digits(raw)).strip())]


def reading_from_text(text: str, *, today: date) -> Proposal | None:
    """The spend an OCR'd receipt or payment screen shows, or None when no amount is found."""
    return _reading(text, today=today)[0]


_UNPAID = re.compile(
    r"^(?:(?:payment|transaction|txn|transfer)\s*)?(?P<status>failed|declined|pending|processing|cancell?ed)"
    r"\b[\s!.]*$",
    re.IGNORECASE,
)


def unpaid_status(text: str) -> str | None:
    """ "failed", "pending", ... when the text is a payment screen whose status line says the
    money did not (yet) go; None otherwise."""
    lines = _lines(text)
    for line in lines:
        if match := _UNPAID.match(line):
            status = match["status"].lower()
            return {"processing": "pending", "canceled": "cancelled"}.get(status, status)
    return None


def _reading(text: str, *, today: date) -> tuple[Proposal | None, bool]:
    """The reading, and False when it is in doubt (worth reading the photo again larger)."""
    lines = _lines(text)
    if not lines or unpaid_status(text):
        return None, False
    whole = "\n".join(lines)
    app = _app(whole)
    when = _date(whole, today)
    at = _time(lines)
    amount, sound = _screen_amount(lines) if _is_screen(whole, lines, app) else (None, False)
    if amount is not None:
        return Proposal(
            amount_minor=amount,
            payee=_payee(lines),
            on_date=when,
            at_time=at,
            payment_mode="UPI",
            reference=_reference(lines),
            source=app or "UPI",
            sure=False,
        ), sound
    amount, sound = _receipt_amount(lines)
    if amount is None:
        return None, False
    return Proposal(
        amount_minor=amount,
        payee=_merchant(lines),
        on_date=when,
        at_time=at,
        payment_mode=_receipt_mode(whole),
        reference=_reference(lines) if re.search(r"\bupi\b", whole, re.IGNORECASE) else None,
        source="receipt",
        sure=False,
    ), sound


def _receipt_mode(text: str) -> str | None:
    if re.search(r"\b(?:upi|gpay|google\s*pay|phonepe|paytm|bhim)\b", text, re.IGNORECASE):
        return "UPI"
    if re.search(r"\bcredit\s*card\b", text, re.IGNORECASE):
        return "Credit Card"
    if re.search(r"\bdebit\s*card\b", text, re.IGNORECASE):
        return "Debit Card"
    if re.search(r"\bcash\b", text, re.IGNORECASE):
        return "Cash"
    return None
