"""CloudFormation's vocabulary, as far as a conformance pack template uses it.

The sections of a template, the attributes of a resource, the properties of the two resource types
a conformance pack may hold, parameter types and pseudo parameters; and how CloudFormation reads
values (intrinsic functions in long form, scalars read as strings). Names only: what the service
checks with them is :mod:`orgconfig.templates._checks`.
"""

from __future__ import annotations

import re
from typing import Any, Final

__all__ = [
    "AWS_PARAMETER_TYPES",
    "CONDITION_FUNCTIONS",
    "CONFIG_RULE",
    "LOGICAL_ID",
    "PARAMETER_TYPES",
    "PSEUDO_PARAMETERS",
    "REMEDIATION",
    "REMEDIATION_PROPERTIES",
    "RESOURCE_KEYS",
    "RULE_PROPERTIES",
    "SUB_VARIABLE",
    "TOP_LEVEL_KEYS",
    "is_intrinsic",
    "kind",
    "text",
]

CONFIG_RULE: Final = "AWS::Config::ConfigRule"
REMEDIATION: Final = "AWS::Config::RemediationConfiguration"
LOGICAL_ID: Final = re.compile(r"[A-Za-z0-9]{1,255}")
"""A logical id (of a resource or a parameter): 1 to 255 letters and digits."""

PSEUDO_PARAMETERS: Final = frozenset(
    {
        "AWS::AccountId",
        "AWS::Region",
        "AWS::Partition",
        "AWS::URLSuffix",
        "AWS::StackName",
        "AWS::StackId",
        "AWS::NoValue",
        "AWS::NotificationARNs",
    }
)
"""The names ``Ref`` may take besides the template's parameters and resources."""
TOP_LEVEL_KEYS: Final = frozenset(
    {
        "AWSTemplateFormatVersion",
        "Description",
        "Metadata",
        "Parameters",
        "Rules",
        "Mappings",
        "Conditions",
        "Transform",
        "Resources",
        "Outputs",
    }
)
"""The sections of a CloudFormation template."""
RESOURCE_KEYS: Final = frozenset(
    {
        "Type",
        "Properties",
        "Condition",
        "DependsOn",
        "Metadata",
        "DeletionPolicy",
        "UpdateReplacePolicy",
        "CreationPolicy",
        "UpdatePolicy",
    }
)
"""The attributes of a resource (anything else, such as ``Controls``, is ignored)."""
RULE_PROPERTIES: Final = frozenset(
    {
        "ConfigRuleName",
        "Compliance",
        "Description",
        "EvaluationModes",
        "InputParameters",
        "MaximumExecutionFrequency",
        "Scope",
        "Source",
    }
)
"""The properties of an ``AWS::Config::ConfigRule``."""
REMEDIATION_PROPERTIES: Final = frozenset(
    {
        "Automatic",
        "ConfigRuleName",
        "ExecutionControls",
        "MaximumAutomaticAttempts",
        "Parameters",
        "ResourceType",
        "RetryAttemptSeconds",
        "TargetId",
        "TargetType",
        "TargetVersion",
    }
)
"""The properties of an ``AWS::Config::RemediationConfiguration``."""
CONDITION_FUNCTIONS: Final = frozenset({"Fn::And", "Fn::Or", "Fn::Not"})
"""The functions whose arguments may be ``{"Condition": name}``."""

AWS_PARAMETER_TYPES: Final = (
    "AWS::EC2::AvailabilityZone::Name",
    "AWS::EC2::Image::Id",
    "AWS::EC2::Instance::Id",
    "AWS::EC2::KeyPair::KeyName",
    "AWS::EC2::SecurityGroup::GroupName",
    "AWS::EC2::SecurityGroup::Id",
    "AWS::EC2::Subnet::Id",
    "AWS::EC2::Volume::Id",
    "AWS::EC2::VPC::Id",
    "AWS::Route53::HostedZone::Id",
)
SSM_VALUE_TYPES: Final = (
    "String",
    "List<String>",
    "CommaDelimitedList",
    *AWS_PARAMETER_TYPES,
    *(f"List<{t}>" for t in AWS_PARAMETER_TYPES),
)
PARAMETER_TYPES: Final = frozenset(
    {
        "String",
        "Number",
        "List<Number>",
        "CommaDelimitedList",
        "AWS::SSM::Parameter::Name",
        *AWS_PARAMETER_TYPES,
        *(f"List<{t}>" for t in AWS_PARAMETER_TYPES),
        *(f"AWS::SSM::Parameter::Value<{t}>" for t in SSM_VALUE_TYPES),
    }
)
"""Every parameter ``Type`` CloudFormation accepts."""
SUB_VARIABLE: Final = re.compile(r"\$\{([^}]*)\}")
"""A ``${name}`` variable of an ``Fn::Sub`` string."""


def is_intrinsic(value: Any) -> bool:
    """Whether ``value`` is an intrinsic function in long form (``Ref`` or ``Fn::...``)."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    (key,) = value
    return isinstance(key, str) and (key == "Ref" or key.startswith("Fn::"))


def kind(value: Any) -> str:
    """Name the kind of a parsed value for a message: mapping, list, null, boolean, number, str."""
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def text(value: Any) -> str | None:
    """Return a scalar as CloudFormation reads it into a string, or None if it is not one."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return None
