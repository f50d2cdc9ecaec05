"""Making a plan: read what is deployed, resolve the targets again, compare field by field.

:func:`compute_plan` is :func:`orgconfig.plan.make_plan`'s work; :func:`fingerprint_now` reads
again what a plan's fingerprint covers, for :meth:`orgconfig.plan.Plan.verify`.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from orgconfig import errors
from orgconfig._plan_records import FieldChange, PlannedChange
from orgconfig._recorded import (
    TEMPLATE_SHA256_TAG,
    is_managed,
    normalized_text,
    template_sha256,
    user_tags,
)
from orgconfig.desired import DesiredPack, DesiredRule, DesiredState
from orgconfig.models import (
    ConformancePackInfo,
    DeploymentStatus,
    OrgConfigRule,
    Status,
)
from orgconfig.targets import Targets, targets_from_tags, targets_match_tags, targets_to_tags

if TYPE_CHECKING:
    from orgconfig.organization import Organization
    from orgconfig.plan import Plan, Prune
    from orgconfig.regional import Region

__all__ = ["compute_plan", "fingerprint_now", "plain", "targets_data"]

PACK = "conformance_pack"
RULE = "rule"
_GONE = (Status.DELETE_SUCCESSFUL, Status.DELETE_IN_PROGRESS)
# OrgConfigRule fields compared one by one (tags, excluded accounts and targets apart), with the
# name the desired-state file gives them.
_RULE_FIELDS = {
    "kind": "kind",
    "identifier": "identifier",
    "lambda_arn": "lambda_arn",
    "policy_text": "policy",
    "policy_runtime": "runtime",
    "trigger_types": "trigger_types",
    "description": "description",
    "input_parameters": "input_parameters",
    "max_frequency": "max_frequency",
    "resource_types": "resource_types",
    "resource_id": "resource_id",
    "tag_key": "tag_key",
    "tag_value": "tag_value",
    "debug_log_accounts": "debug_log_accounts",
}
_SETS = frozenset({"trigger_types", "resource_types", "debug_log_accounts"})


def plain(value: object) -> Any:
    """``value`` as JSON data: enums as their value, tuples and sets as lists, mappings as dicts."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(plain(v) for v in value)
    if isinstance(value, Iterable):
        return [plain(v) for v in value]
    return str(value)


def targets_data(targets: Targets) -> dict[str, Any]:
    """The targets as the desired-state file writes them (empty selectors left out)."""
    out: dict[str, Any] = {}
    for name in ("ous", "accounts", "tags", "exclude_ous", "exclude_accounts", "exclude_tags"):
        value = getattr(targets, name)
        if value:
            out[name] = dict(sorted(value.items())) if isinstance(value, Mapping) else sorted(value)
    return out


@attrs.frozen
class _Deployed:
    """What one region holds: packs, rules and their statuses."""

    packs: Mapping[str, ConformancePackInfo]
    rules: Mapping[str, OrgConfigRule]
    statuses: Mapping[tuple[str, str], DeploymentStatus]

    def present(self, kind: str, name: str) -> bool:
        held = self.packs if kind == PACK else self.rules
        status = self.statuses.get((kind, name))
        return name in held and (status is None or status.status not in _GONE)


def _statuses(region: Region) -> dict[tuple[str, str], DeploymentStatus]:
    found = {(PACK, s.name): s for s in region.conformance_packs.statuses()}
    found.update({(RULE, s.name): s for s in region.rules.statuses()})
    return found


def _read(region: Region) -> _Deployed:
    return _Deployed(
        packs={p.name: p for p in region.conformance_packs.list()},
        rules={r.name: r for r in region.rules.list()},
        statuses=_statuses(region),
    )


def _masked(value: object, secret: bool) -> Any:
    return "***" if secret and value is not None else plain(value)


def _mapping_changes(
    label: str, before: Mapping[str, Any], after: Mapping[str, Any], secret: Iterable[str] = ()
) -> list[FieldChange]:
    hidden = set(secret)
    return [
        FieldChange(
            f"{label}[{key!r}]",
            _masked(before.get(key), key in hidden),
            _masked(after.get(key), key in hidden),
        )
        for key in sorted({*before, *after})
        if before.get(key) != after.get(key)
    ]


def _recorded_targets(tags: Mapping[str, str], wanted: Targets) -> list[FieldChange]:
    try:
        same = targets_match_tags(wanted, tags)
        recorded = targets_from_tags(tags)
    except errors.ValidationError:
        same, recorded = False, None
    if same:
        return []
    before = targets_data(recorded) if recorded is not None else None
    return [FieldChange("targets", before, targets_data(wanted))]


def _failure(status: DeploymentStatus | None) -> str | None:
    if status is None or not status.status.failed:
        return None
    reason = f"the last deployment ended {status.status.value}"
    if status.error_code:
        reason += f": {status.error_code}"
    return reason


class _Planner:
    def __init__(self, organization: Organization, desired: DesiredState, prune: Prune) -> None:
        self.organization = organization
        self.desired = desired
        self.prune = prune
        organization.refresh()  # targets are resolved against the organization as it is now
        self.accounts = organization.accounts()
        self.all_ids = frozenset(a.id for a in self.accounts)

    def regions(self) -> list[str]:
        default = self.organization.regions
        found = set(self.desired.regions or default)
        items: list[DesiredPack | DesiredRule] = [*self.desired.conformance_packs]
        items += self.desired.rules
        for item in items:
            found.update(self.desired.regions_of(item, default))
        return sorted(found)

    def included(
        self, targets: Targets, excluded: Iterable[str]
    ) -> tuple[tuple[str, ...], list[str]]:
        """(accounts the targets select, the accounts the put excludes)."""
        resolution = self.organization.resolve(targets)
        left_out = sorted({*excluded, *resolution.excluded_accounts})
        return resolution.included_accounts, left_out

    def reach(self, before: Iterable[str], after: Iterable[str]) -> dict[str, Any]:
        reached_before = self.all_ids - set(before)
        reached_after = self.all_ids - set(after)
        return {
            "accounts_added": tuple(sorted(reached_after - reached_before)),
            "accounts_removed": tuple(sorted(reached_before - reached_after)),
        }

    def pack(self, item: DesiredPack, region: str, deployed: _Deployed) -> PlannedChange:
        pack = item.pack
        included, excluded = self.included(item.targets, pack.excluded_accounts)
        sha = template_sha256(pack.template.body)
        tags = {**pack.tags, **targets_to_tags(item.targets), TEMPLATE_SHA256_TAG: sha}
        final = attrs.evolve(pack, excluded_accounts=excluded, tags=tags)
        common: dict[str, Any] = {
            "kind": PACK,
            "name": pack.name,
            "region": region,
            "item": final,
            "included": included,
            "targets": item.targets,
        }
        status = deployed.statuses.get((PACK, pack.name))
        if not deployed.present(PACK, pack.name):
            return PlannedChange(
                action="create",
                accounts_added=tuple(sorted(self.all_ids - set(excluded))),
                **common,
            )
        info = deployed.packs[pack.name]
        changes = _mapping_changes(
            "parameters", info.parameters, pack.parameters, pack.secret_parameters
        )
        if set(info.excluded_accounts) != set(excluded):
            changes.append(
                FieldChange("excluded_accounts", sorted(info.excluded_accounts), excluded)
            )
        changes += _recorded_targets(info.tags, item.targets)
        for field in ("delivery_bucket", "delivery_prefix"):
            if getattr(info, field) != getattr(pack, field):
                changes.append(FieldChange(field, getattr(info, field), getattr(pack, field)))
        changes += _mapping_changes("tags", user_tags(info.tags), user_tags(pack.tags))
        if info.template_sha256 != sha:
            changes.append(FieldChange("template_sha256", info.template_sha256, sha))
        return self.decide(
            common,
            changes=changes,
            status=status,
            tags=info.tags,
            before=info.excluded_accounts,
            after=excluded,
        )

    def rule(self, item: DesiredRule, region: str, deployed: _Deployed) -> PlannedChange:
        rule = item.rule
        included, excluded = self.included(item.targets, rule.excluded_accounts)
        tags = {**rule.tags, **targets_to_tags(item.targets)}
        final = attrs.evolve(rule, excluded_accounts=excluded, tags=tags)
        common: dict[str, Any] = {
            "kind": RULE,
            "name": rule.name,
            "region": region,
            "item": final,
            "included": included,
            "targets": item.targets,
        }
        status = deployed.statuses.get((RULE, rule.name))
        if not deployed.present(RULE, rule.name):
            return PlannedChange(
                action="create",
                accounts_added=tuple(sorted(self.all_ids - set(excluded))),
                **common,
            )
        held = deployed.rules[rule.name]
        changes = _rule_changes(held, rule)
        if set(held.excluded_accounts) != set(excluded):
            changes.append(
                FieldChange("excluded_accounts", sorted(held.excluded_accounts), excluded)
            )
        changes += _recorded_targets(held.tags, item.targets)
        changes += _mapping_changes("tags", user_tags(held.tags), user_tags(rule.tags))
        return self.decide(
            common,
            changes=changes,
            status=status,
            tags=held.tags,
            before=held.excluded_accounts,
            after=excluded,
        )

    def decide(
        self,
        common: dict[str, Any],
        *,
        changes: list[FieldChange],
        status: DeploymentStatus | None,
        tags: Mapping[str, str],
        before: Iterable[str],
        after: Iterable[str],
    ) -> PlannedChange:
        failure = _failure(status)
        action = "update" if changes else ("retry" if failure else "unchanged")
        return PlannedChange(
            action=action,  # type: ignore[arg-type]  # one of the three above
            changes=tuple(changes),
            reason=failure,
            status=status.status.value if status else None,
            managed=is_managed(tags),
            **self.reach(before, after),
            **common,
        )

    def pruned(
        self, region: str, deployed: _Deployed, wanted: set[tuple[str, str]]
    ) -> list[PlannedChange]:
        out = []
        for kind, held in ((PACK, deployed.packs), (RULE, deployed.rules)):
            for name, thing in held.items():
                if (kind, name) in wanted or not deployed.present(kind, name):
                    continue
                managed = is_managed(thing.tags)
                if not managed and self.prune != "all":
                    continue
                status = deployed.statuses.get((kind, name))
                out.append(
                    PlannedChange(
                        kind=kind,
                        name=name,
                        region=region,
                        action="delete",
                        reason="not in the desired state"
                        + ("" if managed else " (not managed by orgconfig)"),
                        status=status.status.value if status else None,
                        managed=managed,
                        accounts_removed=tuple(sorted(self.all_ids - set(thing.excluded_accounts))),
                    )
                )
        return out


def _rule_changes(held: OrgConfigRule, rule: OrgConfigRule) -> list[FieldChange]:
    changes = []
    for field, label in _RULE_FIELDS.items():
        before, after = getattr(held, field), getattr(rule, field)
        if field == "policy_text" and before is not None and after is not None:
            same = normalized_text(before) == normalized_text(after)
        elif field in _SETS:
            same = set(before) == set(after)
        else:
            same = before == after
        if same:
            continue
        if field == "input_parameters":
            hidden = rule.sensitive_inputs | held.sensitive_inputs
            changes += _mapping_changes("input_parameters", before or {}, after or {}, hidden)
        elif field == "policy_text":
            changes.append(FieldChange(label, _policy_shown(before), _policy_shown(after)))
        else:
            changes.append(FieldChange(label, plain(before), plain(after)))
    return changes


def _policy_shown(text: str | None) -> str | None:
    """A Guard policy in a change: its SHA-256 and length, not the whole text."""
    if text is None:
        return None
    digest = hashlib.sha256(normalized_text(text).encode("utf-8")).hexdigest()
    return f"sha256:{digest[:16]} ({len(text):,} characters)"


def compute_plan(organization: Organization, desired: DesiredState, prune: Prune) -> Plan:
    """Read, compare and decide; see :func:`orgconfig.plan.make_plan`."""
    from orgconfig.plan import Plan  # noqa: PLC0415  (import cycle)

    planner = _Planner(organization, desired, prune)
    default = organization.regions
    items: list[PlannedChange] = []
    statuses: dict[str, Mapping[tuple[str, str], DeploymentStatus]] = {}
    for region in planner.regions():
        deployed = _read(organization.in_region(region))
        statuses[region] = deployed.statuses
        wanted: set[tuple[str, str]] = set()
        for pack in desired.conformance_packs:
            if region in desired.regions_of(pack, default):
                wanted.add((PACK, pack.name))
                items.append(planner.pack(pack, region, deployed))
        for rule in desired.rules:
            if region in desired.regions_of(rule, default):
                wanted.add((RULE, rule.name))
                items.append(planner.rule(rule, region, deployed))
        if prune:
            items += planner.pruned(region, deployed, wanted)
    items.sort(key=lambda i: (i.kind != PACK, i.name, i.region))
    return Plan(
        organization,
        tuple(items),
        prune=prune,
        fingerprint=_fingerprint(planner.accounts, statuses, items),
        organization_id=organization.describe().id,
    )


def _fingerprint(
    accounts: Iterable[Any],
    statuses: Mapping[str, Mapping[tuple[str, str], DeploymentStatus]],
    items: Iterable[PlannedChange],
) -> str:
    data = {
        "accounts": sorted([a.id, a.ou_path, a.status] for a in accounts),
        "statuses": {
            region: sorted(
                [kind, name, s.status.value, s.last_update.isoformat() if s.last_update else None]
                for (kind, name), s in found.items()
            )
            for region, found in sorted(statuses.items())
        },
        "included": sorted(
            [i.kind, i.name, i.region, list(i.included)] for i in items if i.action != "delete"
        ),
    }
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint_now(plan: Plan) -> str:
    """Read again what ``plan``'s fingerprint covers and return the fingerprint of it now."""
    organization = plan.organization
    organization.refresh()
    accounts = organization.accounts()
    regions = sorted({i.region for i in plan.items})
    statuses = {r: _statuses(organization.in_region(r)) for r in regions}
    now = [
        item
        if item.action == "delete" or item.targets is None
        else attrs.evolve(item, included=organization.resolve(item.targets).included_accounts)
        for item in plan.items
    ]
    return _fingerprint(accounts, statuses, now)
