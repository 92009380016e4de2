"""What a plan says, as data: the changes it suggests and the goals' progress. No pandas
here, so replies and buttons can name them without loading it (services/insights/plan.py
computes them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# When a habit happens: (code, words, which rows); `all` when no slice holds most of them.
SLICES: dict[str, str] = {
    "night": "after 9 pm",
    "evening": "in the evening",
    "weekend": "on weekends",
    "weekday": "on weekdays",
    "all": "",
}


@dataclass(frozen=True)
class Habit:
    """A repeated leak and what cutting it saves."""

    target: str  # `m_zomato` (a merchant) or `c_dining_out` (a category): button data
    name: str  # Zomato, Dining Out
    slice: str  # a key of SLICES
    count: int  # in the last WINDOW_DAYS
    total_minor: int
    per_week: float
    average_minor: int
    fewer_per_week: int
    yearly_saving_minor: int

    @property
    def title(self) -> str:
        return f"{self.name} {SLICES[self.slice]}".strip()


@dataclass(frozen=True)
class Renewals:
    """Subscriptions renewing soon, and what cancelling one of them saves a year."""

    names: tuple[tuple[str, int], ...]  # (label, price) of each
    yearly_low_minor: int
    yearly_high_minor: int
    to_cancel: tuple[tuple[int, str], ...] = ()  # (subscription id, label): not yet marked to cancel

    @property
    def yearly_saving_minor(self) -> int:
        return self.yearly_low_minor


Action = Habit | Renewals


@dataclass(frozen=True)
class GoalProgress:
    goal_id: int
    title: str
    baseline_per_week: float
    this_week: int
    saved_this_week_minor: int
    saved_so_far_minor: int
    since: date


@dataclass(frozen=True)
class Plan:
    actions: tuple[Action, ...]
    goals: tuple[GoalProgress, ...]
    currency: str
