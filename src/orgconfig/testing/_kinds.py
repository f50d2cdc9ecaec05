"""What the simulated service deals in: the two kinds of resource, quotas, the organization.

The two kinds (:data:`PACK`, :data:`RULE`) carry everything that differs between organization
conformance packs and organization Config rules: their request and response field names, ARN
type, member-account name prefix, and the errors and messages of a missing name or a full quota.
:class:`World` is what the service asks about everything outside AWS Config (in the sandbox,
:class:`orgconfig.testing._moto.MotoWorld` answers from moto).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol

import attrs

from orgconfig.testing._constraints import ORGANIZATION_OPERATIONS
from orgconfig.testing._timeline import Check

__all__ = [
    "CONFIG_SERVICE_PRINCIPAL",
    "OPERATIONS",
    "PACK",
    "RULE",
    "RULE_METADATA_FIELDS",
    "Kind",
    "KindName",
    "OrgView",
    "Quotas",
    "World",
    "parse_arn",
]

CONFIG_SERVICE_PRINCIPAL = "config-multiaccountsetup.amazonaws.com"
"""The service principal of AWS Config's organization features (trusted access, admins)."""

KindName = Literal["pack", "rule"]


@attrs.frozen
class Quotas:
    """Service quotas the sandbox enforces; the defaults are AWS Config's published limits.

    Attributes:
        conformance_packs: organization conformance packs per owner account (management account
            or delegated administrator) and region (AWS: 50).
        config_rules: organization Config rules per owner account and region (AWS: 150).
        rules_per_pack: Config rules in one conformance pack template (AWS: 130, which is
            also the most the template parser accepts: this quota can only lower it).

    Example::

        with sandbox(quotas=Quotas(conformance_packs=2)) as sb:
            ...   # the third pack gives MaxNumberOfOrganizationConformancePacksExceededException
    """

    conformance_packs: int = attrs.field(default=50, validator=attrs.validators.ge(0))
    config_rules: int = attrs.field(default=150, validator=attrs.validators.ge(0))
    rules_per_pack: int = attrs.field(
        default=130, validator=[attrs.validators.ge(1), attrs.validators.le(130)]
    )


@attrs.frozen
class OrgView:
    """What the backend needs to know about the organization a caller belongs to."""

    organization_id: str
    management_account_id: str
    feature_set: str


class World(Protocol):
    """Everything outside AWS Config that the simulated service consults (moto, in the sandbox)."""

    def organization_of(self, account_id: str) -> OrgView | None:
        """Return the organization ``account_id`` belongs to, or None."""
        ...

    def delegated_admins(self, org: OrgView) -> frozenset[str]:
        """Return the accounts registered as delegated administrators for AWS Config."""
        ...

    def accounts(self, org: OrgView) -> Sequence[tuple[str, str]]:
        """Return ``(account id, state)`` for every account of the organization, in join order."""
        ...

    def has_recorder(self, account_id: str, region: str) -> bool:
        """Tell whether ``account_id`` has a configuration recorder in ``region``."""
        ...

    def read_s3_object(self, account_id: str, region: str, uri: str) -> bytes:
        """Read ``s3://bucket/key`` as ``account_id``; raise ServiceError when it cannot be read."""
        ...

    def delivery_check(self, org: OrgView, bucket_name: str, prefix: str | None) -> Check:
        """Return the check that fails the accounts that may not write to a delivery bucket."""
        ...

    def enable_trusted_access(self, org: OrgView, caller: str, region: str) -> None:
        """Enable trusted access for AWS Config and create the caller's service-linked role."""
        ...


# -- the vocabulary of the two kinds --------------------------------------------------------


@attrs.frozen
class Kind:
    """The vocabulary of one kind of resource: names, fields, ARN type, errors."""

    key: KindName
    label: str
    arn_type: str
    member_prefix: str
    member_name_max: int
    name_field: str
    names_field: str
    no_such: str
    no_such_message: str
    quota_error: str
    quota_message: str
    detailed_status_field: str


PACK = Kind(
    key="pack",
    label="organization conformance pack",
    arn_type="organization-conformance-pack",
    member_prefix="OrgConformsPack-",
    member_name_max=256,
    name_field="OrganizationConformancePackName",
    names_field="OrganizationConformancePackNames",
    no_such="NoSuchOrganizationConformancePackException",
    no_such_message=(
        "One or more organization conformance packs with specified names are not present. "
        "Ensure your names are correct and try your request again later."
    ),
    quota_error="MaxNumberOfOrganizationConformancePacksExceededException",
    quota_message=(
        "You have reached the limit ({limit}) of the number of organization conformance packs "
        "you can create in an account."
    ),
    detailed_status_field="Status",
)

RULE = Kind(
    key="rule",
    label="organization Config rule",
    arn_type="organization-config-rule",
    member_prefix="OrgConfigRule-",
    member_name_max=64,
    name_field="OrganizationConfigRuleName",
    names_field="OrganizationConfigRuleNames",
    no_such="NoSuchOrganizationConfigRuleException",
    no_such_message=(
        "One or more organization Config rules with specified names are not present. "
        "Ensure your names are correct and try your request again later."
    ),
    quota_error="MaxNumberOfOrganizationConfigRulesExceededException",
    quota_message=(
        "You have reached the limit ({limit}) of the number of organization Config rules you can "
        "create."
    ),
    detailed_status_field="MemberAccountRuleStatus",
)

RULE_METADATA_FIELDS = (
    "OrganizationManagedRuleMetadata",
    "OrganizationCustomRuleMetadata",
    "OrganizationCustomPolicyRuleMetadata",
)


OPERATIONS = frozenset(ORGANIZATION_OPERATIONS)
"""The eleven AWS Config organization operations the sandbox serves."""


def parse_arn(arn: str) -> tuple[str, str, Kind] | None:
    """Return (region, account, kind) of an organization pack or rule ARN, else None."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "config":
        return None
    resource_type = parts[5].split("/", 1)[0]
    for kind in (PACK, RULE):
        if resource_type == kind.arn_type:
            return parts[3], parts[4], kind
    return None
