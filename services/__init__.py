"""Domain logic of LeakBot: parsing, features, scoring, imports. No Telegram imports here."""
