"""Saved plans: a :class:`~orgconfig.plan.Plan` as JSON data and back, exactly as planned.

The file holds each change with what apply puts: for a pack its template (body, and S3 URI when
it has one), parameters, excluded accounts (resolved), delivery and tags; for a rule its request
as the API takes it (``PutOrganizationConfigRule``'s parameters), plus the targets and the
fingerprint of what the plan read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from orgconfig import _wire, errors
from orgconfig._diff import targets_data
from orgconfig._plan_records import PLAN_FORMAT, FieldChange, PlannedChange
from orgconfig.models import ConformancePack, OrgConfigRule
from orgconfig.targets import Targets
from orgconfig.templates import Template

if TYPE_CHECKING:
    from orgconfig.organization import Organization
    from orgconfig.plan import Plan

__all__ = ["plan_from_file", "plan_to_file"]

_KIND = "orgconfig-plan"


def _pack_data(pack: ConformancePack) -> dict[str, Any]:
    return {
        "name": pack.name,
        "template_body": pack.template.body,
        "template_source": pack.template.source,
        "template_s3_uri": pack.template.s3_uri,
        "parameters": dict(pack.parameters),
        "sensitive": sorted(pack.sensitive),
        "excluded_accounts": list(pack.excluded_accounts),
        "delivery_bucket": pack.delivery_bucket,
        "delivery_prefix": pack.delivery_prefix,
        "tags": dict(pack.tags),
    }


def _pack_from(data: Mapping[str, Any]) -> ConformancePack:
    template = Template(
        body=data["template_body"],
        source=data.get("template_source"),
        s3_uri=data.get("template_s3_uri"),
    )
    return ConformancePack(
        data["name"],
        template,
        parameters=data.get("parameters", {}),
        sensitive=data.get("sensitive", ()),
        excluded_accounts=data.get("excluded_accounts", ()),
        delivery_bucket=data.get("delivery_bucket"),
        delivery_prefix=data.get("delivery_prefix"),
        tags=data.get("tags", {}),
    )


def _rule_data(rule: OrgConfigRule) -> dict[str, Any]:
    return {
        "request": dict(_wire.put_config_rule_request(rule)),
        "sensitive_inputs": sorted(rule.sensitive_inputs),
    }


def _rule_from(data: Mapping[str, Any]) -> OrgConfigRule:
    request = data["request"]
    policy = request.get("OrganizationCustomPolicyRuleMetadata", {}).get("PolicyText")
    tags = _wire.tags_from_api(request.get("Tags", []))
    rule = _wire.config_rule(request, policy_text=policy, tags=tags)
    inputs = data.get("sensitive_inputs") or ()
    if inputs:
        from attrs import evolve  # noqa: PLC0415

        rule = evolve(rule, sensitive_inputs=inputs)
    return rule


def plan_to_file(plan: Plan) -> dict[str, Any]:
    """Return ``plan`` as JSON data, everything apply needs included."""
    items = []
    for change in plan.items:
        entry = change.to_dict()
        entry["included"] = list(change.included)
        entry["targets"] = targets_data(change.targets) if change.targets is not None else None
        if isinstance(change.item, ConformancePack):
            entry["put"] = _pack_data(change.item)
        elif isinstance(change.item, OrgConfigRule):
            entry["put"] = _rule_data(change.item)
        items.append(entry)
    return {
        "kind": _KIND,
        "format": PLAN_FORMAT,
        "organization_id": plan.organization_id,
        "fingerprint": plan.fingerprint,
        "prune": plan.prune,
        "items": items,
    }


def _change_from(entry: Mapping[str, Any]) -> PlannedChange:
    put = entry.get("put")
    item: ConformancePack | OrgConfigRule | None = None
    if put is not None:
        item = _pack_from(put) if entry["kind"] == "conformance_pack" else _rule_from(put)
    targets = entry.get("targets")
    return PlannedChange(
        kind=entry["kind"],
        name=entry["name"],
        region=entry["region"],
        action=entry["action"],
        changes=tuple(FieldChange(c["field"], c["before"], c["after"]) for c in entry["changes"]),
        accounts_added=tuple(entry.get("accounts_added", ())),
        accounts_removed=tuple(entry.get("accounts_removed", ())),
        reason=entry.get("reason"),
        status=entry.get("status"),
        managed=bool(entry.get("managed")),
        item=item,
        included=tuple(entry.get("included", ())),
        targets=Targets(**targets) if targets is not None else None,
    )


def plan_from_file(data: object, organization: Organization, path: str) -> Plan:
    """Return the plan ``data`` holds (as :func:`plan_to_file` wrote it), for ``organization``.

    Raises:
        ValidationError: ``data`` is not a saved plan this orgconfig reads (``field="path"``).
    """
    from orgconfig.plan import Plan  # noqa: PLC0415  (import cycle)

    if not isinstance(data, Mapping) or data.get("kind") != _KIND:
        raise errors.ValidationError(f"{path!r} is not a saved orgconfig plan", field="path")
    if data.get("format") != PLAN_FORMAT:
        raise errors.ValidationError(
            f"{path!r} is a plan of format {data.get('format')!r}; this orgconfig reads "
            f"{PLAN_FORMAT}",
            field="path",
        )
    try:
        items = tuple(_change_from(entry) for entry in data["items"])
        return Plan(
            organization,
            items,
            prune=data["prune"],
            fingerprint=str(data["fingerprint"]),
            organization_id=str(data["organization_id"]),
        )
    except errors.ValidationError as e:
        raise errors.ValidationError(
            f"{path!r}: a change in the plan is not valid: {e}", field="path"
        ) from e
    except (KeyError, TypeError, AttributeError) as e:
        raise errors.ValidationError(
            f"{path!r} is not a complete saved plan: {e!r} is missing or malformed", field="path"
        ) from e
