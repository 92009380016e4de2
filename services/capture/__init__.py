"""Capture: what people send besides a typed line (forwarded bank and UPI alerts, receipt
photos) read into a proposal for the ledger."""
