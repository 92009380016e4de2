"""What LeakBot points out beyond the verdict: the leak overview, an entry's pace and unusual
amounts (habits), budgets and their alerts, recurring charges (subscriptions)."""
