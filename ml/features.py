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

CATEGORICAL: tuple[str, ...] = ("category", "payment_mode", "context", "time_block", "day_type", "weekday")
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
