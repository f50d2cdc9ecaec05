"""Test cases generated from botocore's model: every request constraint, at its limit and past it.

The same walk of the service model that :func:`orgconfig.testing._constraints.validate_request`
makes, turned into cases: for every constrained member of an operation's input, a request valid
at the limit and one a step past it, with the error AWS answers. Used by the constraint tests
and by the sandbox's parity suite; it lives with the tests, not in the wheel.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs
from botocore.model import ListShape, MapShape, Shape, StructureShape

from orgconfig.testing._constraints import (
    _DELIVERY_BUCKET_PREFIX,
    _LIMIT_MEMBER,
    _RULE_METADATA,
    SUPPORTED_OPERATIONS,
    _bounds,
    _camel,
    _input_shape,
    _wire_name,
)

__all__ = ["ConstraintCase", "constraint_cases"]


@attrs.frozen
class ConstraintCase:
    """One constraint of an operation's input, with a request at its limit and one past it.

    Attributes:
        operation: the API operation, such as ``"PutOrganizationConformancePack"``.
        path: the member as AWS names it in messages (``"excludedAccounts.1.member"``).
        constraint: ``"max_length"``, ``"min_length"``, ``"pattern"``, ``"enum"``,
            ``"max_items"``, ``"min_items"``, ``"max_value"`` or ``"min_value"``.
        limit: the bound (a number), the pattern or the enum's values.
        valid_request: an otherwise valid request whose member is at the limit (or, where the
            member's other constraints allow no value exactly at it, the nearest value that is
            valid: ``PolicyRuntime`` can only be ``guard-2.x.x``, whatever its length bounds).
        invalid_request: the same request with the member one step past the limit.
        expected_code: the error code AWS answers to ``invalid_request``.
        expected_constraint: the constraint text that answer's message carries for ``path``.

    Example::

        >>> case = constraint_cases("DeleteOrganizationConfigRule")[0]
        >>> case.path, case.constraint, case.limit
        ('organizationConfigRuleName', 'max_length', 64)
    """

    operation: str
    path: str
    constraint: str
    limit: int | str
    valid_request: Mapping[str, Any] = attrs.field(repr=False)
    invalid_request: Mapping[str, Any] = attrs.field(repr=False)
    expected_code: str
    expected_constraint: str

    @property
    def id(self) -> str:
        """A short name for test reports: ``"Op:path:constraint"``."""
        return f"{self.operation}:{self.path}:{self.constraint}"


# A location in a request: member names, and None for "the first element of this list".
_Location = tuple[str | None, ...]
_Maker = Callable[[int, int], str | None]

_ACCOUNT = "111111111111"
_TEMPLATE_BODY: Final = (
    "Resources:\n"
    "  S3BucketVersioningEnabled:\n"
    "    Type: AWS::Config::ConfigRule\n"
    "    Properties:\n"
    "      ConfigRuleName: s3-bucket-versioning-enabled\n"
    "      Source:\n"
    "        Owner: AWS\n"
    "        SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED\n"
)
_GUARD_POLICY: Final = (
    'rule versioning when resourceType == "AWS::S3::Bucket" {\n'
    '  configuration.versioningConfiguration.status == "Enabled"\n'
    "}\n"
)
_TEMPLATE_URI_PREFIX: Final = "s3://orgconfig-templates/"
_ARN_PREFIX: Final = f"arn:aws:config:us-east-1:{_ACCOUNT}:organization-conformance-pack/"


def _padded(stem: str, length: int, fill: str = "x") -> str | None:
    return stem + fill * (length - len(stem)) if length >= len(stem) else None


def _json_object(length: int, index: int) -> str | None:
    del index
    if length < 2:
        return None
    if length < 8:
        return "{" + " " * (length - 2) + "}"
    return '{"k":"' + "v" * (length - 8) + '"}'


def _template_body(length: int, index: int) -> str | None:
    del index
    if length == len(_TEMPLATE_BODY):
        return _TEMPLATE_BODY
    return _padded(_TEMPLATE_BODY + "#", length)


def _account_id(length: int, index: int) -> str | None:
    return str(int(_ACCOUNT) + index) if length == 12 else None


# Valid values of a given length (None where there is none), and one value failing the pattern.
_PATTERN_SAMPLES: Final[Mapping[str, tuple[_Maker, str]]] = {
    "[a-zA-Z][-a-zA-Z0-9]*": (lambda n, i: _padded(f"p{i}", n, "a"), "9-starts-with-a-digit"),
    "[A-Za-z0-9-_]+": (lambda n, i: _padded(f"r{i}", n, "a"), "has spaces"),
    "\\d{12}": (_account_id, "12345678901x"),
    "s3://.*": (lambda n, i: _padded(f"{_TEMPLATE_URI_PREFIX}t{i}", n, "k"), "https://bucket/key"),
    "guard\\-2\\.x\\.x": (lambda n, i: "guard-2.x.x" if n == 11 else None, "guard-1.x.x"),
    # Older botocore models (1.34) constrain some strings to "not only whitespace".
    ".*\\S.*": (lambda n, i: _padded(f"v{i}", n, "a") if n else None, "   "),
}

# Members whose documented rules shape their valid values; they win over the pattern's samples.
_MEMBER_MAKERS: Final[Mapping[str, _Maker]] = {
    "TemplateBody": _template_body,
    "TemplateS3Uri": lambda n, i: _padded(f"{_TEMPLATE_URI_PREFIX}t{i}", n, "k"),
    "DeliveryS3Bucket": lambda n, i: "" if n == 0 else _padded(_DELIVERY_BUCKET_PREFIX, n),
    "InputParameters": _json_object,
    "ParameterName": lambda n, i: _padded(f"P{i}", n),
    "ResourceArn": lambda n, i: _padded(f"{_ARN_PREFIX}p{i}", n, "a"),
    "PolicyText": lambda n, i: (
        _GUARD_POLICY if n == len(_GUARD_POLICY) else _padded(_GUARD_POLICY + "#", n)
    ),
}

# Members a documented rule ties to a sibling: setting the first needs the second.
_COMPANIONS: Final[Mapping[str, tuple[str, Any]]] = {
    "ResourceIdScope": ("ResourceTypesScope", ["AWS::S3::Bucket"]),
    "TagValueScope": ("TagKeyScope", "Environment"),
}

_BASE_PACK: Final = "orgconfig-constraints-pack"
_BASE_RULE: Final = "orgconfig-constraints-rule"
_RULE_VARIANTS: Final[Mapping[str, Mapping[str, Any]]] = {
    "OrganizationManagedRuleMetadata": {"RuleIdentifier": "S3_BUCKET_VERSIONING_ENABLED"},
    "OrganizationCustomRuleMetadata": {
        "LambdaFunctionArn": f"arn:aws:lambda:us-east-1:{_ACCOUNT}:function:orgconfig-rule",
        "OrganizationConfigRuleTriggerTypes": ["ScheduledNotification"],
    },
    "OrganizationCustomPolicyRuleMetadata": {
        "PolicyRuntime": "guard-2.x.x",
        "PolicyText": _GUARD_POLICY,
    },
}
_BASE_REQUESTS: Final[Mapping[str, Mapping[str, Any]]] = {
    "PutOrganizationConformancePack": {
        "OrganizationConformancePackName": _BASE_PACK,
        "TemplateBody": _TEMPLATE_BODY,
    },
    "GetOrganizationConformancePackDetailedStatus": {"OrganizationConformancePackName": _BASE_PACK},
    "DeleteOrganizationConformancePack": {"OrganizationConformancePackName": _BASE_PACK},
    "GetOrganizationConfigRuleDetailedStatus": {"OrganizationConfigRuleName": _BASE_RULE},
    "DeleteOrganizationConfigRule": {"OrganizationConfigRuleName": _BASE_RULE},
    "GetOrganizationCustomRulePolicy": {"OrganizationConfigRuleName": _BASE_RULE},
    "ListTagsForResource": {"ResourceArn": f"{_ARN_PREFIX}{_BASE_PACK}"},
    "TagResource": {
        "ResourceArn": f"{_ARN_PREFIX}{_BASE_PACK}",
        "Tags": [{"Key": "team", "Value": "platform"}],
    },
    "UntagResource": {"ResourceArn": f"{_ARN_PREFIX}{_BASE_PACK}", "TagKeys": ["team"]},
}


def _base_request(operation_name: str, top_member: str | None) -> dict[str, Any]:
    """Return a valid request to vary: for a rule put, with the metadata the member lives in."""
    if operation_name == "PutOrganizationConfigRule":
        variant = _RULE_METADATA[0]
        if top_member is not None and top_member in _RULE_VARIANTS:
            variant = top_member
        return {
            "OrganizationConfigRuleName": _BASE_RULE,
            variant: copy.deepcopy(dict(_RULE_VARIANTS[variant])),
        }
    return copy.deepcopy(dict(_BASE_REQUESTS.get(operation_name, {})))


def _declare_parameters(request: dict[str, Any]) -> None:
    """Declare a pack's input parameters in its template, as the service requires."""
    parameters = request.get("ConformancePackInputParameters")
    if request.get("TemplateBody") != _TEMPLATE_BODY or not isinstance(parameters, list):
        return
    names = [p["ParameterName"] for p in parameters if isinstance(p.get("ParameterName"), str)]
    if names:
        declared = "".join(f"  {json.dumps(name)}:\n    Type: String\n" for name in names)
        request["TemplateBody"] = f"Parameters:\n{declared}{_TEMPLATE_BODY}"


class _CaseBuilder:
    """Builds the constraint cases of one operation from its input shape."""

    def __init__(self, operation_name: str) -> None:
        self.operation_name = operation_name
        self.cases: list[ConstraintCase] = []

    # Values ----------------------------------------------------------------------------------

    def string(self, name: str, shape: Shape, length: int, index: int = 0) -> str | None:
        """Return a valid value of exactly ``length`` for member ``name``, or None."""
        if name in _MEMBER_MAKERS:
            return _MEMBER_MAKERS[name](length, index)
        pattern = shape.metadata.get("pattern")
        if pattern is not None:
            return _pattern_sample(pattern)[0](length, index)
        if shape.metadata.get("enum"):
            return None
        return _padded(str(index), length) if length else ("" if index == 0 else None)

    def nearest_string(
        self,
        name: str,
        shape: Shape,
        start: int,
        step: int,
        index: int = 0,
        *,
        model_path: str = "",
    ) -> str:
        """Return the valid value whose length is nearest ``start``, going in ``step``."""
        enum: list[str] = shape.metadata.get("enum", [])
        if enum:
            return enum[index % len(enum)]
        low, high = _bounds(self.operation_name, model_path, shape)
        low, high = low or 0, high if high is not None else start + 10_000
        length = start
        while low <= length <= high:
            value = self.string(name, shape, length, index)
            if value is not None:
                return value
            length += step
        msg = f"{self.operation_name}: no valid value for {name} near length {start}"
        raise LookupError(msg)

    def default(self, name: str, shape: Shape, index: int = 0) -> Any:
        """Return a small valid value for a member (``index`` makes list items distinct)."""
        if isinstance(shape, StructureShape):
            members = shape.members.items()
            wanted = [(n, m) for n, m in members if n in shape.required_members]
            if index or not wanted:  # list items: every scalar member, so items differ
                wanted = [(n, m) for n, m in members if m.type_name == "string"]
            return {_wire_name(n, m): self.default(n, m, index) for n, m in wanted}
        if isinstance(shape, ListShape):
            low = shape.metadata.get("min") or 1
            return [self.default(name, shape.member, i) for i in range(low)]
        if isinstance(shape, MapShape):
            msg = f"{self.operation_name}: map members are not generated ({name})"
            raise NotImplementedError(msg)
        if shape.type_name in {"integer", "long"}:
            return int(shape.metadata.get("min", 0))
        if shape.type_name == "boolean":
            return False
        low = shape.metadata.get("min") or 1
        return self.nearest_string(name, shape, low, 1, index)

    # Requests --------------------------------------------------------------------------------

    def request(self, location: _Location, value: Any) -> dict[str, Any]:
        """Return the base request with ``value`` at ``location`` (and the companions it needs)."""
        top = location[0] if location else None
        request = _base_request(self.operation_name, top)
        container: Any = request
        shape: Shape = _input_shape(self.operation_name)
        for depth, step in enumerate(location):
            last = depth == len(location) - 1
            if step is None:
                assert isinstance(shape, ListShape)
                shape = shape.member
                if not container:
                    container.append(self.default("", shape))
                if last:
                    container[0] = value
                else:
                    container = container[0]
                continue
            assert isinstance(shape, StructureShape)
            member = shape.members[step]
            key = _wire_name(step, member)
            if last:
                container[key] = value
                if step in _COMPANIONS:
                    sibling, sibling_value = _COMPANIONS[step]
                    container[sibling] = copy.deepcopy(sibling_value)
            else:
                if container.get(key) is None:
                    container[key] = [] if isinstance(member, ListShape) else {}
                    if isinstance(member, StructureShape):
                        container[key] = self.default(step, member)
                container = container[key]
            shape = member
        _declare_parameters(request)
        return request

    # Cases -----------------------------------------------------------------------------------

    def add(
        self,
        location: _Location,
        *,
        path: str,
        kind: str,
        limit: int | str,
        values: tuple[Any, Any],
        constraint: str,
        code: str = "ValidationException",
    ) -> None:
        self.cases.append(
            ConstraintCase(
                operation=self.operation_name,
                path=path,
                constraint=kind,
                limit=limit,
                valid_request=self.request(location, values[0]),
                invalid_request=self.request(location, values[1]),
                expected_code=code,
                expected_constraint=constraint,
            )
        )

    def walk(
        self, shape: Shape, name: str, location: _Location, path: str, model_path: str
    ) -> None:
        if isinstance(shape, StructureShape):
            for member_name, member in shape.members.items():
                self.walk(
                    member,
                    member_name,
                    (*location, member_name),
                    f"{path}.{_camel(member_name)}" if path else _camel(member_name),
                    f"{model_path}.{member_name}" if model_path else member_name,
                )
        elif isinstance(shape, ListShape):
            self.list_cases(shape, name, location, path, model_path)
            self.walk(shape.member, name, (*location, None), f"{path}.1.member", model_path)
        elif isinstance(shape, MapShape):
            msg = f"{self.operation_name}: map members are not generated ({path})"
            raise NotImplementedError(msg)
        elif shape.type_name == "string":
            self.string_cases(shape, name, location, path, model_path)
        elif shape.type_name in {"integer", "long"}:
            self.integer_cases(shape, name, location, path, model_path)

    def list_cases(
        self, shape: ListShape, name: str, location: _Location, path: str, model_path: str
    ) -> None:
        low, high = _bounds(self.operation_name, model_path, shape)

        def items(count: int) -> list[Any]:
            return [self.default(name, shape.member, i) for i in range(count)]

        if high is not None:
            message = f"Member must have length less than or equal to {high}"
            self.add(
                location,
                path=path,
                kind="max_items",
                limit=high,
                values=(items(high), items(high + 1)),
                constraint=message,
            )
        if low:
            message = f"Member must have length greater than or equal to {low}"
            self.add(
                location,
                path=path,
                kind="min_items",
                limit=low,
                values=(items(low), items(low - 1)),
                constraint=message,
            )

    def string_cases(
        self, shape: Shape, name: str, location: _Location, path: str, model_path: str
    ) -> None:
        low, high = _bounds(self.operation_name, model_path, shape)
        if high is not None:
            valid = self.nearest_string(name, shape, high, -1, model_path=model_path)
            invalid = self.string(name, shape, high + 1) or "x" * (high + 1)
            message = f"Member must have length less than or equal to {high}"
            self.add(
                location,
                path=path,
                kind="max_length",
                limit=high,
                values=(valid, invalid),
                constraint=message,
            )
        if low:
            valid = self.nearest_string(name, shape, low, 1, model_path=model_path)
            invalid = self.string(name, shape, low - 1) or "x" * (low - 1)
            message = f"Member must have length greater than or equal to {low}"
            self.add(
                location,
                path=path,
                kind="min_length",
                limit=low,
                values=(valid, invalid),
                constraint=message,
            )
        pattern: str | None = shape.metadata.get("pattern")
        if pattern is not None:
            invalid = _pattern_sample(pattern)[1]
            message = f"Member must satisfy regular expression pattern: {pattern}"
            values = (self.default(name, shape), invalid)
            self.add(
                location,
                path=path,
                kind="pattern",
                limit=pattern,
                values=values,
                constraint=message,
            )
        enum: list[str] = shape.metadata.get("enum", [])
        if enum:
            invalid = next(v for v in (f"Not{enum[0]}", f"X{enum[0]}X") if v not in enum)
            message = f"Member must satisfy enum value set: [{', '.join(enum)}]"
            self.add(
                location,
                path=path,
                kind="enum",
                limit=", ".join(enum),
                values=(enum[0], invalid),
                constraint=message,
            )

    def integer_cases(
        self, shape: Shape, name: str, location: _Location, path: str, model_path: str
    ) -> None:
        low, high = _bounds(self.operation_name, model_path, shape)
        is_limit = len(location) == 1 and name == _LIMIT_MEMBER
        code = "InvalidLimitException" if is_limit else "ValidationException"
        if high is not None:
            message = f"Member must have value less than or equal to {high}"
            self.add(
                location,
                path=path,
                kind="max_value",
                limit=high,
                values=(high, high + 1),
                constraint=message,
                code=code,
            )
        if low is not None:
            message = f"Member must have value greater than or equal to {low}"
            self.add(
                location,
                path=path,
                kind="min_value",
                limit=low,
                values=(low, low - 1),
                constraint=message,
                code=code,
            )


def _pattern_sample(pattern: str) -> tuple[_Maker, str]:
    try:
        return _PATTERN_SAMPLES[pattern]
    except KeyError:
        msg = f"no sample values for the pattern {pattern!r}: add them to _PATTERN_SAMPLES"
        raise LookupError(msg) from None


@functools.cache
def _cases(operation_name: str) -> tuple[ConstraintCase, ...]:
    if operation_name not in SUPPORTED_OPERATIONS:
        supported = ", ".join(SUPPORTED_OPERATIONS)
        msg = f"constraint cases are generated for {supported}, not {operation_name!r}"
        raise ValueError(msg)
    builder = _CaseBuilder(operation_name)
    builder.walk(_input_shape(operation_name), "", (), "", "")
    return tuple(builder.cases)


def constraint_cases(operation_name: str) -> list[ConstraintCase]:
    """Return a test case for every constraint on the input of one of :data:`SUPPORTED_OPERATIONS`.

    One case per maximum length, minimum length above 0, pattern, enum, list size bound and
    integer bound, found by the same walk of botocore's model that :func:`validate_request`
    makes, with :data:`DOCUMENTED_LIMITS` applied. List members are varied through the list's
    first element (``"excludedAccounts.1.member"``). Every request is otherwise valid, including
    the documented rules: a conformance pack has a template body (declaring the input parameters
    the request gives), a rule exactly one metadata.
    The same call returns equal cases every time.

    Example::

        >>> [c.id for c in constraint_cases("DescribeOrganizationConfigRules")][:2]
        ['DescribeOrganizationConfigRules:organizationConfigRuleNames:max_items', \
'DescribeOrganizationConfigRules:organizationConfigRuleNames.1.member:max_length']
    """
    return list(copy.deepcopy(_cases(operation_name)))
