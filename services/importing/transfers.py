"""Statement rows that are no spending: transfers and refunds, told by their description.

ATM cash, a credit-card bill, money to or from the person's own account, a wallet top-up:
each moves money between the person's own pockets, so it is a `transfer` (never an
expense, income or leak), in one of the transfer categories of services/catalog.py. A
refund or reversal coming in is a `refund` of the expense category its description names
("REFUND SWIGGY" takes off Dining Out; else Other). Investments (SIP, mutual funds, shares,
FD, RD) are savings already (the catalogue's savings keywords) and stay savings.

Bank charges are spending even when they name a transfer ("ATM WDL CHARGES", "CC PAYMENT
LATE FEE"). A reversal of a transfer ("REV ATM WDL") is a transfer back, not a refund.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from services.catalog import EntryType

if TYPE_CHECKING:  # pandas only for the frame functions: migration 0013 reads words alone
    import numpy as np
    import pandas as pd

# (transfer category, what its descriptions say), tried in order; text is casefolded.
TRANSFER_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "Card Bill",
        r"\bcc\s*(?:payment|paymt|pymt|pmt|bill|repayment)"
        r"|credit\s*card\s*(?:bill|payment|pymt|pmt|dues?|repayment)"
        r"|\bcard\s*(?:bill|dues)\b|\bbil/onl\b.*(?:card|\bcc\b|credit|\bcred\b)"
        r"|\bcred\s*club\b|\bcred\b.*\b(?:card|bill)\b"
        r"|payment\W*(?:received\W*)?thank\s*you|thank\s*you\W*(?:for\s*(?:your\s*)?)?payment"
        r"|\bcard\s*payment\s*received|\bautopay\b.*\b(?:card|payment)\b",
    ),
    (
        "ATM Cash",
        r"\batm\b|\bnwd\b|\bawd\b|\bcwdr?\b|\beaw\b|\bcdm\b"
        r"|cash\s*(?:withdrawal|withdrawl|wdl|wd\b|withdrawn)|\bwdl\b"
        r"|cash\s*dep(?:osit)?\b|\bchq\s*paid\W*self\b",
    ),
    (
        "Wallet Top-up",
        r"add\s*money|added\s*to\s*(?:your\s*)?wallet"
        r"|wallet\s*(?:top\s*-?\s*up|load|recharge|transfer)"
        r"|(?:top\s*-?\s*up|load(?:ed)?)\s*(?:of\s*|to\s*)?(?:paytm\s*|amazon\s*pay\s*|phonepe\s*|mobikwik\s*)?wallet"
        r"|(?:paytm|mobikwik|amazon\s*pay|phonepe|freecharge|airtel\s*money)\s*wallet"
        r"|amazon\s*pay\s*(?:balance|top\s*-?\s*up|load)",
    ),
    (
        "Own Account",
        r"\bown\s*(?:a/?c|acc(?:oun)?t)|\bself\s*(?:transfer|trf|a/?c)\b|\b(?:to|from)\s+self\b|\bself\b"
        r"|transfer\s+(?:to|from)\s+(?:my\s+|own\s+)?(?:savings|sb|current|ca|linked)\s*(?:a/?c|account)"
        r"|between\s+(?:your|my|own)\s+accounts|\bsweep\b|internal\s+(?:transfer|trf)",
    ),
)
# A charge named after a transfer is still a charge (spending).
CHARGE_PATTERN = r"\b(?:fee|fees|charge|charges|chrg|chrgs|chg|chgs|gst|amc|penalty|late)\b|\binterest\b"
REFUND_PATTERN = (
    r"\brefund|\brfnd\b|\breversal|\breversed\b|\brev\b|\brev[-/:.]|\brvsl\b"
    r"|cash\s*back|chargeback|charge\s*back"
)
_TRANSFERS = [(name, re.compile(pattern)) for name, pattern in TRANSFER_PATTERNS]
_CHARGE = re.compile(CHARGE_PATTERN)
_REFUND = re.compile(REFUND_PATTERN)


def transfer_kind(description: str) -> str | None:
    """The transfer category a description names, or None (`ATM WDL 1234` -> ATM Cash)."""
    text = description.casefold()
    if _CHARGE.search(text):
        return None
    return next((name for name, pattern in _TRANSFERS if pattern.search(text)), None)


def is_refund(description: str) -> bool:
    """Whether money coming in with this description is a refund or reversal."""
    return _REFUND.search(description.casefold()) is not None


def _matches(text: object, pattern: str) -> np.ndarray:
    """Whether each of text (a pyarrow string array, lower-case) matches pattern (RE2)."""
    import pyarrow.compute as pc

    return pc.match_substring_regex(text, pattern).to_numpy(zero_copy_only=False).astype(bool)


def _lowered(descriptions: pd.Series) -> object:
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.utf8_lower(pa.array(descriptions.fillna("").astype(str), type=pa.large_string()))


def transfer_kinds(descriptions: pd.Series) -> pd.Series:
    """transfer_kind of each description (None where it names none), with RE2 over Arrow
    strings: a 100,000-row statement is read in a fraction of what Python's re takes."""
    import numpy as np
    import pandas as pd

    text = _lowered(descriptions)
    kinds = np.full(len(descriptions), None, dtype=object)
    todo = ~_matches(text, CHARGE_PATTERN)
    for name, pattern in TRANSFER_PATTERNS:
        if not todo.any():
            break
        hit = todo & _matches(text, pattern)
        kinds[hit] = name
        todo &= ~hit
    return pd.Series(kinds, index=descriptions.index, dtype=object)


def not_spending(
    out: pd.DataFrame, descriptions: pd.Series, outflow: pd.Series, expense_categories: pd.Series
) -> None:
    """Mark a converted statement's transfers and refunds (out's type and category, in place).

    out holds each row's guessed type and category (expense for money out, income for money
    in, savings for an investment, which stays so); expense_categories is the expense
    category each description names, which a refund takes off."""
    types = out["type"]
    movable = types.isin([EntryType.EXPENSE.value, EntryType.INCOME.value])
    if not movable.any():
        return
    kinds = transfer_kinds(descriptions.where(movable, ""))
    transfer = movable & kinds.notna()
    inflow = ~outflow.astype(bool)
    refund = movable & ~transfer & inflow
    if refund.any():
        refund &= _matches(_lowered(descriptions), REFUND_PATTERN)
    out.loc[transfer, "type"] = EntryType.TRANSFER.value
    out.loc[transfer, "category"] = kinds[transfer]
    out.loc[refund, "type"] = EntryType.REFUND.value
    out.loc[refund, "category"] = expense_categories[refund].where(
        expense_categories[refund].notna(), "Other"
    )


# Words a ledger file (our export from before refunds were their own type, the sample
# dataset) uses for a refund logged as income.
_REFUND_CATEGORY_WORDS = frozenset({"refund", "refunds", "cashback", "reversal"})


def refunds_logged_as_income(types: pd.Series, categories: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(types, categories) with income rows in the old Refund category read as refunds of Other."""
    old = types.eq(EntryType.INCOME.value) & categories.str.casefold().isin(_REFUND_CATEGORY_WORDS)
    if not old.any():
        return types, categories
    return types.mask(old, EntryType.REFUND.value), categories.mask(old, "Other")
