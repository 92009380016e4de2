"""The columns a leak classifier sees, and the preprocessing in front of every model.

The frame is built by `services.modeling.model_frame`; this module only names its columns,
so training, serving and the experiment agree on them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import OneHotEncoder, StandardScaler

CATEGORICAL: tuple[str, ...] = (
    "category",
    "payment_mode",
    "context",
    "time_block",
    "day_type",
    "weekday",
    "merchant",  # read from the description (Zomato, Netflix, ...); "" when none is named
    # Pairs, because people judge in pairs ("dining out on weekdays", "shopping at night"),
    # which a linear model cannot build from the parts alone.
    "category_day_type",
    "category_time_block",
)
FLAGS: tuple[str, ...] = ("is_necessary", "is_recurring", "is_salary_week", "is_micro_spend")
NUMERIC: tuple[str, ...] = (
    "log_amount",  # log(1 + amount in major units)
    "amount_vs_category_median",  # log(amount / the person's median for the category)
    "category_spend_ratio",  # the month's share of spend in this category
    "log_daily_spend",
    "monthly_non_essential_pct",
    "hour",  # local hour of day
    "description_repeats",  # how often the same description occurs in the history
    "leakage_score",  # the six-rule score: the model learns where a person departs from it
    "rule_leak",  # the rule's verdict under the person's policy, 0 or 1
    "day_of_month",
    "days_since_salary",  # 0 on payday
)
MODEL_FEATURES: tuple[str, ...] = CATEGORICAL + FLAGS + NUMERIC


def preprocessor(
    categorical: tuple[str, ...] = CATEGORICAL, numeric: tuple[str, ...] = FLAGS + NUMERIC
) -> ColumnTransformer:
    """One-hot for categories (unknown ones ignored), standard scaling for numbers and flags."""
    return ColumnTransformer(
        [
            ("categorical", OneHotEncoder(handle_unknown="ignore", sparse_output=False), list(categorical)),
            ("numeric", StandardScaler(), list(numeric)),
        ]
    )


class FrameEncoder(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Categories to integer codes (unseen ones become NaN, which the trees treat as missing),
    numbers and flags as floats: one float matrix, categorical columns first.

    Built for serving speed: encoding one row costs a dictionary lookup per column, where a
    ColumnTransformer with a OneHotEncoder validates a DataFrame for several milliseconds.
    """

    def __init__(
        self, categorical: tuple[str, ...] = CATEGORICAL, numeric: tuple[str, ...] = FLAGS + NUMERIC
    ) -> None:
        self.categorical = categorical
        self.numeric = numeric

    def fit(self, X: pd.DataFrame, y: object = None) -> FrameEncoder:
        self.codes_ = {
            column: {value: float(i) for i, value in enumerate(sorted(X[column].astype(str).unique()))}
            for column in self.categorical
        }
        return self

    def transform(self, X: pd.DataFrame | list[dict[str, object]]) -> np.ndarray:
        """Encode a frame, or a list of feature dicts (the one-entry serving path, no pandas)."""
        if isinstance(X, list):
            return np.array(
                [
                    [self.codes_[c].get(str(row[c]), np.nan) for c in self.categorical]
                    + [float(row[c]) for c in self.numeric]  # type: ignore[arg-type]
                    for row in X
                ],
                dtype=float,
            ).reshape(len(X), len(self.categorical) + len(self.numeric))
        out = np.empty((len(X), len(self.categorical) + len(self.numeric)))
        for i, column in enumerate(self.categorical):
            codes = self.codes_[column]
            out[:, i] = [codes.get(str(value), np.nan) for value in X[column].to_numpy(dtype=object)]
        out[:, len(self.categorical) :] = X[list(self.numeric)].to_numpy(dtype=float)
        return out


class LinearEncoder(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """One-hot categories (a column per value seen in training; unseen values are all zeros)
    and standardised numbers and flags: the matrix a linear model reads. Dictionary lookups
    per row, like FrameEncoder, so one served entry costs microseconds, not a validation."""

    def __init__(
        self, categorical: tuple[str, ...] = CATEGORICAL, numeric: tuple[str, ...] = FLAGS + NUMERIC
    ) -> None:
        self.categorical = categorical
        self.numeric = numeric

    def fit(self, X: pd.DataFrame, y: object = None) -> LinearEncoder:
        self.columns_: dict[str, dict[str, int]] = {}
        width = 0
        for column in self.categorical:
            values = sorted(X[column].astype(str).unique())
            self.columns_[column] = {value: width + i for i, value in enumerate(values)}
            width += len(values)
        self.width_ = width
        numbers = X[list(self.numeric)].to_numpy(dtype=float)
        self.mean_ = numbers.mean(axis=0)
        scale = numbers.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        return self

    def transform(self, X: pd.DataFrame | list[dict[str, object]]) -> np.ndarray:
        rows = X if isinstance(X, list) else None
        n = len(X)
        out = np.zeros((n, self.width_ + len(self.numeric)))
        for column in self.categorical:
            lookup = self.columns_[column]
            values = (
                [str(r[column]) for r in rows] if rows is not None else X[column].astype(str).tolist()  # type: ignore[index]
            )
            for i, value in enumerate(values):
                at = lookup.get(value)
                if at is not None:
                    out[i, at] = 1.0
        if rows is not None:
            numbers = np.array([[float(r[c]) for c in self.numeric] for r in rows], dtype=float)  # type: ignore[arg-type]
        else:
            numbers = X[list(self.numeric)].to_numpy(dtype=float)  # type: ignore[call-overload]
        out[:, self.width_ :] = (numbers.reshape(n, len(self.numeric)) - self.mean_) / self.scale_
        return out
