"""The seed experiment's aggregates: learned from the rows they are fitted on, so a test row's
amount never reaches a training feature, nor its own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import StratifiedShuffleSplit
from sqlalchemy.orm import Session

from ml.seed_experiment import AGGREGATES, GroupAggregates
from services import synthetic
from services.learning.features import load_expenses
from services.learning.seed import seed_frame
from services.money import to_major
from services.scoring.features import compute_features
from tests.factories import make_user


@pytest.fixture
def frame(session: Session) -> pd.DataFrame:
    person = make_user(session)
    synthetic.store_generated(session, person, months=4, seed=3)
    return seed_frame(session, person)


def test_changing_the_test_rows_amounts_moves_no_training_feature_nor_their_own(frame: pd.DataFrame) -> None:
    assert not set(AGGREGATES) & set(frame.columns)  # nothing computed over all rows beforehand
    train, test = next(
        StratifiedShuffleSplit(n_splits=1, test_size=0.2, random_state=0).split(frame, frame["is_leakage"])
    )
    changed = frame.copy()
    changed.loc[changed.index[test], "amount"] *= 100  # the test split's amounts, a hundredfold
    changed.loc[changed.index[test], "is_necessary"] = 1 - changed.loc[changed.index[test], "is_necessary"]

    def features(data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        # what the pipeline does in each split: fit on the training rows, transform both
        learned = GroupAggregates().fit(data.iloc[train])
        return learned.transform(data.iloc[train]), learned.transform(data.iloc[test])

    (train_before, test_before), (train_after, test_after) = features(frame), features(changed)
    pd.testing.assert_frame_equal(train_before[list(AGGREGATES)], train_after[list(AGGREGATES)])
    pd.testing.assert_frame_equal(test_before[list(AGGREGATES)], test_after[list(AGGREGATES)])
    # fitted on everything instead, the same change does move the training rows' features
    moved = GroupAggregates().fit(changed).transform(changed.iloc[train])
    assert not np.allclose(moved["monthly_total_spend"], train_before["monthly_total_spend"])


def test_fitted_on_every_row_the_aggregates_are_the_seed_features(session: Session) -> None:
    person = make_user(session)
    synthetic.store_generated(session, person, months=4, seed=3)
    frame = seed_frame(session, person)
    expenses = load_expenses(session, user_ids=[person.id])
    seed = compute_features(
        expenses.assign(local_date=pd.to_datetime(expenses["local_date"])),
        salary_day=person.salary_day,
        micro_threshold_minor=person.micro_threshold_minor,
    )
    ours = GroupAggregates().fit(frame).transform(frame)
    for column in (
        "daily_spend",
        "monthly_total_spend",
        "monthly_category_spend",
        "avg_spend_per_time_block",
    ):
        expected = to_major(seed[column].astype(float), person.currency)
        np.testing.assert_allclose(ours[column], expected, err_msg=column)
    for column in ("category_spend_ratio", "recurring_expense_count", "monthly_non_essential_pct"):
        np.testing.assert_allclose(ours[column], seed[column].astype(float), err_msg=column)
    # the running total is the month's spend before the entry (the seed's includes the entry)
    np.testing.assert_allclose(
        ours["cumulative_monthly_spend"] + frame["amount"],
        to_major(seed["cumulative_monthly_spend"].astype(float), person.currency),
    )


def test_unseen_groups_get_a_fallback_not_a_gap(frame: pd.DataFrame) -> None:
    learned = GroupAggregates().fit(frame)
    later = frame.assign(local_date=frame["local_date"] + pd.DateOffset(years=5), time_block="Midnight")
    mapped = learned.transform(later)
    assert not mapped[list(AGGREGATES)].isna().any().any()
    assert (mapped["monthly_total_spend"] == 0).all() and (mapped["cumulative_monthly_spend"] == 0).all()
    assert mapped["avg_spend_per_time_block"].iloc[0] == pytest.approx(frame["amount"].mean())
