"""Entries in words: the reply to a logged spend, /recent lines, what was removed."""

from __future__ import annotations

from collections.abc import Sequence

from bot.render.text import Reply, Span, b, code, i
from services.catalog import EntryType
from services.insights.budgets import Alert
from services.insights.habits import Pace, Unusual
from services.ledger.entries import EntryView
from services.money import format_money
from services.scoring.rules import MAX_SCORE, RULES_BY_CODE
from services.scoring.verdicts import MODEL, NEED, YOU
from services.usecases.entries import Line, Logged, LoggedMessage

HELP_HINT = "Send what you spent, e.g. chai 20 or 250 dining upi (one per line). /help lists everything."
NOTHING_YET = "Nothing logged yet. Try: 250 dining upi"


def reasons(rules: Sequence[str], *, time_block: str, context: str) -> list[str]:
    """The fired rules in plain words, most telling first."""
    words = []
    for rule in rules:
        if rule == "impulse_time":
            words.append(time_block.lower())
        elif rule == "impulsive_context":
            words.append(f"impulsive context ({context.lower()})")
        else:
            words.append(RULES_BY_CODE[rule].label)
    return words


def points(e: EntryView) -> str:
    """`6 of 9 points`: the seed's six-rule score out of what all six rules give."""
    return f"{e.score} of {MAX_SCORE} points"


def verdict(e: EntryView) -> str:
    """The one verdict line, who decided it and why:
    `Leak · 6 of 9 points (leak from 5): not necessary, impulsive context (unplanned), evening`,
    `OK · 4 of 9 points`, `OK · a necessity (the rule: 5 of 9 points)`,
    `Leak · your model, 82% (the rule: 4 of 9 points)`, `OK · your call (the rule: 6 of 9 points)`;
    transfers and refunds say what they are."""
    if e.type is EntryType.TRANSFER:
        return "Transfer: not spending, never a leak."
    if e.type is EntryType.REFUND:
        return f"Refund: off {e.category} spend for {e.local_date:%B}."
    if e.score is None:
        return "Not scored (only expenses are)."
    head = "Leak" if e.is_leak else "OK"
    rule = f"the rule: {points(e)}"
    if e.decided_by == YOU:
        return f"{head} · your call ({rule})"
    if e.decided_by == MODEL and e.model_probability is not None:
        return f"{head} · your model, {e.model_probability:.0%} leak ({rule})"
    if e.decided_by == NEED:
        return f"OK · a necessity ({rule})"
    if not e.is_leak:
        return f"OK · {points(e)}"
    why = reasons(e.rules, time_block=e.time_block, context=e.context)
    return f"Leak · {points(e)} (leak from {e.leak_threshold})" + (f": {', '.join(why)}" if why else "")


def pace_line(p: Pace, currency: str) -> str:
    times = "once" if p.count_this_month == 1 else f"{p.count_this_month} times"
    return (
        f"{format_money(p.amount_minor, currency)} {p.category.lower()}, {times} this month: "
        f"about {format_money(p.yearly_minor, currency)} a year at this pace"
    )


def unusual_line(u: Unusual, currency: str) -> str:
    return (
        f"Unusual for you: {format_money(u.amount_minor, currency)} on {u.category.lower()}; "
        f"you usually spend about {format_money(u.usual_minor, currency)}."
    )


def alert_line(alert: Alert, currency: str) -> str:
    used = alert.usage
    label = used.category or "leaks"
    amounts = f"{format_money(used.used_minor, currency)} of {format_money(used.limit_minor, currency)}"
    if alert.level == 100:
        return f"Over budget: {label} {amounts} this month ({used.percent}%)."
    return f"Heads-up: {label} at {amounts} this month ({used.percent}%)."


def entry_reply(e: EntryView, logged: Logged | None = None) -> Reply:
    """One entry: amount, category, mode, when, note, verdict, then what logging it found."""
    money = format_money(e.amount_minor, e.currency)
    extra: list[str] = []
    if logged is not None:
        if logged.unusual is not None:
            extra.append(unusual_line(logged.unusual, e.currency))
        if logged.pace is not None:
            extra.append(pace_line(logged.pace, e.currency))
        extra += [alert_line(a, e.currency) for a in logged.alerts]
    return Reply.of(
        b(f"{money} {e.category} · {e.payment_mode}"),
        f"{e.local_date:%d %b %Y} {e.local_time:%H:%M} ({e.time_block.lower()})",
        i(e.note) if e.note else None,
        verdict(e),
        *extra,
    )


def logged_reply(logged: Logged) -> Reply:
    """The reply to a logged line (`leakbot log` prints the same words); a line that named
    no category says so first and asks which it is."""
    if not logged.uncategorised:
        return entry_reply(logged.entry, logged)
    e = logged.entry
    ask = f"I don't know “{logged.unknown_word}” yet." if logged.unknown_word else "No category named."
    return Reply.of(
        b(f"{format_money(e.amount_minor, e.currency)} kept under {e.category}."),
        f"{ask} Which category is it?",
        f"{e.local_date:%d %b %Y} {e.local_time:%H:%M} · {e.payment_mode}",
        verdict(e),
    )


def message_reply(message: LoggedMessage) -> Reply:
    """The reply to a message: one line's full reply, or a row per line of several."""
    if message.alert_from is not None and message.lines and (logged := message.lines[0].logged):
        if not logged.created:
            e = logged.entry
            return Reply.of(
                f"Already logged: #{e.id} {format_money(e.amount_minor, e.currency)} {e.category} "
                f"on {e.local_date:%d %b} (the same payment)."
            )
        return Reply((f"From your {message.alert_from} alert:", *logged_reply(logged).lines))
    if len(message.lines) == 1:
        line = message.lines[0]
        return logged_reply(line.logged) if line.logged else Reply.of(line.problem or "")
    done = len(message.logged)
    head = f"Logged {done} of {len(message.lines)} lines." if done else "Nothing logged:"
    return Reply((b(head), *(_line_row(line, message.currency) for line in message.lines)))


def _line_row(line: Line, currency: str) -> tuple[Span | str, ...] | str:
    if line.logged is not None:
        e = line.logged.entry
        short = verdict(e).split(" (")[0]
        return (code(f"#{e.id}"), f" {format_money(e.amount_minor, e.currency)} {e.category} · {short}")
    if line.choices:
        options = ", ".join(format_money(c, currency) for c in line.choices)
        return f"{line.number}. “{line.text}”: which amount? {options}"
    return f"{line.number}. “{line.text}”: {line.problem}"


def entry_line(e: EntryView) -> tuple[Span | str, ...]:
    """A short line for /recent: `#42 04 May 20:15 ₹250 Dining Out · Leak · 7 of 9 points`."""
    short = verdict(e).split(" (")[0]
    money = format_money(e.amount_minor, e.currency)
    return (code(f"#{e.id}"), f" {e.local_date:%d %b} {e.local_time:%H:%M} {money} {e.category} · {short}")


def entry_records(entries: Sequence[EntryView]) -> list[dict[str, object]]:
    """Every stored field of each entry as plain data (the CLI's csv and json): the rule's
    score and verdict, the model's probability, the person's call, and the one verdict with
    who gave it."""
    return [
        {
            "id": e.id,
            "date": e.local_date.isoformat(),
            "time": e.local_time.strftime("%H:%M"),
            "type": e.type.value,
            "category": e.category,
            "amount": format_money(e.amount_minor, e.currency),
            "amount_minor": e.amount_minor,
            "currency": e.currency,
            "payment_mode": e.payment_mode,
            "is_necessary": e.is_necessary,
            "is_recurring": e.is_recurring,
            "context": e.context,
            "time_block": e.time_block,
            "day_type": e.day_type,
            "note": e.note,
            "source": e.source,
            "score": e.score,
            "rules": ",".join(e.rules),
            "rule_leak": e.rule_leak,
            "model_probability": e.model_probability,
            "your_call": e.user_verdict,
            "is_leak": e.is_leak,
            "decided_by": e.decided_by,
            "verdict": verdict(e),
        }
        for e in entries
    ]


def recent_reply(entries: Sequence[EntryView]) -> Reply:
    return Reply(tuple(entry_line(e) for e in entries)) if entries else Reply.of(NOTHING_YET)


def removed(e: EntryView) -> str:
    """`Removed #42: ₹250 Dining Out on 2024-05-04.`"""
    return f"Removed #{e.id}: {format_money(e.amount_minor, e.currency)} {e.category} on {e.local_date}."


def undone(e: EntryView) -> str:
    return f"Undone: {format_money(e.amount_minor, e.currency)} {e.category} on {e.local_date}."
