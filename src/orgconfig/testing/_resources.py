"""What the simulated service stores, and how the Describe and Get calls show it.

A :class:`Resource` is one organization conformance pack or rule of one owner (the management
account or a delegated administrator) in one region; the functions below turn it into the
dictionaries AWS Config puts on the wire. ``epoch`` turns a reading of the virtual clock's
monotonic time into epoch seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from orgconfig.testing._errors import ServiceError
from orgconfig.testing._kinds import PACK, Kind, OrgView
from orgconfig.testing._timeline import Run

__all__ = [
    "Caller",
    "Resource",
    "account_row",
    "change_tags",
    "pack_view",
    "rule_view",
    "status_view",
]

Epoch = Callable[[float], float]


@attrs.define(eq=False)
class Resource:
    """An organization conformance pack or rule, as stored for its owner and region.

    Until ``visible_from`` (the put plus the read lag), reads show ``before``: the resource as
    it was before the put (None for a new name: not found yet).
    """

    kind: Kind
    name: str
    arn: str
    member_name: str
    updated_at: float
    spec: dict[str, Any]
    run: Run
    owner: str
    region: str
    org: OrgView
    tags: dict[str, str] = attrs.field(factory=dict)
    policy_text: str | None = None
    excluded: frozenset[str] = frozenset()
    visible_from: float = 0.0
    before: Resource | None = None

    @property
    def scope(self) -> str:
        """The resource's name in the timeline's seeds: owner, region, kind, name."""
        return f"{self.owner}|{self.region}|{self.kind.key}|{self.name}"


@attrs.define
class Caller:
    """Who calls: the account, the region, and its organization."""

    account_id: str
    region: str
    org: OrgView


def pack_view(r: Resource, epoch: Epoch) -> dict[str, Any]:
    """Return a pack as ``DescribeOrganizationConformancePacks`` lists it."""
    view: dict[str, Any] = {
        "OrganizationConformancePackName": r.name,
        "OrganizationConformancePackArn": r.arn,
        "ConformancePackInputParameters": r.spec["ConformancePackInputParameters"],
        "ExcludedAccounts": r.spec["ExcludedAccounts"],
        "LastUpdateTime": epoch(r.updated_at),
    }
    for key in ("DeliveryS3Bucket", "DeliveryS3KeyPrefix"):
        if r.spec.get(key) is not None:
            view[key] = r.spec[key]
    return view


def rule_view(r: Resource, epoch: Epoch) -> dict[str, Any]:
    """Return a rule as ``DescribeOrganizationConfigRules`` lists it."""
    return {
        "OrganizationConfigRuleName": r.name,
        "OrganizationConfigRuleArn": r.arn,
        r.spec["field"]: r.spec["metadata"],
        "ExcludedAccounts": sorted(r.excluded),
        "LastUpdateTime": epoch(r.updated_at),
    }


def status_view(r: Resource, status_key: str, now: float, epoch: Epoch) -> dict[str, Any]:
    """Return the aggregate status of a pack or rule at ``now``, as the statuses calls do."""
    status, code, message, updated = r.run.aggregate(now)
    view: dict[str, Any] = {
        r.kind.name_field: r.name,
        status_key: status,
        "LastUpdateTime": epoch(updated),
    }
    if code is not None:
        view["ErrorCode"] = code
        view["ErrorMessage"] = message
    return view


def account_row(r: Resource, position: int, now: float, epoch: Epoch) -> dict[str, Any]:
    """Return one account's detailed status row (the account at ``position`` of the run)."""
    run = r.run
    account = run.accounts[position]
    member_key = "ConformancePackName" if r.kind is PACK else "ConfigRuleName"
    row: dict[str, Any] = {
        "AccountId": account.account_id,
        member_key: r.member_name,
        r.kind.detailed_status_field: account.status(run.action, now),
        "LastUpdateTime": epoch(account.last_update(now)),
    }
    if account.failed and now >= account.end:
        row["ErrorCode"] = account.error_code
        row["ErrorMessage"] = account.error_message
    return row


def change_tags(r: Resource, operation: str, p: Mapping[str, Any]) -> None:
    """Apply ``TagResource`` or ``UntagResource`` to ``r`` (at most 50 tags, as AWS Config)."""
    if operation == "UntagResource":
        for key in p["TagKeys"]:
            r.tags.pop(key, None)
        return
    merged = dict(r.tags)
    merged.update({t["Key"]: t.get("Value", "") for t in p["Tags"]})
    if len(merged) > 50:
        raise ServiceError(
            "TooManyTagsException",
            "You have reached the limit of the number of tags you can use (50).",
        )
    r.tags = merged
