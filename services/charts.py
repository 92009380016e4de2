"""Pictures as PNG bytes, drawn with matplotlib's object API on the Agg canvas.

No pyplot: a Figure per picture, so threads never share global drawing state.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DPI = 100
WIDTH_IN = 6.4  # 640 px: sharp on a phone, well under Telegram's limits
PALETTE = {"ok": "#2a9d8f", "leak": "#e76f51", "ink": "#264653", "light": "#e9f5f3"}


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


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
            ax.text(
                j,
                i,
                str(count),
                ha="center",
                va="center",
                fontsize=22,
                color="white" if count > peak / 2 else PALETTE["ink"],
            )
    right = confusion[0][0] + confusion[1][1]
    total = sum(map(sum, confusion)) or 1
    ax.set_title(f"{title}\n{right} of {total} right ({right / total:.0%})", fontsize=13)
    return _png(figure)
