"""Reply text written once and sent two ways: Telegram HTML for chat, plain text for the CLI.

A Reply is lines; a line is plain text, a styled Span, or a sequence of both. None lines are
left out, so optional lines can be written in place: `Reply((b(head), when, note or None))`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_TAGS = {"b": "b", "i": "i", "code": "code", "pre": "pre"}


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    style: str  # one of _TAGS

    def html(self) -> str:
        tag = _TAGS[self.style]
        return f"<{tag}>{html.escape(self.text)}</{tag}>"


def b(text: str) -> Span:
    return Span(text, "b")


def i(text: str) -> Span:
    return Span(text, "i")


def code(text: str) -> Span:
    return Span(text, "code")


def pre(text: str) -> Span:
    """A block of aligned text (tables)."""
    return Span(text, "pre")


Line = str | Span | Sequence[str | Span] | None


def _parts(line: Line) -> Sequence[str | Span]:
    return (line,) if isinstance(line, str | Span) else line or ()


@dataclass(frozen=True)
class Reply:
    lines: tuple[Line, ...]

    @classmethod
    def of(cls, *lines: Line) -> Reply:
        return cls(lines)

    def _kept(self) -> Iterable[Sequence[str | Span]]:
        return (_parts(line) for line in self.lines if line is not None)

    @property
    def html(self) -> str:
        """Telegram HTML: every text escaped, styles as tags."""
        return "\n".join(
            "".join(p.html() if isinstance(p, Span) else html.escape(p) for p in parts)
            for parts in self._kept()
        )

    @property
    def plain(self) -> str:
        """The same words without markup (the command line)."""
        return "\n".join(
            "".join(p.text if isinstance(p, Span) else p for p in parts) for parts in self._kept()
        )

    def __add__(self, other: Reply) -> Reply:
        return Reply(self.lines + other.lines)
