"""Pictures as PNG bytes, drawn with matplotlib's object API on the Agg canvas.

No pyplot: a Figure per picture, so threads never share global drawing state. Every chart:
a title that states the takeaway, large fonts, currency on the money axis, one palette, at
most 1000 px wide, and a plain "nothing to show" picture for empty data.

The seed analysis set, each for a period (`CHARTS`, by name):

| name                  | what it shows                                                       |
|-----------------------|---------------------------------------------------------------------|
| categories            | expense by category                                                 |
| share                 | category share: top 5 and Others                                    |
| amounts               | distribution of expense amounts                                     |
| amounts_by_category   | amounts by category (box plot)                                      |
| leak_mode_time        | leak spend by payment mode x time block (heatmap with values)       |
| leak_mode_daytype     | leak spend by payment mode x day type (heatmap with values)         |
| peak_leaks            | leak counts by category and by context in the peak time blocks      |
| leak_trend            | monthly leak amount                                                 |
| leak_vs_ok            | leak vs non-leak counts                                             |
| weekday_weekend       | weekday vs weekend spend by category                                |
| recurring_trend       | monthly recurring non-necessary spend                               |
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from services.ledger.spending import net_spending
from services.money import format_money, short_money, to_major
from services.reporting.names import CHART_TITLES

DPI = 100
SIZE = (10.0, 6.0)  # inches: 1000 x 600 px
WIDTH_IN = 6.4
PALETTE = {
    "ok": "#2a9d8f",
    "leak": "#e76f51",
    "ink": "#264653",
    "accent": "#e9c46a",
    "muted": "#8ab17d",
    "light": "#e9f5f3",
}
SERIES = ["#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#8ab17d", "#6d597a"]
FONT = {"title": 17, "label": 14, "tick": 12, "value": 12}
TIME_BLOCKS = ["Morning", "Afternoon", "Evening", "Night"]
DAY_TYPES = ["Weekday", "Weekend"]
PEAK_BLOCKS = ("Evening", "Night")


def png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _figure(size: tuple[float, float] = SIZE) -> Figure:
    return Figure(figsize=size, layout="constrained")


def _style(ax: Axes, title: str, *, xlabel: str = "", ylabel: str = "") -> None:
    ax.set_title(title, fontsize=FONT["title"], color=PALETTE["ink"], loc="left")
    ax.set_xlabel(xlabel, fontsize=FONT["label"])
    ax.set_ylabel(ylabel, fontsize=FONT["label"])
    ax.tick_params(labelsize=FONT["tick"])
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _money_axis(ax: Axes, currency: str, axis: str = "y") -> None:
    formatter = FuncFormatter(lambda value, _pos: short_money(value, currency))
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def empty_png(title: str, message: str = "Nothing to show for this period yet.") -> bytes:
    figure = _figure()
    ax = figure.add_subplot()
    ax.axis("off")
    ax.set_title(title, fontsize=FONT["title"], color=PALETTE["ink"], loc="left")
    ax.text(
        0.5, 0.5, message, ha="center", va="center", fontsize=16, color=PALETTE["ink"], transform=ax.transAxes
    )
    return png(figure)


def _major(frame: pd.DataFrame, currency: str) -> pd.Series:
    """Amounts in whole currency units, as floats for drawing."""
    return to_major(frame["amount_minor"].astype(float), currency)


def _expenses(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["type"] == "expense"]


def _category_spend(frame: pd.DataFrame, currency: str) -> pd.Series:
    """Spend per category net of refunds (a category refunded in full drops out)."""
    spend = _major(e := net_spending(frame), currency).groupby(e["category"]).sum()
    return spend[spend > 0]


# --- the charts ------------------------------------------------------------------------------
def categories(frame: pd.DataFrame, currency: str) -> Figure | None:
    spend = _category_spend(frame, currency).sort_values()
    if spend.empty:
        return None
    figure = _figure()
    ax = figure.add_subplot()
    ax.barh(spend.index, spend.to_numpy(), color=PALETTE["ok"])
    top = spend.index[-1]
    _style(ax, f"{top} is where most money goes ({spend.iloc[-1] / spend.sum():.0%} of spend)")
    _money_axis(ax, currency, "x")
    return figure


def share(frame: pd.DataFrame, currency: str) -> Figure | None:
    spend = _category_spend(frame, currency).sort_values(ascending=False)
    if spend.empty:
        return None
    top = spend.head(5)
    if len(spend) > 5:
        top = pd.concat([top, pd.Series({"Others": spend.iloc[5:].sum()})])
    figure = _figure()
    ax = figure.add_subplot()
    ax.pie(
        top.to_numpy(),
        labels=list(top.index),
        autopct="%1.0f%%",
        colors=SERIES[: len(top)],
        wedgeprops={"width": 0.45},
        textprops={"fontsize": FONT["tick"]},
    )
    _style(
        ax, f"The top {min(5, len(spend))} categories take {spend.head(5).sum() / spend.sum():.0%} of spend"
    )
    return figure


def amounts(frame: pd.DataFrame, currency: str) -> Figure | None:
    values = _major(_expenses(frame), currency)
    if values.empty:
        return None
    figure = _figure()
    ax = figure.add_subplot()
    bins = np.unique(np.geomspace(max(values.min(), 1), max(values.max(), 2), 25))
    ax.hist(values, bins=bins if len(bins) > 2 else 10, color=PALETTE["ok"], edgecolor="white")
    ax.set_xscale("log")
    median = float(values.median())
    ax.axvline(median, color=PALETTE["leak"], linewidth=2)
    _style(ax, f"Half of your spends are under {short_money(median, currency)}", ylabel="spends")
    _money_axis(ax, currency, "x")
    return figure


def amounts_by_category(frame: pd.DataFrame, currency: str) -> Figure | None:
    e = _expenses(frame)
    if e.empty:
        return None
    groups = {c: _major(rows, currency).to_numpy() for c, rows in e.groupby("category")}
    order = sorted(groups, key=lambda c: float(np.median(groups[c])))
    figure = _figure()
    ax = figure.add_subplot()
    ax.boxplot(
        [groups[c] for c in order],
        orientation="horizontal",
        patch_artist=True,
        boxprops={"facecolor": PALETTE["light"]},
    )
    ax.set_yticks(range(1, len(order) + 1), labels=order)
    ax.set_xscale("log")
    _style(ax, f"{order[-1]} has the largest typical spend")
    _money_axis(ax, currency, "x")
    return figure


def _heatmap(frame: pd.DataFrame, currency: str, columns: str, order: list[str], what: str) -> Figure | None:
    leaks = _expenses(frame)
    leaks = leaks[leaks["is_leak"]]
    if leaks.empty:
        return None
    table = (
        _major(leaks, currency)
        .groupby([leaks["payment_mode"], leaks[columns]])
        .sum()
        .unstack(fill_value=0.0)
        .reindex(columns=order, fill_value=0.0)
    )
    figure = _figure()
    ax = figure.add_subplot()
    ax.imshow(table.to_numpy(), cmap="OrRd", aspect="auto")
    ax.set_xticks(range(len(order)), labels=order)
    ax.set_yticks(range(len(table.index)), labels=list(table.index))
    peak = float(table.to_numpy().max()) or 1.0
    for i in range(table.shape[0]):
        for j in range(table.shape[1]):
            value = float(table.iat[i, j])
            ax.text(
                j,
                i,
                short_money(value, currency),
                ha="center",
                va="center",
                fontsize=FONT["value"],
                color="white" if value > peak / 2 else PALETTE["ink"],
            )
    mode, column = np.unravel_index(int(np.argmax(table.to_numpy())), table.shape)
    _style(ax, f"Most leak money: {table.index[mode]} in the {order[column].lower()} ({what})")
    return figure


def leak_mode_time(frame: pd.DataFrame, currency: str) -> Figure | None:
    return _heatmap(frame, currency, "time_block", TIME_BLOCKS, "by time of day")


def leak_mode_daytype(frame: pd.DataFrame, currency: str) -> Figure | None:
    return _heatmap(frame, currency, "day_type", DAY_TYPES, "by kind of day")


def peak_leaks(frame: pd.DataFrame, currency: str) -> Figure | None:
    e = _expenses(frame)
    leaks = e[e["is_leak"] & e["time_block"].isin(PEAK_BLOCKS)]
    if leaks.empty:
        return None
    figure = _figure()
    left, right = figure.subplots(1, 2)
    by_category = leaks["category"].value_counts().head(8).sort_values()
    by_context = leaks["context"].value_counts().sort_values()
    left.barh(by_category.index, by_category.to_numpy(), color=PALETTE["leak"])
    right.barh(by_context.index, by_context.to_numpy(), color=PALETTE["accent"])
    _style(left, "by category", xlabel="leaks")
    _style(right, "by context", xlabel="leaks")
    figure.suptitle(
        f"Evening and night leaks: mostly {by_category.index[-1]}, {by_context.index[-1].lower()}",
        fontsize=FONT["title"],
        color=PALETTE["ink"],
    )
    return figure


def _months(minor: pd.Series, dates: pd.Series) -> pd.Series:
    """Monthly totals in minor units, every month from the first to the last (none = 0)."""
    monthly = minor.astype("int64").groupby(dates.dt.to_period("M")).sum()
    if monthly.empty:
        return monthly
    full = pd.period_range(monthly.index.min(), monthly.index.max(), freq="M")
    return monthly.reindex(full, fill_value=0)


def _trend(monthly: pd.Series, currency: str, title: str, color: str) -> Figure:
    figure = _figure()
    ax = figure.add_subplot()
    labels = [p.strftime("%b %y") for p in monthly.index]
    values = to_major(monthly.to_numpy(dtype=float), currency)
    ax.plot(labels, values, marker="o", color=color, linewidth=2.5)
    ax.fill_between(labels, values, color=color, alpha=0.15)
    step = max(1, len(labels) // 12)
    ax.set_xticks(range(0, len(labels), step), labels=labels[::step], rotation=45, ha="right")
    _style(ax, title)
    _money_axis(ax, currency)
    return figure


def leak_trend(frame: pd.DataFrame, currency: str) -> Figure | None:
    leaks = _expenses(frame)
    leaks = leaks[leaks["is_leak"]]
    if leaks.empty:
        return None
    monthly = _months(leaks["amount_minor"], leaks["local_date"])
    peak = monthly.idxmax()
    title = f"Leaks peaked in {peak.strftime('%B %Y')} at {format_money(int(monthly.max()), currency)}"
    return _trend(monthly, currency, title, PALETTE["leak"])


def leak_vs_ok(frame: pd.DataFrame, currency: str) -> Figure | None:
    e = _expenses(frame)
    if e.empty:
        return None
    counts = [int((~e["is_leak"]).sum()), int(e["is_leak"].sum())]
    figure = _figure()
    ax = figure.add_subplot()
    bars = ax.bar(["not a leak", "leak"], counts, color=[PALETTE["ok"], PALETTE["leak"]])
    ax.bar_label(bars, fontsize=FONT["value"])
    _style(ax, f"{counts[1] / sum(counts):.0%} of your spends are leaks", ylabel="spends")
    return figure


def weekday_weekend(frame: pd.DataFrame, currency: str) -> Figure | None:
    e = _expenses(frame)
    if e.empty:
        return None
    table = _major(e, currency).groupby([e["category"], e["day_type"]]).sum().unstack(fill_value=0.0)
    table = table.reindex(columns=DAY_TYPES, fill_value=0.0)
    table = table.loc[table.sum(axis=1).sort_values().index]
    figure = _figure()
    ax = figure.add_subplot()
    y = np.arange(len(table))
    ax.barh(y - 0.2, table["Weekday"], height=0.4, color=PALETTE["ink"], label="weekday")
    ax.barh(y + 0.2, table["Weekend"], height=0.4, color=PALETTE["accent"], label="weekend")
    ax.set_yticks(y, labels=list(table.index))
    ax.legend(fontsize=FONT["tick"])
    weekend_share = table["Weekend"].sum() / max(table.to_numpy().sum(), 1e-9)
    _style(ax, f"Weekends take {weekend_share:.0%} of spend (2 days in 7 would be 29%)")
    _money_axis(ax, currency, "x")
    return figure


def recurring_trend(frame: pd.DataFrame, currency: str) -> Figure | None:
    e = _expenses(frame)
    recurring = e[e["is_recurring"].astype(bool) & ~e["is_necessary"].astype(bool)]
    if recurring.empty:
        return None
    monthly = _months(recurring["amount_minor"], recurring["local_date"])
    title = f"Recurring wants cost about {format_money(round(monthly.mean()), currency)} a month"
    return _trend(monthly, currency, title, PALETTE["ink"])


@dataclass(frozen=True)
class Chart:
    name: str
    title: str  # for menus and the empty picture
    draw: Callable[[pd.DataFrame, str], Figure | None]


_DRAW: dict[str, Callable[[pd.DataFrame, str], Figure | None]] = {
    "categories": categories,
    "share": share,
    "amounts": amounts,
    "amounts_by_category": amounts_by_category,
    "leak_mode_time": leak_mode_time,
    "leak_mode_daytype": leak_mode_daytype,
    "peak_leaks": peak_leaks,
    "leak_trend": leak_trend,
    "leak_vs_ok": leak_vs_ok,
    "weekday_weekend": weekday_weekend,
    "recurring_trend": recurring_trend,
}
CHARTS: dict[str, Chart] = {name: Chart(name, title, _DRAW[name]) for name, title in CHART_TITLES.items()}


def render(name: str, frame: pd.DataFrame, currency: str, *, period_label: str = "") -> bytes:
    """PNG bytes of one chart for frame; a plain picture when there is nothing to draw."""
    chart = CHARTS[name]
    figure = chart.draw(frame, currency)
    if figure is None:
        return empty_png(f"{chart.title}{f' · {period_label}' if period_label else ''}")
    return png(figure)


def confusion_matrix_png(confusion: list[list[int]], title: str) -> bytes:
    """A 2x2 confusion matrix (rows: your verdict, columns: the model's) with counts in the cells."""
    figure = Figure(figsize=(WIDTH_IN, 5.2), layout="constrained")
    ax = figure.add_subplot()
    ax.imshow(confusion, cmap="GnBu")
    labels = ["not a leak", "leak"]
    ax.set_xticks([0, 1], labels=labels, fontsize=13)
    ax.set_yticks([0, 1], labels=labels, fontsize=13)
    ax.set_xlabel("the model said", fontsize=13)
    ax.set_ylabel("you said", fontsize=13)
    peak = max(max(row) for row in confusion) or 1
    for i, row in enumerate(confusion):
        for j, count in enumerate(row):
            color = "white" if count > peak / 2 else PALETTE["ink"]
            ax.text(j, i, str(count), ha="center", va="center", fontsize=22, color=color)
    right = confusion[0][0] + confusion[1][1]
    total = sum(map(sum, confusion)) or 1
    ax.set_title(f"{title}\n{right} of {total} right ({right / total:.0%})", fontsize=13)
    return png(figure)
