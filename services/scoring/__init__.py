"""The six leakage rules (rules), the seed analysis's per-expense features (features), and
re-scoring stored entries when they or the person's settings change (rescoring)."""
