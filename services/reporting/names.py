"""The charts by name, with the title menus show (no drawing here: matplotlib loads with charts.py)."""

from __future__ import annotations

CHART_TITLES: dict[str, str] = {
    "categories": "Expense by category",
    "share": "Category share",
    "amounts": "Spend amounts",
    "amounts_by_category": "Amounts by category",
    "leak_mode_time": "Leaks: payment mode x time",
    "leak_mode_daytype": "Leaks: payment mode x day type",
    "peak_leaks": "Evening and night leaks",
    "leak_trend": "Monthly leak trend",
    "leak_vs_ok": "Leaks vs the rest",
    "weekday_weekend": "Weekday vs weekend",
    "recurring_trend": "Recurring wants by month",
}
