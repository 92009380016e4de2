"""The ledger: people and their settings, entries read from a message (parsing), completed with
the documented defaults and scored (completion), stored once and shown (entries), fixed
(corrections), and exported in LeakBot's own CSV format (export, ownformat)."""
