"""The checks AWS Config makes on a request before it acts on it, for the sandbox.

botocore checks only required members, minimum lengths and types on the client side (and nothing
at all with ``parameter_validation=False``); AWS Config checks the rest on the server. The sandbox
calls :func:`validate_request` first thing on every request, so its answers to bad input are the
ones AWS gives.

Two layers, in the order the service applies them:

1. **The model walk.** Driven by botocore's service model for AWS Config, not by a list of fields:
   required members, string length (counted in UTF-16 code units, as the service's Java does;
   ``TemplateBody`` in UTF-8 bytes, as AWS documents its 51,200 limit: :data:`BYTE_LENGTHS`),
   pattern (a full match, after translating Java regular expressions), enum, list and map sizes,
   integer bounds, nested structures, list members and map entries. Every violation is collected
   and reported as one ``ValidationException`` in the service's words::

       1 validation error detected: Value 'x y' at 'organizationConformancePackName' failed to
       satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*

   Member paths are camelCase, nested with dots, list members as ``excludedAccounts.3.member``
   (1-based) and map entries as ``parameters.entry.2.value``. A missing required member reads
   ``Value null at 'x'``. Values are shown whole, however long, lists as ``[a, b]`` and structures
   as ``{Key: k,Value: v}``. Several violations are joined with ``"; "`` under ``"N validation
   errors detected: "``, and like the service we list (and count) only the first 10. One member
   can fail several constraints; its pattern is reported before its length, as AWS does. The order
   between members is the model's (the service's own order is that of a Java hash map).
   A ``Limit`` out of its range is the one exception: the service answers
   ``InvalidLimitException`` (after the other model checks pass).

   Where the API reference disagrees with the model, the walk applies the reference
   (:data:`DOCUMENTED_LIMITS`): ``ConformancePackInputParameters`` holds at most 60 parameters
   (the API reference and CloudFormation say 60; botocore's model says 330), and a rule's
   ``InputParameters`` up to 2,048 characters (the reference; botocore's model says 1,024).

   A value of the wrong JSON type answers ``SerializationException``, as the service does.

2. **The documented rules** of each operation, checked once the model walk passes, each raising
   the first failure only. The codes come from the operations' declared errors:
   ``PutOrganizationConformancePack`` declares only ``ValidationException`` for bad input, and
   ``PutOrganizationConfigRule`` declares ``InvalidParameterValueException``.

   PutOrganizationConformancePack (``ValidationException``):
     * at least one of ``TemplateS3Uri`` and ``TemplateBody``; both are allowed (the service then
       uses the S3 URI and ignores the body);
     * ``TemplateS3Uri`` has the form ``s3://bucket/key``;
     * a non-empty ``DeliveryS3Bucket`` starts with ``awsconfigconforms``;
     * no account twice in ``ExcludedAccounts``.

   PutOrganizationConfigRule (``InvalidParameterValueException``):
     * exactly one of ``OrganizationManagedRuleMetadata``, ``OrganizationCustomRuleMetadata``
       and ``OrganizationCustomPolicyRuleMetadata``;
     * ``InputParameters`` is the JSON text of an object;
     * a custom Lambda rule names 1 to 3 distinct trigger types;
     * ``MaximumExecutionFrequency`` only with a periodic trigger: when trigger types are given,
       one must be ``ScheduledNotification`` (so never for a Guard rule with triggers, which may
       not use it: the model's enum for Guard triggers has no ``ScheduledNotification``). A
       managed rule's triggers are the managed rule's own and are not checked here;
     * ``ResourceIdScope`` needs exactly one ``ResourceTypesScope`` entry;
     * ``TagValueScope`` needs ``TagKeyScope``;
     * a scope is either resources or a tag, not both;
     * no account twice in ``ExcludedAccounts``.

   Guard rules need ``PolicyText`` and ``PolicyRuntime`` (``guard-2.x.x``): the model requires
   both, so the walk checks them. The Describe calls take 0 to 25 names: the model says so too.

The tests turn the same walk into test cases (``tests/testing/constraint_cases.py``): for every
constrained member of an operation's input, a request valid at the limit and one a step past it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Final

import attrs
import botocore.session
from botocore.model import (
    ListShape,
    MapShape,
    OperationModel,
    ServiceModel,
    Shape,
    StructureShape,
)

from orgconfig.testing._errors import ServiceError

__all__ = [
    "BYTE_LENGTHS",
    "DOCUMENTED_LIMITS",
    "MAX_REPORTED_ERRORS",
    "ORGANIZATION_OPERATIONS",
    "SUPPORTED_OPERATIONS",
    "TAG_OPERATIONS",
    "java_pattern",
    "validate_request",
]

ORGANIZATION_OPERATIONS: Final[tuple[str, ...]] = (
    "PutOrganizationConformancePack",
    "DescribeOrganizationConformancePacks",
    "DescribeOrganizationConformancePackStatuses",
    "GetOrganizationConformancePackDetailedStatus",
    "DeleteOrganizationConformancePack",
    "PutOrganizationConfigRule",
    "DescribeOrganizationConfigRules",
    "DescribeOrganizationConfigRuleStatuses",
    "GetOrganizationConfigRuleDetailedStatus",
    "DeleteOrganizationConfigRule",
    "GetOrganizationCustomRulePolicy",
)
"""The eleven AWS Config organization operations."""

TAG_OPERATIONS: Final[tuple[str, ...]] = ("ListTagsForResource", "TagResource", "UntagResource")
"""The tagging operations, which the sandbox serves for organization pack and rule ARNs."""

SUPPORTED_OPERATIONS: Final[tuple[str, ...]] = (*ORGANIZATION_OPERATIONS, *TAG_OPERATIONS)
"""The operations the sandbox serves: the organization ones and tagging."""

MAX_REPORTED_ERRORS: Final = 10
"""How many violations a ``ValidationException`` message lists (and counts), as AWS does."""

DOCUMENTED_LIMITS: Final[Mapping[tuple[str, str], Mapping[str, int]]] = {
    # The API reference (OrganizationConformancePack, PutOrganizationConformancePack) and
    # CloudFormation give "Maximum number of 60 items"; botocore's model (1.44) says 330.
    ("PutOrganizationConformancePack", "ConformancePackInputParameters"): {"max": 60},
    # The API reference (OrganizationManagedRuleMetadata, OrganizationCustomRuleMetadata,
    # OrganizationCustomPolicyRuleMetadata) gives InputParameters "Maximum length of 2048";
    # botocore's model (1.44) says 1024. orgconfig's models follow the reference, so does this.
    ("PutOrganizationConfigRule", "OrganizationManagedRuleMetadata.InputParameters"): {"max": 2048},
    ("PutOrganizationConfigRule", "OrganizationCustomRuleMetadata.InputParameters"): {"max": 2048},
    (
        "PutOrganizationConfigRule",
        "OrganizationCustomPolicyRuleMetadata.InputParameters",
    ): {"max": 2048},
    # API_ListTagsForResource: "The limit maximum is 50"; botocore's model says 100.
    ("ListTagsForResource", "Limit"): {"max": 50},
}
"""Limits the AWS API reference sets apart from botocore's model, by (operation, member path).

The member path is the PascalCase member names joined with dots, list members left out
(``"Tags.Key"``). The walk uses the documented limit.
"""

BYTE_LENGTHS: Final = frozenset({("PutOrganizationConformancePack", "TemplateBody")})
"""Members whose length AWS documents in UTF-8 bytes ("51,200 bytes"), by (operation, path)."""

_LIMIT_MEMBER: Final = "Limit"
_JAVA_LINE_TERMINATORS: Final = "\\n\\r\\u0085\\u2028\\u2029"


# --------------------------------------------------------------------------------------------
# The model


@functools.cache
def _service_model() -> ServiceModel:
    """Return botocore's service model for AWS Config, loaded once."""
    return botocore.session.get_session().get_service_model("config")


@functools.cache
def _operation(operation_name: str) -> OperationModel:
    """Return the operation model, or raise ValueError for a name AWS Config does not have."""
    model = _service_model()
    if operation_name not in model.operation_names:
        msg = f"AWS Config has no operation {operation_name!r}"
        raise ValueError(msg)
    operation: OperationModel = model.operation_model(operation_name)
    return operation


def _input_shape(operation_name: str) -> StructureShape:
    shape = _operation(operation_name).input_shape
    if shape is None:  # pragma: no cover - every AWS Config operation takes input
        msg = f"{operation_name} takes no input"
        raise ValueError(msg)
    return shape


def _camel(name: str) -> str:
    """Return a member name as AWS writes it in messages: the first letter in lower case."""
    return name[:1].lower() + name[1:]


def _wire_name(name: str, shape: Shape) -> str:
    wire: str = shape.serialization.get("name", name)
    return wire


def _utf16_length(text: str) -> int:
    r"""Return the length of ``text`` as Java's ``String.length()`` counts it.

    A lone surrogate (which no UTF-8 request can carry, but a JSON ``\ud800`` escape can) is
    one code unit, as in Java; it is refused by :data:`_VALID_UNICODE` before this matters.
    """
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


_LONE_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_VALID_UNICODE: Final = "Member must contain only valid Unicode characters (no lone surrogate)"
"""The sandbox's constraint for a string holding a lone surrogate (a JSON ``\\ud800`` escape
decodes to one): no text the service stores can hold it. AWS's own wording is not documented."""


def _bounds(operation_name: str, model_path: str, shape: Shape) -> tuple[int | None, int | None]:
    """Return a shape's (min, max), as :data:`DOCUMENTED_LIMITS` corrects them."""
    override = DOCUMENTED_LIMITS.get((operation_name, model_path), {})
    low: int | None = override.get("min", shape.metadata.get("min"))
    high: int | None = override.get("max", shape.metadata.get("max"))
    return low, high


# --------------------------------------------------------------------------------------------
# Java regular expressions

_UNSUPPORTED_ESCAPES: Final = frozenset("pPQEGRXhHvVkKZ")
_CLASS_ESCAPES: Final = frozenset({"\\d", "\\D", "\\w", "\\W", "\\s", "\\S"})


def java_pattern(pattern: str) -> re.Pattern[str]:
    r"""Compile a Java regular expression from an AWS model into an equivalent Python one.

    Java's ``.`` stops at any of its line terminators, not only ``\n``; its ``\d``, ``\w`` and
    ``\s`` are ASCII-only; ``\z`` is Python's ``\Z``; a ``-`` after ``\d`` in a class is a
    literal. Constructs with no faithful translation (``\p{...}`` classes, ``\Q...\E``
    quoting, nested classes and ``&&`` intersections, possessive quantifiers) raise
    ``ValueError`` rather than be matched wrongly, so a model update that brings one in fails
    loudly. Use ``fullmatch``: AWS matches the whole value.

    Example::

        >>> bool(java_pattern("[a-zA-Z][-a-zA-Z0-9]*").fullmatch("my-pack"))
        True
    """
    return _compile_java_pattern(pattern)


def _unsupported(pattern: str, what: str) -> ValueError:
    return ValueError(f"Java pattern {pattern!r}: {what} has no Python translation here")


def _java_escape(pattern: str, i: int) -> str:
    """Translate the escape sequence starting at ``pattern[i]`` (a backslash)."""
    if i + 1 >= len(pattern):
        raise _unsupported(pattern, "a lone backslash at the end")
    escaped = pattern[i + 1]
    if escaped in _UNSUPPORTED_ESCAPES:
        raise _unsupported(pattern, "\\" + escaped)
    return "\\Z" if escaped == "z" else "\\" + escaped


def _java_class_start(pattern: str, i: int) -> str:
    """Return the opening of the class at ``pattern[i]``: ``[``, with a leading ``^``/``]``."""
    # A "]" first in a class (after an optional "^") is a literal, in Java as in Python.
    for opening in ("[^]", "[]", "[^"):
        if pattern.startswith(opening, i):
            return opening
    return "["


@functools.cache
def _compile_java_pattern(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    in_class = False
    i = 0
    while i < len(pattern):
        char = pattern[i]
        token = char
        if char == "\\":
            token = _java_escape(pattern, i)
            i += 1
        elif in_class:
            if char == "[" or pattern.startswith("&&", i):
                raise _unsupported(pattern, "a nested class or intersection")
            if char == "-" and out[-1] in _CLASS_ESCAPES:
                # Java reads [\d-_] as a digit, "-" or "_"; Python refuses the range.
                token = "\\-"
            in_class = char != "]"
        elif char == "[":
            in_class = True
            token = _java_class_start(pattern, i)
            i += len(token) - 1
        elif char == ".":
            token = f"[^{_JAVA_LINE_TERMINATORS}]"
        elif char == "+" and out and out[-1] in {"*", "+", "?", "}"}:
            raise _unsupported(pattern, "a possessive quantifier")
        out.append(token)
        i += 1
    try:
        return re.compile("".join(out), re.ASCII)
    except re.error as error:
        raise _unsupported(pattern, str(error)) from error


# --------------------------------------------------------------------------------------------
# The model walk


@attrs.frozen
class _Violation:
    """One failed constraint: where, the value as the message shows it, and which constraint."""

    path: str
    shown: str
    constraint: str
    code: str = "ValidationException"

    def __str__(self) -> str:
        return (
            f"Value {self.shown} at '{self.path}' failed to satisfy constraint: {self.constraint}"
        )


def _length_constraints(length: int, low: int | None, high: int | None) -> Iterator[str]:
    if high is not None and length > high:
        yield f"Member must have length less than or equal to {high}"
    if low is not None and length < low:
        yield f"Member must have length greater than or equal to {low}"


def _string_constraints(
    shape: Shape, value: str, bounds: tuple[int | None, int | None], *, in_bytes: bool = False
) -> list[str]:
    """Return every constraint of a string shape that ``value`` fails, in AWS's order."""
    failed: list[str] = []
    if _LONE_SURROGATE.search(value):
        failed.append(_VALID_UNICODE)
    enum: list[str] = shape.metadata.get("enum", [])
    if enum and value not in enum:
        failed.append(f"Member must satisfy enum value set: [{', '.join(enum)}]")
    pattern: str | None = shape.metadata.get("pattern")
    if pattern is not None and not _compile_java_pattern(pattern).fullmatch(value):
        failed.append(f"Member must satisfy regular expression pattern: {pattern}")
    length = len(value.encode("utf-8", "surrogatepass")) if in_bytes else _utf16_length(value)
    failed.extend(_length_constraints(length, *bounds))
    return failed


def _all_scalar_constraints(shape: Shape) -> list[str]:
    """Return every constraint of a scalar shape, as a map-entry message lists them."""
    constraints: list[str] = []
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    noun = "length" if shape.type_name == "string" else "value"
    if high is not None:
        constraints.append(f"Member must have {noun} less than or equal to {high}")
    if low is not None:
        constraints.append(f"Member must have {noun} greater than or equal to {low}")
    if "pattern" in shape.metadata:
        constraints.append(
            f"Member must satisfy regular expression pattern: {shape.metadata['pattern']}"
        )
    if shape.metadata.get("enum"):
        constraints.append(
            f"Member must satisfy enum value set: [{', '.join(shape.metadata['enum'])}]"
        )
    return constraints


def _render(shape: Shape, value: Any) -> str:
    """Render a value as the service's Java ``toString`` shows it in messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(shape, StructureShape) and isinstance(value, Mapping):
        parts = [
            f"{name}: {_render(member, value[_wire_name(name, member)])}"
            for name, member in shape.members.items()
            if value.get(_wire_name(name, member)) is not None
        ]
        return "{" + ",".join(parts) + "}"
    if isinstance(shape, MapShape) and isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}={_render(shape.value, v)}" for k, v in value.items()) + "}"
    if isinstance(shape, ListShape) and isinstance(value, list):
        return "[" + ", ".join(_render(shape.member, item) for item in value) + "]"
    return str(value)


def _shown(shape: Shape, value: Any) -> str:
    r"""The value as a message shows it; a lone surrogate escaped (``\ud800``) so it is sendable."""
    rendered = _render(shape, value)
    return f"'{rendered.encode('utf-8', 'backslashreplace').decode('utf-8')}'"


def _serialization_error(path: str, expected: str, value: Any) -> ServiceError:
    where = f"'{path}'" if path else "the request body"
    return ServiceError(
        "SerializationException",
        f"Expected {expected} at {where}, got {type(value).__name__} {value!r:.80}",
    )


class _Walker:
    """Walks a request against an operation's input shape, collecting violations in order."""

    def __init__(self, operation_name: str) -> None:
        self.operation_name = operation_name
        self.violations: list[_Violation] = []

    def structure(self, shape: StructureShape, value: Any, path: str, model_path: str) -> None:
        if not isinstance(value, Mapping):
            raise _serialization_error(path, "a structure", value)
        for name, member in shape.members.items():
            member_path = f"{path}.{_camel(name)}" if path else _camel(name)
            member_model_path = f"{model_path}.{name}" if model_path else name
            item = value.get(_wire_name(name, member))
            if item is None:
                if name in shape.required_members:
                    self.violations.append(
                        _Violation(member_path, "null", "Member must not be null")
                    )
                continue
            code = "InvalidLimitException" if (not path and name == _LIMIT_MEMBER) else None
            self.value(member, item, member_path, member_model_path, code)

    def value(
        self, shape: Shape, value: Any, path: str, model_path: str, code: str | None = None
    ) -> None:
        if isinstance(shape, StructureShape):
            self.structure(shape, value, path, model_path)
        elif isinstance(shape, ListShape):
            self.list_value(shape, value, path, model_path)
        elif isinstance(shape, MapShape):
            self.map_value(shape, value, path, model_path)
        elif shape.type_name == "string":
            if not isinstance(value, str):
                raise _serialization_error(path, "a string", value)
            bounds = _bounds(self.operation_name, model_path, shape)
            in_bytes = (self.operation_name, model_path) in BYTE_LENGTHS
            for constraint in _string_constraints(shape, value, bounds, in_bytes=in_bytes):
                self.violations.append(_Violation(path, _shown(shape, value), constraint))
        elif shape.type_name in {"integer", "long"}:
            if isinstance(value, bool) or not isinstance(value, int):
                raise _serialization_error(path, "an integer", value)
            low, high = _bounds(self.operation_name, model_path, shape)
            kind = code or "ValidationException"
            if high is not None and value > high:
                constraint = f"Member must have value less than or equal to {high}"
                self.violations.append(_Violation(path, f"'{value}'", constraint, kind))
            if low is not None and value < low:
                constraint = f"Member must have value greater than or equal to {low}"
                self.violations.append(_Violation(path, f"'{value}'", constraint, kind))
        elif shape.type_name == "boolean" and not isinstance(value, bool):
            raise _serialization_error(path, "a boolean", value)
        # Timestamps, blobs and floats carry no constraints in AWS Config's inputs.

    def list_value(self, shape: ListShape, value: Any, path: str, model_path: str) -> None:
        if not isinstance(value, list):
            raise _serialization_error(path, "a list", value)
        bounds = _bounds(self.operation_name, model_path, shape)
        for constraint in _length_constraints(len(value), *bounds):
            self.violations.append(_Violation(path, _shown(shape, value), constraint))
        for index, item in enumerate(value, start=1):
            if item is None:
                continue
            self.value(shape.member, item, f"{path}.{index}.member", model_path)

    def map_value(self, shape: MapShape, value: Any, path: str, model_path: str) -> None:
        if not isinstance(value, Mapping):
            raise _serialization_error(path, "a map", value)
        bounds = _bounds(self.operation_name, model_path, shape)
        for constraint in _length_constraints(len(value), *bounds):
            self.violations.append(_Violation(path, _shown(shape, value), constraint))
        key_bounds = (shape.key.metadata.get("min"), shape.key.metadata.get("max"))
        if any(_string_constraints(shape.key, str(key), key_bounds) for key in value):
            summary = ", ".join(_all_scalar_constraints(shape.key))
            self.violations.append(
                _Violation(
                    path, _shown(shape, value), f"Map keys must satisfy constraint: [{summary}]"
                )
            )
        if isinstance(shape.value, (StructureShape, ListShape, MapShape)):
            for index, item in enumerate(value.values(), start=1):
                self.value(shape.value, item, f"{path}.entry.{index}.value", model_path)
            return
        nested = _Walker(self.operation_name)
        for item in value.values():
            nested.value(shape.value, item, path, model_path)
        if nested.violations:
            summary = ", ".join(_all_scalar_constraints(shape.value))
            self.violations.append(
                _Violation(
                    path, _shown(shape, value), f"Map value must satisfy constraint: [{summary}]"
                )
            )


def _format(violations: Sequence[_Violation]) -> str:
    """Join violations into AWS's message, listing and counting at most 10 of them."""
    shown = violations[:MAX_REPORTED_ERRORS]
    head = (
        "1 validation error detected"
        if len(shown) == 1
        else f"{len(shown)} validation errors detected"
    )
    return f"{head}: " + "; ".join(str(v) for v in shown)


# --------------------------------------------------------------------------------------------
# The documented rules

_Rule = Callable[[Mapping[str, Any]], None]

_RULE_METADATA: Final = (
    "OrganizationManagedRuleMetadata",
    "OrganizationCustomRuleMetadata",
    "OrganizationCustomPolicyRuleMetadata",
)
_PERIODIC_TRIGGER: Final = "ScheduledNotification"
_DELIVERY_BUCKET_PREFIX: Final = "awsconfigconforms"
_S3_URI: Final = re.compile(r"s3://([^/]+)/(.+)", re.DOTALL)


def _duplicates(values: Sequence[Any]) -> list[str]:
    seen: set[Any] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and str(value) not in repeated:
            repeated.append(str(value))
        seen.add(value)
    return repeated


def _pack_template(params: Mapping[str, Any]) -> None:
    """A pack needs a template: from S3 or in the body (with both, the service uses S3)."""
    if not params.get("TemplateS3Uri") and not params.get("TemplateBody"):
        raise ServiceError(
            "ValidationException",
            "Either TemplateS3Uri or TemplateBody must be specified for the conformance pack.",
        )


def _pack_template_uri(params: Mapping[str, Any]) -> None:
    """The template URI names an S3 object: ``s3://bucket/key``."""
    uri = params.get("TemplateS3Uri")
    if uri and not _S3_URI.fullmatch(uri):
        raise ServiceError(
            "ValidationException",
            f"TemplateS3Uri '{uri}' is not valid: it must have the form s3://bucket/key.",
        )


def _pack_delivery_bucket(params: Mapping[str, Any]) -> None:
    """The delivery bucket's name starts with ``awsconfigconforms``."""
    bucket = params.get("DeliveryS3Bucket")
    if bucket and not bucket.startswith(_DELIVERY_BUCKET_PREFIX):
        raise ServiceError(
            "ValidationException",
            f"DeliveryS3Bucket '{bucket}' is not valid: the bucket name must start with "
            f"{_DELIVERY_BUCKET_PREFIX}.",
        )


def _excluded_accounts(code: str) -> _Rule:
    def rule(params: Mapping[str, Any]) -> None:
        """No account is excluded twice."""
        repeated = _duplicates(params.get("ExcludedAccounts") or [])
        if repeated:
            raise ServiceError(
                code, f"ExcludedAccounts contains duplicate account IDs: {', '.join(repeated)}."
            )

    return rule


def _rule_metadata(params: Mapping[str, Any]) -> None:
    """A rule is exactly one of managed, custom Lambda and custom policy (Guard)."""
    given = [name for name in _RULE_METADATA if params.get(name) is not None]
    if len(given) != 1:
        found = f"; the request has {' and '.join(given)}" if given else ""
        raise ServiceError(
            "InvalidParameterValueException",
            f"Specify exactly one of {', '.join(_RULE_METADATA)}{found}.",
        )


def _the_metadata(params: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    name = next(name for name in _RULE_METADATA if params.get(name) is not None)
    metadata: Mapping[str, Any] = params[name]
    return name, metadata


def _rule_input_parameters(params: Mapping[str, Any]) -> None:
    """``InputParameters`` is the JSON text of an object."""
    text = _the_metadata(params)[1].get("InputParameters")
    if text is None:
        return
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise ServiceError(
            "InvalidParameterValueException",
            f"Invalid json {text} passed in the InputParameters field",
        )


def _rule_triggers(params: Mapping[str, Any]) -> None:
    """A custom Lambda rule names 1 to 3 distinct trigger types."""
    name, metadata = _the_metadata(params)
    if name != "OrganizationCustomRuleMetadata":
        return
    triggers = metadata.get("OrganizationConfigRuleTriggerTypes") or []
    if not 1 <= len(triggers) <= 3 or _duplicates(triggers):
        raise ServiceError(
            "InvalidParameterValueException",
            "A custom Lambda rule needs 1 to 3 distinct OrganizationConfigRuleTriggerTypes; "
            f"the request has [{', '.join(map(str, triggers))}].",
        )


def _rule_frequency(params: Mapping[str, Any]) -> None:
    """``MaximumExecutionFrequency`` only with ``ScheduledNotification`` among given triggers."""
    metadata = _the_metadata(params)[1]
    triggers = metadata.get("OrganizationConfigRuleTriggerTypes")
    if metadata.get("MaximumExecutionFrequency") and triggers and _PERIODIC_TRIGGER not in triggers:
        raise ServiceError(
            "InvalidParameterValueException",
            "A maximum execution frequency is not allowed if the rule is not triggered "
            f"periodically: add {_PERIODIC_TRIGGER} to OrganizationConfigRuleTriggerTypes or "
            "remove MaximumExecutionFrequency.",
        )


def _rule_scope(params: Mapping[str, Any]) -> None:
    """A scope is resource types, one type with one ID, or a tag key (with a value)."""
    metadata = _the_metadata(params)[1]
    types = metadata.get("ResourceTypesScope") or []
    resource_id = metadata.get("ResourceIdScope")
    tag_key, tag_value = metadata.get("TagKeyScope"), metadata.get("TagValueScope")
    if resource_id and len(types) != 1:
        raise ServiceError(
            "InvalidParameterValueException",
            "A single resourceType should be provided when resourceId is provided in scope",
        )
    if tag_value and not tag_key:
        raise ServiceError(
            "InvalidParameterValueException",
            "Tag key should not be empty when tag value is provided in scope",
        )
    if tag_key and (types or resource_id):
        raise ServiceError(
            "InvalidParameterValueException", "Scope cannot be applied to both resource and tag"
        )


_RULES: Final[Mapping[str, tuple[_Rule, ...]]] = {
    "PutOrganizationConformancePack": (
        _pack_template,
        _pack_template_uri,
        _pack_delivery_bucket,
        _excluded_accounts("ValidationException"),
    ),
    "PutOrganizationConfigRule": (
        _rule_metadata,
        _rule_input_parameters,
        _rule_triggers,
        _rule_frequency,
        _rule_scope,
        _excluded_accounts("InvalidParameterValueException"),
    ),
}


def validate_request(operation_name: str, params: Mapping[str, Any]) -> None:
    """Raise the error AWS Config answers for a request it rejects; return when it is valid.

    ``params`` is the request as it travels on the wire: the decoded JSON body, PascalCase keys.
    Raises :class:`~orgconfig.testing._errors.ServiceError` with ``ValidationException`` for
    model violations (all of them, in one message), ``InvalidLimitException`` for a ``Limit``
    out of range, ``SerializationException`` for a value of the wrong type, and the codes of the
    documented rules (see the module docstring). Raises ``ValueError`` for an operation AWS
    Config does not have. Works for every AWS Config operation; the documented rules exist for
    the puts of :data:`SUPPORTED_OPERATIONS`.

    Example::

        >>> validate_request("DeleteOrganizationConformancePack",
        ...                  {"OrganizationConformancePackName": "9lives"})
        Traceback (most recent call last):
        ...
        orgconfig.testing._errors.ServiceError: ValidationException: 1 validation error detected: \
Value '9lives' at 'organizationConformancePackName' failed to satisfy constraint: Member must \
satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*
    """
    walker = _Walker(operation_name)
    walker.structure(_input_shape(operation_name), params, "", "")
    for code in ("ValidationException", "InvalidLimitException"):
        found = [v for v in walker.violations if v.code == code]
        if found:
            raise ServiceError(code, _format(found))
    for rule in _RULES.get(operation_name, ()):
        rule(params)
