"""The seed write-up's experiment, rerun honestly.

The seed trains classifiers to predict `is_leakage` (six-rule score >= 5) from columns that
include the score's own inputs, and reports a perfect score. Here the same protocol
(StandardScaler + OneHotEncoder in a ColumnTransformer, GridSearchCV on F1) runs with the
seed's columns, with the label's inputs and their proxies removed, and (a check on where the
rest comes from) with the category removed too. Three things keep it honest:

- the per-day / per-month / per-category / per-time-block aggregates are learned by a
  transformer (GroupAggregates) inside the Pipeline, so each split's (and each grid fold's)
  aggregates come from its training rows only: no test row's amount reaches a feature;
- "without the label's inputs" also drops every column that is a function of one of them
  (average spend per time block and per day type are one value per time block / day type),
  and the report says why each remaining column stays;
- every number is the mean ± standard deviation over 10 stratified 80/20 splits, and the
  report says when two models are closer than that spread.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)
from sklearn.model_selection import (
    GridSearchCV,
    StratifiedKFold,
    StratifiedShuffleSplit,
    learning_curve,
    validation_curve,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

SEED = 42
SPLITS = 10  # stratified 80/20 splits every number is averaged over
TEST_SHARE = 0.2
GRID_FOLDS = 3  # GridSearchCV's folds inside each split's training rows
# What the six rules read, directly or through a row-level feature derived from them.
LABEL_INPUTS = (
    "amount",
    "is_micro_spend",
    "is_necessary",
    "context",
    "is_recurring",
    "is_leakage_potential",
    "time_block",
    "day_type",
    "day_of_week",
)
# One value per time block / per day type: the label's input under another name.
PROXIES = ("avg_spend_per_time_block", "avg_spend_per_day_type")
# Through the category the label's inputs come back (necessity is nearly fixed per category):
# a third run drops it with its per-category aggregates, to show how much it carries.
CATEGORY_COLUMNS = ("category", "monthly_category_spend", "category_spend_ratio")
# Why each column that is not a label input stays in the run without them (checked on the
# data too: the report shows it is not a function of any label input).
WHY_IT_STAYS = {
    "category": "the entry's own field, not read by the rules (but their inputs follow from it: see below)",
    "payment_mode": "the entry's own field, not read by the rules",
    "daily_spend": "the day's total over many entries, not one entry's amount",
    "monthly_total_spend": "one value per month, and the month is not a rule input",
    "monthly_category_spend": "one value per month and category",
    "category_spend_ratio": "one value per month and category",
    "recurring_expense_count": "counts the month's recurring entries, not whether this one recurs",
    "monthly_non_essential_pct": "a share of the month's spend, not this entry's necessity",
    "cumulative_monthly_spend": "the month's spend before this entry, not its amount",
    "month": "the calendar month, not a rule input",
    "week_of_month": "from the date; the rules read the weekday and day type, not the week",
    "is_salary_week": "from the date and the salary day, not read by the rules",
}
AGGREGATES = (
    "daily_spend",
    "monthly_total_spend",
    "monthly_category_spend",
    "category_spend_ratio",
    "recurring_expense_count",
    "monthly_non_essential_pct",
    "avg_spend_per_time_block",
    "avg_spend_per_day_type",
    "cumulative_monthly_spend",
)
_SLOT = 10**9  # month * _SLOT + arrival order: one sortable key per entry


class GroupAggregates(TransformerMixin, BaseEstimator):
    """The seed's aggregate features, learned from the rows it is fitted on.

    fit learns each group's value from those rows (a day's and a month's spend, a month's
    spend per category, its recurring count and non-essential share, the mean spend per time
    block and per day type, and each month's running total); transform maps every row to its
    group's learned value, so a row that was not fitted on (a test row) never adds its own
    amount to anything. Unseen groups: sums and counts are 0 (no training spend there), the
    share of a category in an unseen month is its share of all training spend, means and the
    non-essential share fall back to the training rows' overall value.
    `cumulative_monthly_spend` is the training rows' spend in the month strictly before the
    entry (by `order`, the arrival rank), the same rule for training and test rows.

    Input: a DataFrame with `local_date`, `order`, `amount`, `category`, `is_necessary`,
    `is_recurring`, `time_block` and `day_type`. Output: the same frame plus AGGREGATES.
    """

    def __init__(self, amount: str = "amount") -> None:
        self.amount = amount

    def fit(self, X: pd.DataFrame, y: Any = None) -> GroupAggregates:
        amount = X[self.amount].astype(float)
        days, months = _days(X), _months(X)
        self.daily_ = amount.groupby(days).sum()
        self.monthly_ = amount.groupby(months).sum()
        self.month_category_ = amount.groupby([months, X["category"].to_numpy()]).sum()
        self.category_share_ = amount.groupby(X["category"].to_numpy()).sum() / amount.sum()
        self.recurring_ = X["is_recurring"].astype(int).groupby(months).sum()
        optional = amount.where(~X["is_necessary"].astype(bool), 0.0)
        self.non_essential_ = 100.0 * optional.groupby(months).sum() / self.monthly_
        self.non_essential_all_ = 100.0 * optional.sum() / amount.sum()
        self.per_time_block_ = amount.groupby(X["time_block"].to_numpy()).mean()
        self.per_day_type_ = amount.groupby(X["day_type"].to_numpy()).mean()
        self.mean_amount_ = float(amount.mean())
        keys = _keys(X)
        ranked = np.argsort(keys, kind="stable")
        self.keys_ = keys[ranked]
        self.running_ = np.r_[0.0, np.cumsum(amount.to_numpy()[ranked])]
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        days, months = _days(X), _months(X)
        pairs = pd.MultiIndex.from_arrays([months, X["category"].to_numpy()])
        monthly = self.monthly_.reindex(months).fillna(0.0).to_numpy()
        month_category = self.month_category_.reindex(pairs).fillna(0.0).to_numpy()
        share = self.category_share_.reindex(X["category"].to_numpy()).fillna(0.0).to_numpy()
        keys = _keys(X)
        before = np.searchsorted(self.keys_, keys, side="left")
        month_start = np.searchsorted(self.keys_, (keys // _SLOT) * _SLOT, side="left")
        return X.assign(
            daily_spend=self.daily_.reindex(days).fillna(0.0).to_numpy(),
            monthly_total_spend=monthly,
            monthly_category_spend=month_category,
            category_spend_ratio=np.divide(
                month_category, monthly, out=share.astype(float), where=monthly > 0
            ),
            recurring_expense_count=self.recurring_.reindex(months).fillna(0).to_numpy(),
            monthly_non_essential_pct=self.non_essential_.reindex(months)
            .fillna(self.non_essential_all_)
            .to_numpy(),
            avg_spend_per_time_block=self.per_time_block_.reindex(X["time_block"].to_numpy())
            .fillna(self.mean_amount_)
            .to_numpy(),
            avg_spend_per_day_type=self.per_day_type_.reindex(X["day_type"].to_numpy())
            .fillna(self.mean_amount_)
            .to_numpy(),
            cumulative_monthly_spend=self.running_[before] - self.running_[month_start],
        )


def _days(X: pd.DataFrame) -> np.ndarray:
    return np.asarray(X["local_date"], dtype="datetime64[D]")


def _months(X: pd.DataFrame) -> np.ndarray:
    return np.asarray(X["local_date"], dtype="datetime64[M]")


def _keys(X: pd.DataFrame) -> np.ndarray:
    return _months(X).astype(np.int64) * _SLOT + X["order"].to_numpy(dtype=np.int64)


def _models() -> dict[str, tuple[Any, dict[str, list[Any]]]]:
    models: dict[str, tuple[Any, dict[str, list[Any]]]] = {
        "Logistic Regression": (LogisticRegression(max_iter=2000), {"model__C": [0.1, 1.0, 10.0]}),
        "Random Forest": (
            RandomForestClassifier(n_estimators=100, random_state=SEED, n_jobs=1),
            {"model__max_depth": [None, 8]},
        ),
        "HistGradientBoosting": (
            HistGradientBoostingClassifier(max_iter=100, random_state=SEED),
            {"model__learning_rate": [0.05, 0.1]},
        ),
    }
    try:  # the optional `xgboost` extra
        from xgboost import XGBClassifier  # type: ignore[import-not-found]

        models["XGBoost"] = (
            XGBClassifier(n_estimators=200, random_state=SEED, eval_metric="logloss", n_jobs=1),
            {"model__max_depth": [3, 6]},
        )
    except ImportError:
        pass
    return models


@dataclass(frozen=True)
class Columns:
    """The seed's feature columns by kind (services/learning/seed.py names them); numeric
    may name AGGREGATES, which the pipeline computes."""

    categorical: tuple[str, ...]
    numeric: tuple[str, ...]


@dataclass
class Run:
    name: str
    slug: str
    columns: list[str]
    per_split: pd.DataFrame  # one row per model and split
    summary: pd.DataFrame  # one row per model, best mean F1 first
    confusions: dict[str, list[list[int]]]  # summed over the splits' test rows
    best: str
    best_params: dict[str, Any]  # the best model's most chosen grid point


def _pipeline(model: Any, categorical: list[str], numeric: list[str]) -> Pipeline:
    pre = ColumnTransformer(
        [
            ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
            ("numeric", StandardScaler(), numeric),
        ]
    )
    return Pipeline([("aggregates", GroupAggregates()), ("features", pre), ("model", model)])


def _with_aggregates(frame: pd.DataFrame) -> pd.DataFrame:
    """The aggregates fitted on all rows: only to check which columns are proxies, never to score."""
    return GroupAggregates().fit(frame).transform(frame)


def audit(frame: pd.DataFrame, candidates: list[str]) -> dict[str, dict[str, Any]]:
    """For each candidate column, whether it is a function of a label input: the most values
    it takes within one value of each discrete label input (1 = a proxy), and its rank
    correlation with the amount (|rho| >= 0.9 = a proxy)."""
    full = _with_aggregates(frame)
    discrete = [c for c in LABEL_INPUTS if c != "amount" and c in full]
    out: dict[str, dict[str, Any]] = {}
    for column in candidates:
        within = {c: int(full.groupby(c, observed=True)[column].nunique().max()) for c in discrete}
        narrowest = min(within, key=lambda c: within[c])
        rho = 0.0
        if pd.api.types.is_numeric_dtype(full[column]) and full[column].nunique() > 1:
            rho = float(full[column].rank().corr(full["amount"].rank()))
        out[column] = {
            "fewest_values_within": narrowest,
            "values": within[narrowest],
            "rho_amount": rho,
            "proxy": within[narrowest] == 1 or abs(rho) >= 0.9,
        }
    return out


def _evaluate(
    name: str,
    slug: str,
    frame: pd.DataFrame,
    y: np.ndarray,
    categorical: list[str],
    numeric: list[str],
    splits: int,
) -> Run:
    rows, confusions, chosen = [], {}, {}
    splitter = StratifiedShuffleSplit(n_splits=splits, test_size=TEST_SHARE, random_state=SEED)
    for split, (train, test) in enumerate(splitter.split(frame, y)):
        X_train, X_test, y_train, y_test = frame.iloc[train], frame.iloc[test], y[train], y[test]
        folds = StratifiedKFold(n_splits=GRID_FOLDS, shuffle=True, random_state=SEED + split)
        for label, (model, grid) in _models().items():
            search = GridSearchCV(
                _pipeline(model, categorical, numeric), grid, scoring="f1", cv=folds, n_jobs=1
            )
            search.fit(X_train, y_train)
            predicted = search.predict(X_test)
            rows.append(
                {
                    "model": label,
                    "split": split,
                    "accuracy": accuracy_score(y_test, predicted),
                    "precision": precision_score(y_test, predicted, zero_division=0),
                    "recall": recall_score(y_test, predicted, zero_division=0),
                    "f1": f1_score(y_test, predicted, zero_division=0),
                    "roc_auc": roc_auc_score(y_test, search.predict_proba(X_test)[:, 1]),
                }
            )
            matrix = confusion_matrix(y_test, predicted, labels=[0, 1])
            confusions[label] = confusions.get(label, 0) + matrix
            chosen.setdefault(label, Counter())[json.dumps(search.best_params_, sort_keys=True)] += 1
    per_split = pd.DataFrame(rows)
    summary = per_split.drop(columns="split").groupby("model", sort=False).agg(["mean", "std"])
    summary.columns = [f"{metric}_{stat}" for metric, stat in summary.columns]
    summary = summary.sort_values("f1_mean", ascending=False, kind="stable").reset_index()
    summary["best_params"] = [
        ", ".join(
            f"{json.dumps({k.removeprefix('model__'): v for k, v in json.loads(p).items()})} ×{n}"
            for p, n in chosen[m].most_common()
        )
        for m in summary["model"]
    ]
    best = str(summary["model"].iloc[0])
    return Run(
        name,
        slug,
        categorical + numeric,
        per_split,
        summary,
        {label: matrix.tolist() for label, matrix in confusions.items()},
        best,
        json.loads(chosen[best].most_common(1)[0][0]),
    )


def _within_spread(summary: pd.DataFrame) -> list[str]:
    """Each model against the best: tied when the gap in mean F1 is within either one's spread."""
    top = summary.iloc[0]
    verdicts = []
    for r in summary.itertuples():
        gap = top.f1_mean - r.f1_mean
        if r.Index == 0:
            verdicts.append("best mean")
        elif gap <= max(top.f1_std, r.f1_std):
            verdicts.append(f"{gap:.3f} behind, within the spread")
        else:
            verdicts.append(f"{gap:.3f} behind, beyond the spread")
    return verdicts


# --- pictures --------------------------------------------------------------------------------
def _save(figure: Figure, path: Path) -> None:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    path.write_bytes(buffer.getvalue())


def _f1_png(runs: list[Run], splits: int, path: Path) -> None:
    figure = Figure(figsize=(4.6 * len(runs), 4.4), layout="constrained")
    axes = figure.subplots(1, len(runs), squeeze=False)[0]
    for ax, run in zip(axes, runs, strict=True):
        order = list(run.summary["model"])
        for i, model in enumerate(order):
            scores = run.per_split.loc[run.per_split["model"] == model, "f1"].to_numpy()
            jitter = np.linspace(-0.12, 0.12, len(scores))
            ax.plot(
                i - 0.2 + jitter,
                scores,
                "o",
                color="#9ecae1",
                markersize=4,
                label="one split" if i == 0 else None,
            )
            ax.errorbar(
                i + 0.15,
                scores.mean(),
                yerr=scores.std(ddof=1),
                fmt="D",
                color="#08519c",
                capsize=6,
                label="mean ± SD" if i == 0 else None,
            )
        ax.set_xticks(range(len(order)), labels=[_short(m) for m in order])
        ax.set_xlim(-0.6, len(order) - 0.4)
        low = float(run.per_split["f1"].min())
        ax.set_ylim(max(0.0, low - 0.05), 1.01)
        ax.grid(axis="y", alpha=0.3)
        ax.set_title(run.name, fontsize=10)
        ax.set_ylabel("F1 on the test rows")
        ax.legend(loc="best", fontsize=8)
    figure.suptitle(f"F1 per model over {splits} stratified 80/20 splits (note each panel's own scale)")
    _save(figure, path)


def _short(model: str) -> str:
    return model.replace("HistGradientBoosting", "HistGradient-\nBoosting").replace(" ", "\n")


def _confusions_png(run: Run, splits: int, path: Path) -> None:
    figure = Figure(figsize=(3.2 * len(run.confusions), 3.6), layout="constrained")
    for ax, (label, matrix) in zip(
        figure.subplots(1, len(run.confusions), squeeze=False)[0], run.confusions.items(), strict=True
    ):
        ax.imshow(matrix, cmap="GnBu")
        for i in range(2):
            for j in range(2):
                dark = matrix[i][j] > 0.5 * max(max(row) for row in matrix)
                colour = "white" if dark else "black"
                ax.text(j, i, str(matrix[i][j]), ha="center", va="center", fontsize=13, color=colour)
        ax.set_xticks([0, 1], labels=["ok", "leak"])
        ax.set_yticks([0, 1], labels=["ok", "leak"])
        ax.set_xlabel("predicted")
        ax.set_ylabel("rule label")
        ax.set_title(label, fontsize=10)
    figure.suptitle(f"Confusion matrices, {run.name}: test rows of {splits} splits, summed")
    _save(figure, path)


def _curves_png(
    run: Run, frame: pd.DataFrame, y: np.ndarray, categorical: list[str], numeric: list[str], path: Path
) -> None:
    figure = Figure(figsize=(10, 4), layout="constrained")
    left, right = figure.subplots(1, 2)
    folds = StratifiedKFold(n_splits=GRID_FOLDS, shuffle=True, random_state=SEED)
    model, _ = _models()[run.best]
    best = _pipeline(model, categorical, numeric).set_params(**run.best_params)
    sizes, train_scores, test_scores = learning_curve(
        best, frame, y, cv=folds, scoring="f1", train_sizes=np.linspace(0.1, 1.0, 5)
    )
    _band(left, sizes, train_scores, "on its training rows")
    _band(left, sizes, test_scores, "on the held-out fold")
    left.set_title(f"Learning curve: {run.best}", fontsize=10)
    left.set_xlabel("training rows")
    left.set_ylabel("F1")
    left.legend(fontsize=8)
    depths = [2, 4, 8, 16]
    forest = _pipeline(
        RandomForestClassifier(n_estimators=60, random_state=SEED, n_jobs=1), categorical, numeric
    )
    train_v, test_v = validation_curve(
        forest, frame, y, param_name="model__max_depth", param_range=depths, cv=folds, scoring="f1"
    )
    _band(right, depths, train_v, "on its training rows")
    _band(right, depths, test_v, "on the held-out fold")
    right.set_xscale("log", base=2)
    right.set_xticks(depths, labels=[str(d) for d in depths])
    right.set_title("Validation curve: Random Forest max_depth", fontsize=10)
    right.set_xlabel("max_depth")
    right.set_ylabel("F1")
    right.legend(fontsize=8)
    for ax in (left, right):
        ax.set_ylim(0, 1.05)
    figure.suptitle(f"{run.name} ({GRID_FOLDS}-fold CV, mean ± SD; aggregates fitted per fold)")
    _save(figure, path)


def _band(ax: Any, x: Any, scores: np.ndarray, label: str) -> None:
    mean, spread = scores.mean(axis=1), scores.std(axis=1)
    ax.plot(x, mean, "o-", label=label)
    ax.fill_between(x, mean - spread, mean + spread, alpha=0.2)


# --- the report ------------------------------------------------------------------------------
def _table(run: Run) -> str:
    lines = [
        "| model | F1 | precision | recall | accuracy | ROC AUC | against the best "
        "| grid choice (× splits) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r, verdict in zip(run.summary.itertuples(), _within_spread(run.summary), strict=True):
        cells = [
            f"{getattr(r, m + '_mean'):.3f} ± {getattr(r, m + '_std'):.3f}"
            for m in ("f1", "precision", "recall", "accuracy", "roc_auc")
        ]
        lines.append(f"| {r.model} | {' | '.join(cells)} | {verdict} | {r.best_params} |")
    return "\n".join(lines)


def _audit_table(checks: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| column | why it stays | most values within one value of the closest label input "
        "(1 would be a proxy) | rank correlation with amount |",
        "|---|---|---|---|",
    ]
    for column, check in checks.items():
        if check["proxy"]:
            continue
        lines.append(
            f"| {column} | {WHY_IT_STAYS.get(column, 'not a rule input')} "
            f"| {check['values']} (within one {check['fewest_values_within']}) | {check['rho_amount']:+.2f} |"
        )
    return "\n".join(lines)


def _followers(checks: dict[str, dict[str, Any]], frame: pd.DataFrame) -> str:
    """Say plainly which kept columns still follow a label input, and how."""
    close = [c for c, check in checks.items() if not check["proxy"] and abs(check["rho_amount"]) >= 0.5]
    text = (
        "Kept but not innocent: the category is not a function of a label input, but the label's "
        f"inputs can be read back from it ({_fixed_by_category(frame)}), so it stands in for them."
    )
    if close:
        text += (
            f" {' and '.join(close)} follow the amount (rank correlation 0.5 or more) because a category's "
            "amounts are of one size; they are one value per group, not the entry's own amount."
        )
    return text


def _fixed_by_category(frame: pd.DataFrame) -> str:
    counts = frame.groupby("category")[["is_necessary", "context"]].nunique()
    n = len(counts)
    return (
        f"necessity is one value within {int((counts['is_necessary'] == 1).sum())} of the {n} categories "
        f"and the context within {int((counts['context'] == 1).sum())}"
    )


def _findings(full: Run, blind: Run, no_category: Run, frame: pd.DataFrame, splits: int) -> str:
    def best(run: Run) -> str:
        top = run.summary.iloc[0]
        return f"{top.f1_mean:.3f} ± {top.f1_std:.3f} ({run.best})"

    def ties(run: Run) -> str:
        tied = [
            m for m, v in zip(run.summary["model"], _within_spread(run.summary), strict=True) if "within" in v
        ]
        if not tied:
            return f"{run.best} is ahead of the others by more than the spread"
        verb = "is" if len(tied) == 1 else "are"
        return f"{' and '.join(tied)} {verb} within the spread of {run.best}, so the split decides the order"

    auc = float(no_category.summary["roc_auc_mean"].iloc[0])
    return (
        f"With the seed's columns the best mean F1 over {splits} splits is {best(full)}. "
        "That is not evidence of a good model: the label is the six-rule score (>= 5), computed from "
        "columns the models are given (amount, necessity, context, recurrence, time block, day type), "
        "so a model only has to re-learn a sum of six indicator rules that is already written down; "
        f"{ties(full)}. "
        f"With those inputs and their proxies removed the best mean F1 is {best(blind)}; {ties(blind)}. "
        "What remains is what the other columns reveal about the rule's inputs, mostly through the "
        f"category ({_fixed_by_category(frame)}): without the category and its per-category aggregates "
        f"the best mean F1 falls to {best(no_category)}, with a ROC AUC of {auc:.2f}"
        f"{' (chance)' if auc < 0.55 else ''}. The aggregates are fitted on each split's training rows "
        "only, so no test row's amount is in any feature. Neither number says anything "
        "about what a person would call a leak. The production model therefore learns from people's "
        "own verdicts and is judged against the rule on verdicts it never saw."
    )


def run(frame: pd.DataFrame, out: Path, columns: Columns, *, splits: int = SPLITS) -> dict[str, Any]:
    """Run both experiments on frame (services/learning/seed.py seed_frame: the raw columns, the
    row-level seed features and `is_leakage`); write the report into out."""
    from threadpoolctl import threadpool_limits

    y = frame["is_leakage"].astype(int).to_numpy()
    if min(np.bincount(y, minlength=2)) < 10:
        raise ValueError("the data needs at least 10 leaks and 10 non-leaks")
    out.mkdir(parents=True, exist_ok=True)
    frame = frame.reset_index(drop=True)
    candidates = [c for c in (*columns.categorical, *columns.numeric) if c not in LABEL_INPUTS]
    checks = audit(frame, [c for c in candidates if c not in PROXIES])
    found = tuple(c for c, check in checks.items() if check["proxy"])
    runs = []
    with threadpool_limits(limits=1):
        for name, slug, drop in (
            ("seed protocol (label inputs included)", "with_label_inputs", ()),
            (
                "label inputs and their proxies removed",
                "without_label_inputs",
                (*LABEL_INPUTS, *PROXIES, *found),
            ),
            (
                "the category removed too",
                "without_category",
                (*LABEL_INPUTS, *PROXIES, *found, *CATEGORY_COLUMNS),
            ),
        ):
            categorical = [c for c in columns.categorical if c not in drop]
            numeric = [c for c in columns.numeric if c not in drop]
            result = _evaluate(name, slug, frame, y, categorical, numeric, splits)
            if slug != "without_category":  # a check on the second run: its table is enough
                _confusions_png(result, splits, out / f"confusion_{slug}.png")
                _curves_png(result, frame, y, categorical, numeric, out / f"curves_{slug}.png")
            runs.append(result)
    full, blind, no_category = runs
    _f1_png(runs, splits, out / "f1_by_model.png")
    results: dict[str, Any] = {"splits": splits, "test_share": TEST_SHARE}
    for result in runs:
        results[result.slug] = {
            "columns": result.columns,
            "metrics": result.summary.to_dict(orient="records"),
            "per_split": result.per_split.to_dict(orient="records"),
            "confusion": result.confusions,
        }
    results["without_label_inputs"]["dropped_proxies"] = [*PROXIES, *found]
    results["audit"] = checks
    results["findings"] = _findings(full, blind, no_category, frame, splits)
    split_name = f"{100 - round(TEST_SHARE * 100)}/{round(TEST_SHARE * 100)}"
    report = [
        "# The seed experiment, rerun",
        "",
        f"{len(frame)} expenses, {int(y.sum())} labelled leaks (six-rule score >= 5). Every number is "
        f"the mean ± standard deviation over {splits} stratified {split_name} splits; inside each split "
        f"GridSearchCV ({GRID_FOLDS} folds) picks the parameters on F1. One Pipeline: the aggregates "
        "(GroupAggregates, fitted on the training rows), StandardScaler + OneHotEncoder in a "
        "ColumnTransformer, the model. Models are ranked by mean F1; a gap within the spread is not "
        "a ranking.",
        "",
        "![F1 per model and split](f1_by_model.png)",
        "",
    ]
    for result in runs:
        report += [f"## {result.name}", "", f"Columns: {', '.join(result.columns)}", ""]
        if result is blind:
            report += [
                f"Dropped besides the label's inputs: {', '.join(PROXIES)} (one value per time block / "
                "day type, that is the label's input under another name)"
                + (f", and {', '.join(found)}, found to be a function of a label input." if found else "."),
                "",
            ]
        if result is no_category:
            report += [
                "Where the rest comes from: the second run without "
                f"{', '.join(CATEGORY_COLUMNS)} (a check; no figures).",
                "",
            ]
        report += [_table(result), ""]
        if result is not no_category:
            report += [
                f"![confusion matrices](confusion_{result.slug}.png)",
                "",
                f"![learning and validation curves](curves_{result.slug}.png)",
                "",
            ]
        if result is blind:
            report += [
                "Why each remaining column stays: none is a function of a label input (each takes several "
                "values within every value of each discrete label input, and none follows the amount).",
                "",
                _audit_table(checks),
                "",
                _followers(checks, frame),
                "",
            ]
    report += ["## What this shows", "", results["findings"], ""]
    (out / "report.md").write_text("\n".join(report))
    (out / "metrics.json").write_text(json.dumps(results, indent=2, default=str))
    return results
