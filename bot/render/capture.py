"""Captures in words: what an alert or a photo proposes, and what a forwarded alert did."""

from __future__ import annotations

from bot.render.text import Reply, b, code
from services.capture.receipts import MAX_SIDE_PX
from services.ledger.captures import Pending
from services.money import format_money

SOURCES = {"receipt": "a receipt", "generic": "an alert from a sender I don't know", "UPI": "a UPI screen"}


def proposal_reply(held: Pending, scaled_from: tuple[int, int] | None = None) -> Reply:
    """`₹250 to Chai Point?` then when, how and where it goes, with Confirm / Edit / Cancel."""
    p = held.proposal
    money = format_money(p.amount_minor, held.currency)
    who = f" {'from' if p.direction == 'credit' else 'to'} {p.payee}" if p.payee else ""
    when = " ".join(
        part
        for part in (
            f"{p.on_date:%d %b %Y}" if p.on_date else "",
            p.at_time.strftime("%H:%M") if p.at_time else "",
        )
        if part
    )
    details = " · ".join(
        part for part in (when, p.payment_mode, f"a/c {p.account_tail}" if p.account_tail else "") if part
    )
    source = SOURCES.get(p.source, f"a {p.source} screen" if p.source else "your photo")
    return Reply.of(
        b(f"{money}{who}?"),
        f"Read from {source}. Confirm to log it under {held.category}.",
        details or None,
        ("ref ", code(p.reference)) if p.reference else None,
        scaled_line(scaled_from) if scaled_from else None,
    )


def scaled_line(size: tuple[int, int]) -> str:
    return f"(Your {size[0]:,} × {size[1]:,} px image was scaled to {MAX_SIDE_PX:,} px a side to read it.)"


def not_a_spend(reason: str) -> str:
    return f"That looks like {reason}, not a spend: nothing logged."


def edit_prompt(line: str) -> Reply:
    return Reply.of("Nothing logged. Copy this, fix what's wrong and send it:", code(line))


def cancelled(held: Pending) -> str:
    return f"Cancelled: {format_money(held.proposal.amount_minor, held.currency)} was not logged."
