"""Who may call what, outside AWS Config: AWS Organizations for member accounts, STS AssumeRole.

moto answers every Organizations call from any account, and every ``sts:AssumeRole`` into any
account, role or not. AWS does neither; the seam asks this module first:

* :func:`organizations_refusal`: the management account may call everything; any account of the
  organization may call :data:`ANY_MEMBER` (``DescribeOrganization``, the handshake calls,
  leaving); a delegated administrator of any service may also make the read-only calls of
  :data:`DELEGATED_READS`, and sees the management account's view (``_moto.patched`` answers
  them from the management account's backend); any other call from a member account is refused
  with ``AccessDeniedException``. An account in no organization gets
  ``AWSOrganizationsNotInUseException`` for the reads of :data:`DELEGATED_READS`, which moto
  answers from an empty organization of its own; moto answers its other calls.
* :func:`assume_role_refusal`: ``AccessDenied`` for a malformed role ARN or account id, a role
  that does not exist in the target account (every account outside the organization, unless a
  test created one), and a role whose trust policy does not name the caller's account.

Requests the sandbox makes for itself (inside :func:`orgconfig.testing._seam.internal`) are
not checked.
"""

from __future__ import annotations

import json
import re
from typing import Any

from orgconfig.testing import _moto

__all__ = [
    "ANY_MEMBER",
    "DELEGATED_READS",
    "assume_role_refusal",
    "organizations_refusal",
]

ANY_MEMBER = frozenset(
    {
        "DescribeOrganization",
        "LeaveOrganization",
        "AcceptHandshake",
        "DeclineHandshake",
        "DescribeHandshake",
        "ListHandshakesForAccount",
        "DescribeEffectivePolicy",
    }
)
"""Organizations calls any account of the organization may make (the AWS API reference)."""

DELEGATED_READS = frozenset(
    {
        "DescribeAccount",
        "DescribeOrganizationalUnit",
        "DescribePolicy",
        "ListAccounts",
        "ListAccountsForParent",
        "ListAWSServiceAccessForOrganization",
        "ListChildren",
        "ListDelegatedAdministrators",
        "ListDelegatedServicesForAccount",
        "ListOrganizationalUnitsForParent",
        "ListParents",
        "ListPolicies",
        "ListPoliciesForTarget",
        "ListRoots",
        "ListTagsForResource",
        "ListTargetsForPolicy",
    }
)
"""Read-only Organizations calls a delegated administrator (of any service) may make too."""

_NO_PERMISSION = "You don't have permissions to access this resource."
_NOT_IN_USE = "Your account is not a member of an organization."
_ROLE_ARN = re.compile(r"arn:(aws[a-z-]*):iam::([^:]*):role/(?:[^:]*/)?([\w+=,.@-]{1,64})")
_ACCOUNT = re.compile(r"\d{12}")


def organizations_refusal(account_id: str, operation: str) -> tuple[str, str] | None:
    """Return the error AWS answers ``operation`` from ``account_id`` with, as (code, message).

    None when the call is allowed.
    """
    management = _moto.management_of(account_id)
    if management is None:
        if operation in DELEGATED_READS:
            return "AWSOrganizationsNotInUseException", _NOT_IN_USE
        return None
    if management == account_id or operation in ANY_MEMBER:
        return None
    if operation in DELEGATED_READS and _moto.is_delegated_admin(management, account_id):
        return None
    return "AccessDeniedException", _NO_PERMISSION


def assume_role_refusal(caller_account: str, role_arn: str) -> str | None:
    """Return AWS's ``AccessDenied`` message for ``caller_account`` assuming ``role_arn``.

    None when the role exists and its trust policy lets the caller's account assume it
    (conditions are not evaluated).
    """
    denied = (
        f"User: arn:aws:iam::{caller_account}:root is not authorized to perform: "
        f"sts:AssumeRole on resource: {role_arn}"
    )
    match = _ROLE_ARN.fullmatch(role_arn)
    if match is None or _ACCOUNT.fullmatch(match.group(2)) is None:
        return denied
    trust = _moto.role_trust_policy(match.group(2), match.group(3))
    if trust is None or not _trusts(trust, caller_account):
        return denied
    return None


def _trusts(document: str, caller_account: str) -> bool:
    try:
        policy: Any = json.loads(document)
    except ValueError:
        return False
    statements = policy.get("Statement", []) if isinstance(policy, dict) else []
    if isinstance(statements, dict):
        statements = [statements]
    return any(
        isinstance(s, dict)
        and s.get("Effect") == "Allow"
        and _assume_action(s.get("Action"))
        and _names_account(s.get("Principal"), caller_account)
        for s in statements
    )


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _assume_action(action: Any) -> bool:
    return any(a in ("sts:AssumeRole", "sts:*", "*") for a in _listed(action))


def _names_account(principal: Any, account_id: str) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    for name in _listed(principal.get("AWS")):
        if not isinstance(name, str):
            continue
        if name in ("*", account_id) or re.fullmatch(rf"arn:aws[a-z-]*:iam::{account_id}:.+", name):
            return True
    return False
