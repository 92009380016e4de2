"""Files into a person's ledger: LeakBot's own export, the sample dataset's format, and bank /
UPI statements (reader, layouts, values); the all-or-nothing import and its revert
(pipeline); chat spends that match imported rows (matching)."""
