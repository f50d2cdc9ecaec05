"""The bounds of template parsing, shared by the YAML and JSON readers.

A template is untrusted input: these are the limits that keep parsing it cheap in time and memory,
and that keep every value it produces printable, whatever the text holds. The readers raise
:class:`ParseError`, which :func:`orgconfig.templates._yaml.parse` turns into
:class:`orgconfig.errors.TemplateError` with the template's path.
"""

from __future__ import annotations

import math
import re
from typing import Final

from orgconfig._limits import TEMPLATE_S3_MAX_BYTES

__all__ = [
    "MAX_EXPANDED_NODES",
    "MAX_EXPANDED_SIZE",
    "MAX_INTEGER_DIGITS",
    "MAX_NESTING_DEPTH",
    "ParseError",
    "check_float",
    "check_integer_text",
    "json_too_deep_at",
    "line_of",
    "shorten",
]

MAX_EXPANDED_NODES: Final = 250_000
"""Most YAML nodes a template may hold once its aliases are expanded.

Only documents that use aliases are held to it: an alias-free document under
:data:`~orgconfig.templates.TEMPLATE_S3_MAX_BYTES` holds what it holds, and no template needs
aliases to reach this many nodes.
"""

MAX_EXPANDED_SIZE: Final = 2 * TEMPLATE_S3_MAX_BYTES
"""Largest size (614,400) a template's YAML may reach once its aliases are expanded.

The size of a document counts the characters of its scalars (keys and values) plus one for each
node, so that it grows with what ``repr()`` or ``json.dumps()`` of the parsed data would print.
An alias-free document is never larger than twice its text, so no such document under
:data:`~orgconfig.templates.TEMPLATE_S3_MAX_BYTES` is refused by it; a document whose aliases would
expand past it (a "string-alias bomb": one long anchored string referred to thousands of times)
is refused before anything is built from it.
"""

MAX_NESTING_DEPTH: Final = 100
"""Deepest nesting of mappings and sequences a template may use."""

MAX_INTEGER_DIGITS: Final = 1_000
"""Most digits an integer of a template may be written with (signs and ``_`` not counted).

Python refuses to print integers of more than 4,300 digits, and reading longer ones costs time
that grows with the square of their length; 1,000 digits in any YAML 1.1 base (binary, octal,
decimal, hexadecimal, sexagesimal) stay well within both. A longer number is an error that says to
quote it, which keeps it as text.
"""

_INF_NAN: Final = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
"""The YAML 1.1 spellings of infinity and not-a-number, which are values and not overflows."""


class ParseError(Exception):
    """A parse problem found by a reader; turned into a TemplateError with the source."""

    def __init__(self, message: str, location: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location


def shorten(text: str, limit: int = 60) -> str:
    """Return ``repr(text)``, cut in the middle when longer than ``limit`` characters."""
    if len(text) <= limit:
        return repr(text)
    half = limit // 2
    return f"{text[:half]!r}...{text[-half:]!r} ({len(text):,} characters)"


def line_of(text: str, index: int) -> int:
    """Return the 1-based line of ``text`` on which character ``index`` stands."""
    return text.count("\n", 0, max(index, 0)) + 1


def check_integer_text(text: str, where: str | None, what: str = "The template") -> None:
    """Refuse an integer literal written with more than :data:`MAX_INTEGER_DIGITS` digits."""
    body = text.strip().lstrip("+-")
    if body[:2].lower() in ("0x", "0b", "0o"):
        body = body[2:]
    digits = sum(char.isalnum() for char in body)
    if digits > MAX_INTEGER_DIGITS:
        at = f" at {where}" if where else ""
        raise ParseError(
            f"{what} holds an integer of {digits:,} digits{at}; a template's integers may "
            f"have at most {MAX_INTEGER_DIGITS:,} digits (quote the value to keep it as text)",
            location=where,
        )


def check_float(text: str, value: float, where: str | None, what: str = "The template") -> None:
    """Refuse a float literal that overflows (``1e999``); ``.inf`` and ``.nan`` are values."""
    if not math.isfinite(value) and not _INF_NAN.fullmatch(text.strip()):
        at = f" at {where}" if where else ""
        raise ParseError(
            f"{what} holds the number {shorten(text)}{at}, which is too large for a "
            "floating point number (quote the value to keep it as text)",
            location=where,
        )


_JSON_TOKENS: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)
"""A JSON string (skipped whole, even unterminated) or a bracket."""


def json_too_deep_at(text: str) -> int | None:
    """Return where ``text`` (JSON) opens its array or object past the bound, or None.

    A scan of brackets outside strings, in linear time and without recursion, so that the
    :mod:`json` reader (which recurses once per level) only ever sees shallow documents.
    """
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        char = text[match.start()]
        if char in "[{":
            depth += 1
            if depth > MAX_NESTING_DEPTH:
                return match.start()
        elif char in "]}":
            depth -= 1
    return None
