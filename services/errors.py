"""Errors whose message is safe and useful to show the person who caused them."""

from __future__ import annotations


class LeakBotError(ValueError):
    """Bad input from a person: the message says what was wrong and how to fix it."""


class ParseError(LeakBotError):
    """A chat message could not be read as an entry."""


class ImportRefused(LeakBotError):
    """A whole file was refused; nothing from it was stored."""


class NotFound(LeakBotError):
    """The thing asked for does not exist for this person."""


class PasswordNeeded(ImportRefused):
    """The file is a locked PDF: asked again with its password, it can be read."""


class WrongPassword(PasswordNeeded):
    """The password given does not open the locked PDF."""
