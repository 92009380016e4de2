"""A person with a taste of their own answers the bot's questions: the learning curve.

Each simulated person has 12 months of generated spending; the bot asks five questions at a
time (services/learning/asking.py), the person answers by their taste (a noisy labeller
answers wrongly now and then), and their model is trained after every ten answers, as the
nightly training would. At each checkpoint the served verdict (the effective one: the
promoted model's, else the rule's) and the rule's are scored against the taste on the
entries the person never judged; for a taste that changed, on those after the change.
Used by tests/services/learning/test_taste_profiles.py and `make bench` (bench_ml).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import f1_score
from sqlalchemy import select, update

from db.migrate import upgrade
from db.models import Entry, User
from db.session import make_engine, make_session_factory, session_scope, within
from services import synthetic
from services.learning.asking import questions_for
from services.learning.features import load_expenses
from services.learning.training import train_all
from services.scoring.verdicts import is_necessity
from tests.factories import make_user

MONTHS = 12
PER_ROUND = 5
TRAIN_EVERY = 10
NOISE = 0.15  # the noisy labeller answers wrongly this often
# What each simulated person means by a leak (services/synthetic.py TASTES), and how they answer.
PROFILES: dict[str, tuple[str, float]] = {
    "weekday_diner": ("weekday_diner", 0.0),
    "big_ticket": ("big_ticket", 0.0),
    "night_owl": ("night_owl", 0.0),
    "month_end": ("month_end", 0.0),  # depends on the day of the month
    "changed_mind": ("changed_mind", 0.0),  # drifts: a night owl, then a weekday diner
    "noisy": ("night_owl", NOISE),  # a night owl who taps the wrong button now and then
    "weekend_cash": ("weekend_cash", 0.0),  # rare: 2-3% of spends
    "rule": ("rule", 0.0),  # agrees with the rule
}


@dataclass(frozen=True)
class Point:
    answers: int
    leak_answers: int
    served_f1: float
    rule_f1: float
    promoted: bool

    @property
    def gain(self) -> float:
        return self.served_f1 - self.rule_f1


def learning_curve(
    profile: str, *, seed: int, checkpoints: tuple[int, ...] = (10, 20, 30, 40)
) -> list[Point]:
    """One simulated person's curve (answers given -> served and rule F1 on unjudged entries)."""
    taste, noise = PROFILES[profile]
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'taste.db'}"
        upgrade(url)
        engine = make_engine(url)
        sessions = make_session_factory(engine)
        with session_scope(sessions) as session:
            person = make_user(session)
            person_id = person.id
            synthetic.store_generated(session, person, months=MONTHS, seed=seed)
            expenses = load_expenses(session, user_ids=[person_id])
        truth = pd.Series(synthetic.taste_truth(expenses, taste), index=expenses["entry_id"].astype(int))
        today = pd.to_datetime(expenses["local_date"]).max().date()
        answered: list[int] = []
        points: list[Point] = []
        promoted = False
        while len(answered) < max(checkpoints):
            with session_scope(sessions) as session:
                user = session.get(User, person_id)
                asked = questions_for(session=session, user=user, today=today, limit=PER_ROUND)
                if not asked:
                    break
                for question in asked:
                    answer = bool(truth[question.entry_id]) ^ bool(rng.random() < noise)
                    session.execute(
                        update(Entry).where(Entry.id == question.entry_id).values(user_verdict=answer)
                    )
                    answered.append(question.entry_id)
            if len(answered) % TRAIN_EVERY == 0:
                with session_scope(sessions) as session:
                    report = train_all(
                        within(session), model_dir=Path(directory) / "models", user_ids=[person_id]
                    )
                promoted = any(m.promoted for m in report.models if m.scope == "personal")
            if len(answered) in checkpoints:
                with session_scope(sessions) as session:
                    points.append(_scored(session, person_id, truth, taste, answered, promoted))
        engine.dispose()
    return points


def _scored(
    session, person_id: int, truth: pd.Series, taste: str, answered: list[int], promoted: bool
) -> Point:  # type: ignore[no-untyped-def]
    rows = session.execute(
        select(
            Entry.id,
            Entry.is_leak,
            Entry.rule_leak,
            Entry.user_verdict,
            Entry.category,
            Entry.is_necessary,
            Entry.local_date,
        ).where(Entry.user_id == person_id, Entry.type == "expense")
    ).all()
    frame = pd.DataFrame(
        rows, columns=["id", "is_leak", "rule_leak", "verdict", "category", "necessary", "day"]
    )
    rule = frame["rule_leak"].fillna(False).astype(bool) & ~is_necessity(
        frame["category"].to_numpy(), frame["necessary"].to_numpy()
    )
    unseen = frame["verdict"].isna().to_numpy().copy()
    if taste == "changed_mind":  # judged by the taste the person has now
        days = pd.to_datetime(frame["day"])
        unseen &= (days >= days.min() + (days.max() - days.min()) / 2).to_numpy()
    wanted = truth[frame.loc[unseen, "id"]].to_numpy()
    served = f1_score(wanted, frame.loc[unseen, "is_leak"].astype(bool), zero_division=0)
    by_rule = f1_score(wanted, rule[unseen], zero_division=0)
    return Point(len(answered), int(truth[answered].sum()), float(served), float(by_rule), promoted)
