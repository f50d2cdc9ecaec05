"""What the service checks in a conformance pack template, and the records built on the way.

:func:`check` takes the parsed document (plain data from :mod:`orgconfig.templates._yaml`) and
either raises :class:`orgconfig.errors.TemplateError` for the first thing the service would reject,
its message starting with the place in the template (``Resources.R.Properties.Source.Owner:``),
or returns the template's rules, remediations and parameters, and the warnings: what the service
tolerates but is probably a mistake. What it checks:

* the sections: a mapping with ``Resources`` holding 1 to 130 ``AWS::Config::ConfigRule``
  resources, and ``AWS::Config::RemediationConfiguration`` resources, nothing else;
* each rule's properties, against the limits of :mod:`orgconfig._limits` (``Source.Owner``
  written literally, since a rule's kind decides what else it needs; everything else may be an
  intrinsic function, and is then not checked further);
* each remediation's rule name, target and target type;
* parameters: names, types, defaults of ``Number`` types, allowed values;
* references: every ``Ref``, ``Fn::GetAtt``, ``Fn::Sub`` variable, ``Condition`` and ``Fn::If``
  names something the template declares (conditions may refer to parameters only); these checks
  are :mod:`orgconfig.templates._references`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs

from orgconfig import errors
from orgconfig._limits import (
    DESCRIPTION_MAX,
    FREQUENCIES,
    GUARD_RUNTIME,
    IDENTIFIER_MAX,
    MESSAGE_TYPES,
    POLICY_TEXT_MAX,
    POLICY_TRIGGER_TYPES,
    RESOURCE_ID_MAX,
    RESOURCE_TYPES_MAX,
    RULE_OWNERS,
    RULES_PER_PACK_MAX,
    SCOPE_TAG_KEY_MAX,
    SCOPE_TAG_VALUE_MAX,
    TEMPLATE_RULE_NAME_MAX,
)
from orgconfig.templates import _cloudformation as cfn
from orgconfig.templates import _json
from orgconfig.templates._bounds import ParseError
from orgconfig.templates._records import (
    TemplateIssue,
    TemplateParameter,
    TemplateRemediation,
    TemplateRule,
)
from orgconfig.templates._references import ReferenceChecker

__all__ = ["Checked", "check"]

_RESOURCE_TYPES: Final = (cfn.CONFIG_RULE, cfn.REMEDIATION)
"""The only resource types a conformance pack may hold."""
_OWNERS_NEEDING_IDENTIFIER: Final = ("AWS", "CUSTOM_LAMBDA")
_POLICY_RUNTIME: Final = re.compile(re.escape(GUARD_RUNTIME))
_REFERENCE_SECTIONS: Final = ("Conditions", "Resources", "Outputs", "Rules")
"""Sections whose values may hold Ref/Condition references that must resolve."""


def check(document: Any, source: str | None) -> Checked:
    """Check a parsed template: raise its first error (``path=source``), or return its records."""
    return _Checker(document, source).run()


@attrs.define
class Checked:
    """What a template holds, once checked."""

    rules: tuple[TemplateRule, ...]
    remediations: tuple[TemplateRemediation, ...]
    parameters: Mapping[str, TemplateParameter]
    issues: list[TemplateIssue]


class _Checker(ReferenceChecker):
    """Validate a parsed template and build its records; raises on the first error."""

    def __init__(self, document: Any, source: str | None) -> None:
        super().__init__(source)
        self.document = document
        self.issues: list[TemplateIssue] = []

    # -- helpers --------------------------------------------------------------------------------

    def warn(self, code: str, location: str, message: str) -> None:
        self.issues.append(TemplateIssue(code=code, location=location, message=message))

    def string(self, value: Any, location: str) -> str | dict[str, Any] | None:
        """Return a string-typed property: text, an intrinsic function, or None when absent."""
        if value is None:
            return None
        if cfn.is_intrinsic(value):
            return dict(value)
        text = cfn.text(value)
        if text is None:
            raise self.error(location, f"expected a string, found a {cfn.kind(value)}")
        return text

    def required_string(self, value: Any, location: str, why: str) -> str | dict[str, Any]:
        result = self.string(value, location)
        if result is None or result == "":
            raise self.error(location, f"is required {why}")
        return result

    def bounded(
        self, value: str | dict[str, Any] | None, location: str, low: int, high: int
    ) -> None:
        if isinstance(value, str) and not low <= len(value) <= high:
            raise self.error(
                location,
                f"must be {low} to {high} characters long, not {len(value):,}",
            )

    def one_of(self, value: Any, location: str, allowed: Sequence[str]) -> None:
        if isinstance(value, str) and value not in allowed:
            raise self.error(location, f"{value!r} is not one of {', '.join(allowed)}")

    # -- the run ----------------------------------------------------------------------------------

    def run(self) -> Checked:
        document = self.document
        if not isinstance(document, dict):
            raise errors.TemplateError(
                f"The template must be a mapping of sections (Parameters, Resources, ...), not a "
                f"{cfn.kind(document)}",
                path=self.source,
            )
        for key in document:
            if key not in cfn.TOP_LEVEL_KEYS:
                self.warn(
                    "unknown-top-level-key",
                    str(key),
                    "CloudFormation does not define this top-level section",
                )
        if "Parameters" in document:
            self.check_parameters(document["Parameters"])
        if "Conditions" in document:
            self.conditions = self.mapping(document["Conditions"], "Conditions", "Conditions")
        rules, remediations = self.check_resources(document)
        self.check_remediation_targets(rules, remediations)
        for section in _REFERENCE_SECTIONS:
            if section in document:
                self.walk(document[section], section, in_conditions=section == "Conditions")
        self.check_outputs(document.get("Outputs"))
        for name in self.parameters:
            if name not in self.used_parameters:
                self.warn(
                    "unused-parameter",
                    f"Parameters.{name}",
                    "the parameter is declared but never used",
                )
        return Checked(tuple(rules), tuple(remediations), dict(self.parameters), self.issues)

    def check_resources(
        self, document: dict[Any, Any]
    ) -> tuple[list[TemplateRule], list[TemplateRemediation]]:
        if "Resources" not in document:
            raise errors.TemplateError(
                "The template has no Resources section; a conformance pack needs at least one "
                "AWS::Config::ConfigRule",
                path=self.source,
                location="Resources",
            )
        resources = self.mapping(document["Resources"], "Resources", "Resources")
        if not resources:
            raise self.error(
                "Resources", "the section is empty; a conformance pack needs at least one rule"
            )
        self.resources = resources
        rules: list[TemplateRule] = []
        remediations: list[TemplateRemediation] = []
        for logical_id, resource in resources.items():
            where = f"Resources.{logical_id}"
            body = self.check_resource(logical_id, resource, where)
            if body["Type"] == cfn.CONFIG_RULE:
                rules.append(self.check_rule(logical_id, body, where))
            else:
                remediations.append(self.check_remediation(logical_id, body, where))
        if not rules:
            raise self.error(
                "Resources", "a conformance pack needs at least one AWS::Config::ConfigRule"
            )
        if len(rules) > RULES_PER_PACK_MAX:
            raise self.error(
                "Resources",
                f"the template declares {len(rules)} AWS::Config::ConfigRule resources; a "
                f"conformance pack may hold at most {RULES_PER_PACK_MAX}",
            )
        return rules, remediations

    # -- sections -----------------------------------------------------------------------------

    def check_parameters(self, section: Any) -> None:
        for name, value in self.mapping(section, "Parameters", "Parameters").items():
            where = f"Parameters.{name}"
            if not isinstance(name, str) or not cfn.LOGICAL_ID.fullmatch(name):
                raise self.error(where, "a parameter name must be 1 to 255 letters and digits")
            declaration = self.mapping(value, where, "a parameter declaration")
            kind = declaration.get("Type")
            if kind is None:
                raise self.error(f"{where}.Type", "every parameter needs a Type")
            if not isinstance(kind, str) or kind not in cfn.PARAMETER_TYPES:
                raise self.error(
                    f"{where}.Type",
                    f"{kind!r} is not a CloudFormation parameter type (such as String, Number, "
                    "CommaDelimitedList, List<Number> or an AWS-specific type)",
                )
            default = declaration.get("Default")
            default_text = None if default is None else cfn.text(default)
            if default is not None and default_text is None:
                raise self.error(f"{where}.Default", f"must be a string, not a {cfn.kind(default)}")
            if default_text is not None and kind in ("Number", "List<Number>"):
                self.check_number_default(default_text, kind, f"{where}.Default")
            allowed = declaration.get("AllowedValues")
            allowed_text: tuple[str, ...] | None = None
            if allowed is not None:
                if not isinstance(allowed, list):
                    raise self.error(
                        f"{where}.AllowedValues", f"must be a list, not a {cfn.kind(allowed)}"
                    )
                texts = [cfn.text(item) for item in allowed]
                if any(text is None for text in texts):
                    raise self.error(
                        f"{where}.AllowedValues", "every allowed value must be a string"
                    )
                allowed_text = tuple(text for text in texts if text is not None)
            description = declaration.get("Description")
            self.parameters[name] = TemplateParameter(
                name=name,
                type=kind,
                default=default_text,
                description=None if description is None else cfn.text(description),
                allowed_values=allowed_text,
                has_default=default_text is not None,
            )

    def check_number_default(self, text: str, kind: str, where: str) -> None:
        items = text.split(",") if kind == "List<Number>" else [text]
        for item in items:
            try:
                number = float(item.strip())
            except ValueError as e:
                raise self.error(where, f"{text!r} is not a valid {kind}") from e
            if not math.isfinite(number):
                raise self.error(where, f"{text!r} is not a valid {kind}")

    def check_resource(self, logical_id: Any, resource: Any, where: str) -> dict[Any, Any]:
        if not isinstance(logical_id, str) or not cfn.LOGICAL_ID.fullmatch(logical_id):
            raise self.error(where, "a resource logical id must be 1 to 255 letters and digits")
        body = self.mapping(resource, where, "a resource")
        kind = body.get("Type")
        if kind is None:
            raise self.error(f"{where}.Type", "every resource needs a Type")
        if kind not in _RESOURCE_TYPES:
            raise self.error(
                f"{where}.Type",
                f"{kind!r} cannot be used in a conformance pack; only {cfn.CONFIG_RULE} and "
                f"{cfn.REMEDIATION} resources can",
            )
        for key in body:
            if key not in cfn.RESOURCE_KEYS:
                self.warn(
                    "unknown-resource-key",
                    f"{where}.{key}",
                    "CloudFormation does not define this resource attribute; it is ignored",
                )
        condition = body.get("Condition")
        if condition is not None:
            self.check_condition_name(condition, f"{where}.Condition")
        depends_on = body.get("DependsOn")
        if depends_on is not None:
            names = depends_on if isinstance(depends_on, list) else [depends_on]
            for index, name in enumerate(names):
                at = f"{where}.DependsOn" + (f"[{index}]" if isinstance(depends_on, list) else "")
                if not isinstance(name, str) or name not in self.resources:
                    raise self.error(at, f"{name!r} is not a resource of this template")
        return body

    def check_rule(self, logical_id: str, body: dict[Any, Any], where: str) -> TemplateRule:
        at = f"{where}.Properties"
        if "Properties" not in body:
            raise self.error(at, "an AWS::Config::ConfigRule needs Properties with a Source")
        properties = self.mapping(body["Properties"], at, "Properties")
        for key in properties:
            if key not in cfn.RULE_PROPERTIES:
                self.warn(
                    "unknown-property",
                    f"{at}.{key}",
                    "AWS::Config::ConfigRule has no such property",
                )
        if "Source" not in properties:
            raise self.error(f"{at}.Source", "is required: every rule needs a Source with an Owner")
        source = self.mapping(properties["Source"], f"{at}.Source", "Source")
        owner = source.get("Owner")
        if owner is None:
            raise self.error(f"{at}.Source.Owner", f"is required: one of {', '.join(RULE_OWNERS)}")
        if not isinstance(owner, str):
            owners = ", ".join(RULE_OWNERS)
            raise self.error(
                f"{at}.Source.Owner",
                f"must be written literally as one of {owners}, not a {cfn.kind(owner)}",
            )
        self.one_of(owner, f"{at}.Source.Owner", RULE_OWNERS)

        identifier = None
        if owner in _OWNERS_NEEDING_IDENTIFIER:
            identifier = self.required_string(
                source.get("SourceIdentifier"),
                f"{at}.Source.SourceIdentifier",
                f"when Owner is {owner}",
            )
            self.bounded(identifier, f"{at}.Source.SourceIdentifier", 1, IDENTIFIER_MAX)

        policy_text = policy_runtime = debug = None
        if owner == "CUSTOM_POLICY":
            details_at = f"{at}.Source.CustomPolicyDetails"
            if "CustomPolicyDetails" not in source:
                raise self.error(details_at, "is required when Owner is CUSTOM_POLICY")
            details = self.mapping(source["CustomPolicyDetails"], details_at, "CustomPolicyDetails")
            policy_runtime = self.required_string(
                details.get("PolicyRuntime"), f"{details_at}.PolicyRuntime", "for a Guard rule"
            )
            if isinstance(policy_runtime, str) and not _POLICY_RUNTIME.fullmatch(policy_runtime):
                raise self.error(
                    f"{details_at}.PolicyRuntime",
                    f"{policy_runtime!r} is not a Guard runtime; use guard-2.x.x",
                )
            policy_text = self.required_string(
                details.get("PolicyText"), f"{details_at}.PolicyText", "for a Guard rule"
            )
            self.bounded(policy_text, f"{details_at}.PolicyText", 0, POLICY_TEXT_MAX)
            debug = self.boolean(
                details.get("EnableDebugLogDelivery"), f"{details_at}.EnableDebugLogDelivery"
            )

        triggers = self.check_source_details(source.get("SourceDetails"), owner, f"{at}.Source")

        name = self.string(properties.get("ConfigRuleName"), f"{at}.ConfigRuleName")
        self.bounded(name, f"{at}.ConfigRuleName", 1, TEMPLATE_RULE_NAME_MAX)
        if isinstance(name, str) and not name.strip():
            raise self.error(f"{at}.ConfigRuleName", "must not be blank")
        description = self.string(properties.get("Description"), f"{at}.Description")
        self.bounded(description, f"{at}.Description", 0, DESCRIPTION_MAX)
        frequency = self.string(
            properties.get("MaximumExecutionFrequency"), f"{at}.MaximumExecutionFrequency"
        )
        self.one_of(frequency, f"{at}.MaximumExecutionFrequency", FREQUENCIES)
        input_parameters = self.input_parameters(
            properties.get("InputParameters"), f"{at}.InputParameters"
        )
        scope = self.check_scope(properties.get("Scope"), f"{at}.Scope")
        condition = body.get("Condition")
        return TemplateRule(
            logical_id=logical_id,
            name=name,
            owner=owner,
            source_identifier=identifier,
            description=description,
            input_parameters=input_parameters,
            maximum_execution_frequency=frequency,
            trigger_types=triggers,
            resource_types=scope["types"],
            resource_id=scope["id"],
            tag_key=scope["tag_key"],
            tag_value=scope["tag_value"],
            policy_text=policy_text,
            policy_runtime=policy_runtime,
            enable_debug_log_delivery=debug,
            condition=condition if isinstance(condition, str) else None,
            properties=properties,
        )

    def boolean(self, value: Any, location: str) -> bool | dict[str, Any] | None:
        if value is None or isinstance(value, bool):
            return value
        if cfn.is_intrinsic(value):
            return dict(value)
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise self.error(location, f"expected true or false, found {value!r}")

    def check_source_details(self, details: Any, owner: str, at: str) -> tuple[str, ...]:
        if details is None or cfn.is_intrinsic(details):
            return ()
        if not isinstance(details, list):
            raise self.error(f"{at}.SourceDetails", f"must be a list, not a {cfn.kind(details)}")
        allowed = POLICY_TRIGGER_TYPES if owner == "CUSTOM_POLICY" else MESSAGE_TYPES
        triggers: list[str] = []
        for index, item in enumerate(details):
            where = f"{at}.SourceDetails[{index}]"
            detail = self.mapping(item, where, "a SourceDetails entry")
            source = self.string(detail.get("EventSource"), f"{where}.EventSource")
            self.one_of(source, f"{where}.EventSource", ("aws.config",))
            message_type = self.string(detail.get("MessageType"), f"{where}.MessageType")
            if isinstance(message_type, str) and message_type not in allowed:
                extra = " for a CUSTOM_POLICY rule" if message_type in MESSAGE_TYPES else ""
                raise self.error(
                    f"{where}.MessageType",
                    f"{message_type!r} is not allowed{extra}; use one of {', '.join(allowed)}",
                )
            if isinstance(message_type, str):
                triggers.append(message_type)
            frequency = self.string(
                detail.get("MaximumExecutionFrequency"), f"{where}.MaximumExecutionFrequency"
            )
            self.one_of(frequency, f"{where}.MaximumExecutionFrequency", FREQUENCIES)
        return tuple(triggers)

    def input_parameters(self, value: Any, location: str) -> Mapping[str, Any]:
        if value is None:
            return {}
        if isinstance(value, str):
            try:
                value = _json.loads(value, what="the JSON text")
            except json.JSONDecodeError as e:
                raise errors.TemplateError(
                    f"{location}: a string InputParameters must hold a JSON object: {e.msg}",
                    path=self.source,
                    location=location,
                ) from e
            except ParseError as e:  # too deep, a number too large, a repeated key
                raise errors.TemplateError(
                    f"{location}: a string InputParameters must hold a JSON object: {e.message}",
                    path=self.source,
                    location=location,
                ) from e
        return self.mapping(value, location, "InputParameters")

    def check_scope(self, value: Any, at: str) -> dict[str, Any]:
        scope: dict[str, Any] = {"types": (), "id": None, "tag_key": None, "tag_value": None}
        if value is None:
            return scope
        body = self.mapping(value, at, "Scope")
        types = body.get("ComplianceResourceTypes")
        if types is not None and not cfn.is_intrinsic(types):
            if not isinstance(types, list):
                raise self.error(
                    f"{at}.ComplianceResourceTypes", f"must be a list, not a {cfn.kind(types)}"
                )
            if len(types) > RESOURCE_TYPES_MAX:
                raise self.error(
                    f"{at}.ComplianceResourceTypes",
                    f"lists {len(types)} resource types; at most {RESOURCE_TYPES_MAX} are allowed",
                )
            scope["types"] = tuple(
                text
                for index, item in enumerate(types)
                if isinstance(
                    text := self.string(item, f"{at}.ComplianceResourceTypes[{index}]"), str
                )
            )
        scope["id"] = self.string(body.get("ComplianceResourceId"), f"{at}.ComplianceResourceId")
        self.bounded(scope["id"], f"{at}.ComplianceResourceId", 1, RESOURCE_ID_MAX)
        scope["tag_key"] = self.string(body.get("TagKey"), f"{at}.TagKey")
        self.bounded(scope["tag_key"], f"{at}.TagKey", 1, SCOPE_TAG_KEY_MAX)
        scope["tag_value"] = self.string(body.get("TagValue"), f"{at}.TagValue")
        self.bounded(scope["tag_value"], f"{at}.TagValue", 1, SCOPE_TAG_VALUE_MAX)
        return scope

    def check_remediation(
        self, logical_id: str, body: dict[Any, Any], where: str
    ) -> TemplateRemediation:
        at = f"{where}.Properties"
        if "Properties" not in body:
            raise self.error(at, "an AWS::Config::RemediationConfiguration needs Properties")
        properties = self.mapping(body["Properties"], at, "Properties")
        for key in properties:
            if key not in cfn.REMEDIATION_PROPERTIES:
                self.warn(
                    "unknown-property",
                    f"{at}.{key}",
                    "AWS::Config::RemediationConfiguration has no such property",
                )
        rule_name = self.required_string(
            properties.get("ConfigRuleName"), f"{at}.ConfigRuleName", "for a remediation"
        )
        self.bounded(rule_name, f"{at}.ConfigRuleName", 1, TEMPLATE_RULE_NAME_MAX)
        target_id = self.required_string(
            properties.get("TargetId"), f"{at}.TargetId", "for a remediation"
        )
        target_type = self.required_string(
            properties.get("TargetType"), f"{at}.TargetType", "for a remediation"
        )
        self.one_of(target_type, f"{at}.TargetType", ("SSM_DOCUMENT",))
        return TemplateRemediation(
            logical_id=logical_id,
            config_rule_name=rule_name,
            target_id=target_id,
            properties=properties,
        )

    def check_remediation_targets(
        self, rules: Sequence[TemplateRule], remediations: Sequence[TemplateRemediation]
    ) -> None:
        names = {rule.name for rule in rules if isinstance(rule.name, str)}
        for remediation in remediations:
            name = remediation.config_rule_name
            if isinstance(name, str) and name not in names:
                self.warn(
                    "remediation-rule-not-in-pack",
                    f"Resources.{remediation.logical_id}.Properties.ConfigRuleName",
                    f"no rule of this template is named {name!r}",
                )

    def check_outputs(self, outputs: Any) -> None:
        if not isinstance(outputs, dict):
            return
        for name, output in outputs.items():
            if isinstance(output, dict) and "Condition" in output:
                self.check_condition_name(output["Condition"], f"Outputs.{name}.Condition")
