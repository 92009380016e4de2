"""A receipt photo read into a spend.

One restaurant bill (tests/images.py), drawn once as a JPEG the size of a phone's photo of
it: `read_image` (open, EXIF turn, grey, scale, Tesseract, the amount rules) against the OCR
engine alone, `pytesseract.image_to_string` of the same original image, measured in
alternation, median of REPEAT runs each (target: at most 1.5×). The engine is most of the work;
the ratio says what LeakBot adds around it.
"""

from __future__ import annotations

import io
import statistics
import time
from datetime import date
from typing import Any

from services.capture.receipts import ocr_available, read_image
from tests.images import RESTAURANT_BILL, receipt_png

TARGET_RATIO = 1.5
REPEAT = 5
TODAY = date(2026, 12, 3)
EXPECTED_MINOR = 1_176_00


def _photo() -> bytes:
    return receipt_png(RESTAURANT_BILL, size=34, width=1100, fmt="JPEG")


def bench_receipt_photo() -> dict[str, Any]:
    import pytesseract
    from PIL import Image

    data = _photo()

    def ours() -> float:
        start = time.perf_counter()
        reading = read_image(data, today=TODAY)
        elapsed = time.perf_counter() - start
        if reading.amount_minor != EXPECTED_MINOR:
            raise RuntimeError(f"read {reading.amount_minor} from the bill, not {EXPECTED_MINOR}")
        return elapsed

    def engine() -> float:
        start = time.perf_counter()
        pytesseract.image_to_string(Image.open(io.BytesIO(data)), lang="eng")
        return time.perf_counter() - start

    ours()  # warm: imports, the engine's data files in the page cache
    a, b = [], []
    for _ in range(REPEAT):  # alternated, so drift hits both alike
        a.append(ours())
        b.append(engine())
    value, base = statistics.median(a), statistics.median(b)
    return {
        "name": "read a receipt photo (read_image vs tesseract alone)",
        "value": round(value, 3),
        "unit": "s",
        "baseline": round(base, 3),
        "ratio": round(value / base, 3),
        "target": f"<= {TARGET_RATIO}x",
        "ok": value / base <= TARGET_RATIO,
    }


def run() -> list[dict[str, Any]]:
    if not ocr_available():
        raise RuntimeError("tesseract is not installed (make bench installs it)")
    return [bench_receipt_photo()]


if __name__ == "__main__":  # pragma: no cover
    for result in run():
        print(result)
