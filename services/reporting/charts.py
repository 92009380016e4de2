"""Pictures as PNG bytes, drawn with matplotlib's object API on the Agg canvas.

No pyplot: a Figure per picture, so threads never share global drawing state. Every chart is
a phone portrait (1080 x 1350 px) that stays legible shown 390 px wide: no text under
MIN_TEXT_PX there (`smallest_text_px` checks a Figure), a title that states the takeaway,
horizontal bars where there are names to read, currency on the money axis, words for
payment modes ("Mode not given" for the unnamed one), one palette, and a plain "nothing to show"
picture for empty data.

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
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter

from services.ledger.spending import net_spending
from services.money import format_money, round_minor, short_money, to_major
from services.reporting.labels import mode_label
from services.reporting.names import CHART_TITLES

DPI = 200
SIZE = (5.4, 6.75)  # inches at DPI: 1080 x 1350 px, a phone portrait
WIDTH_IN = 6.4  # the model's confusion matrix (100 dpi)
SHOWN_WIDTH_PX = 390  # how wide a phone shows a picture in a chat
MIN_TEXT_PX = 11  # no text smaller than this at SHOWN_WIDTH_PX
PALETTE = {
    "ok": "#2a9d8f",
    "leak": "#e76f51",
    "ink": "#264653",
    "accent": "#e9c46a",
    "muted": "#8ab17d",
    "light": "#e9f5f3",
}
SERIES = ["#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#8ab17d", "#6d597a"]
# points on a 5.4 in wide figure: 1 pt is about 1 px when it is shown 390 px wide
FONT = {"title": 14, "label": 12, "tick": 12, "value": 12}
TITLE_CHARS = 38  # a title wraps after this many characters
TIME_BLOCKS = ["Morning", "Afternoon", "Evening", "Night"]
DAY_TYPES = ["Weekday", "Weekend"]
PEAK_BLOCKS = ("Evening", "Night")
MAX_BARS = 12  # categories on one bar chart; the rest are summed as "Others"


def png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi)
    return buffer.getvalue()


@dataclass(frozen=True)
class DrawnText:
    text: str
    size_px: float  # on the picture itself
    inside: bool  # wholly within the picture
    box: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 in px


def overlapping(texts: list[DrawnText], slack_px: float = 2.0) -> list[tuple[str, str]]:
    """Pairs of texts drawn over each other (by more than slack_px each way)."""
    boxes = [(t.text, t.box) for t in texts if t.box is not None]
    return [
        (a, b)
        for i, (a, p) in enumerate(boxes)
        for b, q in boxes[i + 1 :]
        if min(p[2], q[2]) - max(p[0], q[0]) > slack_px and min(p[3], q[3]) - max(p[1], q[1]) > slack_px
    ]


def drawn_texts(figure: Figure) -> list[DrawnText]:
    """Every piece of text the figure draws (titles, tick labels, annotations, legends,
    table cells), found by drawing it and recording what reaches the renderer."""
    canvas = FigureCanvasAgg(figure)
    renderer = canvas.get_renderer()
    width, height = canvas.get_width_height()
    seen: list[DrawnText] = []
    draw_text = renderer.draw_text

    def record(gc: Any, x: float, y: float, s: str, prop: Any, angle: float, *args: Any, **kw: Any) -> None:
        if s.strip():
            mtext = kw.get("mtext")
            box = mtext.get_window_extent(renderer) if mtext is not None else None
            inside = box is None or (
                box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1 and box.y1 <= height + 1
            )
            corners = None if box is None else (box.x0, box.y0, box.x1, box.y1)
            seen.append(DrawnText(s, prop.get_size_in_points() * figure.dpi / 72, inside, corners))
        draw_text(gc, x, y, s, prop, angle, *args, **kw)

    renderer.draw_text = record  # type: ignore[method-assign]
    try:
        figure.draw(renderer)
    finally:
        del renderer.draw_text
    return seen


def smallest_text_px(figure: Figure, shown_width_px: int = SHOWN_WIDTH_PX) -> float:
    """The smallest text of the figure in px when the picture is shown shown_width_px wide
    (size_pt * dpi / 72 * shown_width_px / the figure's width in px)."""
    scale = shown_width_px / (figure.get_figwidth() * figure.dpi)
    return min((t.size_px for t in drawn_texts(figure)), default=float("inf")) * scale


def _figure(size: tuple[float, float] = SIZE) -> Figure:
    return Figure(figsize=size, dpi=DPI, layout="constrained")


def wrap(title: str, width: int = TITLE_CHARS) -> str:
    return textwrap.fill(title, width=width, break_long_words=False)


def headline(figure: Figure, title: str) -> None:
    """The takeaway over the whole picture, from its left edge, wrapped to fit."""
    figure.suptitle(wrap(title), x=0.03, ha="left", fontsize=FONT["title"], color=PALETTE["ink"])


def _style(ax: Axes, title: str = "", *, xlabel: str = "", ylabel: str = "") -> None:
    """Fonts and spines; title is the takeaway of a one-panel picture (a panel's name otherwise)."""
    if len(ax.get_figure().axes) == 1:
        headline(ax.get_figure(), title)
    else:
        ax.set_title(wrap(title), fontsize=FONT["label"], color=PALETTE["ink"], loc="left", weight="bold")
    ax.set_xlabel(xlabel, fontsize=FONT["label"])
    ax.set_ylabel(ylabel, fontsize=FONT["label"])
    ax.tick_params(which="both", labelsize=FONT["tick"])
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _money_axis(ax: Axes, currency: str, axis: str = "y", *, ticks: int = 4) -> None:
    formatter = FuncFormatter(lambda value, _pos: short_money(value, currency))
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(formatter)
    if target.get_scale() == "linear":
        target.set_major_locator(MaxNLocator(ticks))
    else:  # log: label the decades only
        target.set_minor_formatter(NullFormatter())


def _bar_values(ax: Axes, bars: Any, labels: list[str]) -> None:
    """Each bar's value at its end, with room for the text."""
    ax.bar_label(bars, labels=labels, padding=4, fontsize=FONT["value"], color=PALETTE["ink"])
    ax.margins(x=0.28)


def empty_figure(title: str, message: str = "Nothing to show for this period yet.") -> Figure:
    figure = _figure()
    ax = figure.add_subplot()
    ax.axis("off")
    headline(figure, title)
    ax.text(
        0.5,
        0.5,
        wrap(message, 30),
        ha="center",
        va="center",
        fontsize=FONT["title"],
        color=PALETTE["ink"],
        transform=ax.transAxes,
    )
    return figure


def empty_png(title: str, message: str = "Nothing to show for this period yet.") -> bytes:
    return png(empty_figure(title, message))


def _major(frame: pd.DataFrame, currency: str) -> pd.Series:
    """Amounts in whole currency units, as floats for drawing."""
    return to_major(frame["amount_minor"].astype(float), currency)


def _expenses(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["type"] == "expense"]


def _category_spend(frame: pd.DataFrame, currency: str) -> pd.Series:
    """Spend per category net of refunds (a category refunded in full drops out)."""
    spend = _major(e := net_spending(frame), currency).groupby(e["category"]).sum()
    return spend[spend > 0]


def _head_and_others(values: pd.Series, keep: int) -> pd.Series:
    """The keep largest (largest first) and the rest summed as "Others"."""
    ordered = values.sort_values(ascending=False, kind="stable")
    if len(ordered) <= keep:
        return ordered
    return pd.concat([ordered.head(keep - 1), pd.Series({"Others": ordered.iloc[keep - 1 :].sum()})])


# --- the charts ------------------------------------------------------------------------------
def categories(frame: pd.DataFrame, currency: str) -> Figure | None:
    spend = _category_spend(frame, currency)
    if spend.empty:
        return None
    shown = _head_and_others(spend, MAX_BARS).iloc[::-1]
    figure = _figure()
    ax = figure.add_subplot()
    bars = ax.barh(list(shown.index), shown.to_numpy(), color=PALETTE["ok"])
    _bar_values(ax, bars, [short_money(v, currency) for v in shown.to_numpy()])
    top = spend.idxmax()
    _style(ax, f"{top} is where most money goes ({spend.max() / spend.sum():.0%} of spend)")
    _money_axis(ax, currency, "x", ticks=3)
    return figure


def share(frame: pd.DataFrame, currency: str) -> Figure | None:
    spend = _category_spend(frame, currency).sort_values(ascending=False, kind="stable")
    if spend.empty:
        return None
    top = spend.head(5)
    if len(spend) > 5:
        top = pd.concat([top, pd.Series({"Others": spend.iloc[5:].sum()})])
    figure = _figure()
    ax = figure.add_subplot()
    wedges, _texts, _pcts = ax.pie(
        top.to_numpy(),
        autopct=lambda pct: f"{pct:.0f}%" if pct >= 4 else "",
        pctdistance=0.78,
        colors=SERIES[: len(top)],
        wedgeprops={"width": 0.45, "edgecolor": "white"},
        textprops={"fontsize": FONT["value"], "color": "white", "weight": "bold"},
        startangle=90,
        counterclock=False,
    )
    ax.legend(
        wedges,
        [f"{name}: {short_money(v, currency)}" for name, v in top.items()],
        loc="upper center",
        bbox_to_anchor=(0.5, 0.02),
        ncol=1,
        frameon=False,
        fontsize=FONT["tick"],
    )
    if len(spend) == 1:
        _style(ax, f"All of your spend is {spend.index[0]}")
    else:
        taken = spend.head(5).sum() / spend.sum()
        _style(ax, f"The top {min(5, len(spend))} categories take {taken:.0%} of spend")
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
    _style(ax, f"Half of your spends are under {short_money(median, currency)}", ylabel="Spends")
    _money_axis(ax, currency, "x")
    ax.yaxis.set_major_locator(MaxNLocator(5, integer=True))
    return figure


def amounts_by_category(frame: pd.DataFrame, currency: str) -> Figure | None:
    e = _expenses(frame)
    if e.empty:
        return None
    groups = {c: _major(rows, currency).to_numpy() for c, rows in e.groupby("category")}
    order = sorted(groups, key=lambda c: float(np.median(groups[c])))[-MAX_BARS:]
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
        .groupby([leaks["payment_mode"].map(mode_label), leaks[columns]])
        .sum()
        .unstack(fill_value=0.0)
        .reindex(columns=order, fill_value=0.0)
    )
    table = table.loc[table.sum(axis=1).sort_values(ascending=False, kind="stable").index].head(MAX_BARS)
    figure = _figure()
    ax = figure.add_subplot()
    ax.imshow(table.to_numpy(), cmap="OrRd", aspect="auto")
    ax.set_xticks(range(len(order)), labels=order)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(table.index)), labels=list(table.index))
    peak = float(table.to_numpy().max()) or 1.0
    for i in range(table.shape[0]):
        for j in range(table.shape[1]):
            value = float(table.iat[i, j])
            ax.text(
                j,
                i,
                short_money(value, currency) if value else "–",
                ha="center",
                va="center",
                fontsize=FONT["value"],
                color="white" if value > peak / 2 else PALETTE["ink"],
            )
    mode, column = np.unravel_index(int(np.argmax(table.to_numpy())), table.shape)
    _style(ax, f"Most leak money: {table.index[mode]}, {order[column].lower()} ({what})")
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
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
    top, bottom = figure.subplots(2, 1, height_ratios=[3, 2])
    by_category = leaks["category"].value_counts().head(8).sort_values()
    by_context = leaks["context"].value_counts().head(5).sort_values()
    bars = top.barh(by_category.index, by_category.to_numpy(), color=PALETTE["leak"])
    _bar_values(top, bars, [str(v) for v in by_category.to_numpy()])
    bars = bottom.barh(by_context.index, by_context.to_numpy(), color=PALETTE["accent"])
    _bar_values(bottom, bars, [str(v) for v in by_context.to_numpy()])
    _style(top, "Leaks by category")
    _style(bottom, "Leaks by context")
    for ax in (top, bottom):
        ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
    headline(
        figure, f"Evening and night leaks: mostly {by_category.index[-1]}, {by_context.index[-1].lower()}"
    )
    return figure


def _months(minor: pd.Series, dates: pd.Series) -> pd.Series:
    """Monthly totals in minor units, every month from the first to the last (none = 0)."""
    monthly = minor.astype("int64").groupby(dates.dt.to_period("M")).sum()
    if monthly.empty:
        return monthly
    full = pd.period_range(monthly.index.min(), monthly.index.max(), freq="M")
    return monthly.reindex(full, fill_value=0)


def month_ticks(ax: Axes, months: list[pd.Period], *, most: int = 7, rotate: bool = True) -> None:
    """Month names under an axis of months (0, 1, ...): at most `most` of them, "May 24"."""
    step = max(1, -(-len(months) // most))
    slanted = rotate and len(months) > 4
    ax.set_xticks(
        range(0, len(months), step),
        labels=[p.strftime("%b %y") for p in months[::step]],
        rotation=45 if slanted else 0,
        ha="right" if slanted else "center",
        rotation_mode="anchor",
    )


def _trend(monthly: pd.Series, currency: str, title: str, color: str) -> Figure:
    figure = _figure()
    ax = figure.add_subplot()
    x = np.arange(len(monthly))
    values = to_major(monthly.to_numpy(dtype=float), currency)
    ax.plot(x, values, marker="o", color=color, linewidth=2.5)
    ax.fill_between(x, values, color=color, alpha=0.15)
    month_ticks(ax, list(monthly.index))
    _style(ax, title)
    _money_axis(ax, currency)
    ax.set_ylim(bottom=0)
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
    bars = ax.bar(["Not a leak", "Leak"], counts, color=[PALETTE["ok"], PALETTE["leak"]], width=0.6)
    ax.bar_label(bars, fontsize=FONT["value"], padding=3)
    ax.yaxis.set_major_locator(MaxNLocator(5, integer=True))
    _style(ax, f"{counts[1] / sum(counts):.0%} of your spends are leaks", ylabel="Spends")
    return figure


def weekday_weekend(frame: pd.DataFrame, currency: str) -> Figure | None:
    e = _expenses(frame)
    if e.empty:
        return None
    table = _major(e, currency).groupby([e["category"], e["day_type"]]).sum().unstack(fill_value=0.0)
    table = table.reindex(columns=DAY_TYPES, fill_value=0.0)
    weekend_share = table["Weekend"].sum() / max(table.to_numpy().sum(), 1e-9)
    table = table.loc[table.sum(axis=1).sort_values(kind="stable").index].tail(MAX_BARS)
    figure = _figure()
    ax = figure.add_subplot()
    y = np.arange(len(table))
    ax.barh(y + 0.2, table["Weekday"], height=0.4, color=PALETTE["ink"], label="Weekdays")
    ax.barh(y - 0.2, table["Weekend"], height=0.4, color=PALETTE["accent"], label="Weekends")
    ax.set_yticks(y, labels=list(table.index))
    ax.legend(fontsize=FONT["tick"], loc="lower right", frameon=False)
    _style(ax, f"Weekends take {weekend_share:.0%} of spend (2 days in 7 would be 29%)")
    _money_axis(ax, currency, "x", ticks=3)
    return figure


def recurring_trend(frame: pd.DataFrame, currency: str) -> Figure | None:
    e = _expenses(frame)
    recurring = e[e["is_recurring"].astype(bool) & ~e["is_necessary"].astype(bool)]
    if recurring.empty:
        return None
    monthly = _months(recurring["amount_minor"], recurring["local_date"])
    typical = round_minor(round(monthly.mean()), currency)
    title = f"Recurring wants cost about {format_money(typical, currency)} a month"
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


def figure_for(name: str, frame: pd.DataFrame, currency: str, *, period_label: str = "") -> Figure:
    """One chart for frame; a plain picture that says so when there is nothing to draw."""
    chart = CHARTS[name]
    figure = chart.draw(frame, currency)
    if figure is None:
        return empty_figure(f"{chart.title}{f' · {period_label}' if period_label else ''}")
    return figure


def render(name: str, frame: pd.DataFrame, currency: str, *, period_label: str = "") -> bytes:
    """PNG bytes of one chart for frame; a plain picture when there is nothing to draw."""
    return png(figure_for(name, frame, currency, period_label=period_label))


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
