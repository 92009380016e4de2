"""Small helpers for the words around numbers in replies and summaries."""

from __future__ import annotations


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """'1 entry', '2 entries', '1,204 duplicates': the count with the noun that agrees with it."""
    return f"{n:,} {singular if n == 1 else plural or singular + 's'}"


def one_of(choices: list[str]) -> str:
    """'A', 'A or B', 'A, B or C': choices offered as alternatives."""
    return choices[0] if len(choices) == 1 else f"{', '.join(choices[:-1])} or {choices[-1]}"


def percent_change(now: int, before: int) -> float | None:
    """How much now is up (or down) on before, in percent; None when before is zero."""
    return (now - before) * 100 / before if before else None


def change_words(now: int, before: int, *, against: str, nothing_before: str) -> str:
    """`+25% vs last month`, or what to say when there was nothing before."""
    change = percent_change(now, before)
    return nothing_before if change is None else f"{change:+.0f}% vs {against}"


UNNAMED_PAYMENT_MODE = "Other"  # what an entry that names no payment mode is stored with


def label_words(value: str, column: str) -> str:
    """A stored label as people read it: the payment mode nobody named is 'Mode not given'."""
    if column == "payment_mode" and value == UNNAMED_PAYMENT_MODE:
        return "Mode not given"
    return value
