"""Categories in words: the /category list and what a change did."""

from __future__ import annotations

from bot.render.text import Reply, b
from services.ledger.vocabulary import CategoryList
from services.usecases.categories import CategoryChange
from services.wording import counted

MAX_WORDS_SHOWN = 8


def _kind(necessary: bool) -> str:
    return "need" if necessary else "want"


def categories_reply(listed: CategoryList) -> Reply:
    """Your own categories first (with need or want), the built-in ones, the words taught."""
    own = ", ".join(f"{name} ({_kind(need)})" for name, need in listed.custom)
    built_in = ", ".join(name for name, _ in listed.built_in)
    taught = ", ".join(f"{word} → {category}" for word, category in listed.taught[:MAX_WORDS_SHOWN])
    more = len(listed.taught) - MAX_WORDS_SHOWN
    return Reply.of(
        b("Your categories: " + own) if own else "No categories of your own yet: /category add Pets need",
        f"Built in: {built_in}.",
        f"Words you taught: {taught}" + (f" and {more} more." if more > 0 else ".") if taught else None,
    )


def changed(change: CategoryChange) -> str:
    if change.action == "made":
        kind = _kind(bool(change.necessary))
        return f"Made {change.name} ({kind}). Use it like any other: {change.name.lower()} 250"
    if change.action == "renamed":
        return f"Renamed {change.source} to {change.name}; its entries, budget and words moved along."
    return f"Merged {change.source} into {change.name}: {counted(change.moved, 'entry', 'entries')} moved."
