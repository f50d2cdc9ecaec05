"""Small field checks for the models: each is ``(value) -> message or None``.

A :data:`Check` looks at one value and returns None when it is fine, else the end of a sentence
saying what is wrong (``"'x y' does not match [a-z]+ (letters)"``). Checks compose as tuples and
run in order; the first message wins, so later checks may assume what earlier ones established
(:func:`text` checks the type before the length). :func:`field`, :func:`optional`,
:func:`items` and :func:`entries` turn checks into attrs validators that raise
:class:`~orgconfig.errors.ValidationError` with the field named (``"tags['k']"``,
``"excluded_accounts[2]"``).

The converters below normalise what users pass (lists to tuples, mappings to read-only ones,
JSON values frozen) and refuse what cannot be normalised, with the same kind of error.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import reprlib
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeAlias

import attrs

from orgconfig import _limits as limits
from orgconfig._frozen import FrozenDict
from orgconfig.errors import ValidationError

__all__ = [
    "ACCOUNT",
    "BUCKET",
    "EMPTY",
    "MAX_JSON_DEPTH",
    "TAG_KEY",
    "TAG_VALUE",
    "Check",
    "JsonValue",
    "ParameterValue",
    "accounts",
    "as_set",
    "closest",
    "entries",
    "fail",
    "field",
    "freeze_json",
    "is_a",
    "items",
    "json_depth",
    "json_text",
    "key",
    "last_update",
    "mapping_of",
    "matches",
    "names",
    "no_surrogates",
    "none_if_empty",
    "one_of",
    "optional",
    "parameter_text",
    "parse_json",
    "run",
    "satisfies",
    "show",
    "subscript",
    "surrogate_at",
    "tags",
    "text",
    "tuple_of",
]

JsonValue: TypeAlias = (
    str | int | float | bool | tuple["JsonValue", ...] | Mapping[str, "JsonValue"] | None
)
"""A rule input parameter value, stored frozen: JSON arrays as tuples, objects as mappings."""

ParameterValue: TypeAlias = str | int | float | bool
"""What a conformance pack parameter value may be given as; it is stored as a string."""

Check: TypeAlias = Callable[[Any], "str | None"]
"""One constraint: None when the value passes, else what is wrong with it."""

_Validator: TypeAlias = Callable[[Any, "attrs.Attribute[Any]", Any], None]

EMPTY: Mapping[str, str] = FrozenDict({})
"""The empty read-only mapping, the default of every mapping field."""

MAX_JSON_DEPTH = 64
"""The deepest nesting accepted in rule input parameters (orgconfig's bound, not the API's)."""


# -- messages -------------------------------------------------------------------------------------


_MAX_SHOWN_DIGITS = 40
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 80
_REPR.maxlong = _MAX_SHOWN_DIGITS


def show(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut short when long; safe for any value.

    Never fails and never builds a long string: a huge string is cut before it is shown, an
    integer too large to print in full is shown by its size, containers are abbreviated, and an
    object whose ``repr`` raises is shown by its type.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > 3 * _MAX_SHOWN_DIGITS:
            return f"<an integer of about {int(value.bit_length() * 0.30103):,} digits>"
        shown = repr(value)
    elif isinstance(value, (str, bytes)):
        shown = repr(value[: limit + 1])
    else:
        try:
            shown = _REPR.repr(value)
        except Exception:
            shown = f"<{type(value).__name__}>"
    return shown if len(shown) <= limit else f"{shown[: limit - 3]}..."


def subscript(key: object) -> str:
    """``key`` as it is written inside a field label's brackets: its repr, bounded.

    A key of a usual length shows in full (``parameters['Foo']``); a huge one, or an integer too
    large to print, is cut short by :func:`show`.
    """
    if isinstance(key, str) and len(key) <= _FULL_KEY:
        return repr(key)
    return show(key, 80)


_FULL_KEY = 512


def _characters(value: str) -> str:
    n = len(value)
    return f"{n:,} character{'' if n == 1 else 's'}"


def fail(label: str, message: str) -> ValidationError:
    """The error for ``label``: its text starts with the label, its ``field`` is the label."""
    return ValidationError(f"{label}: {message}", field=label)


def closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like ``name``, ignoring case; None when nothing is close."""
    by_lower = {c.lower(): c for c in candidates}
    found = difflib.get_close_matches(name.lower(), list(by_lower), n=1)
    return by_lower[found[0]] if found else None


def names(listed: Iterable[str], limit: int = 12) -> str:
    """``listed`` sorted and joined with commas, cut after ``limit`` names."""
    ordered = sorted(listed)
    shown = ", ".join(ordered[:limit])
    return shown + (f", ... ({len(ordered)} in all)" if len(ordered) > limit else "")


# -- checks -------------------------------------------------------------------------------------


def run(checks: Iterable[Check], value: object, label: str) -> None:
    """Run ``checks`` on ``value``; the first that fails raises a ValidationError for ``label``."""
    for check in checks:
        message = check(value)
        if message is not None:
            raise fail(label, message)


def satisfies(test: Callable[[Any], bool], explain: Callable[[Any], str]) -> Check:
    """A check from a predicate and the explanation of a value that fails it."""
    return lambda x: None if test(x) else explain(x)


def is_a(kind: type, noun: str) -> Check:
    """The value is an instance of ``kind`` (``noun`` names it in the message)."""
    return satisfies(
        lambda x: isinstance(x, kind), lambda x: f"must be {noun}, not {type(x).__name__} {show(x)}"
    )


def matches(regex: str, what: str) -> Check:
    """The string matches ``regex`` in full; ``what`` ends the message of one that does not."""
    pattern = re.compile(regex)
    return satisfies(lambda x: pattern.fullmatch(x) is not None, lambda x: f"{show(x)} {what}")


_SURROGATE = re.compile("[\ud800-\udfff]")


def surrogate_at(value: str) -> int | None:
    """The index of the first lone surrogate in ``value`` (no UTF-8 can carry one), or None."""
    found = _SURROGATE.search(value)
    return None if found is None else found.start()


def _surrogate_message(value: str) -> str | None:
    index = surrogate_at(value)
    if index is None:
        return None
    return (
        f"holds a lone surrogate (U+{ord(value[index]):04X} at index {index:,}), which cannot "
        "be encoded as UTF-8: AWS cannot receive it"
    )


no_surrogates: Check = _surrogate_message
"""The string holds no lone surrogate (``"\\ud800"``), which no request can carry."""


def text(lo: int, hi: int, regex: str | None = None, hint: str = "") -> tuple[Check, ...]:
    """A string of ``lo`` to ``hi`` characters, matching ``regex`` in full when given.

    A lone surrogate is refused too, before the length: no request can carry it.
    """
    checks = [is_a(str, "a string"), no_surrogates]
    if lo > 0:
        checks.append(
            satisfies(
                lambda x: len(x) >= lo,
                lambda x: (
                    "must not be empty"
                    if lo == 1
                    else f"{show(x)} is {_characters(x)} long; the minimum is {lo}"
                ),
            )
        )
    checks.append(
        satisfies(
            lambda x: len(x) <= hi,
            lambda x: f"{show(x)} is {_characters(x)} long; the limit is {hi:,}",
        )
    )
    if regex is not None:
        checks.append(matches(regex, f"does not match {regex} ({hint})"))
    return tuple(checks)


def one_of(options: Iterable[str], noun: str) -> Check:
    """The value is one of ``options``."""
    choices = tuple(options)
    return satisfies(
        lambda x: x in choices,
        lambda x: f"{show(x)} is not a valid {noun}; use one of {', '.join(choices)}",
    )


def key(*checks: Check) -> tuple[Check, ...]:
    """``checks`` applied to a mapping key: the message says it is about the key."""

    def about_key(check: Check) -> Check:
        def checked(x: object) -> str | None:
            message = check(x)
            return None if message is None else f"the key {message}"

        return checked

    return tuple(about_key(c) for c in checks)


def _count(limit: int, noun: str) -> Check:
    return satisfies(
        lambda x: len(x) <= limit,
        lambda x: f"{len(x):,} {noun}s given; at most {limit:,} are allowed",
    )


# -- checks as attrs validators -----------------------------------------------------------------


def field(*checks: Check) -> _Validator:
    """An attrs validator running ``checks`` on the field's value."""

    def validate(_inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        run(checks, value, attribute.name)

    return validate


def optional(*checks: Check) -> _Validator:
    """Like :func:`field`, letting None through."""

    def validate(_inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            run(checks, value, attribute.name)

    return validate


def items(*checks: Check, limit: int, noun: str, unique: bool) -> _Validator:
    """An attrs validator for a tuple: at most ``limit`` items, each passing ``checks``."""
    count = _count(limit, noun)

    def validate(_inst: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
        name = attribute.name
        run((count,), value, name)
        seen: dict[Any, int] = {}
        for i, item in enumerate(value):
            label = f"{name}[{i}]"
            run(checks, item, label)
            if unique and item in seen:
                raise fail(label, f"{show(item)} is listed twice (also at {name}[{seen[item]}])")
            seen.setdefault(item, i)

    return validate


def entries(
    key_checks: Iterable[Check], value_checks: Iterable[Check], *, limit: int, noun: str
) -> _Validator:
    """An attrs validator for a mapping: at most ``limit`` entries, keys and values checked."""
    keys = tuple(key_checks)
    values = tuple(value_checks)
    count = _count(limit, noun)

    def validate(_inst: object, attribute: attrs.Attribute[Any], value: Mapping[Any, Any]) -> None:
        name = attribute.name
        run((count,), value, name)
        for k, item in value.items():
            label = f"{name}[{subscript(k)}]"
            run(keys, k, label)
            run(values, item, label)

    return validate


# -- the checks several models share ------------------------------------------------------------

ACCOUNT: tuple[Check, ...] = (
    is_a(str, "a string"),
    matches(limits.ACCOUNT_ID_PATTERN, "is not an AWS account id (12 digits)"),
)
"""An AWS account id."""

TAG_KEY: tuple[Check, ...] = key(
    *text(1, limits.TAG_KEY_MAX),
    satisfies(
        lambda x: not x.lower().startswith(limits.RESERVED_TAG_PREFIX),
        lambda x: f"{show(x)} starts with 'aws:', a prefix reserved for AWS",
    ),
)
"""A tag key (checked as a mapping key)."""

TAG_VALUE: tuple[Check, ...] = text(limits.TAG_VALUE_MIN, limits.TAG_VALUE_MAX)
"""A tag value."""

_PREFIX = limits.DELIVERY_BUCKET_PREFIX
_RESERVED = limits.DELIVERY_BUCKET_RESERVED_SUFFIXES

BUCKET: tuple[Check, ...] = (
    *text(limits.DELIVERY_BUCKET_MIN, limits.DELIVERY_BUCKET_MAX),
    satisfies(
        lambda x: x.startswith(_PREFIX),
        lambda x: f"{show(x)} does not start with {_PREFIX!r}, as the service requires",
    ),
    matches(
        r"[a-z0-9.-]+",
        "is not a valid S3 bucket name (lowercase letters, digits, '.' and '-' only)",
    ),
    matches(r".*[a-z0-9]", "is not a valid S3 bucket name (it must end with a letter or digit)"),
    satisfies(
        lambda x: ".." not in x,
        lambda x: f"{show(x)} is not a valid S3 bucket name (two adjacent periods)",
    ),
    satisfies(
        lambda x: not x.endswith(_RESERVED),
        lambda x: (
            f"{show(x)} is not a valid S3 bucket name (it ends with a suffix S3 reserves: "
            f"{', '.join(_RESERVED)})"
        ),
    ),
)
"""A conformance pack's delivery bucket."""


def tags() -> _Validator:
    """The validator of a ``tags`` field."""
    return entries(TAG_KEY, TAG_VALUE, limit=limits.TAGS_MAX, noun="tag")


def accounts() -> _Validator:
    """The validator of a list of unique account ids."""
    return items(*ACCOUNT, limit=limits.ACCOUNTS_MAX, noun="account", unique=True)


def last_update() -> _Validator:
    """The validator of a ``last_update`` field."""
    return optional(is_a(datetime, "a datetime"))


# -- converters: normalise what users pass into immutable values --------------------------------


def tuple_of(value: object, label: str) -> tuple[Any, ...]:
    """``value`` as a tuple; a string, a mapping or a non-iterable raises for ``label``."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise fail(label, f"expected a list of strings, not {type(value).__name__} {show(value)}")
    return tuple(value)


def mapping_of(value: object, label: str) -> FrozenDict[Any, Any]:
    """``value`` as a read-only mapping; anything but a mapping raises for ``label``."""
    if not isinstance(value, Mapping):
        raise fail(label, f"expected a mapping, not {type(value).__name__} {show(value)}")
    return FrozenDict(value)


def as_set(values: tuple[str, ...]) -> frozenset[str]:
    """Compare account lists as sets: their order means nothing to AWS (nor is it kept)."""
    return frozenset(values)


def none_if_empty(value: str | None) -> str | None:
    """``""`` as None."""
    return None if value == "" else value


def parameter_text(value: ParameterValue, label: str) -> str:
    """A parameter value as the string CloudFormation receives."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if value.bit_length() > _PARAMETER_INT_BITS:
            raise fail(
                label,
                f"{show(value)} is not a usable parameter value (longer than the "
                f"{limits.PARAMETER_VALUE_MAX:,} characters a value may have)",
            )
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise fail(label, f"{value!r} is not a usable parameter value")
        return str(value)
    return value  # a str, or a wrong type from an untyped caller, which the validator rejects


# An integer of this many bits has more digits than a parameter value may hold: refused before
# str() is asked to write it (which raises ValueError past 4,300 digits).
_PARAMETER_INT_BITS = int(limits.PARAMETER_VALUE_MAX * 3.33) + 4
_JSON_INT_BITS = int(limits.INPUT_PARAMETERS_MAX * 3.33) + 4


class _Budget:
    """Counts the JSON values seen, so a huge input is refused before it is all converted."""

    def __init__(self, limit: int) -> None:
        self.left = limit


def freeze_json(
    value: object, label: str, depth: int = 0, budget: _Budget | None = None
) -> JsonValue:
    """``value`` as a frozen JSON value; anything JSON cannot carry raises for ``label``.

    Every JSON value takes at least one character, so more values than the 2,048 characters
    the API allows, or nesting deeper than 64 levels, are refused early.
    """
    limit = limits.INPUT_PARAMETERS_MAX
    budget = budget or _Budget(limit)
    budget.left -= 1
    if budget.left < 0:
        raise fail("input_parameters", f"too many values to fit in {limit:,} characters of JSON")
    if depth > MAX_JSON_DEPTH:
        raise fail("input_parameters", f"nested deeper than {MAX_JSON_DEPTH} levels")
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > _JSON_INT_BITS:
            raise fail(
                label,
                f"{show(value)} cannot fit in the {limit:,} characters input parameters may take",
            )
        return value
    if value is None or isinstance(value, (str, bool)):
        return _json_string(value, label) if isinstance(value, str) else value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise fail(label, f"{value!r} cannot be written as JSON (no NaN or infinity)")
        return value
    if isinstance(value, Mapping):
        frozen: dict[str, JsonValue] = {}
        for k, item in value.items():
            if not isinstance(k, str):
                raise fail(label, f"the key {show(k)} is not a string, as JSON requires")
            _json_string(k, f"{label}[{subscript(k)}]", "the key ")
            frozen[k] = freeze_json(item, f"{label}[{subscript(k)}]", depth + 1, budget)
        return FrozenDict(frozen)
    if isinstance(value, (list, tuple)):
        return tuple(
            freeze_json(item, f"{label}[{i}]", depth + 1, budget) for i, item in enumerate(value)
        )
    raise fail(
        label,
        f"{type(value).__name__} {show(value)} cannot be written as JSON "
        "(use strings, numbers, booleans, None, lists and mappings)",
    )


def _json_string(value: str, label: str, what: str = "") -> str:
    """A JSON string (``what`` says which: a key), refused when it holds a lone surrogate."""
    message = _surrogate_message(value)
    if message is not None:
        raise fail(label, f"{what}{message}")
    return value


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON ``text`` (strings skipped), in one pass.

    Measured before :func:`json.loads` is called, which recurses once per level.
    """
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def parse_json(text: object, label: str) -> object:
    """Parse JSON ``text`` with bounded nesting and numbers; anything else raises for ``label``.

    Nesting deeper than :data:`MAX_JSON_DEPTH` is refused before parsing (so no input can
    exhaust the recursion limit), as are integers too long to convert.
    """
    if not isinstance(text, str):
        raise fail(label, f"expected JSON text, not {type(text).__name__} {show(text)}")
    if json_depth(text) > MAX_JSON_DEPTH:
        raise fail(label, f"the JSON text is nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as e:  # JSONDecodeError, or an integer too long
        raise fail(label, f"the text is not usable JSON: {show(text)}") from e


def _thaw(value: JsonValue) -> object:
    if isinstance(value, Mapping):
        return {k: _thaw(x) for k, x in value.items()}
    if isinstance(value, tuple):
        return [_thaw(x) for x in value]
    return value


def json_text(parameters: Mapping[str, JsonValue]) -> str:
    """Frozen input parameters as the compact JSON text the API receives."""
    return json.dumps(_thaw(parameters), separators=(",", ":"), ensure_ascii=False, allow_nan=False)
