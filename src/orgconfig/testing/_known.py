"""What the simulated service knows of rule contents: managed rule identifiers and Guard syntax.

The simulated service answers raw boto3 callers the way AWS does for rule contents orgconfig's
models warn about or refuse:

* **An unknown managed rule identifier in PutOrganizationConfigRule** is refused at the put with
  ``InvalidParameterValueException`` ("The ruleIdentifier X is invalid. ..."; reported by users:
  niaid/terraform-aws-managed-config-rules#47 quotes the answer).
* **An unknown identifier in a conformance pack template** fails in each member account: the
  put succeeds, and every targeted account ends ``CREATE_FAILED`` with
  ``InvalidParameterValueException`` ("The sourceIdentifier X is invalid. ..."; reported by
  users: awslabs/aws-config-rules#437). The first unknown identifier, in template order, is
  the one reported.
* **A Guard policy that is empty, or that Guard cannot parse**, is refused at the put with
  ``InvalidParameterValueException`` (modelled: AWS documents no message; the code is one the
  model lists for PutOrganizationConfigRule). Parsing needs the ``orgconfig[guard]`` extra;
  without it only empty policies are refused.

"Known" means orgconfig's shipped list of AWS managed rule identifiers
(:func:`orgconfig._catalog.managed_rule_identifiers`), plus any the test adds to
:attr:`~orgconfig.testing._service.Service.extra_managed_rules`: a real identifier missing from
the list is refused here although AWS accepts it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, Final

from orgconfig import _catalog, guard
from orgconfig.testing._errors import ServiceError
from orgconfig.testing._timeline import Check

__all__ = [
    "INVALID_PARAMETER",
    "UNKNOWN_IDENTIFIERS",
    "check_policy",
    "check_rule_identifier",
    "member_check",
    "unknown_identifiers",
]

INVALID_PARAMETER: Final = "InvalidParameterValueException"
"""The error code of every refusal and member failure modelled here."""

UNKNOWN_IDENTIFIERS: Final = "UnknownSourceIdentifiers"
"""The key of a pack's stored spec that lists its template's unknown identifiers."""

_BAD_RULE_IDENTIFIER = (
    "The ruleIdentifier {identifier} is invalid. Please refer to Config rules documentation for "
    "a list of valid identifiers that can be used for OrganizationManagedRuleMetadata."
)
_BAD_SOURCE_IDENTIFIER = (
    "The sourceIdentifier {identifier} is invalid. Please refer to the documentation for a list "
    "of valid sourceIdentifiers that can be used when AWS is the Owner."
)
_EMPTY_POLICY = "The PolicyText of a custom policy rule must not be empty."
_BAD_POLICY = "The PolicyText is not a valid Guard policy: {detail}"


def _known(extra: Collection[str]) -> Callable[[str], bool]:
    known = _catalog.managed_rule_identifiers()
    return lambda identifier: identifier in known or identifier in extra


def check_rule_identifier(metadata: Mapping[str, Any], extra: Collection[str]) -> None:
    """Refuse a managed rule's ``RuleIdentifier`` the service does not know (at the put)."""
    identifier = metadata.get("RuleIdentifier")
    if isinstance(identifier, str) and not _known(extra)(identifier):
        raise ServiceError(INVALID_PARAMETER, _BAD_RULE_IDENTIFIER.format(identifier=identifier))


def check_policy(policy_text: str) -> None:
    """Refuse an empty Guard policy, and one Guard cannot parse when the binding is installed."""
    if not policy_text.strip():
        raise ServiceError(INVALID_PARAMETER, _EMPTY_POLICY)
    try:
        guard.check_policy(policy_text)
    except guard.GuardSyntaxError as e:
        raise ServiceError(INVALID_PARAMETER, _BAD_POLICY.format(detail=e.detail)) from e


def unknown_identifiers(identifiers: Iterable[object], extra: Collection[str]) -> list[str]:
    """The identifiers (literal strings, in order) the service does not know."""
    known = _known(extra)
    return [i for i in identifiers if isinstance(i, str) and not known(i)]


def member_check(spec: Mapping[str, Any], then: Check | None) -> Check | None:
    """Fail every member of a pack whose template names an unknown identifier; else ``then``."""
    unknown = spec.get(UNKNOWN_IDENTIFIERS)
    if not unknown:
        return then
    refusal = (INVALID_PARAMETER, _BAD_SOURCE_IDENTIFIER.format(identifier=unknown[0]))
    return lambda _account: refusal
