"""S3 bucket policies, read as AWS reads them for the two accesses the sandbox models.

AWS Config reads a conformance pack's ``TemplateS3Uri`` as the caller, and writes each member
account's results to the pack's ``DeliveryS3Bucket`` as that account's
``AWSServiceRoleForConfigConforms`` role. :func:`allowed` decides one such access from the
bucket's policy the way AWS's policy evaluation does for a resource-based policy:

* an explicit ``Deny`` that applies wins;
* otherwise an ``Allow`` that applies lets the principal in;
* otherwise a principal of the bucket owner's own account is let in (its identity policies are
  assumed to allow the access), and any other account is refused.

What a statement understands: ``Effect``; ``Principal`` (``"*"``, or ``{"AWS": ...}`` naming
``"*"``, an account id, an account's root ARN or a principal's ARN) and ``NotPrincipal``;
``Action`` / ``NotAction`` and ``Resource`` / ``NotResource`` with ``*`` and ``?`` wildcards; and
``Condition`` with the operators ``StringEquals``, ``StringNotEquals``, ``StringEqualsIgnoreCase``,
``StringLike``, ``StringNotLike``, ``ArnEquals``, ``ArnLike``, ``ArnNotEquals``, ``ArnNotLike``
(each optionally ``...IfExists``) on the keys ``aws:PrincipalOrgID``, ``aws:PrincipalArn`` and
``aws:PrincipalAccount``. A statement with any other operator or key does not apply: an
``Allow`` the sandbox cannot read lets no one in, and such a ``Deny`` refuses no one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import attrs

__all__ = ["Access", "allowed"]

_OPERATORS = {
    "StringEquals": (False, False, True),
    "StringNotEquals": (False, True, True),
    "StringEqualsIgnoreCase": (False, False, False),
    "StringLike": (True, False, True),
    "StringNotLike": (True, True, True),
    "ArnEquals": (False, False, True),
    "ArnLike": (True, False, True),
    "ArnNotEquals": (False, True, True),
    "ArnNotLike": (True, True, True),
}
"""Operator -> (wildcards, negated, case-sensitive)."""

_KEYS = frozenset({"aws:principalorgid", "aws:principalarn", "aws:principalaccount"})


@attrs.frozen
class Access:
    """One access to decide: who (account, principal ARN, organization), what, on which ARN.

    ``principal_arn`` None means "some principal of ``account_id``" (the sandbox does not know
    which IAM principal signed a request): a policy naming any principal of that account lets
    it in.
    """

    account_id: str
    action: str
    resource: str
    principal_arn: str | None = None
    org_id: str | None = None

    def context(self) -> dict[str, str]:
        """Return the condition keys this access carries (lower-case names)."""
        keys = {"aws:principalaccount": self.account_id}
        if self.principal_arn is not None:
            keys["aws:principalarn"] = self.principal_arn
        if self.org_id is not None:
            keys["aws:principalorgid"] = self.org_id
        return keys


def allowed(policy: str | bytes | None, access: Access, *, owner: str) -> bool:
    """Tell whether the bucket policy ``policy`` of a bucket ``owner`` owns permits ``access``.

    A policy that is not JSON counts as no policy.

    Example::

        >>> allowed(None, Access("111111111111", "s3:GetObject", "arn:aws:s3:::b/k"),
        ...         owner="222222222222")
        False
    """
    try:
        document = json.loads(policy) if policy else {}
    except ValueError:
        document = {}
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    if isinstance(statements, dict):
        statements = [statements]
    applying = [s for s in statements if isinstance(s, dict) and _applies(s, access)]
    if any(s.get("Effect") == "Deny" for s in applying):
        return False
    if any(s.get("Effect") == "Allow" for s in applying):
        return True
    return access.account_id == owner


def _listed(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _principal_matches(value: Any, access: Access) -> bool:
    if value == "*":
        return True
    if not isinstance(value, Mapping):
        return False
    account = access.account_id
    for entry in _listed(value.get("AWS")):
        if entry in ("*", account, f"arn:aws:iam::{account}:root"):
            return True
        if access.principal_arn is None and entry.startswith(f"arn:aws:iam::{account}:"):
            return True
        if entry == access.principal_arn:
            return True
    return False


def _wild(pattern: str, value: str, *, case: bool) -> bool:
    if not case:
        pattern, value = pattern.lower(), value.lower()
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.S) is not None


def _any_matches(patterns: Any, value: str, *, case: bool) -> bool:
    return any(_wild(p, value, case=case) for p in _listed(patterns))


def _part_matches(statement: Mapping[str, Any], name: str, value: str, *, case: bool) -> bool:
    """Whether ``Action``/``Resource`` (or their ``Not`` form) of a statement covers ``value``."""
    if name in statement:
        return _any_matches(statement[name], value, case=case)
    negated = f"Not{name}"
    return negated in statement and not _any_matches(statement[negated], value, case=case)


def _applies(statement: Mapping[str, Any], access: Access) -> bool:
    if "Principal" in statement:
        who = _principal_matches(statement["Principal"], access)
    else:
        who = "NotPrincipal" in statement and not _principal_matches(
            statement["NotPrincipal"], access
        )
    return (
        who
        and _part_matches(statement, "Action", access.action, case=False)
        and _part_matches(statement, "Resource", access.resource, case=True)
        and _conditions_hold(statement.get("Condition", {}), access.context())
    )


def _conditions_hold(conditions: Any, context: Mapping[str, str]) -> bool:
    if not isinstance(conditions, Mapping):
        return False
    for operator, tests in conditions.items():
        base = operator.removesuffix("IfExists")
        spec = _OPERATORS.get(base)
        if spec is None or not isinstance(tests, Mapping):
            return False
        wildcards, negated, case = spec
        for key, expected in tests.items():
            if key.lower() not in _KEYS:
                return False
            actual = context.get(key.lower())
            if actual is None:
                if operator.endswith("IfExists") or negated:
                    continue
                return False
            if wildcards:
                hit = _any_matches(expected, actual, case=case)
            else:
                hit = any(
                    (e == actual) if case else (e.lower() == actual.lower())
                    for e in _listed(expected)
                )
            if hit == negated:
                return False
    return True
