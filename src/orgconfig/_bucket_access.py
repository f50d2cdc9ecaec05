"""Reading a bucket policy the way AWS would for one access, without ever guessing.

:func:`decide` tells whether a resource-based (bucket) policy lets one request through. Unlike
the sandbox's evaluator, which must answer yes or no, it has a third answer: a statement whose
principal, resource or condition cannot be read for the request at hand (a condition key whose
value orgconfig cannot know, such as ``aws:SourceIp``, an operator it does not implement, a
policy variable) is *unknown*, and the decision says so instead of guessing.

The evaluation follows AWS's order for a resource-based policy: an explicit ``Deny`` that
applies wins; otherwise an ``Allow`` that applies lets the principal in; otherwise only the bucket
owner's own principals get in (through their identity policies, which are not read here).

Understood: ``Effect``; ``Principal`` / ``NotPrincipal`` (``"*"``, ``{"AWS": ...}`` with ``"*"``,
account ids, root ARNs and principal ARNs; other principal kinds never match an IAM role);
``Action`` / ``NotAction`` and ``Resource`` / ``NotResource`` with ``*`` and ``?``; ``Condition``
with the ``String*``, ``Arn*``, ``Bool`` and ``Null`` operators (and their ``...IfExists``
forms). A key is evaluated when the request says what it holds (:attr:`Request.context`) or that
it is absent (:attr:`Request.absent`); any other key is unknown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

import attrs

_CONFORMS_ROLE: Final = (
    "arn:{partition}:iam::{account}:role/aws-service-role/config-conforms.amazonaws.com/"
    "AWSServiceRoleForConfigConforms"
)

__all__ = [
    "PROBE_MEMBER",
    "PROBE_OUTSIDER",
    "Decision",
    "Request",
    "bucket_named",
    "decide",
    "member_request",
    "problem_of",
    "reader_request",
    "statements_of",
]

Tri = Literal[True, False] | None
"""True: applies; False: does not; None: cannot tell."""

_OPERATORS: Mapping[str, tuple[bool, bool, bool]] = {
    "StringEquals": (False, False, True),
    "StringNotEquals": (False, True, True),
    "StringEqualsIgnoreCase": (False, False, False),
    "StringNotEqualsIgnoreCase": (False, True, False),
    "StringLike": (True, False, True),
    "StringNotLike": (True, True, True),
    "ArnEquals": (True, False, True),  # ArnEquals and ArnLike both take wildcards
    "ArnLike": (True, False, True),
    "ArnNotEquals": (True, True, True),
    "ArnNotLike": (True, True, True),
    "Bool": (False, False, False),
}
"""Operator -> (wildcards, negated, case-sensitive)."""

PROBE_MEMBER: Final = "000000000000"
"""The member account checks stand for: any account of the organization but the owner."""
PROBE_OUTSIDER: Final = ("999999999999", "o-outsider000")
"""An account of another organization, which no bucket policy should let in."""
_ABSENT: Final = frozenset(
    {
        "aws:sourcevpce",
        "aws:sourcevpc",
        "aws:sourcearn",
        "aws:sourceaccount",
        "aws:sourceorgid",
        "aws:principalservicename",
    }
)
"""Keys a request of a service-linked role (not a service principal, not via a VPC) lacks."""


@attrs.frozen
class Request:
    """One request to decide.

    Attributes:
        account_id: the account of the principal making it.
        principal_arn: the principal's ARN; None for "some principal of ``account_id``" (a
            statement naming one particular principal of that account is then unknown).
        action: the S3 action, such as ``"s3:PutObject"``.
        resource: the ARN it acts on.
        context: the condition keys the request carries, lower-case names to values.
        absent: the condition keys it is known not to carry, lower-case.
        not_arns: ARN patterns the principal (of unknown ARN) is known not to match: a
            positive ``aws:PrincipalArn`` condition naming only these does not apply (the
            caller of a put is never AWS Config's own service-linked role, say).
    """

    account_id: str
    principal_arn: str | None
    action: str
    resource: str
    context: Mapping[str, str] = attrs.field(factory=dict)
    absent: frozenset[str] = frozenset()
    not_arns: frozenset[str] = frozenset()


@attrs.frozen
class Decision:
    """What a policy does with a request.

    Attributes:
        outcome: ``"allowed"``, ``"denied"`` (an explicit Deny applies), ``"not allowed"`` (no
            Allow applies and the principal is not the owner's), or ``"unknown"``.
        statements: the statements that decided it (or could not be read), by Sid or position.
        reasons: for ``"unknown"``, what could not be read.
    """

    outcome: Literal["allowed", "denied", "not allowed", "unknown"]
    statements: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()


def statements_of(document: Any) -> list[Mapping[str, Any]] | None:
    """Return the statements of a parsed policy document, or None when it has no valid list."""
    if not isinstance(document, Mapping):
        return None
    statements = document.get("Statement")
    if isinstance(statements, Mapping):
        statements = [statements]
    if not isinstance(statements, list) or not all(isinstance(s, Mapping) for s in statements):
        return None
    return list(statements)


def decide(
    statements: Sequence[Mapping[str, Any]],
    request: Request,
    *,
    owner: str | None,
    partition: str = "aws",
) -> Decision:
    """Decide ``request`` against a bucket policy's ``statements``.

    ``owner`` is the bucket owner's account id, when known: its principals fall back to their
    identity policies when no statement decides. An unknown owner is taken to be another account.
    """
    denied: list[str] = []
    maybe_denied: list[str] = []
    allowing: list[str] = []
    maybe_allowing: list[str] = []
    reasons: list[str] = []
    for index, statement in enumerate(statements):
        name = _name(statement, index)
        why: list[str] = []
        applies = _applies(statement, request, partition, why)
        deny = statement.get("Effect") == "Deny"
        if applies is True:
            (denied if deny else allowing).append(name)
        elif applies is None:
            (maybe_denied if deny else maybe_allowing).append(name)
            reasons.extend(f"{name}: {reason}" for reason in why)
    if denied:
        return Decision("denied", tuple(denied))
    if maybe_denied:
        return Decision("unknown", tuple(maybe_denied), tuple(reasons))
    if allowing:
        return Decision("allowed", tuple(allowing))
    if owner is not None and request.account_id == owner:
        return Decision("allowed")  # the owner's principals: their identity policies decide
    if maybe_allowing:
        return Decision("unknown", tuple(maybe_allowing), tuple(reasons))
    return Decision("not allowed")


def _name(statement: Mapping[str, Any], index: int) -> str:
    sid = statement.get("Sid")
    return f"statement {sid!r}" if isinstance(sid, str) and sid else f"statement #{index + 1}"


def _listed(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _both(*values: Tri) -> Tri:
    """Three-valued AND."""
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def _not(value: Tri) -> Tri:
    return None if value is None else not value


def _applies(statement: Mapping[str, Any], request: Request, partition: str, why: list[str]) -> Tri:
    if "Principal" in statement:
        who = _principal(statement["Principal"], request, partition, why)
    elif "NotPrincipal" in statement:
        who = _not(_principal(statement["NotPrincipal"], request, partition, why))
    else:
        who = False
    if who is False:
        return False
    what = _part(statement, "Action", request.action, case=False, why=why)
    where = _part(statement, "Resource", request.resource, case=True, why=why)
    if what is False or where is False:
        return False
    return _both(who, what, where, _conditions(statement.get("Condition", {}), request, why))


def _principal(value: Any, request: Request, partition: str, why: list[str]) -> Tri:
    if value == "*":
        return True
    if not isinstance(value, Mapping):
        return False
    account = request.account_id
    unknown = False
    for entry in _listed(value.get("AWS")):
        if entry in ("*", account, f"arn:{partition}:iam::{account}:root"):
            return True
        if entry == request.principal_arn:
            return True
        if request.principal_arn is None and entry.startswith(f"arn:{partition}:iam::{account}:"):
            unknown = True
    if unknown:
        why.append(f"it names particular principals of account {account}")
        return None
    return False


def _wild(pattern: str, value: str, *, case: bool) -> bool:
    if not case:
        pattern, value = pattern.lower(), value.lower()
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.S) is not None


def _matches(patterns: Any, value: str, *, case: bool, why: list[str]) -> Tri:
    found: Tri = False
    for pattern in _listed(patterns):
        if "${" in pattern:
            why.append(f"it uses a policy variable ({pattern})")
            found = None
        elif _wild(pattern, value, case=case):
            return True
    return found


def _part(
    statement: Mapping[str, Any], name: str, value: str, *, case: bool, why: list[str]
) -> Tri:
    """Whether ``Action``/``Resource`` (or their ``Not`` form) covers ``value``."""
    if name in statement:
        return _matches(statement[name], value, case=case, why=why)
    negated = f"Not{name}"
    if negated in statement:
        return _not(_matches(statement[negated], value, case=case, why=why))
    return False


def _conditions(conditions: Any, request: Request, why: list[str]) -> Tri:
    if not isinstance(conditions, Mapping):
        why.append("its Condition is not an object")
        return None
    results: list[Tri] = []
    for operator, tests in conditions.items():
        if not isinstance(tests, Mapping):
            why.append(f"its {operator} condition is not an object")
            results.append(None)
            continue
        for key, expected in tests.items():
            results.append(_condition(str(operator), str(key), expected, request, why))
    return _both(*results)


def _condition(operator: str, key: str, expected: Any, request: Request, why: list[str]) -> Tri:
    name = key.lower()
    if name in request.context:
        actual: str | None = request.context[name]
    elif name in request.absent:
        actual = None
    elif _known_mismatch(operator, name, expected, request):
        return False
    else:
        why.append(f"its condition on {key} depends on what the request carries")
        return None
    if operator == "Null":
        wanted = [v.lower() for v in _listed(expected) or _bools(expected)]
        return ("true" if actual is None else "false") in wanted
    base = operator.removesuffix("IfExists")
    spec = _OPERATORS.get(base)
    if spec is None:
        why.append(f"orgconfig does not read the {operator} operator")
        return None
    wildcards, negated, case = spec
    if actual is None:
        return operator.endswith("IfExists") or negated
    values = _listed(expected) or _bools(expected)
    if wildcards:
        hit = any(_wild(v, actual, case=case) for v in values)
    else:
        hit = any((v == actual) if case else (v.lower() == actual.lower()) for v in values)
    return hit != negated


def _known_mismatch(operator: str, name: str, expected: Any, request: Request) -> bool:
    """A positive ``aws:PrincipalArn`` test naming only ARNs the principal is known not to be."""
    spec = _OPERATORS.get(operator.removesuffix("IfExists"))
    values = _listed(expected)
    return (
        name == "aws:principalarn"
        and spec is not None
        and not spec[1]
        and bool(values)
        and all(v in request.not_arns for v in values)
    )


def _bools(expected: Any) -> list[str]:
    """JSON booleans written unquoted (``"Bool": {"aws:SecureTransport": false}``) as strings."""
    items = expected if isinstance(expected, list) else [expected]
    return [str(v).lower() for v in items if isinstance(v, bool)]


# -- the requests preflight checks -----------------------------------------------------------


def _conforms_role(account: str, partition: str) -> str:
    return _CONFORMS_ROLE.format(partition=partition, account=account)


def member_request(
    account: str, organization_id: str, action: str, resource: str, partition: str
) -> Request:
    role = _conforms_role(account, partition)
    context = {
        "aws:principalorgid": organization_id,
        "aws:principalarn": role,
        "aws:principalaccount": account,
        "aws:principaltype": "AssumedRole",
        "aws:principalisawsservice": "false",
        "aws:securetransport": "true",
    }
    absent = _ABSENT
    if action == "s3:PutObject":
        context["s3:x-amz-acl"] = "bucket-owner-full-control"  # as AWS Config writes
    else:
        absent = absent | {"s3:x-amz-acl"}
    return Request(account, role, action, resource, context=context, absent=absent)


def reader_request(
    principal: str, organization_id: str, resource: str, *, not_arns: frozenset[str] = frozenset()
) -> Request:
    """The ``s3:GetObject`` of a template by ``principal`` (an account's root: any principal)."""
    account = principal.split(":")[4]
    context = {
        "aws:principalorgid": organization_id,
        "aws:principalaccount": account,
        "aws:securetransport": "true",
    }
    arn = None if principal.endswith(":root") else principal
    if arn is not None:
        context["aws:principalarn"] = arn
    return Request(
        account,
        arn,
        "s3:GetObject",
        resource,
        context=context,
        absent=_ABSENT | {"s3:x-amz-acl"},
        not_arns=not_arns,
    )


def problem_of(decision: Decision, who: str, action: str, resource: str) -> str | None:
    """One sentence saying why ``who`` may not (or may not surely) do ``action``, or None."""
    if decision.outcome == "allowed":
        return None
    what = f"{action} on {resource}"
    if decision.outcome == "denied":
        return f"{', '.join(decision.statements)} of the bucket policy denies {who} {what}"
    if decision.outcome == "unknown":
        return (
            f"The bucket policy may refuse {who} {what}: orgconfig cannot tell "
            f"({'; '.join(decision.reasons)})"
        )
    return f"No statement of the bucket policy allows {who} {what}"


def bucket_named(statements: Sequence[Mapping[str, Any]], partition: str) -> str | None:
    pattern = re.compile(rf"arn:{re.escape(partition)}:s3:::([a-z0-9][a-z0-9.\-]*[a-z0-9])(/.*)?")
    for statement in statements:
        for field in ("Resource", "NotResource"):
            value = statement.get(field)
            for resource in [value] if isinstance(value, str) else value or []:
                match = pattern.fullmatch(resource) if isinstance(resource, str) else None
                if match:
                    return match.group(1)
    return None
