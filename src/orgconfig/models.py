"""The domain model: conformance packs, organization config rules and their deployment states.

Every class is a frozen attrs class that checks itself on construction against the limits the AWS
Config API enforces, so that a bad value fails here, with the offending field named, rather than in
the service after a round trip. Every failure raises :class:`~orgconfig.errors.ValidationError`,
whose ``field`` names the field in orgconfig's terms (``"name"``, ``"parameters['Foo']"``,
``"excluded_accounts[2]"``) and whose message states the value, the rule and the limit.

Collections are stored immutable: sequences as tuples, mappings as read-only mappings that hash
and compare by content. Every instance is therefore hashable and equal by value.

The models know nothing of the wire format: ``orgconfig._converters`` translates them to and
from the API's requests and answers.

Limits, as checked here (botocore's config model 2014-11-12 and the AWS Config API reference):

=====================================  ============================================================
conformance pack name                  1-128, ``[a-zA-Z][-a-zA-Z0-9]*``
conformance pack parameters            at most 60 (the documented limit; the botocore model says
                                       330, which :class:`ConformancePackInfo` accepts); names
                                       1-255, values 0-4,096 characters
delivery bucket / key prefix           an S3 bucket name starting ``awsconfigconforms`` / 1-1,024
excluded / debug-log accounts          at most 1,000 unique 12-digit account ids
tags                                   at most 50; key 1-128 without the reserved ``aws:`` prefix;
                                       value 0-256
rule name                              1-64, ``[A-Za-z0-9-_]+``
rule description                       0-256
rule input parameters                  compact JSON of at most 2,048 characters (the API reference;
                                       botocore's model still says 1,024)
rule resource scope                    at most 100 resource types of 1-256; resource id 1-768;
                                       tag key 1-128; tag value 1-256
managed rule identifier                1-256
Lambda function ARN                    1-256, ``arn:<partition>:lambda:...:function:...`` where
                                       the partition is aws or aws-<name> (aws-cn, ...)
trigger types                          1-3 of ConfigurationItemChangeNotification,
                                       OversizedConfigurationItemChangeNotification,
                                       ScheduledNotification (no ScheduledNotification for Guard)
Guard policy runtime / text            ``guard-2.x.x`` / 0-10,000 characters
=====================================  ============================================================
"""

from __future__ import annotations

import difflib
import enum
import json
import math
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from os import PathLike
from pathlib import Path
from typing import Any, Literal, TypeAlias, cast

import attrs
from attrs import validators as v

from orgconfig._frozen import FrozenDict
from orgconfig._vocabulary import (
    FREQUENCIES,
    GUARD_RUNTIME,
    TRIGGER_TYPES,
    Frequency,
    TriggerType,
)
from orgconfig.errors import ValidationError
from orgconfig.templates import Template, TemplateRule

__all__ = [
    "FREQUENCIES",
    "GUARD_RUNTIME",
    "TRIGGER_TYPES",
    "AccountStatus",
    "ConformancePack",
    "ConformancePackInfo",
    "DeploymentStatus",
    "Frequency",
    "JsonValue",
    "OrgConfigRule",
    "ParameterValue",
    "RuleKind",
    "Status",
    "TriggerType",
]

# -- vocabulary ---------------------------------------------------------------------------------

_CHANGE_TRIGGERS: tuple[TriggerType, ...] = TRIGGER_TYPES[:2]
_SCHEDULED: TriggerType = "ScheduledNotification"


JsonValue: TypeAlias = (
    str | int | float | bool | tuple["JsonValue", ...] | Mapping[str, "JsonValue"] | None
)
"""A rule input parameter value, stored frozen: JSON arrays as tuples, objects as mappings."""

ParameterValue: TypeAlias = str | int | float | bool
"""What a conformance pack parameter value may be given as; it is stored as a string."""

_PACK_NAME_RE = r"[a-zA-Z][-a-zA-Z0-9]*"
_RULE_NAME_RE = r"[A-Za-z0-9_-]+"
_ACCOUNT_RE = r"[0-9]{12}"
_RUNTIME_RE = r"guard\-2\.x\.x"
_LAMBDA_ARN_RE = (
    r"arn:aws(?:-[a-z]+)*:lambda:[a-z]{2,}(?:-[a-z]+)+-[0-9]+:[0-9]{12}:function:"
    r"[A-Za-z0-9_-]{1,64}(?::(?:\$LATEST|[A-Za-z0-9_-]{1,128}))?"
)
_BUCKET_PREFIX = "awsconfigconforms"
_BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")

_MAX_PACK_PARAMETERS = 60
_MAX_MODEL_PACK_PARAMETERS = 330
_MAX_ACCOUNTS = 1000
_MAX_TAGS = 50
_MAX_RESOURCE_TYPES = 100
_MAX_INPUT_PARAMETERS_JSON = 2048


_EMPTY: Mapping[str, str] = FrozenDict({})


# -- validation: attrs validators wrapped so that failures name the field -----------------------

_AttrsValidator = Callable[[Any, "attrs.Attribute[Any]", Any], Any]


@attrs.frozen
class _Rule:
    """One constraint: an attrs validator, and how to explain a value that fails it."""

    check: _AttrsValidator
    explain: Callable[[Any], str]


def _show(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut short when long."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def _characters(text: str) -> str:
    n = len(text)
    return f"{n:,} character{'' if n == 1 else 's'}"


def _fail(label: str, message: str) -> ValidationError:
    return ValidationError(f"{label}: {message}", field=label)


def _apply(
    rules: Iterable[_Rule], inst: object, attribute: attrs.Attribute[Any], value: Any, label: str
) -> None:
    """Run ``rules`` on ``value``; the first that fails raises a ValidationError for ``label``."""
    for rule in rules:
        try:
            rule.check(inst, attribute, value)
        except (TypeError, ValueError) as e:
            raise _fail(label, rule.explain(value)) from e


def _is(kind: type, noun: str) -> _Rule:
    return _Rule(
        v.instance_of(kind), lambda x: f"must be {noun}, not {type(x).__name__} {_show(x)}"
    )


def _text(lo: int, hi: int, regex: str | None = None, hint: str = "") -> tuple[_Rule, ...]:
    """A string of ``lo`` to ``hi`` characters, matching ``regex`` in full when given."""
    rules = [_is(str, "a string")]
    if lo > 0:
        rules.append(
            _Rule(
                v.min_len(lo),
                lambda x: (
                    "must not be empty"
                    if lo == 1
                    else f"{_show(x)} is {_characters(x)} long; the minimum is {lo}"
                ),
            )
        )
    rules.append(
        _Rule(
            v.max_len(hi),
            lambda x: f"{_show(x)} is {_characters(x)} long; the limit is {hi:,}",
        )
    )
    if regex is not None:
        rules.append(_matches(regex, f"does not match {regex} ({hint})"))
    return tuple(rules)


def _matches(regex: str, what: str) -> _Rule:
    return _Rule(v.matches_re(regex), lambda x: f"{_show(x)} {what}")


def _one_of(options: Iterable[str], noun: str) -> _Rule:
    choices = tuple(options)
    return _Rule(
        v.in_(choices),
        lambda x: f"{_show(x)} is not a valid {noun}; use one of {', '.join(choices)}",
    )


def _check(*rules: _Rule) -> _AttrsValidator:
    """An attrs validator running ``rules`` on the field's value."""

    def validate(inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        _apply(rules, inst, attribute, value, attribute.name)

    return validate


def _check_optional(*rules: _Rule) -> _AttrsValidator:
    """Like :func:`_check`, letting None through."""

    def validate(inst: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            _apply(rules, inst, attribute, value, attribute.name)

    return validate


def _check_items(*rules: _Rule, limit: int, noun: str, unique: bool) -> _AttrsValidator:
    """An attrs validator for a tuple: at most ``limit`` items, each passing ``rules``."""

    def validate(inst: object, attribute: attrs.Attribute[Any], value: tuple[Any, ...]) -> None:
        name = attribute.name
        count = _Rule(
            v.max_len(limit), lambda x: f"{len(x):,} {noun}s given; at most {limit:,} are allowed"
        )
        _apply((count,), inst, attribute, value, name)
        seen: dict[Any, int] = {}
        for i, item in enumerate(value):
            label = f"{name}[{i}]"
            _apply(rules, inst, attribute, item, label)
            if unique and item in seen:
                raise _fail(label, f"{item!r} is listed twice (also at {name}[{seen[item]}])")
            seen.setdefault(item, i)

    return validate


def _check_entries(
    key_rules: Iterable[_Rule], value_rules: Iterable[_Rule], *, limit: int, noun: str
) -> _AttrsValidator:
    """An attrs validator for a mapping: at most ``limit`` entries, keys and values checked."""
    key_rules = tuple(key_rules)
    value_rules = tuple(value_rules)

    def validate(inst: object, attribute: attrs.Attribute[Any], value: Mapping[Any, Any]) -> None:
        name = attribute.name
        count = _Rule(
            v.max_len(limit), lambda x: f"{len(x):,} {noun}s given; at most {limit:,} are allowed"
        )
        _apply((count,), inst, attribute, value, name)
        for key, item in value.items():
            label = f"{name}[{key!r}]"
            _apply(key_rules, inst, attribute, key, label)
            _apply(value_rules, inst, attribute, item, label)

    return validate


def _key(*rules: _Rule) -> tuple[_Rule, ...]:
    """``rules`` applied to a mapping key: the explanation says it is about the key."""

    def about_key(rule: _Rule) -> _Rule:
        return _Rule(rule.check, lambda x: f"the key {rule.explain(x)}")

    return tuple(about_key(r) for r in rules)


_ACCOUNT = (_is(str, "a string"), _matches(_ACCOUNT_RE, "is not an AWS account id (12 digits)"))

_TAG_KEY = _key(
    *_text(1, 128),
    _Rule(
        lambda _i, _a, x: _require(not x.lower().startswith("aws:")),
        lambda x: f"{_show(x)} starts with 'aws:', a prefix reserved for AWS",
    ),
)
_TAG_VALUE = _text(0, 256)

_BUCKET = (
    *_text(3, 63),
    _Rule(
        lambda _i, _a, x: _require(x.startswith(_BUCKET_PREFIX)),
        lambda x: f"{_show(x)} does not start with {_BUCKET_PREFIX!r}, as the service requires",
    ),
    _matches(
        r"[a-z0-9.-]+",
        "is not a valid S3 bucket name (lowercase letters, digits, '.' and '-' only)",
    ),
    _matches(r".*[a-z0-9]", "is not a valid S3 bucket name (it must end with a letter or digit)"),
    _Rule(
        lambda _i, _a, x: _require(".." not in x),
        lambda x: f"{_show(x)} is not a valid S3 bucket name (two adjacent periods)",
    ),
    _Rule(
        lambda _i, _a, x: _require(not x.endswith(_BUCKET_RESERVED_SUFFIXES)),
        lambda x: (
            f"{_show(x)} is not a valid S3 bucket name (it ends with a suffix S3 reserves: "
            f"{', '.join(_BUCKET_RESERVED_SUFFIXES)})"
        ),
    ),
)


def _require(condition: bool) -> None:
    """Raise ValueError unless ``condition``: the failure signal of a hand-written check."""
    if not condition:
        raise ValueError("check failed")


def _check_tags() -> _AttrsValidator:
    return _check_entries(_TAG_KEY, _TAG_VALUE, limit=_MAX_TAGS, noun="tag")


def _check_accounts() -> _AttrsValidator:
    return _check_items(*_ACCOUNT, limit=_MAX_ACCOUNTS, noun="account", unique=True)


def _check_last_update() -> _AttrsValidator:
    return _check_optional(_is(datetime, "a datetime"))


# -- converters: normalise what users pass into immutable values --------------------------------


def _tuple_of(value: object, field: str) -> tuple[Any, ...]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise _fail(field, f"expected a list of strings, not {type(value).__name__} {_show(value)}")
    return tuple(value)


def _as_set(accounts: tuple[str, ...]) -> frozenset[str]:
    """Compare account lists as sets: their order means nothing to AWS (nor is it kept)."""
    return frozenset(accounts)


def _excluded_accounts(value: Iterable[str]) -> tuple[str, ...]:
    return _tuple_of(value, "excluded_accounts")


def _debug_log_accounts(value: Iterable[str]) -> tuple[str, ...]:
    return _tuple_of(value, "debug_log_accounts")


def _resource_types(value: Iterable[str]) -> tuple[str, ...]:
    return _tuple_of(value, "resource_types")


def _trigger_types(value: Iterable[str]) -> tuple[TriggerType, ...]:
    return cast("tuple[TriggerType, ...]", _tuple_of(value, "trigger_types"))


def _mapping_of(value: object, field: str) -> FrozenDict[Any, Any]:
    if not isinstance(value, Mapping):
        raise _fail(field, f"expected a mapping, not {type(value).__name__} {_show(value)}")
    return FrozenDict(value)


def _tags(value: Mapping[str, str]) -> Mapping[str, str]:
    return _mapping_of(value, "tags")


def _parameter_text(value: ParameterValue, label: str) -> str:
    """A parameter value as the string CloudFormation receives."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _fail(label, f"{value!r} is not a usable parameter value")
        return str(value)
    return value  # a str, or a wrong type from an untyped caller, which the validator rejects


def _parameters(value: Mapping[str, ParameterValue]) -> Mapping[str, str]:
    if isinstance(value, Mapping) and len(value) > _MAX_MODEL_PACK_PARAMETERS:
        # Refuse before converting a huge mapping entry by entry (the validator gives the
        # exact limit, 60 for a ConformancePack, for anything smaller).
        raise _fail(
            "parameters",
            f"{len(value):,} parameters given; at most {_MAX_MODEL_PACK_PARAMETERS} "
            f"(and a ConformancePack takes at most {_MAX_PACK_PARAMETERS})",
        )
    frozen = _mapping_of(value, "parameters")
    return FrozenDict({k: _parameter_text(x, f"parameters[{k!r}]") for k, x in frozen.items()})


def _none_if_empty(value: str | None) -> str | None:
    return None if value == "" else value


def _status(value: Status | str) -> Status:
    if isinstance(value, Status):
        return value
    try:
        return Status(value)
    except ValueError:
        raise _fail(
            "status", f"{_show(value)} is not a status; use one of {', '.join(Status)}"
        ) from None


def _rule_kind(value: RuleKind | str) -> RuleKind:
    if isinstance(value, RuleKind):
        return value
    try:
        return RuleKind(value)
    except ValueError:
        raise _fail(
            "kind", f"{_show(value)} is not a rule kind; use one of {', '.join(RuleKind)}"
        ) from None


_MAX_JSON_DEPTH = 64


class _Budget:
    """Counts the JSON values seen, so a huge input is refused before it is all converted."""

    def __init__(self, limit: int) -> None:
        self.left = limit


def _freeze_json(
    value: object, label: str, depth: int = 0, budget: _Budget | None = None
) -> JsonValue:
    """``value`` as a frozen JSON value; anything JSON cannot carry raises for ``label``.

    Every JSON value takes at least one character, so more values than the 2,048 characters
    the API allows, or nesting deeper than 64 levels, are refused early.
    """
    budget = budget or _Budget(_MAX_INPUT_PARAMETERS_JSON)
    budget.left -= 1
    if budget.left < 0:
        raise _fail(
            "input_parameters",
            f"too many values to fit in {_MAX_INPUT_PARAMETERS_JSON:,} characters of JSON",
        )
    if depth > _MAX_JSON_DEPTH:
        raise _fail("input_parameters", f"nested deeper than {_MAX_JSON_DEPTH} levels")
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _fail(label, f"{value!r} cannot be written as JSON (no NaN or infinity)")
        return value
    if isinstance(value, Mapping):
        frozen: dict[str, JsonValue] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise _fail(label, f"the key {key!r} is not a string, as JSON requires")
            frozen[key] = _freeze_json(item, f"{label}[{key!r}]", depth + 1, budget)
        return FrozenDict(frozen)
    if isinstance(value, (list, tuple)):
        return tuple(
            _freeze_json(item, f"{label}[{i}]", depth + 1, budget) for i, item in enumerate(value)
        )
    raise _fail(
        label,
        f"{type(value).__name__} {_show(value)} cannot be written as JSON "
        "(use strings, numbers, booleans, None, lists and mappings)",
    )


def _input_parameters(value: Mapping[str, object] | None) -> Mapping[str, JsonValue] | None:
    given: object = value  # untyped callers may pass anything
    if given is None:
        return None
    if not isinstance(given, Mapping):
        hint = " (parse JSON text with json.loads first)" if isinstance(given, str) else ""
        raise _fail(
            "input_parameters",
            f"expected a mapping of parameter names to values, not "
            f"{type(given).__name__} {_show(given)}{hint}",
        )
    if not given:
        return None
    return cast("Mapping[str, JsonValue]", _freeze_json(given, "input_parameters"))


def _thaw(value: JsonValue) -> object:
    if isinstance(value, Mapping):
        return {k: _thaw(x) for k, x in value.items()}
    if isinstance(value, tuple):
        return [_thaw(x) for x in value]
    return value


def _json_text(parameters: Mapping[str, JsonValue]) -> str:
    return json.dumps(_thaw(parameters), separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _check_input_parameters(
    inst: object, attribute: attrs.Attribute[Any], value: Mapping[str, JsonValue] | None
) -> None:
    if value is None:
        return
    limit = _MAX_INPUT_PARAMETERS_JSON
    rule = _Rule(
        v.max_len(limit),
        lambda text: (
            f"written as compact JSON they are {_characters(text)} long; the limit is {limit:,}"
        ),
    )
    _apply((rule,), inst, attribute, _json_text(value), attribute.name)


# -- compact reprs for the big fields ---------------------------------------------------------


def _policy_repr(text: str | None) -> str:
    return "None" if text is None else f"<{len(text):,} characters>"


def _closest(name: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like ``name``, ignoring case; None when nothing is close."""
    by_lower = {c.lower(): c for c in candidates}
    found = difflib.get_close_matches(name.lower(), list(by_lower), n=1)
    return by_lower[found[0]] if found else None


def _names(names: Iterable[str], limit: int = 12) -> str:
    listed = sorted(names)
    shown = ", ".join(listed[:limit])
    return shown + (f", ... ({len(listed)} in all)" if len(listed) > limit else "")


# -- conformance packs --------------------------------------------------------------------------

_PACK_NAME = _text(1, 128, _PACK_NAME_RE, "a letter, then letters, digits and hyphens")
_PARAMETER_NAME = _key(*_text(1, 255))
_PARAMETER_VALUE = _text(0, 4096)


@attrs.frozen
class ConformancePack:
    """A conformance pack to deploy to every account of the organization.

    Checked on construction: the name; the parameters (at most 60, names 1-255 and values up to
    4,096 characters; every parameter the template requires given, and none it does not declare);
    the excluded accounts; the delivery bucket and prefix; the tags. Parameter values may be
    given as ``str``, ``int``, ``float`` or ``bool``; they are stored as the strings CloudFormation
    receives (``True`` becomes ``"true"``, ``90`` becomes ``"90"``).

    An empty ``delivery_bucket`` or ``delivery_prefix`` is the same as None. A template too big
    for a request body (``template.needs_s3``) is accepted here; deploying it needs the template
    loaded from S3.

    Example::

        pack = ConformancePack(
            "s3-baseline",
            Template.from_file("s3.yaml"),
            parameters={"MaxAccessKeyAge": 90},
            excluded_accounts=["111122223333"],
            tags={"team": "security"},
        )
    """

    name: str = attrs.field(validator=_check(*_PACK_NAME))
    template: Template = attrs.field(validator=_check(_is(Template, "a Template")))
    parameters: Mapping[str, str] = attrs.field(
        default=_EMPTY,
        converter=_parameters,
        validator=_check_entries(
            _PARAMETER_NAME, _PARAMETER_VALUE, limit=_MAX_PACK_PARAMETERS, noun="parameter"
        ),
    )
    excluded_accounts: tuple[str, ...] = attrs.field(
        default=(), converter=_excluded_accounts, validator=_check_accounts(), eq=_as_set
    )
    delivery_bucket: str | None = attrs.field(
        default=None, converter=_none_if_empty, validator=_check_optional(*_BUCKET)
    )
    delivery_prefix: str | None = attrs.field(
        default=None, converter=_none_if_empty, validator=_check_optional(*_text(1, 1024))
    )
    tags: Mapping[str, str] = attrs.field(default=_EMPTY, converter=_tags, validator=_check_tags())

    def __attrs_post_init__(self) -> None:
        declared = self.template.parameters
        for name in self.parameters:
            if name not in declared:
                label = f"parameters[{name!r}]"
                closest = _closest(name, declared)
                hint = f"; did you mean {closest!r}?" if closest else ""
                known = (
                    f" (declared: {_names(declared)})"
                    if declared
                    else " (it declares no parameters)"
                )
                raise _fail(label, f"the template has no parameter {name!r}{hint}{known}")
        missing = sorted(self.template.required_parameters - self.parameters.keys())
        if missing:
            raise _fail(
                f"parameters[{missing[0]!r}]",
                f"the template requires a value for {_names(missing)} (no Default in the template)",
            )
        if self.delivery_prefix is not None and self.delivery_bucket is None:
            raise _fail("delivery_prefix", "a delivery key prefix needs a delivery_bucket")


@attrs.frozen
class ConformancePackInfo:
    """What the service knows of a deployed conformance pack: what ``get(name)`` returns.

    The service does not return the template, so this is not a :class:`ConformancePack`.
    Parameters are checked against the botocore model's limit (330), not the documented 60,
    so that whatever the service holds can be read.

    Example::

        info = org.conformance_packs.get("s3-baseline")
        print(info.arn, info.parameters, info.last_update)
    """

    name: str = attrs.field(validator=_check(*_PACK_NAME))
    arn: str = attrs.field(validator=_check(*_text(1, 256)))
    parameters: Mapping[str, str] = attrs.field(
        default=_EMPTY,
        converter=_parameters,
        validator=_check_entries(
            _PARAMETER_NAME, _PARAMETER_VALUE, limit=_MAX_MODEL_PACK_PARAMETERS, noun="parameter"
        ),
    )
    excluded_accounts: tuple[str, ...] = attrs.field(
        default=(), converter=_excluded_accounts, validator=_check_accounts(), eq=_as_set
    )
    delivery_bucket: str | None = attrs.field(
        default=None, converter=_none_if_empty, validator=_check_optional(*_BUCKET)
    )
    delivery_prefix: str | None = attrs.field(
        default=None, converter=_none_if_empty, validator=_check_optional(*_text(1, 1024))
    )
    last_update: datetime | None = attrs.field(default=None, validator=_check_last_update())


# -- deployment states --------------------------------------------------------------------------

_Action = Literal["create", "update", "delete"]
_ACTIONS: dict[str, _Action] = {"CREATE": "create", "UPDATE": "update", "DELETE": "delete"}


class Status(str, enum.Enum):
    """The state of a deployment (of a pack or rule, in aggregate or in one member account).

    ``UNKNOWN`` stands for a state this version of orgconfig does not know (AWS may add some);
    the state's text is kept in the ``unknown_status`` field of the status record.

    Example::

        if status.status.failed:
            print(status.status.action, "failed")
    """

    CREATE_IN_PROGRESS = "CREATE_IN_PROGRESS"
    CREATE_SUCCESSFUL = "CREATE_SUCCESSFUL"
    CREATE_FAILED = "CREATE_FAILED"
    UPDATE_IN_PROGRESS = "UPDATE_IN_PROGRESS"
    UPDATE_SUCCESSFUL = "UPDATE_SUCCESSFUL"
    UPDATE_FAILED = "UPDATE_FAILED"
    DELETE_IN_PROGRESS = "DELETE_IN_PROGRESS"
    DELETE_SUCCESSFUL = "DELETE_SUCCESSFUL"
    DELETE_FAILED = "DELETE_FAILED"
    UNKNOWN = "UNKNOWN"

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, text: str) -> Status:
        """Return the member for ``text``, or ``UNKNOWN`` for a state this version does not know."""
        try:
            return cls(text)
        except ValueError:
            return cls.UNKNOWN

    @property
    def in_progress(self) -> bool:
        """True for the three ``*_IN_PROGRESS`` states."""
        return self.value.endswith("_IN_PROGRESS")

    @property
    def succeeded(self) -> bool:
        """True for the three ``*_SUCCESSFUL`` states."""
        return self.value.endswith("_SUCCESSFUL")

    @property
    def failed(self) -> bool:
        """True for the three ``*_FAILED`` states."""
        return self.value.endswith("_FAILED")

    @property
    def finished(self) -> bool:
        """True once the action ended, well or badly (``UNKNOWN`` is not finished)."""
        return self.succeeded or self.failed

    @property
    def action(self) -> _Action | None:
        """``"create"``, ``"update"`` or ``"delete"``; None for ``UNKNOWN``."""
        return _ACTIONS.get(self.value.split("_", 1)[0])


def _keep_unknown_only(record: DeploymentStatus | AccountStatus) -> None:
    """Drop ``unknown_status`` from a record whose status is known (e.g. after ``evolve``)."""
    if record.status is not Status.UNKNOWN and record.unknown_status is not None:
        object.__setattr__(record, "unknown_status", None)


_OPTIONAL_TEXT = _check_optional(_is(str, "a string"))


@attrs.frozen
class DeploymentStatus:
    """The aggregate status of a conformance pack or rule across the organization.

    ``name`` is the pack's or the rule's name. ``unknown_status`` holds the service's text when
    ``status`` is :attr:`Status.UNKNOWN`, and is None otherwise.

    Example::

        s = org.conformance_packs.status("s3-baseline")
        if s.status.failed:
            print(s.error_code, s.error_message)
    """

    name: str = attrs.field(validator=_check(*_text(1, 256)))
    status: Status = attrs.field(converter=_status)
    error_code: str | None = attrs.field(default=None, validator=_OPTIONAL_TEXT)
    error_message: str | None = attrs.field(default=None, validator=_OPTIONAL_TEXT)
    last_update: datetime | None = attrs.field(default=None, validator=_check_last_update())
    unknown_status: str | None = attrs.field(
        default=None, kw_only=True, validator=_check_optional(*_text(1, 256))
    )

    def __attrs_post_init__(self) -> None:
        _keep_unknown_only(self)


@attrs.frozen
class AccountStatus:
    """The status of a conformance pack or rule in one member account.

    ``member_name`` is the name the service gave the pack or rule it created in the member
    account (such as ``OrgConformsPack-s3-baseline-abcd1234``). ``unknown_status`` holds the
    service's text when ``status`` is :attr:`Status.UNKNOWN`, and is None otherwise.

    Example::

        for account in org.conformance_packs.account_statuses("s3-baseline"):
            if account.status.failed:
                print(account.account_id, account.error_code, account.error_message)
    """

    account_id: str = attrs.field(validator=_check(*_ACCOUNT))
    status: Status = attrs.field(converter=_status)
    member_name: str = attrs.field(validator=_check(*_text(1, 256)))
    error_code: str | None = attrs.field(default=None, validator=_OPTIONAL_TEXT)
    error_message: str | None = attrs.field(default=None, validator=_OPTIONAL_TEXT)
    last_update: datetime | None = attrs.field(default=None, validator=_check_last_update())
    unknown_status: str | None = attrs.field(
        default=None, kw_only=True, validator=_check_optional(*_text(1, 256))
    )

    def __attrs_post_init__(self) -> None:
        _keep_unknown_only(self)


# -- organization config rules ------------------------------------------------------------------


class RuleKind(str, enum.Enum):
    """The three kinds of organization config rule.

    Example::

        if rule.kind is RuleKind.CUSTOM_POLICY:
            print(rule.policy_text)
    """

    MANAGED = "managed"
    """An AWS managed rule, named by its identifier (``S3_BUCKET_VERSIONING_ENABLED``)."""
    CUSTOM_LAMBDA = "custom_lambda"
    """A custom rule evaluated by a Lambda function."""
    CUSTOM_POLICY = "custom_policy"
    """A custom rule written in Guard (a "custom policy" rule)."""

    def __str__(self) -> str:
        return self.value


_ONLY_FOR: dict[str, tuple[RuleKind, ...]] = {
    "identifier": (RuleKind.MANAGED,),
    "lambda_arn": (RuleKind.CUSTOM_LAMBDA,),
    "trigger_types": (RuleKind.CUSTOM_LAMBDA, RuleKind.CUSTOM_POLICY),
    "policy_text": (RuleKind.CUSTOM_POLICY,),
    "policy_runtime": (RuleKind.CUSTOM_POLICY,),
    "debug_log_accounts": (RuleKind.CUSTOM_POLICY,),
}
_REQUIRED_FOR: dict[RuleKind, tuple[str, ...]] = {
    RuleKind.MANAGED: ("identifier",),
    RuleKind.CUSTOM_LAMBDA: ("lambda_arn",),
    RuleKind.CUSTOM_POLICY: ("policy_text", "policy_runtime"),
}


@attrs.frozen(kw_only=True, repr=False)
class OrgConfigRule:
    """An AWS Config rule deployed to every account of the organization.

    Build one with a named constructor: :meth:`managed`, :meth:`custom_lambda`,
    :meth:`custom_policy`, :meth:`custom_policy_from_file` or :meth:`from_template_rule`.
    ``kind`` says which; the fields of the other kinds are None or empty.

    ``input_parameters`` is stored frozen (JSON arrays as tuples, objects as read-only
    mappings); the API receives it as compact JSON (:attr:`input_parameters_json`, keys in the
    order given), which may be at most 2,048 characters long. An empty mapping is the same as
    none.

    Execution frequency: a managed rule may carry one (the service applies it when the managed
    rule is periodic); a Lambda rule only with ``ScheduledNotification`` among its trigger
    types; a Guard rule never, since AWS Config Custom Policy rules are initiated by
    configuration changes only (Config developer guide, "AWS Config Custom Policy Rules").

    Example::

        rule = OrgConfigRule.managed(
            "access-keys-rotated",
            "ACCESS_KEYS_ROTATED",
            input_parameters={"maxAccessKeyAge": "90"},
            max_frequency="TwentyFour_Hours",
        )
    """

    name: str = attrs.field(
        validator=_check(*_text(1, 64, _RULE_NAME_RE, "letters, digits, '-' and '_'"))
    )
    kind: RuleKind = attrs.field(converter=_rule_kind)
    identifier: str | None = attrs.field(default=None, validator=_check_optional(*_text(1, 256)))
    lambda_arn: str | None = attrs.field(
        default=None,
        validator=_check_optional(
            *_text(1, 256),
            _matches(
                _LAMBDA_ARN_RE,
                "is not a Lambda function ARN (arn:<aws partition>:lambda:<region>:"
                "<12-digit account>:function:<name>[:<version or alias>])",
            ),
        ),
    )
    policy_text: str | None = attrs.field(
        default=None, validator=_check_optional(*_text(0, 10_000)), repr=_policy_repr
    )
    policy_runtime: str | None = attrs.field(
        default=None,
        validator=_check_optional(*_text(1, 64, _RUNTIME_RE, f"the runtime is {GUARD_RUNTIME}")),
    )
    trigger_types: tuple[TriggerType, ...] = attrs.field(
        default=(),
        converter=_trigger_types,
        validator=_check_items(
            _one_of(TRIGGER_TYPES, "trigger type"), limit=3, noun="trigger type", unique=True
        ),
    )
    description: str | None = attrs.field(default=None, validator=_check_optional(*_text(0, 256)))
    input_parameters: Mapping[str, JsonValue] | None = attrs.field(
        default=None, converter=_input_parameters, validator=_check_input_parameters
    )
    max_frequency: Frequency | None = attrs.field(
        default=None, validator=_check_optional(_one_of(FREQUENCIES, "execution frequency"))
    )
    resource_types: tuple[str, ...] = attrs.field(
        default=(),
        converter=_resource_types,
        validator=_check_items(
            *_text(1, 256), limit=_MAX_RESOURCE_TYPES, noun="resource type", unique=False
        ),
    )
    resource_id: str | None = attrs.field(default=None, validator=_check_optional(*_text(1, 768)))
    tag_key: str | None = attrs.field(default=None, validator=_check_optional(*_text(1, 128)))
    tag_value: str | None = attrs.field(default=None, validator=_check_optional(*_text(1, 256)))
    excluded_accounts: tuple[str, ...] = attrs.field(
        default=(), converter=_excluded_accounts, validator=_check_accounts(), eq=_as_set
    )
    debug_log_accounts: tuple[str, ...] = attrs.field(
        default=(),
        converter=_debug_log_accounts,
        validator=_check_items(*_ACCOUNT, limit=_MAX_ACCOUNTS, noun="account", unique=True),
        eq=_as_set,
    )
    tags: Mapping[str, str] = attrs.field(default=_EMPTY, converter=_tags, validator=_check_tags())

    def __repr__(self) -> str:
        """Show the name, the kind and only the fields that are set (policy text by length)."""
        shown = []
        for field in attrs.fields(type(self)):
            if field.name in ("name", "kind"):
                continue
            value = getattr(self, field.name)
            if value is None or (isinstance(value, tuple | Mapping) and not value):
                continue
            text = _policy_repr(value) if field.name == "policy_text" else repr(value)
            shown.append(f"{field.name}={text}")
        head = f"OrgConfigRule.{self.kind.value}({self.name!r}"
        return head + "".join(f", {part}" for part in shown) + ")"

    def __attrs_post_init__(self) -> None:
        self._check_kind_fields()
        self._check_triggers()
        if self.resource_id is not None and len(self.resource_types) != 1:
            raise _fail(
                "resource_id",
                f"a resource_id scope needs exactly one resource type; "
                f"{len(self.resource_types)} given",
            )
        if self.tag_value is not None and self.tag_key is None:
            raise _fail("tag_value", "a tag_value scope needs a tag_key")
        if self.tag_key is not None and (self.resource_types or self.resource_id is not None):
            raise _fail(
                "tag_key",
                "a scope is either resources (resource_types, resource_id) or a tag "
                "(tag_key, tag_value), not both",
            )

    def _check_kind_fields(self) -> None:
        """Each kind has its own required fields, and no field of another kind."""
        kind = self.kind
        for field in _REQUIRED_FOR[kind]:
            if getattr(self, field) is None:
                raise _fail(field, f"a {kind} rule needs {field}")
        for field, kinds in _ONLY_FOR.items():
            if kind not in kinds and getattr(self, field) not in (None, ()):
                allowed = " and ".join(str(k) for k in kinds)
                raise _fail(field, f"only {allowed} rules take {field}; this is a {kind} rule")

    def _check_triggers(self) -> None:
        """Lambda rules need triggers (ScheduledNotification for a frequency); Guard: no period."""
        if self.kind is RuleKind.CUSTOM_LAMBDA:
            if not self.trigger_types:
                raise _fail(
                    "trigger_types",
                    f"a custom_lambda rule needs 1 to 3 trigger types ({', '.join(TRIGGER_TYPES)})",
                )
            if self.max_frequency is not None and _SCHEDULED not in self.trigger_types:
                raise _fail(
                    "max_frequency",
                    f"{self.max_frequency!r} needs {_SCHEDULED} among the trigger types "
                    f"(they are: {', '.join(self.trigger_types)})",
                )
        elif self.kind is RuleKind.CUSTOM_POLICY:
            if _SCHEDULED in self.trigger_types:
                i = self.trigger_types.index(_SCHEDULED)
                raise _fail(
                    f"trigger_types[{i}]",
                    f"Guard (custom_policy) rules are change-triggered; {_SCHEDULED} is not "
                    f"allowed (use {' or '.join(_CHANGE_TRIGGERS)})",
                )
            if self.max_frequency is not None:
                raise _fail(
                    "max_frequency",
                    f"Guard (custom_policy) rules are change-triggered and take no execution "
                    f"frequency; got {self.max_frequency!r}",
                )

    @property
    def input_parameters_json(self) -> str | None:
        """The input parameters as compact JSON, the form the API limits to 2,048 characters."""
        return None if self.input_parameters is None else _json_text(self.input_parameters)

    # -- named constructors ----------------------------------------------------------------------

    @classmethod
    def managed(
        cls,
        name: str,
        identifier: str,
        *,
        description: str | None = None,
        input_parameters: Mapping[str, object] | None = None,
        max_frequency: Frequency | None = None,
        resource_types: Iterable[str] = (),
        resource_id: str | None = None,
        tag_key: str | None = None,
        tag_value: str | None = None,
        excluded_accounts: Iterable[str] = (),
        tags: Mapping[str, str] = _EMPTY,
    ) -> OrgConfigRule:
        """An AWS managed rule, named by its ``identifier``.

        Example::

            OrgConfigRule.managed(
                "s3-versioning",
                "S3_BUCKET_VERSIONING_ENABLED",
                resource_types=["AWS::S3::Bucket"],
            )
        """
        return cls(
            name=name,
            kind=RuleKind.MANAGED,
            identifier=identifier,
            description=description,
            input_parameters=input_parameters,
            max_frequency=max_frequency,
            resource_types=resource_types,
            resource_id=resource_id,
            tag_key=tag_key,
            tag_value=tag_value,
            excluded_accounts=excluded_accounts,
            tags=tags,
        )

    @classmethod
    def custom_lambda(
        cls,
        name: str,
        lambda_arn: str,
        trigger_types: Iterable[TriggerType],
        *,
        description: str | None = None,
        input_parameters: Mapping[str, object] | None = None,
        max_frequency: Frequency | None = None,
        resource_types: Iterable[str] = (),
        resource_id: str | None = None,
        tag_key: str | None = None,
        tag_value: str | None = None,
        excluded_accounts: Iterable[str] = (),
        tags: Mapping[str, str] = _EMPTY,
    ) -> OrgConfigRule:
        """A custom rule evaluated by the Lambda function ``lambda_arn``.

        ``max_frequency`` needs ``"ScheduledNotification"`` among ``trigger_types``.

        Example::

            OrgConfigRule.custom_lambda(
                "tagged-instances",
                "arn:aws:lambda:us-east-1:111122223333:function:check-tags",
                ["ConfigurationItemChangeNotification"],
                resource_types=["AWS::EC2::Instance"],
            )
        """
        return cls(
            name=name,
            kind=RuleKind.CUSTOM_LAMBDA,
            lambda_arn=lambda_arn,
            trigger_types=trigger_types,
            description=description,
            input_parameters=input_parameters,
            max_frequency=max_frequency,
            resource_types=resource_types,
            resource_id=resource_id,
            tag_key=tag_key,
            tag_value=tag_value,
            excluded_accounts=excluded_accounts,
            tags=tags,
        )

    @classmethod
    def custom_policy(
        cls,
        name: str,
        policy_text: str,
        *,
        runtime: str = GUARD_RUNTIME,
        trigger_types: Iterable[TriggerType] = _CHANGE_TRIGGERS,
        debug_log_accounts: Iterable[str] = (),
        description: str | None = None,
        input_parameters: Mapping[str, object] | None = None,
        max_frequency: Frequency | None = None,
        resource_types: Iterable[str] = (),
        resource_id: str | None = None,
        tag_key: str | None = None,
        tag_value: str | None = None,
        excluded_accounts: Iterable[str] = (),
        tags: Mapping[str, str] = _EMPTY,
    ) -> OrgConfigRule:
        """A custom rule written in Guard (``policy_text``, at most 10,000 characters).

        Guard rules are change-triggered: ``ScheduledNotification`` and ``max_frequency`` are
        refused (``max_frequency`` is accepted as a parameter only so that every constructor
        takes the same options). ``debug_log_accounts`` lists the accounts whose evaluations
        deliver debug logs.

        Example::

            OrgConfigRule.custom_policy(
                "dynamodb-pitr",
                'rule pitr when resourceType == "AWS::DynamoDB::Table" { ... }',
                resource_types=["AWS::DynamoDB::Table"],
            )
        """
        return cls(
            name=name,
            kind=RuleKind.CUSTOM_POLICY,
            policy_text=policy_text,
            policy_runtime=runtime,
            trigger_types=trigger_types,
            debug_log_accounts=debug_log_accounts,
            description=description,
            input_parameters=input_parameters,
            max_frequency=max_frequency,
            resource_types=resource_types,
            resource_id=resource_id,
            tag_key=tag_key,
            tag_value=tag_value,
            excluded_accounts=excluded_accounts,
            tags=tags,
        )

    @classmethod
    def custom_policy_from_file(
        cls,
        name: str,
        path: str | PathLike[str],
        *,
        runtime: str = GUARD_RUNTIME,
        trigger_types: Iterable[TriggerType] = _CHANGE_TRIGGERS,
        debug_log_accounts: Iterable[str] = (),
        description: str | None = None,
        input_parameters: Mapping[str, object] | None = None,
        max_frequency: Frequency | None = None,
        resource_types: Iterable[str] = (),
        resource_id: str | None = None,
        tag_key: str | None = None,
        tag_value: str | None = None,
        excluded_accounts: Iterable[str] = (),
        tags: Mapping[str, str] = _EMPTY,
    ) -> OrgConfigRule:
        """A Guard rule whose policy is read from a ``.guard`` file (UTF-8).

        Takes the same options as :meth:`custom_policy`. A file that cannot be read raises
        :class:`~orgconfig.errors.ValidationError` for ``policy_text``.

        Example::

            OrgConfigRule.custom_policy_from_file("dynamodb-pitr", "rules/pitr.guard")
        """
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise _fail("policy_text", f"cannot read the policy file {str(file)!r}: {e}") from e
        return cls.custom_policy(
            name,
            text,
            runtime=runtime,
            trigger_types=trigger_types,
            debug_log_accounts=debug_log_accounts,
            description=description,
            input_parameters=input_parameters,
            max_frequency=max_frequency,
            resource_types=resource_types,
            resource_id=resource_id,
            tag_key=tag_key,
            tag_value=tag_value,
            excluded_accounts=excluded_accounts,
            tags=tags,
        )

    @classmethod
    def from_template_rule(
        cls,
        rule: TemplateRule,
        *,
        name: str | None = None,
        parameters: Mapping[str, ParameterValue] = _EMPTY,
        template: Template | None = None,
    ) -> OrgConfigRule:
        """Turn a rule of a conformance pack template into an organization config rule.

        The rule's kind follows its owner (``AWS``, ``CUSTOM_LAMBDA``, ``CUSTOM_POLICY``); its
        name is ``name``, else its ``ConfigRuleName``, else its logical id. ``{"Ref": P}``
        values are resolved from ``parameters``, then from the defaults of ``template`` (the
        template the rule comes from, when given); ``{"Ref": "AWS::NoValue"}`` removes the
        value. Anything else CloudFormation would compute (``Fn::If``, ``Fn::Sub``, other
        pseudo parameters such as ``AWS::AccountId``, which differ per member account) cannot
        be resolved here and raises :class:`~orgconfig.errors.ValidationError` naming the
        field. Not carried over: the resource's ``Condition`` (the rule is converted as if it
        holds) and a Guard rule's ``EnableDebugLogDelivery`` (an organization rule lists
        ``debug_log_accounts`` instead).

        Example::

            template = Template.from_file("Operational-Best-Practices-for-Amazon-S3.yaml")
            rules = [
                OrgConfigRule.from_template_rule(r, template=template, parameters={"A": "1"})
                for r in template.rules
            ]
        """
        values = {
            p.name: p.default
            for p in (template.parameters.values() if template is not None else ())
            if p.has_default and p.default is not None
        }
        values.update({k: _parameter_text(x, f"parameters[{k!r}]") for k, x in parameters.items()})
        resolve = _Resolver(
            rule.logical_id,
            cast("Mapping[str, str]", values),
            frozenset(template.parameters) if template is not None else None,
        )
        source = _raw_mapping(rule.properties.get("Source"))
        details = resolve.value(source.get("SourceDetails", []), "trigger_types")
        scope = _raw_mapping(rule.properties.get("Scope"))
        fields: dict[str, Any] = {
            "name": name or resolve.text(rule.name, "name") or rule.logical_id,
            "description": resolve.text(rule.description, "description"),
            "input_parameters": resolve.value(rule.input_parameters, "input_parameters"),
            "max_frequency": resolve.text(rule.maximum_execution_frequency, "max_frequency"),
            "resource_types": resolve.value(
                scope.get("ComplianceResourceTypes", rule.resource_types), "resource_types"
            ),
            "resource_id": resolve.text(rule.resource_id, "resource_id"),
            "tag_key": resolve.text(rule.tag_key, "tag_key"),
            "tag_value": resolve.text(rule.tag_value, "tag_value"),
        }
        triggers = [d.get("MessageType") for d in details if isinstance(d, Mapping)]
        if rule.owner == "AWS":
            fields.update(
                kind=RuleKind.MANAGED, identifier=resolve.text(rule.source_identifier, "identifier")
            )
        elif rule.owner == "CUSTOM_LAMBDA":
            if fields["max_frequency"] is None:  # a Lambda rule's period sits in SourceDetails
                fields["max_frequency"] = next(
                    (
                        d.get("MaximumExecutionFrequency")
                        for d in details
                        if isinstance(d, Mapping) and d.get("MessageType") == _SCHEDULED
                    ),
                    None,
                )
            fields.update(
                kind=RuleKind.CUSTOM_LAMBDA,
                lambda_arn=resolve.text(rule.source_identifier, "lambda_arn"),
                trigger_types=triggers,
            )
        elif rule.owner == "CUSTOM_POLICY":
            fields.update(
                kind=RuleKind.CUSTOM_POLICY,
                policy_text=resolve.text(rule.policy_text, "policy_text"),
                policy_runtime=resolve.text(rule.policy_runtime, "policy_runtime"),
                trigger_types=triggers,
            )
        else:
            raise _fail("kind", f"the template rule {rule.logical_id} has owner {rule.owner!r}")
        return cls(**fields)


def _raw_mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else _EMPTY


class _NoValue:
    """``{"Ref": "AWS::NoValue"}``: the value is removed."""


_NO_VALUE = _NoValue()


@attrs.frozen
class _Resolver:
    """Resolves the ``Ref`` intrinsics of one template rule; anything else raises."""

    rule: str
    values: Mapping[str, str]
    declared: frozenset[str] | None

    def text(self, value: object, label: str) -> str | None:
        """Resolve a scalar field: a string, or None when absent or ``AWS::NoValue``."""
        resolved = self.value(value, label)
        if resolved is None or isinstance(resolved, str):
            return resolved
        raise _fail(label, f"the template rule {self.rule} gives {_show(resolved)}, not a string")

    def value(self, value: object, label: str) -> Any:
        """Resolve ``value`` and everything in it; ``AWS::NoValue`` becomes None at the top."""
        resolved = self._resolve(value, label)
        return None if resolved is _NO_VALUE else resolved

    def _resolve(self, value: object, label: str) -> object:
        if isinstance(value, Mapping):
            if len(value) == 1:
                (key,) = value
                if key == "Ref":
                    return self._ref(value[key], label)
                if isinstance(key, str) and (key.startswith("Fn::") or key == "Condition"):
                    raise _fail(
                        label,
                        f"the template rule {self.rule} uses {key}, which only CloudFormation "
                        f"can evaluate; give the value instead ({_show(dict(value))})",
                    )
            resolved = {k: self._resolve(x, f"{label}[{k!r}]") for k, x in value.items()}
            return {k: x for k, x in resolved.items() if x is not _NO_VALUE}
        if isinstance(value, (list, tuple)):
            items = [self._resolve(x, f"{label}[{i}]") for i, x in enumerate(value)]
            return [x for x in items if x is not _NO_VALUE]
        return value

    def _ref(self, target: object, label: str) -> object:
        if target == "AWS::NoValue":
            return _NO_VALUE
        if not isinstance(target, str):
            raise _fail(label, f"the template rule {self.rule} has a Ref to {_show(target)}")
        if target in self.values:
            return self.values[target]
        if target.startswith("AWS::"):
            raise _fail(
                label,
                f"the template rule {self.rule} refers to the pseudo parameter {target}, whose "
                "value differs from account to account; give the value instead",
            )
        if self.declared is not None and target in self.declared:
            raise _fail(
                label,
                f"the template rule {self.rule} refers to parameter {target!r}, which has no "
                f"Default: give its value in parameters",
            )
        known = set(self.values) | (self.declared or frozenset())
        closest = _closest(target, known)
        hint = f"; did you mean {closest!r}?" if closest else ""
        raise _fail(
            label,
            f"the template rule {self.rule} refers to parameter {target!r}, which has no value "
            f"(give it in parameters, or pass the template for its defaults){hint}",
        )
