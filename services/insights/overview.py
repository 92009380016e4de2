"""The summary a person reads first: how much leaks, where, and the highest-scored leaks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from db.frames import entries_frame
from db.models import User
from services.ledger.spending import SPENDING_TYPES, net_total
from services.scoring.rules import rule_codes


@dataclass(frozen=True, slots=True)
class CategoryLeak:
    category: str
    count: int
    amount_minor: int


@dataclass(frozen=True, slots=True)
class LeakExample:
    local_date: date
    category: str
    amount_minor: int
    score: int
    rules: tuple[str, ...]
    time_block: str
    context: str


@dataclass(frozen=True, slots=True)
class LeakOverview:
    currency: str
    expenses: int
    leaks: int
    spend_minor: int
    leak_spend_minor: int
    top_categories: tuple[CategoryLeak, ...]
    examples: tuple[LeakExample, ...]

    @property
    def leak_share_pct(self) -> float:
        """Share of the expense amount that leaked, 0-100."""
        return self.leak_spend_minor * 100 / self.spend_minor if self.spend_minor else 0.0


def leak_overview(*, session: Session, user: User, top: int = 3) -> LeakOverview:
    """The leak share, the leakiest categories and the highest-scored leaks."""
    spending = entries_frame(session, user.id, types=list(SPENDING_TYPES))
    frame = spending[spending["type"] == "expense"]
    leaks = frame[frame["is_leak"].fillna(False).astype(bool)]
    by_category = (
        leaks.groupby("category")["amount_minor"]
        .agg(["count", "sum"])
        .sort_values(["sum", "count"], ascending=False)
        .head(top)
    )
    examples = leaks.sort_values(
        ["leakage_score", "amount_minor", "occurred_at"], ascending=[False, False, True]
    ).head(top)
    return LeakOverview(
        currency=user.currency,
        expenses=len(frame),
        leaks=len(leaks),
        spend_minor=net_total(spending),  # refunds take off
        leak_spend_minor=int(leaks["amount_minor"].sum()),
        top_categories=tuple(
            CategoryLeak(str(c), int(r["count"]), int(r["sum"])) for c, r in by_category.iterrows()
        ),
        examples=tuple(
            LeakExample(
                r.local_date,
                r.category,
                int(r.amount_minor),
                int(r.leakage_score),
                rule_codes(r.leak_rules),
                r.time_block,
                r.context,
            )
            for r in examples.itertuples()
        ),
    )
