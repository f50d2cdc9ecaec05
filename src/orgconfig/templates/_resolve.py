"""CloudFormation ``Ref`` resolution for one template rule: what ``from_template_rule`` needs.

:class:`Resolver` replaces ``{"Ref": P}`` by the value of parameter ``P`` and drops values that
are ``{"Ref": "AWS::NoValue"}``. Everything else CloudFormation would compute (``Fn::If``,
``Fn::Sub``, ``Condition``, pseudo parameters that differ per account) cannot be resolved
without deploying, and raises :class:`~orgconfig.errors.ValidationError` naming the field.

This module imports nothing from :mod:`orgconfig.templates` itself, so the package may import it
(or not) at any time without a cycle.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from orgconfig import redaction
from orgconfig._checks import (
    EMPTY,
    MAX_JSON_DEPTH,
    ParameterValue,
    closest,
    fail,
    parameter_text,
    show,
    subscript,
)
from orgconfig._limits import SCHEDULED_TRIGGER

if TYPE_CHECKING:
    from orgconfig.templates import Template, TemplateRule

__all__ = ["Resolver", "raw_mapping", "rule_fields"]


def raw_mapping(value: object) -> Mapping[str, Any]:
    """``value`` if it is a mapping, else an empty mapping (a template property that is absent)."""
    return value if isinstance(value, Mapping) else EMPTY


class _NoValue:
    """``{"Ref": "AWS::NoValue"}``: the value is removed."""


_NO_VALUE = _NoValue()


@attrs.frozen
class Resolver:
    """Resolves the ``Ref`` intrinsics of one template rule; anything else raises."""

    rule: str
    values: Mapping[str, str]
    declared: frozenset[str] | None

    def text(self, value: object, label: str) -> str | None:
        """Resolve a scalar field: a string, or None when absent or ``AWS::NoValue``."""
        resolved = self.value(value, label)
        if resolved is None or isinstance(resolved, str):
            return resolved
        raise fail(label, f"the template rule {self.rule} gives {show(resolved)}, not a string")

    def value(self, value: object, label: str) -> Any:
        """Resolve ``value`` and everything in it; ``AWS::NoValue`` becomes None at the top."""
        resolved = self._resolve(value, label, 0)
        return None if resolved is _NO_VALUE else resolved

    def _resolve(self, value: object, label: str, depth: int) -> object:
        if depth > MAX_JSON_DEPTH:
            raise fail(label, f"the template rule {self.rule} nests deeper than {MAX_JSON_DEPTH}")
        if isinstance(value, Mapping):
            if len(value) == 1:
                (key,) = value
                if key == "Ref":
                    return self._ref(value[key], label)
                if isinstance(key, str) and (key.startswith("Fn::") or key == "Condition"):
                    raise fail(
                        label,
                        f"the template rule {self.rule} uses {key}, which only CloudFormation "
                        f"can evaluate; give the value instead ({show(dict(value))})",
                    )
            resolved = {
                k: self._resolve(x, f"{label}[{subscript(k)}]", depth + 1) for k, x in value.items()
            }
            return {k: x for k, x in resolved.items() if x is not _NO_VALUE}
        if isinstance(value, (list, tuple)):
            items = [self._resolve(x, f"{label}[{i}]", depth + 1) for i, x in enumerate(value)]
            return [x for x in items if x is not _NO_VALUE]
        return value

    def _ref(self, target: object, label: str) -> object:
        if target == "AWS::NoValue":
            return _NO_VALUE
        if not isinstance(target, str):
            raise fail(label, f"the template rule {self.rule} has a Ref to {show(target)}")
        if target in self.values:
            return self.values[target]
        if target.startswith("AWS::"):
            raise fail(
                label,
                f"the template rule {self.rule} refers to the pseudo parameter "
                f"{show(target, 300)[1:-1]}, whose value differs from account to account; "
                "give the value instead",
            )
        if self.declared is not None and target in self.declared:
            raise fail(
                label,
                f"the template rule {self.rule} refers to parameter {show(target)}, which has no "
                f"Default: give its value in parameters",
            )
        known = set(self.values) | (self.declared or frozenset())
        near = closest(target, known)
        hint = f"; did you mean {near!r}?" if near else ""
        raise fail(
            label,
            f"the template rule {self.rule} refers to parameter {show(target)}, which has no value "
            f"(give it in parameters, or pass the template for its defaults){hint}",
        )


def rule_fields(
    rule: TemplateRule,
    *,
    name: str | None,
    parameters: Mapping[str, ParameterValue],
    template: Template | None,
) -> dict[str, Any]:
    """The keyword arguments of ``OrgConfigRule`` for a template's rule, its ``Ref`` resolved.

    Parameter values come from ``parameters``, then from the defaults of ``template``; the kind
    follows the rule's owner, given as the ``RuleKind`` value (``"managed"``...). See
    ``OrgConfigRule.from_template_rule`` for what is resolved and what raises. One more key,
    ``secret_inputs``, is not a field: the names of the inputs whose value refers to a
    ``NoEcho`` parameter of ``template``.
    """
    values: dict[str, str] = {
        p.name: p.default
        for p in (template.parameters.values() if template is not None else ())
        if p.has_default and p.default is not None
    }
    values.update({k: parameter_text(x, f"parameters[{k!r}]") for k, x in parameters.items()})
    resolve = Resolver(
        rule.logical_id,
        values,
        frozenset(template.parameters) if template is not None else None,
    )
    source = raw_mapping(rule.properties.get("Source"))
    details = resolve.value(source.get("SourceDetails", []), "trigger_types")
    scope = raw_mapping(rule.properties.get("Scope"))
    fields: dict[str, Any] = {
        "name": name or resolve.text(rule.name, "name") or rule.logical_id,
        "description": resolve.text(rule.description, "description"),
        "input_parameters": resolve.value(rule.input_parameters, "input_parameters"),
        "max_frequency": resolve.text(rule.maximum_execution_frequency, "max_frequency"),
        "resource_types": resolve.value(
            scope.get("ComplianceResourceTypes", rule.resource_types), "resource_types"
        ),
        "resource_id": resolve.text(rule.resource_id, "resource_id"),
        "tag_key": resolve.text(rule.tag_key, "tag_key"),
        "tag_value": resolve.text(rule.tag_value, "tag_value"),
    }
    secret = redaction.no_echo_parameters(template) if template is not None else frozenset()
    fields["secret_inputs"] = frozenset(
        k
        for k, x in raw_mapping(rule.input_parameters).items()
        if secret and _refers_to(x, secret, 0)
    )
    triggers = [d.get("MessageType") for d in details if isinstance(d, Mapping)]
    if rule.owner == "AWS":
        fields.update(kind="managed", identifier=resolve.text(rule.source_identifier, "identifier"))
    elif rule.owner == "CUSTOM_LAMBDA":
        if fields["max_frequency"] is None:  # a Lambda rule's period sits in SourceDetails
            fields["max_frequency"] = next(
                (
                    d.get("MaximumExecutionFrequency")
                    for d in details
                    if isinstance(d, Mapping) and d.get("MessageType") == SCHEDULED_TRIGGER
                ),
                None,
            )
        fields.update(
            kind="custom_lambda",
            lambda_arn=resolve.text(rule.source_identifier, "lambda_arn"),
            trigger_types=triggers,
        )
    elif rule.owner == "CUSTOM_POLICY":
        fields.update(
            kind="custom_policy",
            policy_text=resolve.text(rule.policy_text, "policy_text"),
            policy_runtime=resolve.text(rule.policy_runtime, "policy_runtime"),
            trigger_types=triggers,
        )
    else:
        raise fail("kind", f"the template rule {rule.logical_id} has owner {show(rule.owner)}")
    return fields


def _refers_to(value: object, names: frozenset[str], depth: int) -> bool:
    """Whether ``value`` holds a ``{"Ref": P}`` to one of ``names`` (bounded depth)."""
    if depth > MAX_JSON_DEPTH:
        return False
    if isinstance(value, Mapping):
        target = value.get("Ref")
        if isinstance(target, str) and target in names:
            return True
        return any(_refers_to(x, names, depth + 1) for x in value.values())
    if isinstance(value, (list, tuple)):
        return any(_refers_to(x, names, depth + 1) for x in value)
    return False
