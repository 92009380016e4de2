"""A receipt photo or a payment screenshot is read offline into a spend to confirm: the
amount paid (not the subtotal or a tax), the shop or payee, the date, the UPI reference."""

from __future__ import annotations

import io
import os
from concurrent.futures import ThreadPoolExecutor
from datetime import date, time

import pytest
from PIL import Image

from services.capture.receipts import (
    MAX_IMAGE_BYTES,
    MAX_SIDE_PX,
    ImageRefused,
    ocr_available,
    read_image,
    reading_from_text,
    unpaid_status,
)
from services.usecases.capture import read_photo
from tests.images import RESTAURANT_BILL, blank_png, noise_png, receipt_image, receipt_png, screen_png

TODAY = date(2026, 12, 3)
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def ocr() -> None:
    """Skip (fail on CI, where `make test` installs it) without the tesseract engine."""
    if not ocr_available():
        if IN_CI:
            pytest.fail("tesseract is not installed and CI=true (make test installs it)")
        pytest.skip("tesseract is not installed (make test installs it)")


KIRANA = [
    "Sri Balaji Kirana Stores",
    "Shop No 4, 5th Cross, Jayanagar",
    "Mob: 9845012345",
    ("Bill No: 1187", "Date: 02-12-26"),
    ("Toor Dal 1kg", "165.00"),
    ("Sugar 2kg x 45", "90.00"),
    ("Amul Butter 500g", "275.00"),
    "Total Qty: 4",
    ("Total", "530.00"),
    ("Discount", "10.00"),
    ("Amount Paid", "Rs. 520.00"),
    "Paid by UPI",
    "Thank you, visit again",
]

GOOGLE_PAY = [
    ("₹250", 72),
    ("Paid to Chai Point", 32),
    ("chaipoint@okaxis", 26),
    ("Completed", 28),
    ("3 Dec 2026, 8:15 pm", 26),
    ("UPI transaction ID", 24),
    ("612345678901", 26),
    ("To: CHAI POINT", 24),
    ("From: ASHA RAO (HDFC Bank)", 24),
    ("Google transaction ID", 24),
    ("CICAgMC2qrWXLA", 24),
]

PHONEPE = [
    ("Transaction Successful", 34),
    ("08:15 pm on 01 Dec 2026", 24),
    ("Paid to", 24),
    ("Fresh Fruits Corner", 32),
    ("freshfruits@ybl", 24),
    ("₹120", 64),
    ("Transaction ID", 24),
    ("T2612012015123456789012", 24),
    ("Debited from XXXXXX1234", 24),
    ("UTR: 633412345678", 24),
]

PAYTM = [
    ("Paid Successfully to", 30),
    ("Sharma General Store", 34),
    ("₹1,240", 68),
    ("30 Nov 2026, 07:05 PM", 24),
    ("UPI Ref No: 612398765432", 24),
    ("From: HDFC Bank - 1234", 24),
    ("paytm", 28),
]


# --- photos -----------------------------------------------------------------------------------


def test_a_restaurant_bill_is_read_as_its_grand_total_not_the_subtotal_or_taxes(ocr: None) -> None:
    reading = read_image(receipt_png(RESTAURANT_BILL), today=TODAY)
    assert reading.amount_minor == 1_176_00
    assert reading.payee == "SPICE GARDEN RESTAURANT"
    assert reading.on_date == date(2026, 12, 3)
    assert reading.at_time == time(20, 15)
    assert reading.source == "receipt"
    assert reading.sure is False


def test_a_kirana_receipt_is_read_as_the_amount_paid_after_the_discount(ocr: None) -> None:
    reading = read_image(receipt_png(KIRANA, fmt="JPEG"), today=TODAY)
    assert reading.amount_minor == 520_00
    assert reading.payee == "Sri Balaji Kirana Stores"
    assert reading.on_date == date(2026, 12, 2)
    assert reading.payment_mode == "UPI"
    assert reading.sure is False


def test_a_google_pay_screen_gives_the_amount_the_payee_and_the_upi_transaction_id(ocr: None) -> None:
    reading = read_image(screen_png(GOOGLE_PAY), today=TODAY)
    assert reading.amount_minor == 250_00
    assert reading.payee == "Chai Point"
    assert reading.reference == "612345678901"
    assert (reading.on_date, reading.at_time) == (date(2026, 12, 3), time(20, 15))
    assert (reading.source, reading.payment_mode, reading.sure) == ("Google Pay", "UPI", False)


def test_a_phonepe_screen_gives_the_amount_the_payee_and_the_utr(ocr: None) -> None:
    reading = read_image(screen_png(PHONEPE), today=TODAY)
    assert reading.amount_minor == 120_00
    assert reading.payee == "Fresh Fruits Corner"
    assert reading.reference == "633412345678"
    assert (reading.on_date, reading.at_time) == (date(2026, 12, 1), time(20, 15))
    assert (reading.source, reading.payment_mode) == ("PhonePe", "UPI")


def test_a_paytm_screen_gives_the_amount_the_payee_and_the_upi_ref_no(ocr: None) -> None:
    reading = read_image(screen_png(PAYTM, fmt="WEBP"), today=TODAY)
    assert reading.amount_minor == 1_240_00
    assert reading.payee == "Sharma General Store"
    assert reading.reference == "612398765432"
    assert (reading.on_date, reading.at_time) == (date(2026, 11, 30), time(19, 5))
    assert (reading.source, reading.payment_mode) == ("Paytm", "UPI")


def test_a_slightly_turned_speckled_phone_photo_is_still_read(ocr: None) -> None:
    photo = receipt_png(RESTAURANT_BILL, rotate=1.5, noise=0.002, seed=3, fmt="JPEG")
    assert read_image(photo, today=TODAY).amount_minor == 1_176_00


def test_a_photo_taken_sideways_is_turned_upright_by_its_exif_orientation(ocr: None) -> None:
    sideways = receipt_image(RESTAURANT_BILL).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turn 90° clockwise to show
    out = io.BytesIO()
    sideways.save(out, format="JPEG", exif=exif.tobytes())
    assert read_image(out.getvalue(), today=TODAY).amount_minor == 1_176_00


def test_a_photo_over_4000_px_a_side_is_scaled_down_and_still_read(ocr: None) -> None:
    small = receipt_image(RESTAURANT_BILL)
    huge = small.resize((small.width * 5, small.height * 5), Image.Resampling.BICUBIC)
    assert max(huge.size) > MAX_SIDE_PX
    out = io.BytesIO()
    huge.save(out, format="PNG")
    reading = read_photo(data=out.getvalue(), today=TODAY)  # what the chat and `leakbot scan` call
    assert reading.proposal.amount_minor == 1_176_00
    assert reading.scaled_from == huge.size  # the reply says it was scaled


@pytest.mark.parametrize("size", [9, 11])
def test_a_small_low_resolution_photo_is_read_at_a_larger_size(ocr: None, size: int) -> None:
    photo = receipt_png(RESTAURANT_BILL, size=size, width=size * 30, margin=10)
    assert max(Image.open(io.BytesIO(photo)).size) < 600
    reading = read_image(photo, today=TODAY)
    assert (reading.amount_minor, reading.payee) == (1_176_00, "SPICE GARDEN RESTAURANT")


def test_two_photos_read_at_once_each_get_their_own_amount(ocr: None) -> None:
    photos = [screen_png(GOOGLE_PAY), screen_png(PAYTM)]
    with ThreadPoolExecutor(2) as pool:
        readings = list(pool.map(lambda data: read_image(data, today=TODAY), photos))
    assert [r.amount_minor for r in readings] == [250_00, 1_240_00]


@pytest.mark.parametrize("photo", [noise_png(seed=1), blank_png()], ids=["static", "blank"])
def test_a_photo_with_no_readable_total_is_refused_saying_so(ocr: None, photo: bytes) -> None:
    with pytest.raises(ImageRefused, match="couldn't read a total"):
        read_image(photo, today=TODAY)


# --- refusals before any OCR --------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF", b"Total 250", b"\x00\x01\x02" * 100],
    ids=["pdf", "text", "bytes"],
)
def test_a_file_that_is_not_an_image_is_refused_saying_so(data: bytes) -> None:
    with pytest.raises(ImageRefused, match="not an image"):
        read_image(data, today=TODAY)


def test_a_photo_over_10_mb_is_refused_before_it_is_opened() -> None:
    data = b"\x89PNG\r\n\x1a\n" + bytes(MAX_IMAGE_BYTES)
    with pytest.raises(ImageRefused, match="over 10 MB"):
        read_image(data, today=TODAY)


def test_a_damaged_photo_is_refused_saying_so() -> None:
    whole = receipt_png(RESTAURANT_BILL)
    with pytest.raises(ImageRefused, match="damaged"):
        read_image(whole[: len(whole) // 2], today=TODAY)


def test_a_tiny_file_claiming_a_gigantic_image_is_refused_without_decoding_it() -> None:
    out = io.BytesIO()
    Image.new("1", (15_000, 15_000), 1).save(out, format="PNG")  # a few kB, 225 megapixels
    with pytest.raises(ImageRefused, match="too many pixels"):
        read_image(out.getvalue(), today=TODAY)


# --- OCR text to a spend ------------------------------------------------------------------------


def test_a_grand_total_wins_over_subtotal_tax_and_service_charge_lines() -> None:
    text = """
    HOTEL ANNAPOORNA
    GSTIN 33AABCH1234K1Z9
    Sub Total 840.00
    Service Charge 5% 42.00
    CGST 2.5% 22.05
    SGST 2.5% 22.05
    Round Off 0.10
    Grand Total 926.00
    """
    reading = reading_from_text(text, today=TODAY)
    assert reading is not None
    assert reading.amount_minor == 926_00
    assert reading.payee == "HOTEL ANNAPOORNA"


def test_a_rupee_sign_misread_as_a_leading_digit_is_dropped_when_the_bill_adds_up() -> None:
    text = "Subtotal 1,120.00\nCGST @2.5% 28.00\nSGST @2.5% 28.00\nGrand Total 21,176.00\n"
    reading = reading_from_text(text, today=TODAY)
    assert reading is not None and reading.amount_minor == 1_176_00


def test_a_misread_rupee_is_dropped_when_the_total_is_far_above_the_subtotal() -> None:
    # "cesT" is CGST misread, so the taxes do not add up; the subtotal still tells.
    text = "Subtotal 1,120.00\ncesT @2.5% 28.00\nSGST @2.5% 28.00\nGrand Total 31,176.00\n"
    reading = reading_from_text(text, today=TODAY)
    assert reading is not None and reading.amount_minor == 1_176_00


@pytest.mark.parametrize(
    ("line", "minor"),
    [
        ("Grand Total %1,176.00", 1_176_00),
        ("Grand Total =1,176.00", 1_176_00),
        ("Grand Total R1,176.00", 1_176_00),
        ("NET AMOUNT Rs.1,176", 1_176_00),
        ("Total Rs 1 250.00", 1_250_00),
        ("TOTAL: 1O5O.OO", 1_050_00),
        ("Bill Amount INR 1,25,000.00", 1_25_000_00),
        ("Total payable 250,00", 250_00),
        ("Total Rs. 250/-", 250_00),
    ],
)
def test_ocr_noise_in_the_total_line_is_read_through(line: str, minor: int) -> None:
    reading = reading_from_text(f"Some Shop\n{line}\n", today=TODAY)
    assert reading is not None and reading.amount_minor == minor


def test_a_total_label_with_its_amount_on_the_next_line_is_read() -> None:
    reading = reading_from_text("CAFE MOCHA\nItem total\n300.00\nGrand Total\n\n315.00\n", today=TODAY)
    assert reading is not None and reading.amount_minor == 315_00


def test_phone_numbers_gstin_bill_numbers_quantities_and_times_are_never_the_amount() -> None:
    text = """
    NEW MODERN BAKERY
    Ph: 9845012345
    GSTIN: 29ABCDE1234F1Z5
    Bill No: 88231 Date: 01/12/2026 Time: 18:40
    Total Items: 12
    Total Qty: 14
    Total 468.00
    """
    reading = reading_from_text(text, today=TODAY)
    assert reading is not None and reading.amount_minor == 468_00
    assert reading.at_time == time(18, 40)


def test_cash_handed_over_is_not_the_spend_when_change_was_given() -> None:
    text = "Total 230.00\nCash Paid 500.00\nChange 270.00\n"
    reading = reading_from_text(text, today=TODAY)
    assert reading is not None and reading.amount_minor == 230_00
    assert reading.payment_mode == "Cash"


def test_the_merchant_is_the_first_name_like_line_not_an_invoice_heading_or_address() -> None:
    text = "TAX INVOICE\nGSTIN: 29ABCDE1234F1Z5\nUdupi Sagar\n14, 3rd Main Road\nTotal 120\n"
    reading = reading_from_text(text, today=TODAY)
    assert reading is not None and reading.payee == "Udupi Sagar"


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("03/12/2026", date(2026, 12, 3)),
        ("03-12-26", date(2026, 12, 3)),
        ("01.12.2026", date(2026, 12, 1)),
        ("3 Dec 2026", date(2026, 12, 3)),
        ("03-Dec-26", date(2026, 12, 3)),
        ("Nov 28, 2026", date(2026, 11, 28)),
        ("2026-11-05", date(2026, 11, 5)),
        ("05/11/2026", date(2026, 11, 5)),  # day first: 5 November, not May 11
    ],
)
def test_receipt_dates_are_read_day_first(written: str, day: date) -> None:
    reading = reading_from_text(f"Date: {written}\nTotal 99.00\n", today=TODAY)
    assert reading is not None and reading.on_date == day


def test_a_date_after_today_is_left_out() -> None:
    reading = reading_from_text("Date: 25/12/2026\nTotal 99.00\n", today=TODAY)
    assert reading is not None and reading.on_date is None


def test_a_google_pay_screen_read_without_its_rupee_sign_still_gives_the_amount() -> None:
    text = """
    250

    Paid to Chai Point
    chaipoint@okaxis
    Completed
    3 Dec 2026 at 20:15
    UPI transaction ID
    612345678901
    Google transaction ID
    CICAgMC2qrWXLA
    """
    reading = reading_from_text(text, today=TODAY)
    assert reading is not None
    assert (reading.amount_minor, reading.payee, reading.reference) == (250_00, "Chai Point", "612345678901")
    assert (reading.on_date, reading.at_time) == (date(2026, 12, 3), time(20, 15))
    assert reading.source == "Google Pay"


def test_a_payment_amount_with_its_rupee_misread_as_a_2_agrees_with_the_debit_line() -> None:
    text = (
        "Transaction Successful\nPaid to\nRamesh Kumar\n2120\nDebited from XXXX1234 ₹120\nUTR: 633412345678\n"
    )
    reading = reading_from_text(text, today=TODAY)
    assert reading is not None and reading.amount_minor == 120_00
    assert reading.payee == "Ramesh Kumar"


def test_money_sent_to_a_person_from_an_unknown_upi_app_is_read_as_upi() -> None:
    text = "Money sent\n₹ 75\nSent to Priya S\nUPI Ref No 612300011122\n02 Dec 2026, 9:05 am\n"
    reading = reading_from_text(text, today=TODAY)
    assert reading is not None
    assert (reading.amount_minor, reading.payee, reading.reference) == (75_00, "Priya S", "612300011122")
    assert (reading.payment_mode, reading.source, reading.at_time) == ("UPI", "UPI", time(9, 5))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n",
        "Thank you! Visit again",
        "Ph: 9845012345\nGSTIN 29ABCDE1234F1Z5\n",
        "CGST 28.00\nSGST 28.00",
    ],
)
def test_text_with_no_total_gives_no_reading(text: str) -> None:
    assert reading_from_text(text, today=TODAY) is None


def test_a_shop_bill_paid_by_upi_is_still_a_receipt_with_its_upi_reference() -> None:
    text = """
    Hotel Saravana Bhavan
    Pay to: saravana@ybl
    Idli Vada 90.00
    Filter Coffee 40.00
    Total (Incl. of all taxes) 130.00
    Paid via UPI
    UPI Ref No: 6123 4567 8901
    """
    reading = reading_from_text(text, today=TODAY)
    assert reading is not None
    assert (reading.amount_minor, reading.source, reading.payee) == (
        130_00,
        "receipt",
        "Hotel Saravana Bhavan",
    )
    assert (reading.payment_mode, reading.reference) == ("UPI", "612345678901")


def test_the_phones_clock_atop_a_screenshot_is_not_the_time_of_the_payment() -> None:
    text = "9:41\n\n250\nPaid to Chai Point\nDec 3, 2026 8:15 PM\nUPI transaction ID 612345678901\n"
    reading = reading_from_text(text, today=TODAY)
    assert reading is not None
    assert (reading.on_date, reading.at_time) == (date(2026, 12, 3), time(20, 15))


def test_without_the_ocr_engine_a_photo_is_refused_saying_reading_photos_is_not_set_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytesseract = pytest.importorskip("pytesseract")
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    assert not ocr_available()
    with pytest.raises(ImageRefused, match="isn't set up"):
        read_image(receipt_png(RESTAURANT_BILL), today=TODAY)


@pytest.mark.parametrize(
    ("status", "said"),
    [("Payment failed", "failed"), ("Transaction Pending", "pending"), ("Declined", "declined")],
)
def test_a_failed_or_pending_payment_screen_gives_no_spend(status: str, said: str) -> None:
    text = f"{status}\n₹250\nPaid to Chai Point\nUPI transaction ID 612345678901\n"
    assert reading_from_text(text, today=TODAY) is None
    assert unpaid_status(text) == said


def test_a_screenshot_of_a_failed_payment_is_refused_saying_it_failed(ocr: None) -> None:
    screen = screen_png([("Payment failed", 34), ("₹250", 72), ("Paid to Chai Point", 32)])
    with pytest.raises(ImageRefused, match="failed payment"):
        read_image(screen, today=TODAY)
