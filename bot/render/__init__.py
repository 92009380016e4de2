"""How replies read: each feature's data rendered as a Reply (Telegram HTML for chat, plain
text for the command line), so both doors say the same. No Telegram imports here."""
