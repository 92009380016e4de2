"""The edges people touch: the Telegram handlers and the `leakbot` command line."""
