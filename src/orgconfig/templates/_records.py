"""The records of a template: its rules, remediations, parameters and warnings.

They are what a :class:`~orgconfig.templates.Template` holds, built by the checks
(:mod:`orgconfig.templates._checks`) and so defined below them; :mod:`orgconfig.templates`
re-exports them, and they report it as their module.
"""

# No "from __future__ import annotations": the annotations are objects, not strings, so that
# typing.get_type_hints() resolves them although the classes report orgconfig.templates as their
# module (whose namespace does not hold the names the annotations use).
from collections.abc import Mapping
from typing import Any

import attrs

from orgconfig._frozen import deep_freeze

__all__ = ["TemplateIssue", "TemplateParameter", "TemplateRemediation", "TemplateRule"]


@attrs.frozen
class TemplateIssue:
    """Something in a template that the service tolerates but that is probably a mistake.

    Attributes:
        code: a stable short name for the kind of issue: ``"unknown-top-level-key"``,
            ``"unknown-resource-key"`` (such as ``Controls`` on a resource),
            ``"unknown-property"``, ``"unused-parameter"`` or
            ``"remediation-rule-not-in-pack"``.
        location: where it is, such as ``"Resources.MyRule.Controls"``.
        message: one sentence about it.

    Example::

        for issue in template.warnings:
            if issue.code == "unused-parameter":
                print(issue)  # "Parameters.Foo: the parameter is declared but never used"
    """

    code: str
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@attrs.frozen
class TemplateParameter:
    """A parameter declared in the template's ``Parameters`` section.

    Attributes:
        name: the parameter's logical name.
        type: its CloudFormation type, such as ``"String"`` or ``"CommaDelimitedList"``.
        default: its ``Default`` as text (numbers and booleans are written as CloudFormation
            reads them), or ``None`` when it has none.
        description: its ``Description``, if any.
        allowed_values: its ``AllowedValues`` as text, or ``None`` when it has none.
        has_default: whether it declares a ``Default``; a parameter without one must be given a
            value when the pack is deployed.
    """

    name: str
    type: str
    default: str | None = None
    description: str | None = None
    allowed_values: tuple[str, ...] | None = None
    has_default: bool = False


@attrs.frozen
class TemplateRule:
    """An ``AWS::Config::ConfigRule`` resource of a template.

    String fields hold the literal value; where the template uses an intrinsic function instead
    (``SourceIdentifier: !Ref LambdaArn``) they hold its long form (``{"Ref": "LambdaArn"}``).
    The tuple fields list literal entries only; :attr:`properties` always has the raw value.
    Mappings are the parsed template itself: treat them as read-only.

    Attributes:
        logical_id: the resource's logical id in ``Resources``.
        name: ``ConfigRuleName``, or ``None`` when CloudFormation is left to name the rule.
        owner: ``"AWS"``, ``"CUSTOM_LAMBDA"`` or ``"CUSTOM_POLICY"``.
        source_identifier: the managed rule identifier or Lambda ARN; ``None`` for
            ``CUSTOM_POLICY`` rules.
        description: ``Description``, if any.
        input_parameters: ``InputParameters`` (empty when absent); values may be intrinsics.
        maximum_execution_frequency: ``MaximumExecutionFrequency``, if any.
        trigger_types: the ``MessageType`` of each ``Source.SourceDetails`` entry.
        resource_types: ``Scope.ComplianceResourceTypes``.
        resource_id: ``Scope.ComplianceResourceId``, if any.
        tag_key: ``Scope.TagKey``, if any.
        tag_value: ``Scope.TagValue``, if any.
        policy_text: the Guard policy of a ``CUSTOM_POLICY`` rule.
        policy_runtime: the Guard runtime of a ``CUSTOM_POLICY`` rule (``"guard-2.x.x"``).
        enable_debug_log_delivery: ``CustomPolicyDetails.EnableDebugLogDelivery`` of a
            ``CUSTOM_POLICY`` rule, if given.
        condition: the resource's ``Condition``, if any.
        properties: the resource's ``Properties`` as written.
    """

    logical_id: str
    name: str | Mapping[str, Any] | None
    owner: str
    source_identifier: str | Mapping[str, Any] | None = None
    description: str | Mapping[str, Any] | None = None
    input_parameters: Mapping[str, Any] = attrs.field(factory=dict)
    maximum_execution_frequency: str | Mapping[str, Any] | None = None
    trigger_types: tuple[str, ...] = ()
    resource_types: tuple[str, ...] = ()
    resource_id: str | Mapping[str, Any] | None = None
    tag_key: str | Mapping[str, Any] | None = None
    tag_value: str | Mapping[str, Any] | None = None
    policy_text: str | Mapping[str, Any] | None = None
    policy_runtime: str | Mapping[str, Any] | None = None
    enable_debug_log_delivery: bool | Mapping[str, Any] | None = None
    condition: str | None = None
    properties: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    def __attrs_post_init__(self) -> None:
        _freeze_fields(self)


@attrs.frozen
class TemplateRemediation:
    """An ``AWS::Config::RemediationConfiguration`` resource of a template.

    Attributes:
        logical_id: the resource's logical id in ``Resources``.
        config_rule_name: ``ConfigRuleName`` as written (a string or an intrinsic function).
        target_id: ``TargetId``, the SSM document, as written.
        properties: the resource's ``Properties`` as written (read-only).
    """

    logical_id: str
    config_rule_name: str | Mapping[str, Any]
    target_id: str | Mapping[str, Any]
    properties: Mapping[str, Any] = attrs.field(factory=dict, repr=False)

    def __attrs_post_init__(self) -> None:
        _freeze_fields(self)


def _freeze_fields(instance: TemplateRule | TemplateRemediation) -> None:
    """Make every field read-only all the way down (dicts -> FrozenDict, lists -> tuples)."""
    for field in attrs.fields(type(instance)):
        object.__setattr__(instance, field.name, deep_freeze(getattr(instance, field.name)))
