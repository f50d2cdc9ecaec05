"""Reading JSON within bounds: templates written as JSON, and JSON text in ``InputParameters``.

:func:`loads` is :func:`json.loads` made safe for untrusted text: nesting is measured by a linear
scan before the (recursive) reader runs, integers longer than
:data:`~orgconfig.templates._bounds.MAX_INTEGER_DIGITS` digits and numbers that overflow a float
are refused, ``NaN`` and ``Infinity`` are not numbers, and an object that repeats a key is an
error naming its line. Every problem is a :class:`~orgconfig.templates._bounds.ParseError`.
"""

from __future__ import annotations

import json
import re
from typing import Any, NoReturn

from orgconfig.templates._bounds import (
    MAX_NESTING_DEPTH,
    ParseError,
    check_float,
    check_integer_text,
    json_too_deep_at,
    line_of,
)

__all__ = ["loads"]


class _DuplicateKeyError(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKeyError(key)
        result[key] = value
    return result


def loads(text: str, *, what: str = "The template") -> Any:
    """Parse JSON ``text`` within the bounds; raise :class:`ParseError` for any problem.

    :class:`json.JSONDecodeError` is let through (it is a syntax error, which the caller words
    as it needs); ``what`` starts the messages of the other errors.
    """
    deep = json_too_deep_at(text)
    if deep is not None:
        line = line_of(text, deep)
        raise ParseError(
            f"{what} nests objects and arrays more than {MAX_NESTING_DEPTH} levels deep",
            location=f"line {line}",
        )

    def constant(name: str) -> NoReturn:
        raise ParseError(f"{what} is not valid JSON: {name} is not a JSON number")

    def number_at(literal: str) -> str:
        return f"line {line_of(text, text.find(literal))}"

    def parse_int(literal: str) -> int:
        if len(literal) > 20:  # cheap first; the literal is looked for only when long
            check_integer_text(literal, number_at(literal), what)
        return int(literal)

    def parse_float(literal: str) -> float:
        value = float(literal)
        check_float(literal, value, number_at(literal), what)
        return value

    try:
        return json.loads(
            text,
            object_pairs_hook=_pairs,
            parse_constant=constant,
            parse_int=parse_int,
            parse_float=parse_float,
        )
    except _DuplicateKeyError as e:
        lines = _KeyFinder(text, e.key).find()
        where = f"line {lines[1]}" if lines else None
        first = f" (first at line {lines[0]})" if lines else ""
        raise ParseError(
            f"{what} repeats the key {e.key!r}"
            + (f" at {where}" if where else "")
            + f"{first}; a key may appear only once in a mapping",
            location=where,
        ) from e
    except RecursionError as e:  # pragma: no cover - the scan above keeps the reader shallow
        raise ParseError(
            f"{what} nests objects and arrays more than {MAX_NESTING_DEPTH} levels deep"
        ) from e


_SPACE = re.compile(r"[ \t\n\r]*")


class _KeyFinder:
    """Find where a JSON object repeats a given key (json reports duplicates without lines).

    Only run on text that :func:`loads` has found shallow, so its recursion is bounded.
    """

    def __init__(self, text: str, key: str) -> None:
        self.text = text
        self.key = key
        self.decoder = json.JSONDecoder()

    def find(self) -> tuple[int, int] | None:
        """Return the lines of the first and the repeated key, or None."""
        try:
            self._value(self._space(0))
        except _KeyFoundError as found:
            return found.first, found.again
        except (ValueError, IndexError, RecursionError):  # text it cannot follow: no line
            return None
        return None

    def _space(self, index: int) -> int:
        match = _SPACE.match(self.text, index)
        return match.end() if match else index

    def _value(self, index: int) -> int:
        opener = self.text[index]
        if opener == "{":
            return self._object(self._space(index + 1))
        if opener == "[":
            return self._array(self._space(index + 1))
        _, end = self.decoder.raw_decode(self.text, index)
        return end

    def _object(self, index: int) -> int:
        seen: dict[str, int] = {}
        while self.text[index] != "}":
            key, index = self.decoder.raw_decode(self.text, index)
            if key == self.key and key in seen:
                raise _KeyFoundError(line_of(self.text, seen[key]), line_of(self.text, index))
            seen[key] = index
            index = self._space(self._space(index) + 1)  # past the colon
            index = self._space(self._value(index))
            if self.text[index] == ",":
                index = self._space(index + 1)
        return index + 1

    def _array(self, index: int) -> int:
        while self.text[index] != "]":
            index = self._space(self._value(index))
            if self.text[index] == ",":
                index = self._space(index + 1)
        return index + 1


class _KeyFoundError(Exception):
    def __init__(self, first: int, again: int) -> None:
        super().__init__(first, again)
        self.first = first
        self.again = again
