"""Realistic synthetic ledgers in the sample dataset's format, seeded and reproducible.

Per month a person has about 48 expenses, 7 incomes and 5 savings, with the sample's
category mix, amount ranges, necessity, recurrence and contexts; payment modes and time
blocks are spread as in the sample; day_type follows the date; the last column is the
running monthly expense total, blank for income and savings.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from db.frames import insert_entry_frame
from db.models import User
from services.importing.pipeline import complete_frame
from services.ledger.completion import ScoringProfile
from services.ledger.people import profile_of
from services.timing import BLOCK_REPRESENTATIVE_HOUR

SAMPLE_COLUMNS = (
    "Id",
    "Date",
    "type",
    "category",
    "value",
    "Is_Necessary",
    "payment_mode",
    "is_recurring",
    "context",
    "time_block",
    "day_type",
    "cummulative monthly spend",
)


@dataclass(frozen=True, slots=True)
class Profile:
    """How one category behaves: relative frequency, median amount and spread, contexts."""

    type: str
    category: str
    weight: float
    median: float
    low: int
    high: int
    necessary: bool
    recurring_share: float
    contexts: dict[str, float]


_P = Profile
PROFILES: tuple[Profile, ...] = (
    _P("expense", "Clothing", 76, 450, 130, 1400, False, 0.0, {"Seasonal": 1}),
    _P("expense", "Dining Out", 76, 190, 35, 480, False, 0.0, {"Unplanned": 1}),
    _P("expense", "EMI", 65, 1500, 650, 3400, True, 1.0, {"Planned": 1}),
    _P("expense", "Education", 67, 1800, 480, 3800, True, 0.0, {"Planned": 1}),
    _P("expense", "Entertainment", 60, 230, 50, 660, False, 0.0, {"Unplanned": 1}),
    _P("expense", "Fuel", 52, 270, 90, 720, False, 0.0, {"Unplanned": 1}),
    _P("expense", "Gift", 28, 420, 100, 1200, False, 0.0, {"Festive": 1}),
    _P("expense", "Groceries", 71, 720, 310, 1950, True, 0.0, {"Routine": 1}),
    _P("expense", "Medical", 61, 820, 210, 2700, True, 0.0, {"Emergency": 1}),
    _P("expense", "Mobile Recharge", 65, 100, 35, 250, True, 0.0, {"Routine": 1}),
    _P(
        "expense",
        "Rent",
        57,
        2700,
        1350,
        5800,
        True,
        1.0,
        {"Planned": 0.39, "Unplanned": 0.31, "Routine": 0.30},
    ),
    _P(
        "expense",
        "Subscription",
        55,
        130,
        35,
        360,
        False,
        1.0,
        {"Unplanned": 0.38, "Routine": 0.31, "Planned": 0.31},
    ),
    _P("expense", "Travel", 65, 1100, 240, 3000, False, 0.0, {"Seasonal": 1}),
    _P("expense", "Utilities", 62, 700, 330, 1500, True, 0.0, {"Routine": 1}),
    _P(
        "income",
        "Bonus",
        32,
        2800,
        800,
        6700,
        False,
        0.0,
        {"Planned": 0.37, "Routine": 0.35, "Unplanned": 0.28},
    ),
    _P(
        "income",
        "Freelance",
        35,
        1500,
        520,
        3800,
        False,
        0.0,
        {"Unplanned": 0.37, "Routine": 0.32, "Planned": 0.31},
    ),
    _P(
        "income",
        "Interest",
        35,
        115,
        20,
        340,
        False,
        0.0,
        {"Routine": 0.51, "Unplanned": 0.26, "Planned": 0.23},
    ),
    _P(
        "income",
        "Salary",
        29,
        7500,
        2700,
        17200,
        False,
        1.0,
        {"Routine": 0.38, "Unplanned": 0.38, "Planned": 0.24},
    ),
    _P(
        "savings",
        "Fixed Deposit",
        17,
        2100,
        1000,
        4600,
        False,
        0.0,
        {"Routine": 0.47, "Planned": 0.35, "Unplanned": 0.18},
    ),
    _P("savings", "Gold", 17, 1400, 620, 2550, False, 0.0, {"Seasonal": 1}),
    _P(
        "savings",
        "Mutual Fund",
        13,
        500,
        160,
        1150,
        False,
        0.0,
        {"Unplanned": 0.54, "Planned": 0.38, "Routine": 0.08},
    ),
    _P("savings", "Piggy Bank", 15, 100, 25, 250, False, 0.0, {"Planned": 0.53, "Unplanned": 0.47}),
    _P(
        "savings",
        "Recurring Deposit",
        17,
        550,
        260,
        870,
        False,
        1.0,
        {"Unplanned": 0.41, "Routine": 0.29, "Planned": 0.30},
    ),
    _P(
        "savings",
        "Stock Investment",
        21,
        500,
        200,
        950,
        False,
        0.0,
        {"Unplanned": 0.43, "Routine": 0.38, "Planned": 0.19},
    ),
)
ROWS_PER_MONTH = 1091 / 18
PAYMENT_MODE_WEIGHTS = {
    "Cash": 254,
    "Debit Card": 226,
    "UPI": 213,
    "Net Banking": 201,
    "Credit Card": 197,
}
TIME_BLOCK_WEIGHTS = {"Morning": 290, "Afternoon": 280, "Evening": 263, "Night": 258}


def _pick(rng: np.random.Generator, weights: dict[str, float], size: int) -> np.ndarray:
    names = np.array(list(weights), dtype=object)
    p = np.array(list(weights.values()), dtype=float)
    return rng.choice(names, size=size, p=p / p.sum())


def generate(
    *,
    months: int = 18,
    seed: int = 0,
    start: date = date(2023, 1, 1),
    rows_per_month: float = ROWS_PER_MONTH,
) -> pd.DataFrame:
    """Return one person's synthetic ledger in the sample dataset's columns."""
    rng = np.random.default_rng(seed)
    first = pd.Timestamp(start).to_period("M")
    counts = rng.poisson(rows_per_month, size=months)
    n = int(counts.sum())
    month_idx = np.repeat(np.arange(months), counts)
    starts = pd.period_range(first, periods=max(months, 1), freq="M").to_timestamp()
    month_start = pd.DatetimeIndex(starts[month_idx])
    day = (rng.random(n) * month_start.days_in_month.to_numpy()).astype(int)
    dates = month_start + pd.to_timedelta(day, unit="D")

    weights = np.array([p.weight for p in PROFILES], dtype=float)
    which = rng.choice(len(PROFILES), size=n, p=weights / weights.sum())
    median = np.array([p.median for p in PROFILES])[which]
    low = np.array([p.low for p in PROFILES])[which]
    high = np.array([p.high for p in PROFILES])[which]
    value = np.clip(np.round(median * rng.lognormal(0.0, 0.45, size=n)), low, high).astype(np.int64)
    recurring = rng.random(n) < np.array([p.recurring_share for p in PROFILES])[which]
    context = np.empty(n, dtype=object)
    for i, profile in enumerate(PROFILES):
        rows = which == i
        if rows.any():
            context[rows] = _pick(rng, profile.contexts, int(rows.sum()))

    frame = pd.DataFrame(
        {
            "Date": dates,
            "type": np.array([p.type for p in PROFILES], dtype=object)[which],
            "category": np.array([p.category for p in PROFILES], dtype=object)[which],
            "value": value,
            "Is_Necessary": np.where(np.array([p.necessary for p in PROFILES])[which], "Yes", "No"),
            "payment_mode": _pick(rng, PAYMENT_MODE_WEIGHTS, n),
            "is_recurring": np.where(recurring, "Yes", "No"),
            "context": context,
            "time_block": _pick(rng, TIME_BLOCK_WEIGHTS, n),
        }
    )
    frame = frame.sort_values("Date", kind="stable").reset_index(drop=True)
    frame["day_type"] = np.where(frame["Date"].dt.day_of_week >= 5, "Weekend", "Weekday")
    expense = frame["type"] == "expense"
    running = frame["value"].where(expense, 0).groupby(frame["Date"].dt.to_period("M")).cumsum()
    frame["cummulative monthly spend"] = running.astype(object).where(expense, "")
    frame["Date"] = frame["Date"].dt.strftime("%d-%m-%Y")
    frame.insert(0, "Id", np.arange(1, len(frame) + 1))
    return frame[list(SAMPLE_COLUMNS)]


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Render a generated ledger as CSV bytes."""
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def generate_entries(*, months: int, seed: int, profile: ScoringProfile) -> pd.DataFrame:
    """A generated ledger already completed and scored (what an import of it would store)."""
    sample = generate(months=months, seed=seed)
    raw = pd.DataFrame(
        {
            "type": sample["type"],
            "category": sample["category"],
            "amount_minor": sample["value"].astype(np.int64) * 100,
            "local_dt": pd.to_datetime(sample["Date"], format="%d-%m-%Y")
            + pd.to_timedelta(sample["time_block"].map(BLOCK_REPRESENTATIVE_HOUR), unit="h"),
            "is_necessary": sample["Is_Necessary"] == "Yes",
            "payment_mode": sample["payment_mode"],
            "is_recurring": sample["is_recurring"] == "Yes",
            "context": sample["context"],
            "time_block": sample["time_block"],
            "day_type": sample["day_type"],
        }
    )
    return complete_frame(raw, profile=profile)


# --- taste: people whose notion of a leak is not the rule's ---------------------------------
def _rule_taste(e: pd.DataFrame) -> np.ndarray:
    return e["is_leak"].fillna(False).to_numpy(dtype=bool)


def _weekday_diner(e: pd.DataFrame) -> np.ndarray:
    """Eating out, entertainment and clothes on a weekday are leaks; on the weekend they are the point."""
    fun = e["category"].isin(["Dining Out", "Entertainment", "Clothing"])
    return (fun & (e["day_type"] == "Weekday")).to_numpy(dtype=bool)


def _big_ticket(e: pd.DataFrame) -> np.ndarray:
    """Small treats are fine; an unnecessary spend of ₹400 or more is a leak."""
    return (~e["is_necessary"].astype(bool) & (e["amount_minor"] >= 40_000)).to_numpy(dtype=bool)


def _night_owl(e: pd.DataFrame) -> np.ndarray:
    """Anything unnecessary after dark is a leak, whatever the context or amount."""
    dark = e["time_block"].isin(["Evening", "Night"])
    return (~e["is_necessary"].astype(bool) & dark).to_numpy(dtype=bool)


def _weekend_cash(e: pd.DataFrame) -> np.ndarray:
    """Rare: only unnecessary cash on a weekend is a leak (the money that vanishes at the market)."""
    cash = (e["payment_mode"] == "Cash") & (e["day_type"] == "Weekend")
    return (~e["is_necessary"].astype(bool) & cash).to_numpy(dtype=bool)


def _month_end(e: pd.DataFrame) -> np.ndarray:
    """Anything unnecessary in the month's last week, when the salary has run out, is a leak."""
    day = pd.to_datetime(e["local_date"]).dt.day
    return (~e["is_necessary"].astype(bool) & (day >= 24)).to_numpy(dtype=bool)


def _changed_mind(e: pd.DataFrame) -> np.ndarray:
    """A night owl until the middle of the history, then a weekday diner: a taste that drifts."""
    days = pd.to_datetime(e["local_date"])
    later = (days >= days.min() + (days.max() - days.min()) / 2).to_numpy(dtype=bool)
    return np.where(later, _weekday_diner(e), _night_owl(e))


TASTES = {
    "rule": _rule_taste,
    "weekday_diner": _weekday_diner,
    "big_ticket": _big_ticket,
    "night_owl": _night_owl,
    "weekend_cash": _weekend_cash,
    "month_end": _month_end,
    "changed_mind": _changed_mind,
}


def taste_truth(expenses: pd.DataFrame, taste: str) -> np.ndarray:
    """What a person with this taste would call a leak, for each expense."""
    return TASTES[taste](expenses)


def simulated_verdicts(expenses: pd.DataFrame, taste: str, *, share: float, seed: int) -> pd.Series:
    """Verdicts (True = leak) on a random `share` of the expenses, NA elsewhere."""
    rng = np.random.default_rng(seed)
    judged = rng.random(len(expenses)) < share
    truth = pd.Series(taste_truth(expenses, taste), index=expenses.index, dtype="boolean")
    return truth.where(judged, pd.NA)


def store_generated(session: Session, user: User, *, months: int, seed: int) -> pd.DataFrame:
    """Generate a ledger for this person, store it as entries (source csv), return what was stored."""
    frame = generate_entries(months=months, seed=seed, profile=profile_of(user)).reset_index(drop=True)
    frame = frame.assign(
        user_id=user.id, source="csv", source_ref=[f"synthetic:{seed}:{i}" for i in range(len(frame))]
    )
    insert_entry_frame(session, frame)
    return frame


# The header of an HDFC Bank statement export.
HDFC_HEADER = (
    "Date",
    "Narration",
    "Chq./Ref.No.",
    "Value Dt",
    "Withdrawal Amt.",
    "Deposit Amt.",
    "Closing Balance",
)

# Who a bank statement names as the other side of each category's payments (invented).
STATEMENT_PAYEES = {
    "Dining Out": ("ZOMATO LIMITED", "SWIGGY", "CHAI POINT", "DOMINOS PIZZA"),
    "Clothing": ("MYNTRA DESIGNS", "MAX FASHION", "AJIO RELIANCE"),
    "Groceries": ("BIGBASKET", "BLINKIT COMMERCE", "DMART AVENUE", "ZEPTO"),
    "Mobile Recharge": ("JIO PREPAID", "AIRTEL RECHARGE"),
    "Utilities": ("BESCOM BILLDESK", "MAHANAGAR GAS", "ACT FIBERNET"),
    "Education": ("BYJUS LEARNING", "UDEMY INDIA"),
    "Rent": ("RENT TO SURESH KUMAR",),
    "Travel": ("UBER INDIA SYSTEMS", "OLA CABS", "IRCTC", "RAPIDO"),
    "Entertainment": ("BOOKMYSHOW", "PVR INOX"),
    "EMI": ("HDFC LOAN EMI", "BAJAJ FINANCE EMI"),
    "Medical": ("APOLLO PHARMACY", "MEDPLUS HEALTH"),
    "Subscription": ("NETFLIX ENTERTAINMENT", "SPOTIFY INDIA", "AMAZON PRIME"),
    "Fuel": ("BHARAT PETROLEUM", "INDIAN OIL"),
}


def to_bank_statement(frame: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """A generated ledger as an HDFC Bank statement export: (header, rows) with dates as
    dd/mm/yy, a UPI narration naming a payee, a unique reference, the amount in the
    withdrawal or deposit column and the running balance."""
    rng = np.random.default_rng(len(frame))
    n = len(frame)
    out = (frame["type"] != "income").to_numpy()
    minor = frame["value"].to_numpy(dtype=np.int64) * 100
    balance = 10_000_000 + np.cumsum(np.where(out, -minor, minor))
    pick = rng.integers(0, 1_000, size=n)
    payees = [
        (STATEMENT_PAYEES.get(c) or (c.upper(),))[k % len(STATEMENT_PAYEES.get(c) or (c,))]
        for c, k in zip(frame["category"], pick, strict=True)
    ]
    dates = pd.to_datetime(frame["Date"], format="%d-%m-%Y").dt.strftime("%d/%m/%y").tolist()
    refs = [f"{406_500_000_000 + i:016d}" for i in range(n)]
    amounts = [f"{m / 100:.2f}" for m in minor]
    header = list(HDFC_HEADER)
    rows = [
        [
            day,
            f"UPI-{payee}-{payee.split()[0].lower()}@okhdfc-{ref[-12:]}-PAYMENT",
            ref,
            day,
            amount if is_out else "",
            "" if is_out else amount,
            f"{b / 100:.2f}",
        ]
        for day, payee, ref, amount, is_out, b in zip(dates, payees, refs, amounts, out, balance, strict=True)
    ]
    return header, rows
