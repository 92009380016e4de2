"""A spend read from a forwarded alert or a photo, before it is stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Literal


@dataclass(frozen=True, slots=True)
class Proposal:
    """What an alert or a receipt said about one money movement.

    amount_minor is exact (integer minor units of currency); payment_mode, when known, is one
    of services.catalog.PAYMENT_MODES; sure is False for a generic reading the person should
    confirm (an unknown bank's alert, any photo).
    """

    amount_minor: int
    currency: str = "INR"
    direction: Literal["debit", "credit"] = "debit"
    payee: str | None = None  # merchant, shop, VPA or person paid (or paying, for a credit)
    on_date: date | None = None
    at_time: time | None = None
    payment_mode: str | None = None
    account_tail: str | None = None  # the last digits of the account or card ("1234")
    reference: str | None = None  # UTR, UPI ref, transaction id
    source: str = ""  # who sent it: "HDFC Bank", "Google Pay", "receipt", "generic"
    reversal: bool = False  # money back for an earlier debit (a reversal or a refund)
    transfer: str | None = None  # a transfer category ("ATM Cash", "Card Bill") when no spend
    sure: bool = True


@dataclass(frozen=True, slots=True)
class NotASpend:
    """A message that looks like a bank's but records no money movement, and why."""

    reason: str  # a short phrase for a reply: "an OTP", "a failed payment", ...
