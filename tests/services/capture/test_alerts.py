"""Pasted bank, card and UPI alerts are read into a proposal, told apart from not-spends and
from typed chat lines. Every message here is invented: made-up names, amounts, tails, refs."""

from __future__ import annotations

from datetime import date, time

import pytest

from services.capture.alerts import looks_like_alert, read_alert
from services.capture.proposal import NotASpend, Proposal
from services.catalog import PAYMENT_MODES

TODAY = date(2026, 12, 3)
D = date

# message, amount_minor, direction, payee, on_date, payment_mode, account_tail, reference, source
ALERTS = [
    # HDFC Bank
    (
        "Sent Rs.450.00\nFrom HDFC Bank A/C *4821\nTo SWIGGY\nOn 02/12/26\nRef 633712345678\n"
        "Not You?\nCall 18002586161/SMS BLOCK UPI to 7308080808",
        45000,
        "debit",
        "SWIGGY",
        D(2026, 12, 2),
        "UPI",
        "4821",
        "633712345678",
        "HDFC Bank",
    ),
    (
        "Spent Rs.2340 On HDFC Bank Card 7712 At RELIANCE SMART On 2026-11-28:19:42:10.Not You? "
        "To Block+Reissue Call 18002586161/SMS BLOCK CC 7712 to 7308080808",
        234000,
        "debit",
        "RELIANCE SMART",
        D(2026, 11, 28),
        "Credit Card",
        "7712",
        None,
        "HDFC Bank",
    ),
    (
        "Credit Alert!\nRs.1,500.00 credited to HDFC Bank A/c XX3391 on 01-12-26 from VPA "
        "ramesh.k@okaxis (UPI 633798765432)",
        150000,
        "credit",
        "ramesh.k@okaxis",
        D(2026, 12, 1),
        "UPI",
        "3391",
        "633798765432",
        "HDFC Bank",
    ),
    (
        "Update! INR 52,000.00 deposited in HDFC Bank A/c XX3391 on 01-DEC-26 for NEFT "
        "Cr-UTIB0000123-GLOBEX TRADING-RAHUL MEHTA-UTIBN62612345678.Avl bal INR 60,210.00.",
        5200000,
        "credit",
        "GLOBEX TRADING",
        D(2026, 12, 1),
        "Net Banking",
        "3391",
        "UTIBN62612345678",
        "HDFC Bank",
    ),
    (
        "Rs.640.00 spent on HDFC Bank Debit Card XX5120 at BIG BAZAAR on 2026-12-02:18:21:09. "
        "Avl bal Rs.15,003.20",
        64000,
        "debit",
        "BIG BAZAAR",
        D(2026, 12, 2),
        "Debit Card",
        "5120",
        None,
        "HDFC Bank",
    ),
    (
        "Money Transfer:Rs 2,500.00 from HDFC Bank A/c **4821 on 01-12-26 to KIRAN PATEL UPI: 633700077777 "
        "Not you? Call 18002586161",
        250000,
        "debit",
        "KIRAN PATEL",
        D(2026, 12, 1),
        "UPI",
        "4821",
        "633700077777",
        "HDFC Bank",
    ),
    (
        "Dear Customer, Your A/c XX1234 has been debited for INR 15,000.00 on 01-Dec-2026 towards NEFT to "
        "SHARMA RENTALS. UTR: HDFCN12345678901. -HDFC Bank",
        1500000,
        "debit",
        "SHARMA RENTALS",
        D(2026, 12, 1),
        "Net Banking",
        "1234",
        "HDFCN12345678901",
        "HDFC Bank",
    ),
    # SBI
    (
        "Dear UPI user A/C X5521 debited by 180.0 on date 01Dec26 trf to Anita Verma Refno "
        "633501234567 If not u? call-1800111109 for other services-18001234-SBI",
        18000,
        "debit",
        "Anita Verma",
        D(2026, 12, 1),
        "UPI",
        "5521",
        "633501234567",
        "SBI",
    ),
    (
        "Dear SBI User, your A/c X5521-credited by Rs.25000 on 30Nov26 transfer from Suresh Iyer "
        "Ref No 633412345678 -SBI",
        2500000,
        "credit",
        "Suresh Iyer",
        D(2026, 11, 30),
        None,
        "5521",
        "633412345678",
        "SBI",
    ),
    (
        "Dear Customer, transaction number 633598765432 for Rs.1,080.00 by SBI Debit Card X2281 done "
        "at MORE SUPERMARKET on 01Dec26 at 13:35:48. Your updated available balance is Rs.9,200.00.",
        108000,
        "debit",
        "MORE SUPERMARKET",
        D(2026, 12, 1),
        "Debit Card",
        "2281",
        "633598765432",
        "SBI",
    ),
    (
        "Rs.2,499.00 spent on your SBI Credit Card ending 6604 at DECATHLON on 29/11/26. Trxn. not "
        "done by you? Report at https://sbicard.com/Dispute",
        249900,
        "debit",
        "DECATHLON",
        D(2026, 11, 29),
        "Credit Card",
        "6604",
        None,
        "SBI",
    ),
    # ICICI Bank
    (
        "ICICI Bank Acct XX417 debited for Rs 320.00 on 02-Dec-26; Zomato credited. UPI:633655512345. "
        "Call 18002662 for dispute. SMS BLOCK 417 to 9215676766.",
        32000,
        "debit",
        "Zomato",
        D(2026, 12, 2),
        "UPI",
        "417",
        "633655512345",
        "ICICI Bank",
    ),
    (
        "INR 1,899.00 spent using ICICI Bank Card XX9043 on 29-Nov-26 on AMAZON PAY INDIA. Avl Limit: "
        "INR 1,23,456.78. If not you, call 1800 2662/SMS BLOCK 9043 to 9215676766.",
        189900,
        "debit",
        "AMAZON PAY INDIA",
        D(2026, 11, 29),
        "Credit Card",
        "9043",
        None,
        "ICICI Bank",
    ),
    (
        "ICICI Bank Account XX417 credited:Rs. 12,345.67 on 27-Nov-26. Info NEFT-HDFCN62611112222-"
        "WAYNE ENTERPRISES . Available Balance is Rs. 23,456.78.",
        1234567,
        "credit",
        "WAYNE ENTERPRISES",
        D(2026, 11, 27),
        "Net Banking",
        "417",
        "HDFCN62611112222",
        "ICICI Bank",
    ),
    # Axis Bank
    (
        "INR 640.00 debited A/c no. XX6120 02-12-26, 13:05:22 UPI/P2M/633711122233/BLINKIT Not you? "
        "SMS BLOCKUPI Cust ID to 919951860002 Axis Bank",
        64000,
        "debit",
        "BLINKIT",
        D(2026, 12, 2),
        "UPI",
        "6120",
        "633711122233",
        "Axis Bank",
    ),
    (
        "INR 5000.00 credited A/c no. XX6120 30-11-26, 09:14:05 IST UPI/P2A/633700011122/PRIYA NAIR/"
        "HDFC/UPI - Axis Bank",
        500000,
        "credit",
        "PRIYA NAIR",
        D(2026, 11, 30),
        "UPI",
        "6120",
        "633700011122",
        "Axis Bank",
    ),
    (
        "Spent INR 1,245.00\nAxis Bank Card no. XX8831\n01-12-26 19:53:18 IST\nCINEPOLIS\n"
        "Avl Limit: INR 58,755.00\nNot you? SMS BLOCK 8831 to 919951860002",
        124500,
        "debit",
        "CINEPOLIS",
        D(2026, 12, 1),
        "Credit Card",
        "8831",
        None,
        "Axis Bank",
    ),
    # Kotak Mahindra Bank
    (
        "Sent Rs.1200.00 from Kotak Bank A/c X8843 to Urban Company on 01-12-26. UPI Ref 633811112222. "
        "Not done by you? Tap https://kotak.com/KBANKT/Fraud",
        120000,
        "debit",
        "Urban Company",
        D(2026, 12, 1),
        "UPI",
        "8843",
        "633811112222",
        "Kotak Mahindra Bank",
    ),
    (
        "Received Rs.750.00 in your Kotak Bank AC 8843 from RAVI TEJA on 02-12-26.UPI Ref:633822223333",
        75000,
        "credit",
        "RAVI TEJA",
        D(2026, 12, 2),
        "UPI",
        "8843",
        "633822223333",
        "Kotak Mahindra Bank",
    ),
    (
        "Rs.845.50 spent via Kotak Debit Card XX3019 at CROSSWORD BOOKS on 30/11/2026. Avl bal "
        "Rs.20,150.25 Not you?Tap https://kotak.com/KBANKT/Fraud",
        84550,
        "debit",
        "CROSSWORD BOOKS",
        D(2026, 11, 30),
        "Debit Card",
        "3019",
        None,
        "Kotak Mahindra Bank",
    ),
    # PNB
    (
        "Your A/c XX4417 is debited with Rs.1,250.00 on 01-12-26 towards UPI/P2M/633611223344/DMART. "
        "Avl Bal Rs.22,310.40 -PNB",
        125000,
        "debit",
        "DMART",
        D(2026, 12, 1),
        "UPI",
        "4417",
        "633611223344",
        "PNB",
    ),
    (
        "Your A/c XX4417 is credited with Rs.8,000.00 on 30-11-26 by NEFT/UTIBN52612345678/GLOBEX "
        "TRADING. Avl Bal Rs.30,310.40 -PNB",
        800000,
        "credit",
        "GLOBEX TRADING",
        D(2026, 11, 30),
        "Net Banking",
        "4417",
        "UTIBN52612345678",
        "PNB",
    ),
    # Bank of Baroda
    (
        "Rs.230.00 Dr. from A/C XXXXXX7781 and Cr. to chaiwala@okbank. Ref:633912340000. "
        "AvlBal:Rs4618.85(2026:12:02 09:56:33). Not you? Call 18005700/5000-BOB",
        23000,
        "debit",
        "chaiwala@okbank",
        D(2026, 12, 2),
        "UPI",
        "7781",
        "633912340000",
        "Bank of Baroda",
    ),
    (
        "Dear BOB UPI User: Your account is credited with INR 3,200.00 on 2026-12-01 10:47:14 AM by "
        "UPI Ref No 633511119999; AvlBal: Rs10509.13 - BOB",
        320000,
        "credit",
        None,
        D(2026, 12, 1),
        "UPI",
        None,
        "633511119999",
        "Bank of Baroda",
    ),
    (
        "Dear Customer, Rs.99.00 is debited from your a/c XX1234 towards NACH mandate of JIOHOTSTAR on "
        "01/12/2026. -Bank of Baroda",
        9900,
        "debit",
        "JIOHOTSTAR",
        D(2026, 12, 1),
        None,
        "1234",
        None,
        "Bank of Baroda",
    ),
    # Canara Bank
    (
        "Dear Customer, Acct XXXX2210 Dr. INR 85.00 on 02/12/26 to RAJU TEA STALL; UPI: 633566667777; "
        "Bal INR 8,018.54.Not you?SMS BLOCKUPI to 9901771222-CanaraBank",
        8500,
        "debit",
        "RAJU TEA STALL",
        D(2026, 12, 2),
        "UPI",
        "2210",
        "633566667777",
        "Canara Bank",
    ),
    (
        "Dear Customer, Acct XXXX2210 credited with INR 1,250.00 on 01/12/26 from Mr GOPAL RAO; "
        "UPI:633577778888; Bal INR 9,268.54-CanaraBank",
        125000,
        "credit",
        "GOPAL RAO",
        D(2026, 12, 1),
        "UPI",
        "2210",
        "633577778888",
        "Canara Bank",
    ),
    # Union Bank of India
    (
        "Union Bank of India A/c *6650 Debited Rs:999.00 on 01-12-2026 18:50:01 by Mob Bk ref no "
        "633455556666, Fvg: MEENA STORES Avl Bal Rs:7138.46. Not you?Call 18002333",
        99900,
        "debit",
        "MEENA STORES",
        D(2026, 12, 1),
        "Net Banking",
        "6650",
        "633455556666",
        "Union Bank of India",
    ),
    (
        "Your SB A/c *6650 Credited for Rs:1500.00 on 30-11-2026 12:04:11 by IMPS ref no 633344445555 "
        "Avl Bal Rs:8,638.46.Never Share PIN/OTP-Union Bank of India",
        150000,
        "credit",
        None,
        D(2026, 11, 30),
        "Net Banking",
        "6650",
        "633344445555",
        "Union Bank of India",
    ),
    # IDFC FIRST Bank
    (
        "Your A/c XX0091 debited by Rs. 2,000.00 on 02/12/26; KAVYA REDDY credited. RRN 633477778888. "
        "Available balance Rs. 16,442.65. Team IDFC FIRST Bank",
        200000,
        "debit",
        "KAVYA REDDY",
        D(2026, 12, 2),
        None,
        "0091",
        "633477778888",
        "IDFC FIRST Bank",
    ),
    (
        "Your A/c XXXXXXX0091 has been credited with Rs. 45,000.00 on 01-12-2026. Info: "
        "NEFT/N336261234567890/ACME SOFTWARE PVT LTD.\nNew bal: Rs. 61,442.65. Team IDFC FIRST Bank",
        4500000,
        "credit",
        "ACME SOFTWARE PVT LTD",
        D(2026, 12, 1),
        "Net Banking",
        "0091",
        "N336261234567890",
        "IDFC FIRST Bank",
    ),
    (
        "Transaction Successful! INR 370.80 spent on your IDFC FIRST Bank Credit Card ending XX4410 at "
        "CAFE COFFEE DAY on 02 DEC 2026 at 11:54 AM Avbl Limit: INR 99,629.20",
        37080,
        "debit",
        "CAFE COFFEE DAY",
        D(2026, 12, 2),
        "Credit Card",
        "4410",
        None,
        "IDFC FIRST Bank",
    ),
    # Yes Bank
    (
        "Your YES BANK A/c XX2093 has been debited with INR 799.00 on 01-12-2026 for UPI txn to "
        "netflix@icici. UPI Ref No 633590001234. Avl Bal INR 12,001.00",
        79900,
        "debit",
        "netflix@icici",
        D(2026, 12, 1),
        "UPI",
        "2093",
        "633590001234",
        "Yes Bank",
    ),
    (
        "INR 560.00 spent on YES BANK Card X8812 @UPI_ZEPTO 02-12-2026 20:11:45. Avl Lmt INR 74,440.00. "
        "SMS BLKCC 8812 to 9840909000 if not you",
        56000,
        "debit",
        "ZEPTO",
        D(2026, 12, 2),
        "Credit Card",
        "8812",
        None,
        "Yes Bank",
    ),
    (
        "Your YES BANK A/c XX2093 is credited with INR 15,000.00 on 28-11-2026 by IMPS from ANKIT SHAH. "
        "IMPS Ref No 633290004321.",
        1500000,
        "credit",
        "ANKIT SHAH",
        D(2026, 11, 28),
        "Net Banking",
        "2093",
        "633290004321",
        "Yes Bank",
    ),
    # IndusInd Bank
    (
        "A/C *XX3307 debited by Rs 460.00 towards grocer.mart@ybl. RRN:633400001111. Avl Bal:12,100.00. "
        "Not you? Call 18602677777 - IndusInd bank",
        46000,
        "debit",
        "grocer.mart@ybl",
        None,
        "UPI",
        "3307",
        "633400001111",
        "IndusInd Bank",
    ),
    (
        "INR 3,150.00 spent on IndusInd Card XX5510 on 28-11-2026 07:58:13 pm at PYU*SWIGGY FOOD. Avl "
        "Lmt: INR 88,450.00. To dispute, call 18602677777",
        315000,
        "debit",
        "SWIGGY FOOD",
        D(2026, 11, 28),
        "Credit Card",
        "5510",
        None,
        "IndusInd Bank",
    ),
    # Apps
    ("You paid ₹120 to Chai Point", 12000, "debit", "Chai Point", None, "UPI", None, None, "Google Pay"),
    (
        "Google Pay: Anil Kapoor paid you ₹350.00",
        35000,
        "credit",
        "Anil Kapoor",
        None,
        "UPI",
        None,
        None,
        "Google Pay",
    ),
    ("Paid ₹250 to Ramesh Kumar", 25000, "debit", "Ramesh Kumar", None, "UPI", None, None, "PhonePe"),
    (
        "PhonePe: Received ₹1,500 from Sunita Devi. UPI Ref: 633722223333",
        150000,
        "credit",
        "Sunita Devi",
        None,
        "UPI",
        None,
        "633722223333",
        "PhonePe",
    ),
    (
        "Paid ₹180 to Sharma Sweets. UPI Ref No. 633712349876 - Paytm",
        18000,
        "debit",
        "Sharma Sweets",
        None,
        "UPI",
        None,
        "633712349876",
        "Paytm",
    ),
    (
        "Payment of ₹499 to Airtel Prepaid successful using Amazon Pay UPI. UPI Ref: 633799990001",
        49900,
        "debit",
        "Airtel Prepaid",
        None,
        "UPI",
        None,
        "633799990001",
        "Amazon Pay",
    ),
    (
        "Rs.500 has been credited to your Paytm Wallet from Vikram. Txn ID 40987612345",
        50000,
        "credit",
        "Vikram",
        None,
        None,  # a wallet is no payment mode of the catalog's
        None,
        "40987612345",
        "Paytm",
    ),
    (
        "Rs.89 paid to Uber India via Amazon Pay balance. Order ID 402-1234567-1234567",
        8900,
        "debit",
        "Uber India",
        None,
        None,
        None,
        "402-1234567-1234567",
        "Amazon Pay",
    ),
    # E-mail text
    (
        "Dear Customer,\n\nRs.500.00 has been debited from account **1234 to VPA fruitvendor@ybl on "
        "03-12-26.\n\nYour UPI transaction reference number is 633712340987.\n\nIf you did not authorize "
        "this transaction, please report it immediately.\n\nWarm Regards,\nHDFC Bank",
        50000,
        "debit",
        "fruitvendor@ybl",
        D(2026, 12, 3),
        "UPI",
        "1234",
        "633712340987",
        "HDFC Bank",
    ),
    # A currency other than INR
    (
        "USD 12.99 spent on ICICI Bank Card XX9043 on 01-Dec-26 on NETFLIX.COM. Avl Limit: INR 1,20,000.00",
        1299,
        "debit",
        "NETFLIX.COM",
        D(2026, 12, 1),
        "Credit Card",
        "9043",
        None,
        "ICICI Bank",
    ),
]


def _alert(fragment: str) -> str:
    """The one message of ALERTS that contains fragment."""
    (text,) = [row[0] for row in ALERTS if fragment in row[0]]
    return text


@pytest.mark.parametrize(
    ("text", "amount", "direction", "payee", "on_date", "mode", "tail", "reference", "source"), ALERTS
)
def test_an_alert_is_read_into_its_movement(
    text: str,
    amount: int,
    direction: str,
    payee: str | None,
    on_date: date | None,
    mode: str | None,
    tail: str | None,
    reference: str | None,
    source: str,
) -> None:
    assert looks_like_alert(text)
    got = read_alert(text, today=TODAY)
    assert isinstance(got, Proposal), got
    assert (
        got.amount_minor,
        got.direction,
        got.payee,
        got.on_date,
        got.payment_mode,
        got.account_tail,
        got.reference,
        got.source,
    ) == (amount, direction, payee, on_date, mode, tail, reference, source)
    assert got.sure
    assert got.payment_mode is None or got.payment_mode in PAYMENT_MODES


def test_the_currency_is_the_one_written() -> None:
    got = read_alert(_alert("USD 12.99"), today=TODAY)
    assert isinstance(got, Proposal)
    assert (got.currency, got.amount_minor) == ("USD", 1299)
    first = read_alert(_alert("To SWIGGY"), today=TODAY)
    assert isinstance(first, Proposal) and first.currency == "INR"


@pytest.mark.parametrize(
    ("text", "at_time"),
    [
        (_alert("2026-11-28:19:42:10"), time(19, 42, 10)),  # glued to an ISO date
        (_alert("13:05:22"), time(13, 5, 22)),
        (_alert("10:47:14 AM"), time(10, 47, 14)),
        (_alert("11:54 AM"), time(11, 54)),
        (_alert("07:58:13 pm"), time(19, 58, 13)),
        (_alert("To SWIGGY"), None),
    ],
)
def test_the_time_is_read_when_written(text: str, at_time: time | None) -> None:
    got = read_alert(text, today=TODAY)
    assert isinstance(got, Proposal)
    assert got.at_time == at_time


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        (
            "INR 1,604.00 spent using ICICI Bank Card XX9043 on 01-Dec-26 on ONYX BAR. "
            "Avl Limit: INR 9,999.99",
            160400,
        ),
        (
            "Avl Bal Rs.50,000.00 in A/c XX1234. Rs.700.00 debited on 02-12-26 for UPI txn "
            "Ref 633700001234 -PNB",
            70000,
        ),
        ("Rs.700.00 debited from A/c XX1234 on 02-12-26. Bal Rs 49,300.00 -PNB", 70000),
    ],
)
def test_the_amount_is_never_a_balance_or_a_limit(text: str, amount: int) -> None:
    got = read_alert(text, today=TODAY)
    assert isinstance(got, Proposal)
    assert got.amount_minor == amount


def test_an_atm_withdrawal_is_cash_and_no_spend() -> None:
    text = (
        "Rs.2000 withdrawn from Card XX7890 at ATM on 30Nov26. Avl Bal Rs.12000. "
        "For disputes call 1800112211 -SBI"
    )
    got = read_alert(text, today=TODAY)
    assert isinstance(got, Proposal)
    assert (got.amount_minor, got.direction, got.payment_mode, got.transfer, got.account_tail) == (
        200000,
        "debit",
        "Cash",
        "ATM Cash",
        "7890",
    )
    assert (got.on_date, got.source) == (D(2026, 11, 30), "SBI")


@pytest.mark.parametrize(
    ("text", "amount", "direction", "source", "tail"),
    [
        (
            "CRED: Payment of ₹10,000 towards your HDFC Bank Credit Card XX1234 is successful. "
            "Ref: CRD633712345",
            1000000,
            "debit",
            "CRED",
            "1234",
        ),
        (
            "CRED: you paid ₹2,340 to HDFC Bank credit card ending 7712. UPI Ref 633700013579",
            234000,
            "debit",
            "CRED",
            "7712",
        ),
        (
            "Your a/c XX1234 has been debited with INR 10,000.00 on 01/12/2026 towards your Credit Card "
            "bill payment. -Kotak Mahindra Bank",
            1000000,
            "debit",
            "Kotak Mahindra Bank",
            "1234",
        ),
        (
            "Payment of Rs 18,500.00 has been received on your ICICI Bank Credit Card XX9043 through "
            "Bharat Bill Payment System on 01-DEC-26.",
            1850000,
            "credit",
            "ICICI Bank",
            "9043",
        ),
        (
            "HDFC Bank Cardmember, Online Payment of Rs.7,200 vide Ref# 0N6337123456789 was credited to "
            "your card ending 7712 On 01/DEC/2026",
            720000,
            "credit",
            "HDFC Bank",
            "7712",
        ),
    ],
)
def test_a_card_bill_payment_is_a_transfer(
    text: str, amount: int, direction: str, source: str, tail: str
) -> None:
    got = read_alert(text, today=TODAY)
    assert isinstance(got, Proposal)
    assert (got.amount_minor, got.direction, got.transfer, got.source, got.account_tail) == (
        amount,
        direction,
        "Card Bill",
        source,
        tail,
    )
    assert not got.reversal


@pytest.mark.parametrize(
    ("text", "amount", "payee"),
    [
        (
            "Transaction Reversed!On HDFC Bank CREDIT Card xx4321 Amt: Rs.349 By PAYZAPP On "
            "2026-12-01:17:23:32",
            34900,
            "PAYZAPP",
        ),
        (
            "IndusInd A/C **3307 Credited; INR 1,234.56 Ref-Refund Frm MYNTRA DESIGNS.Bal INR 13,334.56."
            "Dispute-Call 18602677777-IndusInd Bank",
            123456,
            "MYNTRA DESIGNS",
        ),
        (
            "Your transaction of Rs 750.00 was unsuccessful. Amount debited Rs 750.00 has been reversed to "
            "your A/c XX1234 on 02-12-26. -Canara Bank",
            75000,
            None,
        ),
        (
            "Rs 500.00 credited to your A/c XX5521 as reversal of failed txn on 01-12-26. "
            "Ref 633700000001 -SBI",
            50000,
            None,
        ),
    ],
)
def test_a_reversal_or_refund_is_money_back(text: str, amount: int, payee: str | None) -> None:
    got = read_alert(text, today=TODAY)
    assert isinstance(got, Proposal)
    assert (got.amount_minor, got.direction, got.reversal, got.payee) == (amount, "credit", True, payee)
    assert got.transfer is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("OTP is 123456 for txn of Rs 500 at AMAZON on HDFC Bank card xx1234. Do not share.", "an OTP"),
        (
            "482913 is your OTP for txn of Rs 2,500 at FLIPKART on ICICI Bank card XX9043. Valid 5 mins.",
            "an OTP",
        ),
        ("Get cashback up to Rs 500 on your first UPI payment with Axis Bank! T&C apply", "a promotion"),
        (
            "Congratulations! You have a pre-approved loan of Rs 5,00,000 from HDFC Bank. Get it credited "
            "in 10 mins. Apply now",
            "a promotion",
        ),
        ("Avl bal in A/c XX1234 is Rs 12,000.50 as on 03-12-26. -PNB", "a balance update"),
        (
            "Hi, your available balance in HDFC Bank A/c XX4821 as of 02-DEC-26 is INR 12,000.00.",
            "a balance update",
        ),
        (
            "Use OTP 882211 to authorise payment of Rs.3,450.00 to FLIPKART on your SBI Card ending 6604.",
            "an OTP",
        ),
        ("Priya Sharma requested ₹450 for Dinner split on Google Pay", "a payment request"),
        (
            "Dear Customer, UPI txn of Rs 450.00 to ZOMATO failed. If debited, amount will be reversed in 3 "
            "working days. -SBI",
            "a failed payment",
        ),
        (
            "Your UPI AutoPay mandate for Rs.649 towards Netflix has been successfully set up on your HDFC "
            "Bank A/c XX4821.",
            "a mandate registration",
        ),
        (
            "Dear Customer, Rs.15,000.00 will be debited from your a/c XX1234 on 05-12-26 towards EMI for "
            "loan XX9988. Ensure sufficient balance. -IDFC FIRST Bank",
            "an upcoming debit",
        ),
        (
            "Your transaction of Rs 500 at FLIPKART has failed. Any amount debited will be refunded. "
            "-ICICI Bank",
            "a failed payment",
        ),
        (
            "Dear Customer, txn of Rs.637.70 thru A/C XX1234 on 01-12-26 at 14:16:16 to ACME STORE failed "
            "due to INSUFFICIENT FUNDS-Canara Bank",
            "a failed payment",
        ),
        (
            "Your ICICI Bank Credit Card XX9043 transaction of INR 2,000 at CROMA was declined due to "
            "incorrect PIN.",
            "a failed payment",
        ),
        ("Ramesh has requested Rs 200 from you on PhonePe", "a payment request"),
        (
            "ravi@okhdfcbank has sent you a collect request of Rs 350.00. Approve only if you know the "
            "sender - Axis Bank",
            "a payment request",
        ),
        ("Your HDFC Bank Credit Card bill of Rs 4,560 is due on 10-12-26. Pay now", "a bill reminder"),
        (
            "Your Axis Bank Credit Card XX8831 statement is generated. Total due: Rs 12,450. Min due: "
            "Rs 620. Due date 15-12-26.",
            "a bill reminder",
        ),
        (
            "Your UPI-Mandate for Rs.1,000.00 is successfully created towards Google from A/c No: "
            "XXXXXX5334 -SBI",
            "a mandate registration",
        ),
        (
            "Your AutoPay of Rs.199 for NETFLIX will be debited on 05-12-26 from HDFC Bank A/c XX3391",
            "an upcoming debit",
        ),
        (
            "Your OTP for transaction of INR 1,200.00 at SWIGGY on card ending 4410 is 558812. Do not "
            "share it with anyone. -IDFC FIRST Bank",
            "an OTP",
        ),
        ("Your Paytm Postpaid bill of Rs.1,230 is due on 07-12-26.", "a bill reminder"),
    ],
)
def test_a_message_that_records_no_movement_says_why(text: str, reason: str) -> None:
    assert looks_like_alert(text)
    assert read_alert(text, today=TODAY) == NotASpend(reason)


def test_a_cashback_credited_is_money_in_not_a_promotion() -> None:
    got = read_alert(
        "Your Amazon Pay balance has been credited with ₹50 cashback for your order.", today=TODAY
    )
    assert isinstance(got, Proposal)
    assert (got.amount_minor, got.direction, got.source) == (5000, "credit", "Amazon Pay")


@pytest.mark.parametrize(
    "text",
    [
        "Your SB A/c *6650 Credited for Rs:1500.00 on 30-11-2026 12:04:11 by IMPS ref no 633344445555 "
        "Avl Bal Rs:8,638.46.Never Share PIN/OTP-Union Bank of India",
        "Never share your OTP. Rs 50 debited from A/c XX1234 on 02-12-26 to VPA chai@paytm Ref 633700001111 "
        "-Kotak",
    ],
)
def test_a_warning_naming_the_otp_is_no_otp(text: str) -> None:
    assert isinstance(read_alert(text, today=TODAY), Proposal)


def test_the_payee_and_reference_are_read_from_a_dashed_upi_info() -> None:
    text = (
        "Alert: INR 1,000.00 debited from your a/c XX8877 on 01/12/26 at 07:05 PM. "
        "Info: UPI-DR-633799912345-SWIGGY. Bal: INR 4,500.00"
    )
    got = read_alert(text, today=TODAY)
    assert isinstance(got, Proposal)
    assert (got.payee, got.reference, got.at_time, got.account_tail) == (
        "SWIGGY",
        "633799912345",
        time(19, 5),
        "8877",
    )


@pytest.mark.parametrize(
    ("text", "source"),
    [
        (
            "VM-CANBNK: Dear Customer, Acct XXXX2210 Dr. INR 60.00 on 02/12/26 to tiffin@okaxis; "
            "UPI: 633566660000",
            "Canara Bank",
        ),
        ("AD-HDFCBK Rs.75.00 debited from a/c **4821 on 02-12-26 to VPA auto.rides@ybl", "HDFC Bank"),
        # the bank signing off is the sender, not a bank named inside the message
        (
            "INR 900.00 credited A/c no. XX6120 01-12-26, 10:00:00 IST UPI/P2A/633700012345/ARJUN/ICICI/UPI "
            "- Axis Bank",
            "Axis Bank",
        ),
        # an app named first, or used, is the sender even when a bank is named
        ("Paytm: Rs.60 paid to Metro Card Recharge from HDFC Bank a/c XX4821. UPI Ref 633700044444", "Paytm"),
        ("₹75 sent to Rohan via PhonePe from SBI a/c XX5521", "PhonePe"),
    ],
)
def test_the_source_is_who_sent_the_alert(text: str, source: str) -> None:
    got = read_alert(text, today=TODAY)
    assert isinstance(got, Proposal)
    assert (got.source, got.sure) == (source, True)


def test_an_unknown_sender_is_read_but_not_sure() -> None:
    text = "Rs 1,240.00 debited from your account XX5566 on 02-12-26 to GOPI MEDICALS. Ref 998877665544"
    got = read_alert(text, today=TODAY)
    assert got == Proposal(
        amount_minor=124000,
        direction="debit",
        payee="GOPI MEDICALS",
        on_date=D(2026, 12, 2),
        account_tail="5566",
        reference="998877665544",
        source="generic",
        sure=False,
    )


def test_the_bare_email_form_is_read_generically() -> None:
    text = (
        "Dear Customer, Rs.500.00 has been debited from account **1234 to VPA x@ybl on 03-12-26. "
        "Your UPI transaction reference number is 412345678901."
    )
    got = read_alert(text, today=TODAY)
    assert isinstance(got, Proposal)
    assert (got.amount_minor, got.payee, got.account_tail, got.reference, got.source, got.sure) == (
        50000,
        "x@ybl",
        "1234",
        "412345678901",
        "generic",
        False,
    )


@pytest.mark.parametrize(
    ("written", "on_date"),
    [
        ("03-12-26", D(2026, 12, 3)),
        ("03/12/2026", D(2026, 12, 3)),
        ("03.12.26", D(2026, 12, 3)),
        ("03Dec26", D(2026, 12, 3)),
        ("03-Dec-2026", D(2026, 12, 3)),
        ("2026-12-03", D(2026, 12, 3)),
        ("01 DEC 2026", D(2026, 12, 1)),
        ("28 Nov", D(2026, 11, 28)),  # no year: the latest such day not after today
        ("25 Dec", D(2025, 12, 25)),
        ("04-12-26", None),  # after today
        ("31-11-26", None),  # no such day
        ("12-03-26", D(2026, 3, 12)),  # day first, always
    ],
)
def test_dates_are_day_first_and_never_in_the_future(written: str, on_date: date | None) -> None:
    text = (
        f"Rs.100.00 debited from HDFC Bank A/c XX1234 on {written} to VPA shop@okicici. UPI Ref 633700009999"
    )
    got = read_alert(text, today=TODAY)
    assert isinstance(got, Proposal)
    assert got.on_date == on_date


@pytest.mark.parametrize(
    ("written", "tail"),
    [
        ("from A/c XX1234", "1234"),
        ("from a/c no. XXXXXXXX1234", "1234"),
        ("on Card ending 1234", "1234"),
        ("on card xx1234", "1234"),
        ("from A/C *1234", "1234"),
        ("from account **1234", "1234"),
        ("from Acct XX123", "123"),
        ("from your account", None),
    ],
)
def test_the_account_tail_is_the_last_digits(written: str, tail: str | None) -> None:
    text = f"Rs.100.00 debited {written} on 02-12-26 to VPA shop@okicici. UPI Ref 633700009999 -ICICI Bank"
    got = read_alert(text, today=TODAY)
    assert isinstance(got, Proposal)
    assert got.account_tail == tail


CHAT_LINES = [
    "chai 20",
    "auto 80 cash",
    "spent 200 on petrol",
    "paid 1.2k for groceries",
    "250 dining upi",
    "2 chai 40",
    "100/- chai",
    "200rs chai",
    # with a currency mark, and a word a bank might use, still typed lines
    "lunch ₹250 upi",
    "paid ₹250 upi lunch",
    "spent ₹200 on petrol",
    "petrol ₹200 card",
    "atm ₹2000",
    "₹500 rent due",
    "auto Rs.80 cash",
]


@pytest.mark.parametrize("text", CHAT_LINES)
def test_a_typed_chat_line_is_not_an_alert(text: str) -> None:
    assert not looks_like_alert(text)
    assert read_alert(text, today=TODAY) is None


def test_many_alerts_are_read_in_one_pass_without_error() -> None:
    texts = [row[0] for row in ALERTS] * 20
    assert all(isinstance(read_alert(t, today=TODAY), Proposal) for t in texts)
