"""What LeakBot learnt, in words: /model, a training run, recurring charges and reminders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.render.text import Reply
from services.learning.registry import MIN_VERDICTS_EACH
from services.money import format_money
from services.wording import counted

if TYPE_CHECKING:  # pandas / scikit-learn backed; their results are only read here
    from ml.training import Scores
    from services.insights.subscriptions import Detected, Listed, Reminder
    from services.learning.status import Changed, ModelStatus
    from services.learning.training import Skipped, TrainingReport
    from services.usecases.learning import Subscriptions

NO_SUBSCRIPTIONS = (
    "No recurring charges found yet. I look for the same payment every week, month or year "
    "(at least three times)."
)


def _agreed(scores: Scores) -> int:
    """On how many held-out calls a verdict agreed with the person (the confusion's diagonal)."""
    return int(scores.confusion[0][0] + scores.confusion[1][1])


def _calls(n: int, kind: str) -> str:
    return f"{n} more {kind} call" + ("" if n == 1 else "s")


def needed_line(s: ModelStatus) -> str:
    """`With 2 more Leak calls and 5 more calls of either kind I can learn your own taste.`"""
    parts = [_calls(n, kind) for n, kind in ((s.leaks_needed, "Leak"), (s.fines_needed, "Not a leak")) if n]
    if s.either_needed:
        parts.append(f"{s.either_needed} more call{'' if s.either_needed == 1 else 's'} of either kind")
    if len(parts) == 3:
        parts = [f"{parts[0]}, {parts[1]}", parts[2]]
    if not parts:
        return "You have given enough of both: training runs nightly."
    return "With " + " and ".join(parts) + " I can learn your own taste."


def changed_line(changed: Sequence[Changed]) -> str | None:
    """`It now calls 14 of your Dining Out spends OK that the rule called leaks.`"""
    if not changed:
        return None
    top = changed[0]
    if top.now_ok >= top.now_leak:
        return f"It now calls {top.now_ok} of your {top.category} spends OK that the rule called leaks."
    return f"It now calls {top.now_leak} of your {top.category} spends leaks that the rule called OK."


def status_reply(s: ModelStatus) -> Reply:
    """Which model decides for the person, in words: how often it and the rule agreed with the
    person's own calls it never saw, what it changed, or what it still needs."""
    counts = f"Your calls so far: {s.leak_verdicts} Leak, {s.fine_verdicts} Not a leak."
    m = s.model
    if m is None:
        return Reply.of("No model yet: the six rules decide.", counts, needed_line(s))
    c = m.comparison
    model_ok, rule_ok = _agreed(c.model), _agreed(c.rule)
    who = "Your own model" if m.scope == "personal" else "The model trained on everyone's calls"
    tested = (
        f"On {c.n} of your calls it never saw, it agreed with you {model_ok} times "
        f"({model_ok / c.n:.0%}), the rule {rule_ok} times ({rule_ok / c.n:.0%})."
        if c.n
        else "It has not been tested on your calls yet."
    )
    if m.in_use:
        return Reply.of(
            f"{who} decides your verdicts now (v{m.version}, trained {m.trained_at:%d %b %Y}).",
            tested,
            changed_line(s.changed),
            counts,
        )
    return Reply.of(
        "The six rules decide: no model beat them on your calls yet.",
        f"{who} (v{m.version}): " + tested[0].lower() + tested[1:],
        counts,
        needed_line(s) if m.scope != "personal" else "More calls of each kind help it learn.",
    )


def _skipped(s: Skipped) -> str:
    if s.no_expenses:
        return "no expenses yet"
    if s.scope == "global":
        return f"global: verdicts from {s.people} people; it needs {s.needed} with both kinds"
    return (
        f"user {s.telegram_id}: {s.leak_verdicts} leak and {s.fine_verdicts} not-a-leak verdicts; "
        f"a personal model needs {s.needed}, {MIN_VERDICTS_EACH} of each kind at least"
    )


def training_lines(report: TrainingReport) -> list[str]:
    """One line per model trained (against the rule) or skipped (and why)."""
    lines = []
    for m in report.models:
        who = "global" if m.scope == "global" else f"personal (user {m.telegram_id})"
        c = m.comparison
        verdict = "promoted" if m.promoted else "not promoted: the rule stands"
        lines.append(
            f"{who} v{m.version}: F1 {c.model.f1:.2f} vs rule {c.rule.f1:.2f} "
            f"on {c.n} held-out verdicts, Brier {c.model.brier:.3f} vs {c.rule.brier:.3f}; {verdict}"
        )
    return lines + [_skipped(s) for s in report.skipped]


def subscription_text(item: Detected, currency: str) -> str:
    """`netflix: ₹649 monthly, ₹649/month, ₹7,788/year; last 03 May 2024, next about 02 Jun 2024`."""
    money = format_money
    text = (
        f"{item.label}: {money(item.amount_minor, currency)} {item.period}, "
        f"{money(item.monthly_minor, currency)}/month, {money(item.yearly_minor, currency)}/year; "
        f"last {item.last:%d %b %Y}"
    )
    text += ", looks stopped" if item.stopped else f", next about {item.next_expected:%d %b %Y}"
    if item.price_rise_from is not None:
        text += f". Price up from {money(item.price_rise_from, currency)}"
    if item.trial_from is not None:
        text += f". Began with a {money(item.trial_from, currency)} trial"
    return text


def subscriptions_head(found: Subscriptions) -> str:
    items, currency = found.items, found.currency
    monthly = sum(i.detected.monthly_minor for i in items if not i.detected.stopped)
    return (
        f"{counted(len(items), 'recurring charge')}, about {format_money(monthly, currency)} a month "
        f"({format_money(monthly * 12, currency)} a year) for the active ones:"
    )


def subscription_line(item: Listed, currency: str) -> str:
    mark = {"confirmed": "✅ ", "cancelling": "✂️ to cancel: "}.get(item.status, "🆕 " if item.new else "")
    return mark + subscription_text(item.detected, currency)


SHOWN_SUBSCRIPTIONS = 8  # in the one message, with their buttons


def subscriptions_reply(found: Subscriptions) -> Reply:
    """The head line, then a numbered line per charge (the buttons below carry the numbers)."""
    shown = found.items[:SHOWN_SUBSCRIPTIONS]
    more = len(found.items) - len(shown)
    return Reply.of(
        subscriptions_head(found),
        *(f"{k}. {subscription_line(item, found.currency)}" for k, item in enumerate(shown, start=1)),
        f"… and {more} more smaller ones." if more > 0 else None,
    )


def reminder_text(r: Reminder) -> str:
    d = r.subscription
    if r.cancelling:
        return (
            f"Cancel {d.label} today: it renews tomorrow for {format_money(d.amount_minor, r.currency)} "
            f"({format_money(d.yearly_minor, r.currency)} a year)."
        )
    return (
        f"Still using {d.label}? It renews on {d.next_expected:%d %b} for "
        f"{format_money(d.amount_minor, r.currency)}: {format_money(d.yearly_minor, r.currency)} a year."
    )
