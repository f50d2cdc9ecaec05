"""Converters and checks of the models' fields: those packs and rules share, and the rules' own.

Each converter turns what a caller passes into the immutable form the model stores, naming the
field in the :class:`~orgconfig.errors.ValidationError` it raises.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from os import PathLike
from typing import Any, cast

import attrs

from orgconfig import _catalog, guard, redaction
from orgconfig import _checks as checks
from orgconfig import _limits as limits
from orgconfig._checks import JsonValue
from orgconfig._limits import TriggerType
from orgconfig._warnings import GuardNotCheckedWarning, warn

__all__ = [
    "POLICY_FILE_MAX_BYTES",
    "RULE_NAME",
    "check_input_parameters",
    "check_names",
    "check_policy_text",
    "check_triggers",
    "debug_log_accounts",
    "excluded_accounts",
    "input_parameters",
    "names_set",
    "policy_repr",
    "read_policy",
    "resource_types",
    "resource_types_check",
    "secret_arguments",
    "sensitive_inputs",
    "tags",
    "trigger_types",
]


def excluded_accounts(value: Iterable[str]) -> tuple[str, ...]:
    """The ``excluded_accounts`` of a pack or rule, as a tuple."""
    return checks.tuple_of(value, "excluded_accounts")


def tags(value: Mapping[str, str]) -> Mapping[str, str]:
    """The ``tags`` of a pack or rule, as a read-only mapping."""
    return checks.mapping_of(value, "tags")


def names_set(value: Iterable[str], label: str, item: Iterable[checks.Check]) -> frozenset[str]:
    """A list of names (never a single string) as a frozenset; each name passes ``item``."""
    names = checks.tuple_of(value, label)
    for i, name in enumerate(names):
        checks.run(item, name, f"{label}[{i}]")
    return frozenset(names)


# -- the rules' fields -------------------------------------------------------------------------


def debug_log_accounts(value: Iterable[str]) -> tuple[str, ...]:
    """The ``debug_log_accounts`` of a Guard rule, as a tuple."""
    return checks.tuple_of(value, "debug_log_accounts")


def resource_types(value: Iterable[str]) -> tuple[str, ...]:
    """The ``resource_types`` of a rule's scope, as a tuple."""
    return checks.tuple_of(value, "resource_types")


resource_types_check = (
    *checks.text(1, limits.RESOURCE_TYPE_MAX),
    _catalog.resource_type_shape,
)
"""The checks of one resource type of a rule's scope: a string, ``AWS::Service::Type`` shaped."""


def check_names(identifier: str | None, types: Iterable[str]) -> None:
    """Warn (:class:`~orgconfig.UnknownNameWarning`) for names AWS may not know.

    ``identifier`` is a managed rule's (None for other kinds); ``types`` the scope's.
    """
    if identifier is not None:
        _catalog.warn_unknown_identifier(identifier)
    _catalog.warn_unknown_resource_types(types)


_GUARD_NOTED: set[str] = set()


def check_policy_text(text: str) -> None:
    """A Guard policy: never blank; parsed by Guard when the ``guard`` extra is installed.

    Without the extra, one :class:`~orgconfig.GuardNotCheckedWarning` per process says that
    policies are not parsed locally.
    """
    if not text.strip():
        raise checks.fail(
            "policy_text",
            "a Guard policy must not be empty (AWS Config cannot evaluate a rule without one)",
        )
    if not guard.check_policy(text) and not _GUARD_NOTED:
        _GUARD_NOTED.add("noted")
        warn(
            GuardNotCheckedWarning(
                f"Guard policies are not parsed locally, so a syntax error shows only when AWS "
                f"Config evaluates the rule; install {guard.EXTRA} to check them here"
            )
        )


def check_triggers(kind: str, triggers: tuple[str, ...], frequency: str | None) -> None:
    """Lambda rules need triggers (ScheduledNotification for a frequency); Guard: no period."""
    scheduled = limits.SCHEDULED_TRIGGER
    if kind == "custom_lambda":
        if not triggers:
            raise checks.fail(
                "trigger_types",
                f"a custom_lambda rule needs 1 to 3 trigger types "
                f"({', '.join(limits.TRIGGER_TYPES)})",
            )
        if frequency is not None and scheduled not in triggers:
            raise checks.fail(
                "max_frequency",
                f"{frequency!r} needs {scheduled} among the trigger types "
                f"(they are: {', '.join(triggers)})",
            )
    elif kind == "custom_policy":
        if scheduled in triggers:
            i = triggers.index(scheduled)
            raise checks.fail(
                f"trigger_types[{i}]",
                f"Guard (custom_policy) rules are change-triggered; {scheduled} is not "
                f"allowed (use {' or '.join(limits.POLICY_TRIGGER_TYPES)})",
            )
        if frequency is not None:
            raise checks.fail(
                "max_frequency",
                f"Guard (custom_policy) rules are change-triggered and take no execution "
                f"frequency; got {frequency!r}",
            )


def trigger_types(value: Iterable[str]) -> tuple[TriggerType, ...]:
    """The ``trigger_types`` of a custom rule, as a tuple."""
    return cast("tuple[TriggerType, ...]", checks.tuple_of(value, "trigger_types"))


def input_parameters(value: Mapping[str, object] | None) -> Mapping[str, JsonValue] | None:
    """A rule's ``input_parameters``, frozen; an empty mapping is None."""
    given: object = value  # untyped callers may pass anything
    if given is None:
        return None
    if not isinstance(given, Mapping):
        hint = " (parse JSON text with json.loads first)" if isinstance(given, str) else ""
        raise checks.fail(
            "input_parameters",
            f"expected a mapping of parameter names to values, not "
            f"{type(given).__name__} {checks.show(given)}{hint}",
        )
    if not given:
        return None
    return cast("Mapping[str, JsonValue]", checks.freeze_json(given, "input_parameters"))


def _json_limit(text: str) -> str | None:
    limit = limits.INPUT_PARAMETERS_MAX
    if len(text) <= limit:
        return None
    return f"written as compact JSON they are {len(text):,} characters long; the limit is {limit:,}"


def check_input_parameters(
    _inst: object, attribute: attrs.Attribute[Any], value: Mapping[str, JsonValue] | None
) -> None:
    """The attrs validator of ``input_parameters``: the compact JSON within the limit."""
    if value is not None:
        checks.run((_json_limit,), checks.json_text(value), attribute.name)


def sensitive_inputs(value: Iterable[str]) -> frozenset[str]:
    """The ``sensitive_inputs`` of a rule: a list of names, as a frozenset."""
    return names_set(value, "sensitive_inputs", (checks.is_a(str, "a string"),))


def secret_arguments(arguments: Mapping[str, Any]) -> list[str]:
    """The secret texts among a rule's constructor arguments (for its error messages)."""
    given = arguments.get("input_parameters")
    marked = arguments.get("sensitive_inputs", ())
    if not isinstance(given, Mapping) or not isinstance(marked, (list, tuple, set, frozenset)):
        return []
    return [t for n in marked if n in given for t in redaction.secret_texts(given[n])]


def policy_repr(text: str | None) -> str:
    """A Guard policy in a repr: its length, not its text."""
    return "None" if text is None else f"<{len(text):,} characters>"


RULE_NAME = checks.text(
    1, limits.RULE_NAME_MAX, limits.RULE_NAME_PATTERN, "letters, digits, '-' and '_'"
)
POLICY_FILE_MAX_BYTES = 4 * limits.POLICY_TEXT_MAX  # at most 4 UTF-8 bytes a character


def read_policy(path: object) -> str:
    """The text of a ``.guard`` file; anything that is not one raises for ``policy_text``."""
    if not isinstance(path, (str, PathLike)):
        raise checks.fail(
            "path", f"must be a file path (str or os.PathLike), not {type(path).__name__}"
        )
    try:
        name = os.fspath(path)
    except TypeError as e:
        raise checks.fail("path", "the path object gives no path") from e
    if not isinstance(name, str):
        raise checks.fail("path", f"must be a text path, not {type(name).__name__}")
    shown = checks.show(name, 200)
    try:
        with open(name, "rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            data = b"" if size > POLICY_FILE_MAX_BYTES else stream.read(size + 1)
    except (OSError, ValueError) as e:  # ValueError: a NUL in the path
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise checks.fail(
            "policy_text", f"cannot read the policy file {shown}: {checks.show(reason, 200)}"
        ) from e
    if size > POLICY_FILE_MAX_BYTES or len(data) > POLICY_FILE_MAX_BYTES:
        raise checks.fail(
            "policy_text",
            f"the policy file {shown} is {max(size, len(data)):,} bytes; a policy is at most "
            f"{limits.POLICY_TEXT_MAX:,} characters",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise checks.fail(
            "policy_text",
            f"cannot read the policy file {shown}: it is not UTF-8 text (byte {e.start:,})",
        ) from e
