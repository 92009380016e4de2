"""Statement layouts of real banks and wallets, and invented rows in each.

Each layout's header row and conventions (date order, sign convention, delimiter, decimal
comma, preamble and footer lines) are as public importers and parsers describe the bank's
export (beancount and ofxstatement importers, Firefly III data importer configs, hledger
CSV rules, ledger-autosync plugins, open-source statement parsers). Every value in the rows
is invented here: no real statement is copied or downloaded.

A layout renders a list of invented transactions (Txn) into the cells the bank would write;
`statement_bytes` turns them into a file in any encoding and delimiter, and `expected`
says what LeakBot should store for each row.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

# --- Invented transactions ---------------------------------------------------------------


@dataclass(frozen=True)
class Txn:
    day: date
    description: str
    minor: int  # always positive; the direction is `out`
    out: bool
    kind: str  # what it is, for the category expected (see CATEGORY_BY_KIND)
    fee: int = 0  # a fee the bank charges with it (layouts with a fee column write it)
    ref: str = ""  # a unique transaction id, for layouts that have one


# The categories LeakBot's own keywords find in these descriptions (None: not asserted).
CATEGORY_BY_KIND: dict[str, str | None] = {
    "coffee": "Dining Out",
    "taxi": "Travel",
    "salary": "Salary",
    "streaming": "Subscription",
    "bakery": None,  # an accented name: what matters is that it reads back intact
    "payment": "Card Bill",  # a card bill paid: a transfer, not income
    "refund": "Other",  # money back: a refund of the category its description names (none here)
}

# Rows that are no spending or income (services/importing/transfers.py): their entry type.
MOVES = {"payment": "transfer", "refund": "refund"}

# Days above 12 come first so that day-first and month-first files tell themselves apart.
BANK_TXNS: tuple[Txn, ...] = (
    Txn(date(2024, 3, 14), "STARBUCKS STORE 1024", 475, True, "coffee", ref="T1"),
    Txn(date(2024, 3, 5), "UBER TRIP 7HX2", 1820, True, "taxi", fee=35, ref="T2"),
    Txn(date(2024, 3, 25), "ACME LTD SALARY MARCH", 234567, False, "salary", fee=6832, ref="T3"),
    Txn(date(2024, 3, 28), "NETFLIX.COM", 1599, True, "streaming", ref="T4"),
    Txn(date(2024, 3, 30), "Bäckerei Müller Crème Brûlée", 310, True, "bakery", ref="T5"),
)
# Indian statements: the same shape, in rupees, ASCII (cp1252 has no ₹).
INDIA_TXNS: tuple[Txn, ...] = (
    Txn(date(2024, 3, 14), "UPI-STARBUCKS-starbucks@okhdfc", 47500, True, "coffee", ref="T1"),
    Txn(date(2024, 3, 5), "UPI-UBER INDIA-uber@axisbank", 18200, True, "taxi", ref="T2"),
    Txn(date(2024, 3, 25), "NEFT CR-ACME PVT LTD SALARY MAR", 12345678, False, "salary", ref="T3"),
    Txn(date(2024, 3, 28), "POS NETFLIX.COM", 64900, True, "streaming", ref="T4"),
    Txn(date(2024, 3, 30), "UPI-MUNCHIES BAKERY-9876@ybl", 31000, True, "bakery", ref="T5"),
)
# A credit card: charges, a refund, and the bill paid.
CARD_TXNS: tuple[Txn, ...] = (
    Txn(date(2024, 3, 14), "STARBUCKS STORE 1024", 475, True, "coffee", ref="T1"),
    Txn(date(2024, 3, 5), "UBER TRIP 7HX2", 1820, True, "taxi", ref="T2"),
    Txn(date(2024, 3, 20), "PAYMENT RECEIVED - THANK YOU", 50000, False, "payment", ref="T3"),
    Txn(date(2024, 3, 28), "NETFLIX.COM", 1599, True, "streaming", ref="T4"),
    Txn(date(2024, 3, 29), "REFUND AMAZON MKTPLACE", 2250, False, "refund", ref="T5"),
    Txn(date(2024, 3, 30), "Bäckerei Müller Crème Brûlée", 310, True, "bakery", ref="T6"),
)


# --- Writing money and dates as banks do ------------------------------------------------


def money(minor: int, *, comma: bool = False, thousands: bool = True, indian: bool = False) -> str:
    """A positive amount: 1,234.56 (comma: 1.234,56; indian: 1,23,456.78; no thousands: 1234.56)."""
    whole, cents = divmod(abs(minor), 100)
    digits = str(whole)
    if thousands and indian and len(digits) > 3:
        head, tail = digits[:-3], digits[-3:]
        groups = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        digits = ",".join([head, *groups, tail]) if head else ",".join([*groups, tail])
    elif thousands:
        digits = f"{whole:,}"
    if comma:
        digits = digits.replace(",", ".")
    return f"{digits}{',' if comma else '.'}{cents:02d}"


def signed(minor: int, out: bool, **kw: bool) -> str:
    return ("-" if out else "") + money(minor, **kw)


@dataclass
class Row:
    """What a layout's row function is given besides the transaction."""

    n: int  # 1-based position in the statement
    balance: int  # the running balance after this row (minor units)


Cells = Callable[[Txn, Row], list[str]]


@dataclass(frozen=True)
class Layout:
    name: str
    source: str  # where the header row and conventions are described
    header: tuple[str, ...]
    cells: Cells = field(repr=False)
    description: str  # the header cell whose text becomes the entry's note
    date_order: str  # DMY, MDY or YMD
    sign: str  # "signed", "debit/credit columns", "type column", "charges positive"
    currency: str = "USD"
    delimiter: str = ","
    decimal_comma: bool = False
    txns: tuple[Txn, ...] = BANK_TXNS
    preamble: tuple[tuple[str, ...], ...] = ()
    footer: tuple[tuple[str, ...], ...] = ()  # lines under the table (skipped, not rejected)
    # Lines inside the table that are no transaction (a balance, a declined payment): skipped.
    skipped_rows: tuple[tuple[str, ...], ...] = ()
    quote_all: bool = False
    line_end: str = "\n"
    fee_column: bool = False  # the fee is read with the amount (see Txn.fee)
    categories: dict[str, tuple[str, str | None]] = field(default_factory=dict, repr=False)
    # kind -> (the bank's category word, the category LeakBot should store)
    detected_as: str = "bank statement (columns detected)"  # the layout name LeakBot reports
    native_encoding: str = "utf-8"

    @property
    def skipped(self) -> int:
        return len(self.footer) + len(self.skipped_rows)

    def bank_category(self, t: Txn) -> str:
        return self.categories.get(t.kind, ("", None))[0]


@dataclass(frozen=True)
class Expected:
    day: date
    amount_minor: int
    type: str  # expense, income, transfer (a card bill paid) or refund
    note: str
    category: str | None


def _rows(layout: Layout) -> tuple[list[list[str]], list[Expected]]:
    balance = 100_000_00
    rows, expected = [], []
    desc_at = layout.header.index(layout.description)
    for n, t in enumerate(layout.txns, start=1):
        minor = t.minor + (t.fee if t.out else -t.fee) if layout.fee_column else t.minor
        balance += -minor if t.out else minor
        cells = layout.cells(t, Row(n, balance))
        assert len(cells) >= len(layout.header), (layout.name, cells)
        rows.append(cells)
        category = CATEGORY_BY_KIND[t.kind]
        if t.kind in layout.categories and t.kind not in MOVES:
            category = layout.categories[t.kind][1]
        note = " ".join(cells[desc_at].split())
        kind = MOVES.get(t.kind) or ("expense" if t.out else "income")
        expected.append(Expected(t.day, minor, kind, note, category))
    return rows, expected


def statement_text(layout: Layout, delimiter: str | None = None) -> tuple[str, list[Expected]]:
    """The statement as text with the given delimiter (the layout's own by default), and what
    each transaction should become."""
    rows, expected = _rows(layout)
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if layout.quote_all else csv.QUOTE_MINIMAL
    writer = csv.writer(
        buffer, delimiter=delimiter or layout.delimiter, lineterminator=layout.line_end, quoting=quoting
    )
    plain = csv.writer(buffer, delimiter=delimiter or layout.delimiter, lineterminator=layout.line_end)
    for line in layout.preamble:
        if line:
            plain.writerow(line)
        else:
            buffer.write(layout.line_end)
    writer.writerow(layout.header)
    writer.writerows(layout.skipped_rows)
    writer.writerows(rows)
    for line in layout.footer:
        plain.writerow(line)
    return buffer.getvalue(), expected


ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "utf-16-le-bom": lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    "utf-16-be-bom": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "utf-16-le": lambda t: t.encode("utf-16-le"),
    "utf-16-be": lambda t: t.encode("utf-16-be"),
    "cp1252": lambda t: t.encode("cp1252"),
}
DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}


def statement_bytes(
    layout: Layout, encoding: str, delimiter: str | None = None
) -> tuple[bytes, list[Expected]]:
    text, expected = statement_text(layout, delimiter)
    return ENCODINGS[encoding](text), expected


# --- The layouts ---------------------------------------------------------------------------


def _in(t: Txn, text: str) -> str:
    return "" if t.out else text


def _out(t: Txn, text: str) -> str:
    return text if t.out else ""


def _hdfc(t: Txn, r: Row) -> list[str]:
    day = t.day.strftime("%d/%m/%y")
    amount = money(t.minor, thousands=False)
    ref = f"{4070000000 + r.n:016d}"
    return [day, t.description, ref, day, _out(t, amount), _in(t, amount), money(r.balance, thousands=False)]


def _sbi(t: Txn, r: Row) -> list[str]:
    day = t.day.strftime("%d %b %Y")
    amount = money(t.minor, indian=True)
    ref = f"TRANSFER TO 4897{r.n:08d}" if t.out else f"TRANSFER FROM 4897{r.n:08d}"
    return [day, day, t.description, ref, _out(t, amount), _in(t, amount), money(r.balance, indian=True)]


def _icici(t: Txn, r: Row) -> list[str]:
    day = t.day.strftime("%d/%m/%Y")
    amount = money(t.minor, indian=True)
    return [
        str(r.n),
        day,
        day,
        "",
        t.description,
        _out(t, amount),
        _in(t, amount),
        money(r.balance, indian=True),
    ]


def _axis(t: Txn, r: Row) -> list[str]:
    amount = money(t.minor, thousands=False)
    return [
        t.day.strftime("%d-%m-%Y"),
        "",
        t.description,
        _out(t, amount),
        _in(t, amount),
        money(r.balance),
        "1234",
    ]


def _kotak(t: Txn, r: Row) -> list[str]:
    day = t.day.strftime("%d-%m-%Y")
    amount = money(t.minor, indian=True)
    ref = f"UPI-{40700000000 + r.n}"
    return [str(r.n), day, day, t.description, ref, amount, "DR" if t.out else "CR", money(r.balance), "CR"]


def _paytm(t: Txn, r: Row) -> list[str]:
    amount = ("-" if t.out else "+") + money(t.minor, indian=True)
    return [
        t.day.strftime("%d/%m/%Y"),
        f"{8 + r.n:02d}:15:00",
        t.description,
        "merchant@paytm",
        "State Bank Of India - 12",
        amount,
        f"{407012345600 + r.n}",
        "",
        "",
        "",
        "",
    ]


def _chase_checking(t: Txn, r: Row) -> list[str]:
    kind = {"salary": "ACH_CREDIT", "streaming": "ACH_DEBIT"}.get(t.kind, "DEBIT_CARD")
    return [
        "DEBIT" if t.out else "CREDIT",
        t.day.strftime("%m/%d/%Y"),
        t.description,
        signed(t.minor, t.out, thousands=False),
        kind,
        money(r.balance, thousands=False),
        "",
        "",  # Chase ends every row with a comma the header does not have
    ]


def _chase_card(t: Txn, r: Row) -> list[str]:
    day = t.day.strftime("%m/%d/%Y")
    kind = {"payment": "Payment", "refund": "Return"}.get(t.kind, "Sale")
    return [
        day,
        day,
        t.description,
        CHASE_CARD.bank_category(t),
        kind,
        signed(t.minor, t.out, thousands=False),
        "",
    ]


def _bofa_checking(t: Txn, r: Row) -> list[str]:
    return [t.day.strftime("%m/%d/%Y"), t.description, signed(t.minor, t.out), money(r.balance)]


def _bofa_card(t: Txn, r: Row) -> list[str]:
    return [
        t.day.strftime("%m/%d/%Y"),
        f"2469216{r.n:016d}",
        t.description,
        "SEATTLE WA",
        signed(t.minor, t.out, thousands=False),
    ]


def _capital_one(t: Txn, r: Row) -> list[str]:
    day = t.day.isoformat()
    amount = money(t.minor, thousands=False)
    return [day, day, "5158", t.description, CAPITAL_ONE.bank_category(t), _out(t, amount), _in(t, amount)]


def _amex(t: Txn, r: Row) -> list[str]:
    return [
        t.day.strftime("%m/%d/%Y"),
        t.description,
        "A CARDMEMBER",
        "-41006",
        signed(t.minor, not t.out, thousands=False),  # charges positive
    ]


def _amex_extended(t: Txn, r: Row) -> list[str]:
    return [
        t.day.strftime("%m/%d/%Y"),
        "",
        t.description,
        signed(t.minor, not t.out, thousands=False),  # charges positive
        f"{r.n:06d} {t.description}",
        t.description,
        "1 MAIN ST",
        "NEW YORK NY",
        "10001",
        "UNITED STATES",
        f"'3202401{r.n:011d}'",
        AMEX_EXTENDED.bank_category(t),
    ]


def _amex_basic(t: Txn, r: Row) -> list[str]:
    return [t.day.strftime("%m/%d/%Y"), t.description, signed(t.minor, not t.out, thousands=False)]


def _citi(t: Txn, r: Row) -> list[str]:
    amount = money(t.minor)
    return [
        "Cleared",
        t.day.strftime("%m/%d/%Y"),
        t.description,
        _out(t, amount),
        _in(t, "-" + amount),
    ]  # Citi writes credits negative


def _discover(t: Txn, r: Row) -> list[str]:
    day = t.day.strftime("%m/%d/%Y")
    return [day, day, t.description, signed(t.minor, not t.out, thousands=False), DISCOVER.bank_category(t)]


def _apple(t: Txn, r: Row) -> list[str]:
    day = t.day.strftime("%m/%d/%Y")
    kind = {"payment": "Payment", "refund": "Credit"}.get(t.kind, "Purchase")
    return [
        day,
        day,
        f"{t.description} 1 INFINITE LOOP",
        t.description,
        APPLE_CARD.bank_category(t),
        kind,
        signed(t.minor, not t.out, thousands=False),
    ]


def _us_bank(t: Txn, r: Row) -> list[str]:
    return [
        t.day.strftime("%m/%d/%Y"),
        "DEBIT" if t.out else "CREDIT",
        t.description,
        "WEB AUTHORIZED PMT" if t.out else "ELECTRONIC DEPOSIT",
        signed(t.minor, t.out, thousands=False),
    ]


def _barclays(t: Txn, r: Row) -> list[str]:
    sub = {"salary": "DIRECTDEP", "streaming": "DIRECT DEBIT"}.get(t.kind, "PAYMENT")
    return [
        "",
        t.day.strftime("%d/%m/%Y"),
        "20-32-06 13152170",
        signed(t.minor, t.out, thousands=False),
        sub,
        t.description,
    ]


def _lloyds(t: Txn, r: Row) -> list[str]:
    amount = money(t.minor, thousands=False)
    return [
        t.day.strftime("%d/%m/%Y"),
        "DEB" if t.out else "FPI",
        "'30-94-57",
        "12345678",
        t.description,
        _out(t, amount),
        _in(t, amount),
        money(r.balance, thousands=False),
    ]


def _nationwide(t: Txn, r: Row) -> list[str]:
    amount = "£" + money(t.minor)
    return [
        t.day.strftime("%d %b %Y"),
        "Visa purchase" if t.out else "Bank credit",
        t.description,
        _out(t, amount),
        _in(t, amount),
        "£" + money(r.balance),
    ]


def _monzo(t: Txn, r: Row) -> list[str]:
    amount = signed(t.minor, t.out, thousands=False)
    return [
        f"tx_0000A{r.n:010d}",
        t.day.strftime("%d/%m/%Y"),
        f"{9 + r.n:02d}:41:07",
        "Card payment" if t.out else "Faster payment",
        t.description.title(),
        "",
        MONZO.bank_category(t),
        amount,
        "GBP",
        amount,
        "GBP",
        "",
        "",
        "",
        t.description,
        "",
        amount if t.out else "",
        "" if t.out else amount,
    ]


def _starling(t: Txn, r: Row) -> list[str]:
    return [
        t.day.strftime("%d/%m/%Y"),
        t.description,
        t.description.split()[0],
        "CARD" if t.out else "FASTER_PAYMENT",
        signed(t.minor, t.out, thousands=False),
        money(r.balance, thousands=False),
        STARLING.bank_category(t),
        "",
    ]


def _revolut(t: Txn, r: Row) -> list[str]:
    stamp = t.day.strftime("%Y-%m-%d") + f" {8 + r.n:02d}:12:33"
    return [
        "CARD_PAYMENT" if t.out else "TOPUP",
        "Current",
        stamp,
        stamp,
        t.description,
        signed(t.minor, t.out, thousands=False),
        money(t.fee, thousands=False),
        "GBP",
        "COMPLETED",
        money(r.balance, thousands=False),
    ]


def _wise(t: Txn, r: Row) -> list[str]:
    return [
        f"CARD-{1234567 + r.n}" if t.out else f"TRANSFER-{7654321 + r.n}",
        t.day.strftime("%d-%m-%Y"),
        signed(t.minor, t.out, thousands=False),
        "EUR",
        t.description,
        "",
        money(r.balance, thousands=False),
        "",
        "",
        "",
        "" if t.out else "ACME LTD",
        "",
        "",
        t.description if t.out else "",
        "1234" if t.out else "",
        "A PERSON" if t.out else "",
        "",
        "",
        "0.00",
    ]


def _n26(t: Txn, r: Row) -> list[str]:
    amount = signed(t.minor, t.out, thousands=False)
    return [
        t.day.isoformat(),
        t.description,
        "" if t.out else "DE89370400440532013000",
        "MasterCard Payment" if t.out else "Income",
        "",
        amount,
        amount,
        "EUR",
        "1.0",
    ]


def _ing_nl(t: Txn, r: Row) -> list[str]:
    return [
        t.day.strftime("%Y%m%d"),
        t.description,
        "NL20INGB0001234567",
        "" if t.out else "NL91ABNA0417164300",
        "BA" if t.out else "GT",
        "Af" if t.out else "Bij",
        money(t.minor, comma=True, thousands=False),
        "Betaalautomaat" if t.out else "Overschrijving",
        f"Pasvolgnr: 001 {t.day.strftime('%d-%m-%Y')}",
    ]


def _ing_de(t: Txn, r: Row) -> list[str]:
    day = t.day.strftime("%d.%m.%Y")
    return [
        day,
        day,
        t.description,
        "Lastschrift" if t.out else "Gutschrift",
        f"Verwendungszweck {r.n}",
        money(r.balance, comma=True),
        "EUR",
        signed(t.minor, t.out, comma=True),
        "EUR",
    ]


def _deutsche(t: Txn, r: Row) -> list[str]:
    day = t.day.strftime("%d.%m.%Y")
    amount = money(t.minor, comma=True)
    return [
        day,
        day,
        "Kartenzahlung" if t.out else "SEPA-Überweisung von",
        t.description,
        f"Verwendungszweck {r.n}",
        "DE89370400440532013000",
        "COBADEFFXXX",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        _out(t, "-" + amount),
        _in(t, amount),
        "EUR",
    ]


def _rabobank(t: Txn, r: Row) -> list[str]:
    return [
        "NL11RABO0123456789",
        "EUR",
        "RABONL2U",
        f"{r.n:018d}",
        t.day.isoformat(),
        t.day.isoformat(),
        ("-" if t.out else "+") + money(t.minor, comma=True, thousands=False),
        ("+" if r.balance >= 0 else "-") + money(r.balance, comma=True, thousands=False),
        "NL91ABNA0417164300",
        t.description,
        "",
        "",
        "ABNANL2A",
        "bc" if t.out else "cb",
        "",
        "",
        "",
        "",
        "",
        f"Omschrijving {r.n}",
        "",
        "",
        "",
        "",
        "",
        "",
    ]


def _paypal(t: Txn, r: Row) -> list[str]:
    gross = signed(t.minor, t.out)
    fee = ("-" + money(t.fee)) if t.fee else "0.00"
    net = signed(t.minor + (t.fee if t.out else -t.fee), t.out)
    return [
        t.day.strftime("%m/%d/%Y"),
        f"{8 + r.n:02d}:00:00",
        "PST",
        t.description,
        "Express Checkout Payment" if t.out else "Payment Received",
        "Completed",
        "USD",
        gross,
        fee,
        net,
        "me@example.com" if t.out else "payer@example.com",
        "shop@example.com" if t.out else "me@example.com",
        f"{r.n}AB23456CD789012E",
        money(r.balance),
    ]


_SBI_PREAMBLE = (
    ("Account Name       :Mr. A PERSON",),
    ("Account Number     :_00000012345678901",),
    ("IFS Code           :SBIN0001234",),
    ("Start Date         :1 Mar 2024",),
    ("End Date           :31 Mar 2024",),
    (),
)
_DEUTSCHE_PREAMBLE = (
    ("Umsätze Girokonto", "Zeitraum: 01.03.2024 - 31.03.2024"),
    ("Neuer Kontostand", "", "", "", "1.234,56", "EUR"),
    (),
)
_ING_DE_PREAMBLE = (
    ("Umsatzanzeige", "Datei erstellt am: 01.04.2024 10:00"),
    (),
    ("IBAN", "DE12 5001 0517 0123 4567 89"),
    ("Kontoname", "Girokonto"),
    ("Bank", "ING"),
    ("Zeitraum", "01.03.2024 - 31.03.2024"),
    ("Saldo", "1.234,56", "EUR"),
    (),
    ("Sortierung", "Datum aufsteigend"),
    (),
)
_NATIONWIDE_PREAMBLE = (
    ("Account Name:", "FlexAccount ****12345"),
    ("Account Balance:", "£1,234.56"),
    ("Available Balance: ", "£1,234.56"),
    (),
)
_BOFA_PREAMBLE = (
    ("Description", "", "Summary Amt."),
    ("Beginning balance as of 03/01/2024", "", "100,000.00"),
    ("Total credits", "", "2,345.67"),
    ("Total debits", "", "-42.04"),
    ("Ending balance as of 03/31/2024", "", "102,303.63"),
    (),
)

HDFC = Layout(
    "HDFC Bank",
    "HDFC delimited statement export, as Indian statement parsers read it",
    ("Date", "Narration", "Chq./Ref.No.", "Value Dt", "Withdrawal Amt.", "Deposit Amt.", "Closing Balance"),
    _hdfc,
    description="Narration",
    date_order="DMY",
    sign="debit/credit columns",
    currency="INR",
    txns=INDIA_TXNS,
    detected_as="HDFC Bank statement",
)
SBI = Layout(
    "State Bank of India",
    "SBI account statement (tab-separated .xls text) with its account preamble and footer",
    ("Txn Date", "Value Date", "Description", "Ref No./Cheque No.", "Debit", "Credit", "Balance"),
    _sbi,
    description="Description",
    date_order="DMY",
    sign="debit/credit columns",
    currency="INR",
    delimiter="\t",
    txns=INDIA_TXNS,
    preamble=_SBI_PREAMBLE,
    footer=(("**This is a computer generated statement and does not require a signature.",),),
    detected_as="SBI statement",
)
ICICI = Layout(
    "ICICI Bank",
    "ICICI detailed statement: units in the header (Withdrawal Amount (INR ))",
    (
        "S No.",
        "Value Date",
        "Transaction Date",
        "Cheque Number",
        "Transaction Remarks",
        "Withdrawal Amount (INR )",
        "Deposit Amount (INR )",
        "Balance (INR )",
    ),
    _icici,
    description="Transaction Remarks",
    date_order="DMY",
    sign="debit/credit columns",
    currency="INR",
    txns=INDIA_TXNS,
    detected_as="ICICI Bank statement",
)
AXIS = Layout(
    "Axis Bank",
    "Axis Bank account statement export",
    ("Tran Date", "CHQNO", "PARTICULARS", "DR", "CR", "BAL", "SOL"),
    _axis,
    description="PARTICULARS",
    date_order="DMY",
    sign="debit/credit columns",
    currency="INR",
    txns=INDIA_TXNS,
    detected_as="Axis Bank statement",
)
KOTAK = Layout(
    "Kotak Mahindra Bank",
    "Kotak statement: one amount, a Dr / Cr column, and the same name again for the balance's",
    (
        "Sl. No.",
        "Transaction Date",
        "Value Date",
        "Description",
        "Chq / Ref No.",
        "Amount",
        "Dr / Cr",
        "Balance",
        "Dr / Cr",
    ),
    _kotak,
    description="Description",
    date_order="DMY",
    sign="type column",
    currency="INR",
    txns=INDIA_TXNS,
    detected_as="Kotak Mahindra Bank statement",
)
PAYTM = Layout(
    "Paytm",
    "Paytm UPI statement export",
    (
        "Date",
        "Time",
        "Transaction Details",
        "Other Transaction Details (UPI ID or A/c No)",
        "Your Account",
        "Amount",
        "UPI Ref No.",
        "Order ID",
        "Remarks",
        "Tags",
        "Comment",
    ),
    _paytm,
    description="Transaction Details",
    date_order="DMY",
    sign="signed",
    currency="INR",
    txns=INDIA_TXNS,
    detected_as="Paytm UPI statement",
)
CHASE_CHECKING = Layout(
    "Chase checking",
    "Chase checking download (open-source Chase CSV parsers): rows end with a comma",
    ("Details", "Posting Date", "Description", "Amount", "Type", "Balance", "Check or Slip #"),
    _chase_checking,
    description="Description",
    date_order="MDY",
    sign="signed",
    detected_as="Chase statement",
)
CHASE_CARD = Layout(
    "Chase credit card",
    "Chase card download: charges negative, its own Category",
    ("Transaction Date", "Post Date", "Description", "Category", "Type", "Amount", "Memo"),
    _chase_card,
    description="Description",
    date_order="MDY",
    sign="signed",
    txns=CARD_TXNS,
    categories={
        "coffee": ("Food & Drink", "Dining Out"),
        "taxi": ("Travel", "Travel"),
        "streaming": ("Entertainment", "Entertainment"),
        "bakery": ("Groceries", "Groceries"),
        "refund": ("Shopping", "Refund"),  # an income row: a spending category names none of ours
    },
)
BOFA_CHECKING = Layout(
    "Bank of America checking",
    "Bank of America checking download: a summary above the table, a beginning-balance row",
    ("Date", "Description", "Amount", "Running Bal."),
    _bofa_checking,
    description="Description",
    date_order="MDY",
    sign="signed",
    preamble=_BOFA_PREAMBLE,
    skipped_rows=(("03/01/2024", "Beginning balance as of 03/01/2024", "", "100,000.00"),),
)
BOFA_CARD = Layout(
    "Bank of America credit card",
    "Bank of America card download: Payee, charges negative",
    ("Posted Date", "Reference Number", "Payee", "Address", "Amount"),
    _bofa_card,
    description="Payee",
    date_order="MDY",
    sign="signed",
    txns=CARD_TXNS,
)
CAPITAL_ONE = Layout(
    "Capital One card",
    "Capital One card download: ISO dates, Debit and Credit columns, its own Category",
    ("Transaction Date", "Posted Date", "Card No.", "Description", "Category", "Debit", "Credit"),
    _capital_one,
    description="Description",
    date_order="YMD",
    sign="debit/credit columns",
    txns=CARD_TXNS,
    categories={
        "coffee": ("Dining", "Dining Out"),
        "taxi": ("Other Travel", "Travel"),
        "payment": ("Payment/Credit", None),
        "streaming": ("Entertainment", "Entertainment"),
        "bakery": ("Merchandise", None),  # a catch-all: LeakBot's keywords decide
    },
)
AMEX = Layout(
    "American Express",
    "Amex card download: charges positive, payments and refunds negative",
    ("Date", "Description", "Card Member", "Account #", "Amount"),
    _amex,
    description="Description",
    date_order="MDY",
    sign="charges positive",
    txns=CARD_TXNS,
    detected_as="American Express card export",
)
AMEX_EXTENDED = Layout(
    "American Express (with details)",
    "Amex download with Extended Details and its own two-level Category",
    (
        "Date",
        "Receipt",
        "Description",
        "Amount",
        "Extended Details",
        "Appears On Your Statement As",
        "Address",
        "City/State",
        "Zip Code",
        "Country",
        "Reference",
        "Category",
    ),
    _amex_extended,
    description="Description",
    date_order="MDY",
    sign="charges positive",
    txns=CARD_TXNS,
    categories={
        "coffee": ("Restaurant-Restaurant", "Dining Out"),
        "taxi": ("Transportation-Taxis & Coach", "Travel"),
        "payment": ("", None),
        "streaming": ("Entertainment-Other", "Entertainment"),
        "refund": ("Merchandise & Supplies-Internet Purchase", "Refund"),
        "bakery": ("Merchandise & Supplies-Groceries", "Groceries"),
    },
    detected_as="American Express card export",
)
CARD_BASIC = Layout(
    "Card CSV, charges positive (Amex's three-column download)",
    "Amex's Date,Description,Amount download: nothing in the header says it is a card's",
    ("Date", "Description", "Amount"),
    _amex_basic,
    description="Description",
    date_order="MDY",
    sign="charges positive (told by the PAYMENT RECEIVED - THANK YOU row)",
    txns=CARD_TXNS,
)
CITI = Layout(
    "Citi card",
    "Citi card download: Debit and Credit columns, credits written negative",
    ("Status", "Date", "Description", "Debit", "Credit"),
    _citi,
    description="Description",
    date_order="MDY",
    sign="debit/credit columns",
    txns=CARD_TXNS,
)
DISCOVER = Layout(
    "Discover card",
    "Discover card download (beancount-reds-importers): charges positive, its own Category",
    ("Trans. Date", "Post Date", "Description", "Amount", "Category"),
    _discover,
    description="Description",
    date_order="MDY",
    sign="charges positive",
    txns=CARD_TXNS,
    categories={
        "coffee": ("Restaurants", "Dining Out"),
        "taxi": ("Travel/ Entertainment", "Travel"),  # one or the other: the keywords tell
        "payment": ("Payments and Credits", None),
        "streaming": ("Services", "Subscription"),  # a word of no category of ours: keywords decide
        "refund": ("Awards and Rebate Credits", "Refund"),
        "bakery": ("Supermarkets", "Groceries"),
    },
    detected_as="Discover card export",
)
APPLE_CARD = Layout(
    "Apple Card",
    "Apple Card export: Type words (Purchase, Payment, Credit), charges positive",
    (
        "Transaction Date",
        "Clearing Date",
        "Description",
        "Merchant",
        "Category",
        "Type",
        "Amount (USD)",
    ),
    _apple,
    description="Merchant",
    date_order="MDY",
    sign="charges positive",
    txns=CARD_TXNS,
    categories={
        "coffee": ("Restaurants", "Dining Out"),
        "taxi": ("Transportation", "Travel"),
        "payment": ("Payment", None),
        "streaming": ("Entertainment", "Entertainment"),
        "refund": ("Other", "Refund"),
        "bakery": ("Grocery", "Groceries"),
    },
    detected_as="Apple Card export",
)
US_BANK = Layout(
    "U.S. Bank",
    "U.S. Bank download: a Transaction column of DEBIT or CREDIT, signed amounts",
    ("Date", "Transaction", "Name", "Memo", "Amount"),
    _us_bank,
    description="Name",
    date_order="MDY",
    sign="signed",
)
BARCLAYS = Layout(
    "Barclays",
    "Barclays UK download: Memo holds the description, Subcategory a payment type",
    ("Number", "Date", "Account", "Amount", "Subcategory", "Memo"),
    _barclays,
    description="Memo",
    date_order="DMY",
    sign="signed",
    currency="GBP",
    line_end="\r\n",
)
LLOYDS = Layout(
    "Lloyds Bank",
    "Lloyds download: Debit Amount and Credit Amount",
    (
        "Transaction Date",
        "Transaction Type",
        "Sort Code",
        "Account Number",
        "Transaction Description",
        "Debit Amount",
        "Credit Amount",
        "Balance",
    ),
    _lloyds,
    description="Transaction Description",
    date_order="DMY",
    sign="debit/credit columns",
    currency="GBP",
)
NATIONWIDE = Layout(
    "Nationwide",
    "Nationwide statement CSV: an account preamble, Paid out / Paid in with £, Windows-1252",
    ("Date", "Transaction type", "Description", "Paid out", "Paid in", "Balance"),
    _nationwide,
    description="Description",
    date_order="DMY",
    sign="debit/credit columns",
    currency="GBP",
    preamble=_NATIONWIDE_PREAMBLE,
    quote_all=True,
    native_encoding="cp1252",
)
MONZO = Layout(
    "Monzo",
    "Monzo export: Amount and Money Out / Money In, its own Category",
    (
        "Transaction ID",
        "Date",
        "Time",
        "Type",
        "Name",
        "Emoji",
        "Category",
        "Amount",
        "Currency",
        "Local amount",
        "Local currency",
        "Notes and #tags",
        "Address",
        "Receipt",
        "Description",
        "Category split",
        "Money Out",
        "Money In",
    ),
    _monzo,
    description="Description",
    date_order="DMY",
    sign="debit/credit columns",
    currency="GBP",
    categories={
        "coffee": ("Eating out", "Dining Out"),
        "taxi": ("Transport", "Travel"),
        "salary": ("Income", "Salary"),  # a catch-all: the keywords find the salary
        "streaming": ("Entertainment", "Entertainment"),
        "bakery": ("Groceries", "Groceries"),
    },
)
STARLING = Layout(
    "Starling Bank",
    "Starling export: Amount (GBP), Balance (GBP), Spending Category in capitals",
    (
        "Date",
        "Counter Party",
        "Reference",
        "Type",
        "Amount (GBP)",
        "Balance (GBP)",
        "Spending Category",
        "Notes",
    ),
    _starling,
    description="Counter Party",
    date_order="DMY",
    sign="signed",
    currency="GBP",
    categories={
        "coffee": ("EATING_OUT", "Dining Out"),
        "taxi": ("TRANSPORT", "Travel"),
        "salary": ("INCOME", "Salary"),
        "streaming": ("ENTERTAINMENT", "Entertainment"),
        "bakery": ("GROCERIES", "Groceries"),
    },
)
REVOLUT = Layout(
    "Revolut",
    "Revolut account statement: Started Date with a time, Fee charged on top of the amount",
    (
        "Type",
        "Product",
        "Started Date",
        "Completed Date",
        "Description",
        "Amount",
        "Fee",
        "Currency",
        "State",
        "Balance",
    ),
    _revolut,
    skipped_rows=(
        (
            "CARD_PAYMENT",
            "Current",
            "2024-03-02 10:00:00",
            "",
            "DECLINED CAFE",
            "-9.99",
            "0.00",
            "GBP",
            "REVERTED",
            "",
        ),
    ),
    description="Description",
    date_order="YMD",
    sign="signed",
    currency="GBP",
    fee_column=True,
)
WISE = Layout(
    "Wise",
    "Wise (TransferWise) statement CSV",
    (
        "TransferWise ID",
        "Date",
        "Amount",
        "Currency",
        "Description",
        "Payment Reference",
        "Running Balance",
        "Exchange From",
        "Exchange To",
        "Exchange Rate",
        "Payer Name",
        "Payee Name",
        "Payee Account Number",
        "Merchant",
        "Card Last Four Digits",
        "Card Holder Full Name",
        "Attachment",
        "Note",
        "Total fees",
    ),
    _wise,
    description="Description",
    date_order="DMY",
    sign="signed",
    currency="EUR",
)
N26 = Layout(
    "N26",
    "N26 CSV (ledger-autosync's field set): every cell quoted, Amount (EUR)",
    (
        "Date",
        "Payee",
        "Account number",
        "Transaction type",
        "Payment reference",
        "Amount (EUR)",
        "Amount (Foreign Currency)",
        "Type Foreign Currency",
        "Exchange Rate",
    ),
    _n26,
    description="Payee",
    date_order="YMD",
    sign="signed",
    currency="EUR",
    quote_all=True,
)
ING_NL = Layout(
    "ING (Netherlands)",
    "ING Betaalrekening CSV (ofxstatement ING plugins): semicolons, YYYYMMDD, Af Bij, decimal comma",
    (
        "Datum",
        "Naam / Omschrijving",
        "Rekening",
        "Tegenrekening",
        "Code",
        "Af Bij",
        "Bedrag (EUR)",
        "Mutatiesoort",
        "Mededelingen",
    ),
    _ing_nl,
    description="Naam / Omschrijving",
    date_order="YMD",
    sign="type column (Af / Bij)",
    currency="EUR",
    delimiter=";",
    decimal_comma=True,
    quote_all=True,
)
ING_DE = Layout(
    "ING (Germany)",
    "ING Umsatzanzeige: a preamble, semicolons, decimal comma, Währung twice",
    (
        "Buchung",
        "Valuta",
        "Auftraggeber/Empfänger",
        "Buchungstext",
        "Verwendungszweck",
        "Saldo",
        "Währung",
        "Betrag",
        "Währung",
    ),
    _ing_de,
    description="Auftraggeber/Empfänger",
    date_order="DMY",
    sign="signed",
    currency="EUR",
    delimiter=";",
    decimal_comma=True,
    preamble=_ING_DE_PREAMBLE,
)
DEUTSCHE_BANK = Layout(
    "Deutsche Bank",
    "Deutsche Bank Umsätze CSV: a preamble, Soll and Haben, a Kontostand footer, Windows-1252",
    (
        "Buchungstag",
        "Wert",
        "Umsatzart",
        "Begünstigter / Auftraggeber",
        "Verwendungszweck",
        "IBAN",
        "BIC",
        "Kundenreferenz",
        "Mandatsreferenz ",
        "Gläubiger ID",
        "Fremde Gebühren",
        "Betrag",
        "Abweichender Empfänger",
        "Anzahl der Aufträge",
        "Anzahl der Schecks",
        "Soll",
        "Haben",
        "Währung",
    ),
    _deutsche,
    description="Begünstigter / Auftraggeber",
    date_order="DMY",
    sign="debit/credit columns (Soll negative)",
    currency="EUR",
    delimiter=";",
    decimal_comma=True,
    preamble=_DEUTSCHE_PREAMBLE,
    footer=(("Kontostand", "31.03.2024", "", "", "1.234,56", "EUR"),),
    line_end="\r\n",
    native_encoding="cp1252",
)
RABOBANK = Layout(
    "Rabobank",
    "Rabobank CSV: commas between quoted cells, decimal commas inside them, +/- signs",
    (
        "IBAN/BBAN",
        "Munt",
        "BIC",
        "Volgnr",
        "Datum",
        "Rentedatum",
        "Bedrag",
        "Saldo na trn",
        "Tegenrekening IBAN/BBAN",
        "Naam tegenpartij",
        "Naam uiteindelijke partij",
        "Naam initiërende partij",
        "BIC tegenpartij",
        "Code",
        "Batch ID",
        "Transactiereferentie",
        "Machtigingskenmerk",
        "Incassant ID",
        "Betalingskenmerk",
        "Omschrijving-1",
        "Omschrijving-2",
        "Omschrijving-3",
        "Reden retour",
        "Oorspr bedrag",
        "Oorspr munt",
        "Koers",
    ),
    _rabobank,
    description="Naam tegenpartij",
    date_order="YMD",
    sign="signed",
    currency="EUR",
    decimal_comma=True,
    quote_all=True,
)
PAYPAL = Layout(
    "PayPal",
    "PayPal activity download (hledger CSV rules): Gross, Fee and Net",
    (
        "Date",
        "Time",
        "TimeZone",
        "Name",
        "Type",
        "Status",
        "Currency",
        "Gross",
        "Fee",
        "Net",
        "From Email Address",
        "To Email Address",
        "Transaction ID",
        "Balance",
    ),
    _paypal,
    skipped_rows=(
        (
            "03/02/2024",
            "09:00:00",
            "PST",
            "SHOP THAT WAS DENIED",
            "Express Checkout Payment",
            "Denied",
            "USD",
            "-10.00",
            "0.00",
            "-10.00",
            "me@example.com",
            "shop@example.com",
            "9ZZ99999ZZ9999999",
            "",
        ),
    ),
    description="Name",
    date_order="MDY",
    sign="signed (Net: the gross less the fee)",
    quote_all=True,
    fee_column=True,
)

LAYOUTS: tuple[Layout, ...] = (
    HDFC,
    SBI,
    ICICI,
    AXIS,
    KOTAK,
    PAYTM,
    CHASE_CHECKING,
    CHASE_CARD,
    BOFA_CHECKING,
    BOFA_CARD,
    CAPITAL_ONE,
    AMEX,
    AMEX_EXTENDED,
    CARD_BASIC,
    CITI,
    DISCOVER,
    APPLE_CARD,
    US_BANK,
    BARCLAYS,
    LLOYDS,
    NATIONWIDE,
    MONZO,
    STARLING,
    REVOLUT,
    WISE,
    N26,
    ING_NL,
    ING_DE,
    DEUTSCHE_BANK,
    RABOBANK,
    PAYPAL,
)
