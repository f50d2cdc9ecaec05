"""Export: a desired-state file (YAML text) for what an organization holds now.

AWS never returns a conformance pack's template, so each pack is written with a placeholder
path, ``templates/<name>.yaml``, and a comment saying to put the template there. Rules are
written completely (a Guard rule's policy inline). Targets recorded by orgconfig
(``orgconfig:targets``) are written as targets; other excluded accounts as ``excluded_accounts``.
orgconfig's own tags are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import yaml

from orgconfig import errors
from orgconfig._diff import plain, targets_data
from orgconfig._recorded import user_tags
from orgconfig.models import ConformancePackInfo, OrgConfigRule, RuleKind
from orgconfig.targets import Targets, targets_from_tags

if TYPE_CHECKING:
    from orgconfig.organization import Organization

__all__ = ["export_yaml", "placeholder_template"]

_RULE_KEYS = (
    ("identifier", "identifier"),
    ("lambda_arn", "lambda_arn"),
    ("policy_runtime", "runtime"),
    ("trigger_types", "trigger_types"),
    ("description", "description"),
    ("input_parameters", "input_parameters"),
    ("max_frequency", "max_frequency"),
    ("resource_types", "resource_types"),
    ("resource_id", "resource_id"),
    ("tag_key", "tag_key"),
    ("tag_value", "tag_value"),
    ("debug_log_accounts", "debug_log_accounts"),
)


def placeholder_template(name: str) -> str:
    """The template path export writes for pack ``name`` (relative to the exported file)."""
    return f"templates/{name}.yaml"


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (Guard policies) as literal blocks."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _targets(tags: Mapping[str, str]) -> Targets | None:
    try:
        return targets_from_tags(tags)
    except errors.ValidationError:
        return None


def _placement(
    organization: Organization, tags: Mapping[str, str], excluded: Iterable[str]
) -> dict[str, Any]:
    """``targets`` and ``excluded_accounts`` entries for a pack or rule deployed with these."""
    out: dict[str, Any] = {}
    held = sorted(excluded)
    targets = _targets(tags)
    if targets is not None and not targets.is_everything:
        out["targets"] = targets_data(targets)
        try:
            implied = set(organization.resolve(targets).excluded_accounts)
        except errors.ValidationError:
            implied = set()
        held = [a for a in held if a not in implied]
    if held:
        out["excluded_accounts"] = held
    return out


def _pack_entry(organization: Organization, info: ConformancePackInfo) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": info.name, "template": placeholder_template(info.name)}
    if info.parameters:
        entry["parameters"] = dict(info.parameters)
    entry.update(_placement(organization, info.tags, info.excluded_accounts))
    if info.delivery_bucket:
        entry["delivery_bucket"] = info.delivery_bucket
    if info.delivery_prefix:
        entry["delivery_prefix"] = info.delivery_prefix
    tags = user_tags(info.tags)
    if tags:
        entry["tags"] = tags
    return entry


def _rule_entry(organization: Organization, rule: OrgConfigRule) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": rule.name, "kind": rule.kind.value}
    if rule.kind is RuleKind.CUSTOM_POLICY:
        entry["policy"] = rule.policy_text
    for field, key in _RULE_KEYS:
        value = getattr(rule, field)
        if value is None or value == ():
            continue
        entry[key] = plain(value)
    if rule.sensitive_inputs:
        entry["sensitive_inputs"] = sorted(rule.sensitive_inputs)
    entry.update(_placement(organization, rule.tags, rule.excluded_accounts))
    tags = user_tags(rule.tags)
    if tags:
        entry["tags"] = tags
    return entry


def _collect(
    entries: dict[str, tuple[dict[str, Any], list[str]]], entry: dict[str, Any], region: str
) -> None:
    seen = entries.get(entry["name"])
    if seen is None:
        entries[entry["name"]] = (entry, [region])
    else:
        seen[1].append(region)


def _dump(entry: Mapping[str, Any]) -> str:
    text = yaml.dump([dict(entry)], Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=96)
    return "".join(f"  {line}\n" for line in text.splitlines())


def export_yaml(organization: Organization, regions: Iterable[str] | None = None) -> str:
    """Return the desired-state YAML for what ``organization`` holds in ``regions``.

    ``regions`` default to the organization's. An item deployed in several regions is written
    once, with those regions (with the settings of the first region, in sorted order).
    """
    names = sorted(dict.fromkeys(organization.regions if regions is None else regions))
    packs: dict[str, tuple[dict[str, Any], list[str]]] = {}
    rules: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for region in names:
        view = organization.in_region(region)
        for info in view.conformance_packs.list():
            _collect(packs, _pack_entry(organization, info), region)
        for rule in view.rules.list():
            _collect(rules, _rule_entry(organization, rule), region)
    lines = [
        "# Desired state exported by orgconfig from what the organization holds now.",
        "# Review it before planning: see docs/desired-state.md.",
        "version: 1",
        f"regions: [{', '.join(names)}]",
    ]
    for label, found in (("conformance_packs", packs), ("rules", rules)):
        if not found:
            lines.append(f"{label}: []")
            continue
        lines.append(f"{label}:")
        for name in sorted(found):
            entry, where = found[name]
            if where != names:
                entry = {**entry, "regions": where}
            text = _dump(entry)
            if label == "conformance_packs":
                lines.append(
                    "  # AWS does not return templates: put this pack's template at "
                    f"{entry['template']}\n  # (relative to this file), or give its S3 URI."
                )
            lines.append(text.rstrip("\n"))
    return "\n".join(lines) + "\n"
