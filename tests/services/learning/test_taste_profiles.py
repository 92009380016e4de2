"""People whose idea of a leak is not the rule's answer the bot's questions: after 40 answers
their served verdict beats the rule on the spends they never judged, and someone who agrees
with the rule keeps the rule. Three people per taste (their own spending and answers)."""

from __future__ import annotations

import pytest

from tests.tasting import PROFILES, learning_curve

SEEDS = (310, 320, 330)
GAIN = 0.15  # F1 over the rule's, on never-judged spends, after 40 answers
LEARNABLE = ("weekday_diner", "big_ticket", "night_owl", "month_end", "changed_mind", "noisy")


@pytest.fixture(scope="module")
def curves() -> dict[str, list]:  # type: ignore[type-arg]
    return {profile: [learning_curve(profile, seed=seed)[-1] for seed in SEEDS] for profile in PROFILES}


@pytest.mark.parametrize("profile", LEARNABLE)
def test_forty_answers_teach_a_taste_the_features_can_express(curves, profile: str) -> None:  # type: ignore[no-untyped-def]
    last = curves[profile]
    assert all(p.answers == 40 for p in last)
    mean_gain = sum(p.gain for p in last) / len(last)
    assert mean_gain >= GAIN, [(round(p.served_f1, 2), round(p.rule_f1, 2), p.promoted) for p in last]
    assert all(p.gain >= 0 for p in last)  # a model that does worse than the rule never serves


def test_someone_who_agrees_with_the_rule_keeps_the_rule(curves) -> None:  # type: ignore[no-untyped-def]
    assert not any(p.promoted for p in curves["rule"])
    assert all(p.served_f1 == p.rule_f1 for p in curves["rule"])


def test_a_rare_taste_is_never_served_worse_than_the_rule(curves) -> None:  # type: ignore[no-untyped-def]
    """2-3% of spends: 40 answers hold a handful of leaks at most, too few to learn from
    (the learning curve in the README shows when it is learnt); the rule stands meanwhile."""
    assert all(p.gain >= 0 for p in curves["weekend_cash"])
