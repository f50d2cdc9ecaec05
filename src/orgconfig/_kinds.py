"""What differs between conformance packs and rules, as data.

Waiting, listing, busy handling and resuming are the same code for both kinds (as botocore
describes waiters as data); this table holds the operation names, parameter names, result keys
and converters that tell them apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from orgconfig import _wire, errors
from orgconfig.models import AccountStatus, DeploymentStatus

__all__ = ["PACKS", "RULES", "Kind"]


@attrs.frozen
class Kind:
    """The API vocabulary of one kind of organization resource."""

    key: str
    label: str
    put: str
    describe: str
    statuses: str
    detailed: str
    delete: str
    name_param: str
    names_param: str
    describe_key: str
    statuses_key: str
    detailed_key: str
    detailed_status_filter: str
    not_found_code: str
    status_from_api: Callable[[Mapping[str, Any]], DeploymentStatus]
    account_status_from_api: Callable[[Mapping[str, Any]], AccountStatus]

    def named(self, error: errors.ApiError, name: str) -> errors.ApiError:
        """Return ``error`` with the pack or rule's name in its message (AWS's does not say)."""
        return error.with_message(f"{self.label} {name!r} not found: {error.message}")


PACKS = Kind(
    key="conformance_pack",
    label="conformance pack",
    put="PutOrganizationConformancePack",
    describe="DescribeOrganizationConformancePacks",
    statuses="DescribeOrganizationConformancePackStatuses",
    detailed="GetOrganizationConformancePackDetailedStatus",
    delete="DeleteOrganizationConformancePack",
    name_param="OrganizationConformancePackName",
    names_param="OrganizationConformancePackNames",
    describe_key="OrganizationConformancePacks",
    statuses_key="OrganizationConformancePackStatuses",
    detailed_key="OrganizationConformancePackDetailedStatuses",
    detailed_status_filter="Status",
    not_found_code="NoSuchOrganizationConformancePackException",
    status_from_api=_wire.pack_status,
    account_status_from_api=_wire.pack_account_status,
)

RULES = Kind(
    key="rule",
    label="organization config rule",
    put="PutOrganizationConfigRule",
    describe="DescribeOrganizationConfigRules",
    statuses="DescribeOrganizationConfigRuleStatuses",
    detailed="GetOrganizationConfigRuleDetailedStatus",
    delete="DeleteOrganizationConfigRule",
    name_param="OrganizationConfigRuleName",
    names_param="OrganizationConfigRuleNames",
    describe_key="OrganizationConfigRules",
    statuses_key="OrganizationConfigRuleStatuses",
    detailed_key="OrganizationConfigRuleDetailedStatus",
    detailed_status_filter="MemberAccountRuleStatus",
    not_found_code="NoSuchOrganizationConfigRuleException",
    status_from_api=_wire.rule_status,
    account_status_from_api=_wire.rule_account_status,
)
