"""Tests for orgconfig.templates._checks and _references: what the service checks in a template."""

from __future__ import annotations

import copy
import warnings
from typing import Any

import pytest

from orgconfig._frozen import deep_freeze
from orgconfig.templates import MAX_RULES_PER_PACK, TemplateIssue
from tests.templates.helpers import (
    MANAGED_RULE,
    MINIMAL_YAML,
    load,
    load_error,
    only_rule,
    pack,
    rule_pack,
    source,
    text_error,
)

# ---------------------------------------------------------------------------------------------
# Structure
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "message", "location"),
    [
        (
            ["Resources"],
            "The template must be a mapping of sections (Parameters, Resources, ...), not a list",
            None,
        ),
        (
            {"Parameters": {}},
            "The template has no Resources section; a conformance pack needs at least one "
            "AWS::Config::ConfigRule",
            "Resources",
        ),
        ({"Resources": []}, "Resources: Resources must be a mapping, not a list", "Resources"),
        (
            {"Resources": {}},
            "Resources: the section is empty; a conformance pack needs at least one rule",
            "Resources",
        ),
        (
            {
                "Resources": {
                    "Fix": {
                        "Type": "AWS::Config::RemediationConfiguration",
                        "Properties": {
                            "ConfigRuleName": "r",
                            "TargetId": "t",
                            "TargetType": "SSM_DOCUMENT",
                        },
                    }
                }
            },
            "Resources: a conformance pack needs at least one AWS::Config::ConfigRule",
            "Resources",
        ),
    ],
    ids=["not-a-mapping", "no-resources", "resources-list", "resources-empty", "no-rule"],
)
def test_structure_errors(document: Any, message: str, location: str | None) -> None:
    """A template must be a mapping with a non-empty Resources holding at least one rule."""
    error = load_error(document)
    assert error.message == message
    assert error.location == location
    assert error.path == "test.json"
    assert error.field == "template"


def test_rule_count_limit() -> None:
    """130 rules are allowed; 131 are one too many."""
    resources = {f"Rule{i}": copy.deepcopy(MANAGED_RULE) for i in range(MAX_RULES_PER_PACK)}
    for i, rule in enumerate(resources.values()):
        rule["Properties"]["ConfigRuleName"] = f"rule-{i}"
    assert len(load({"Resources": resources}).rules) == MAX_RULES_PER_PACK
    resources["OneMore"] = copy.deepcopy(MANAGED_RULE)
    error = load_error({"Resources": resources})
    assert error.message == (
        "Resources: the template declares 131 AWS::Config::ConfigRule resources; a conformance "
        "pack may hold at most 130"
    )


def test_remediations_do_not_count_as_rules() -> None:
    """130 rules plus a remediation is within the limit."""
    resources: dict[str, Any] = {
        f"Rule{i}": copy.deepcopy(MANAGED_RULE) for i in range(MAX_RULES_PER_PACK)
    }
    resources["Fix"] = {
        "Type": "AWS::Config::RemediationConfiguration",
        "Properties": {
            "ConfigRuleName": "s3-bucket-versioning-enabled",
            "TargetId": "AWS-ConfigureS3BucketVersioning",
            "TargetType": "SSM_DOCUMENT",
        },
    }
    template = load({"Resources": resources})
    assert (len(template.rules), len(template.remediations)) == (130, 1)


@pytest.mark.parametrize(
    ("resources", "location", "message"),
    [
        (
            {"Bucket": {"Type": "AWS::S3::Bucket"}},
            "Resources.Bucket.Type",
            "'AWS::S3::Bucket' cannot be used in a conformance pack; only AWS::Config::ConfigRule "
            "and AWS::Config::RemediationConfiguration resources can",
        ),
        ({"Rule": {"Properties": {}}}, "Resources.Rule.Type", "every resource needs a Type"),
        (
            {"Rule": "AWS::Config::ConfigRule"},
            "Resources.Rule",
            "a resource must be a mapping, not a str",
        ),
        (
            {"Bad-Id": MANAGED_RULE},
            "Resources.Bad-Id",
            "a resource logical id must be 1 to 255 letters and digits",
        ),
        (
            {"Rule": {"Type": "AWS::Config::ConfigRule"}},
            "Resources.Rule.Properties",
            "an AWS::Config::ConfigRule needs Properties with a Source",
        ),
        (
            {"Rule": {"Type": "AWS::Config::ConfigRule", "Properties": []}},
            "Resources.Rule.Properties",
            "Properties must be a mapping, not a list",
        ),
        (
            {"Rule": {**MANAGED_RULE, "DependsOn": "Missing"}},
            "Resources.Rule.DependsOn",
            "'Missing' is not a resource of this template",
        ),
        (
            {"Rule": {**MANAGED_RULE, "DependsOn": ["Rule", 3]}},
            "Resources.Rule.DependsOn[1]",
            "3 is not a resource of this template",
        ),
    ],
    ids=[
        "type",
        "no-type",
        "not-mapping",
        "logical-id",
        "no-properties",
        "properties-list",
        "depends-on",
        "depends-on-list",
    ],
)
def test_resource_errors(resources: dict[str, Any], location: str, message: str) -> None:
    """Resources must be ConfigRule or RemediationConfiguration mappings with valid ids."""
    error = load_error({"Resources": resources})
    assert error.location == location
    assert error.message == f"{location}: {message}"


def test_depends_on_a_resource_is_accepted() -> None:
    """DependsOn naming resources of the template (one or a list) is accepted."""
    other = copy.deepcopy(MANAGED_RULE)
    other["Properties"]["ConfigRuleName"] = "other"
    template = load(
        {
            "Resources": {
                "Rule": {**MANAGED_RULE, "DependsOn": "Other"},
                "Other": {**other, "DependsOn": ["Rule"]},
            }
        }
    )
    assert len(template.rules) == 2


# ---------------------------------------------------------------------------------------------
# Rule properties
# ---------------------------------------------------------------------------------------------

P = "Resources.Rule.Properties"

RULE_ERRORS = [
    ("source-missing", {}, f"{P}.Source", "is required: every rule needs a Source with an Owner"),
    ("source-list", {"Source": []}, f"{P}.Source", "Source must be a mapping, not a list"),
    (
        "owner-missing",
        source(SourceIdentifier="X"),
        f"{P}.Source.Owner",
        "is required: one of AWS, CUSTOM_LAMBDA, CUSTOM_POLICY",
    ),
    (
        "owner-invalid",
        source(Owner="CUSTOM", SourceIdentifier="X"),
        f"{P}.Source.Owner",
        "'CUSTOM' is not one of AWS, CUSTOM_LAMBDA, CUSTOM_POLICY",
    ),
    (
        "owner-intrinsic",
        source(Owner={"Ref": "OwnerParam"}, SourceIdentifier="X"),
        f"{P}.Source.Owner",
        "must be written literally as one of AWS, CUSTOM_LAMBDA, CUSTOM_POLICY, not a mapping",
    ),
    (
        "aws-identifier",
        source(Owner="AWS"),
        f"{P}.Source.SourceIdentifier",
        "is required when Owner is AWS",
    ),
    (
        "aws-identifier-empty",
        source(Owner="AWS", SourceIdentifier=""),
        f"{P}.Source.SourceIdentifier",
        "is required when Owner is AWS",
    ),
    (
        "lambda-identifier",
        source(Owner="CUSTOM_LAMBDA"),
        f"{P}.Source.SourceIdentifier",
        "is required when Owner is CUSTOM_LAMBDA",
    ),
    (
        "identifier-long",
        source(Owner="AWS", SourceIdentifier="X" * 257),
        f"{P}.Source.SourceIdentifier",
        "must be 1 to 256 characters long, not 257",
    ),
    (
        "identifier-list",
        source(Owner="AWS", SourceIdentifier=["X"]),
        f"{P}.Source.SourceIdentifier",
        "expected a string, found a list",
    ),
    (
        "policy-details",
        source(Owner="CUSTOM_POLICY"),
        f"{P}.Source.CustomPolicyDetails",
        "is required when Owner is CUSTOM_POLICY",
    ),
    (
        "policy-details-list",
        source(Owner="CUSTOM_POLICY", CustomPolicyDetails=[]),
        f"{P}.Source.CustomPolicyDetails",
        "CustomPolicyDetails must be a mapping, not a list",
    ),
    (
        "policy-runtime",
        source(Owner="CUSTOM_POLICY", CustomPolicyDetails={"PolicyText": "rule r {}"}),
        f"{P}.Source.CustomPolicyDetails.PolicyRuntime",
        "is required for a Guard rule",
    ),
    (
        "policy-text",
        source(Owner="CUSTOM_POLICY", CustomPolicyDetails={"PolicyRuntime": "guard-2.x.x"}),
        f"{P}.Source.CustomPolicyDetails.PolicyText",
        "is required for a Guard rule",
    ),
    (
        "policy-runtime-bad",
        source(
            Owner="CUSTOM_POLICY",
            CustomPolicyDetails={"PolicyRuntime": "guard-1.x", "PolicyText": "rule r {}"},
        ),
        f"{P}.Source.CustomPolicyDetails.PolicyRuntime",
        "'guard-1.x' is not a Guard runtime; use guard-2.x.x",
    ),
    (
        "policy-text-long",
        source(
            Owner="CUSTOM_POLICY",
            CustomPolicyDetails={"PolicyRuntime": "guard-2.x.x", "PolicyText": "x" * 10_001},
        ),
        f"{P}.Source.CustomPolicyDetails.PolicyText",
        "must be 0 to 10000 characters long, not 10,001",
    ),
    (
        "debug-flag",
        source(
            Owner="CUSTOM_POLICY",
            CustomPolicyDetails={
                "PolicyRuntime": "guard-2.x.x",
                "PolicyText": "rule r {}",
                "EnableDebugLogDelivery": "yes please",
            },
        ),
        f"{P}.Source.CustomPolicyDetails.EnableDebugLogDelivery",
        "expected true or false, found 'yes please'",
    ),
    (
        "policy-scheduled",
        source(
            Owner="CUSTOM_POLICY",
            CustomPolicyDetails={"PolicyRuntime": "guard-2.x.x", "PolicyText": "rule r {}"},
            SourceDetails=[{"EventSource": "aws.config", "MessageType": "ScheduledNotification"}],
        ),
        f"{P}.Source.SourceDetails[0].MessageType",
        "'ScheduledNotification' is not allowed for a CUSTOM_POLICY rule; use one of "
        "ConfigurationItemChangeNotification, OversizedConfigurationItemChangeNotification",
    ),
    (
        "message-type",
        source(
            Owner="CUSTOM_LAMBDA",
            SourceIdentifier="arn",
            SourceDetails=[{"EventSource": "aws.config", "MessageType": "Sometimes"}],
        ),
        f"{P}.Source.SourceDetails[0].MessageType",
        "'Sometimes' is not allowed; use one of ConfigurationItemChangeNotification, "
        "ConfigurationSnapshotDeliveryCompleted, ScheduledNotification, "
        "OversizedConfigurationItemChangeNotification",
    ),
    (
        "event-source",
        source(
            Owner="CUSTOM_LAMBDA",
            SourceIdentifier="arn",
            SourceDetails=[{"EventSource": "aws.s3", "MessageType": "ScheduledNotification"}],
        ),
        f"{P}.Source.SourceDetails[0].EventSource",
        "'aws.s3' is not one of aws.config",
    ),
    (
        "detail-frequency",
        source(
            Owner="CUSTOM_LAMBDA",
            SourceIdentifier="arn",
            SourceDetails=[
                {
                    "EventSource": "aws.config",
                    "MessageType": "ScheduledNotification",
                    "MaximumExecutionFrequency": "Daily",
                }
            ],
        ),
        f"{P}.Source.SourceDetails[0].MaximumExecutionFrequency",
        "'Daily' is not one of One_Hour, Three_Hours, Six_Hours, Twelve_Hours, TwentyFour_Hours",
    ),
    (
        "details-mapping",
        source(
            Owner="CUSTOM_LAMBDA",
            SourceIdentifier="arn",
            SourceDetails={"MessageType": "ScheduledNotification"},
        ),
        f"{P}.Source.SourceDetails",
        "must be a list, not a mapping",
    ),
    (
        "detail-string",
        source(
            Owner="CUSTOM_LAMBDA", SourceIdentifier="arn", SourceDetails=["ScheduledNotification"]
        ),
        f"{P}.Source.SourceDetails[0]",
        "a SourceDetails entry must be a mapping, not a str",
    ),
    (
        "name-long",
        {**source(Owner="AWS", SourceIdentifier="X"), "ConfigRuleName": "n" * 129},
        f"{P}.ConfigRuleName",
        "must be 1 to 128 characters long, not 129",
    ),
    (
        "name-empty",
        {**source(Owner="AWS", SourceIdentifier="X"), "ConfigRuleName": ""},
        f"{P}.ConfigRuleName",
        "must be 1 to 128 characters long, not 0",
    ),
    (
        "name-blank",
        {**source(Owner="AWS", SourceIdentifier="X"), "ConfigRuleName": "   "},
        f"{P}.ConfigRuleName",
        "must not be blank",
    ),
    (
        "name-mapping",
        {**source(Owner="AWS", SourceIdentifier="X"), "ConfigRuleName": {"a": 1, "b": 2}},
        f"{P}.ConfigRuleName",
        "expected a string, found a mapping",
    ),
    (
        "description-long",
        {**source(Owner="AWS", SourceIdentifier="X"), "Description": "d" * 257},
        f"{P}.Description",
        "must be 0 to 256 characters long, not 257",
    ),
    (
        "frequency",
        {**source(Owner="AWS", SourceIdentifier="X"), "MaximumExecutionFrequency": "Hourly"},
        f"{P}.MaximumExecutionFrequency",
        "'Hourly' is not one of One_Hour, Three_Hours, Six_Hours, Twelve_Hours, TwentyFour_Hours",
    ),
    (
        "input-list",
        {**source(Owner="AWS", SourceIdentifier="X"), "InputParameters": ["a"]},
        f"{P}.InputParameters",
        "InputParameters must be a mapping, not a list",
    ),
    (
        "input-bad-json",
        {**source(Owner="AWS", SourceIdentifier="X"), "InputParameters": "{a: 1}"},
        f"{P}.InputParameters",
        "a string InputParameters must hold a JSON object: ",
    ),
    (
        "input-json-list",
        {**source(Owner="AWS", SourceIdentifier="X"), "InputParameters": "[1]"},
        f"{P}.InputParameters",
        "InputParameters must be a mapping, not a list",
    ),
    (
        "scope-list",
        {**source(Owner="AWS", SourceIdentifier="X"), "Scope": ["AWS::S3::Bucket"]},
        f"{P}.Scope",
        "Scope must be a mapping, not a list",
    ),
    (
        "scope-types-string",
        {
            **source(Owner="AWS", SourceIdentifier="X"),
            "Scope": {"ComplianceResourceTypes": "AWS::S3::Bucket"},
        },
        f"{P}.Scope.ComplianceResourceTypes",
        "must be a list, not a str",
    ),
    (
        "scope-types-many",
        {
            **source(Owner="AWS", SourceIdentifier="X"),
            "Scope": {"ComplianceResourceTypes": [f"AWS::T::R{i}" for i in range(101)]},
        },
        f"{P}.Scope.ComplianceResourceTypes",
        "lists 101 resource types; at most 100 are allowed",
    ),
    (
        "scope-type-list",
        {
            **source(Owner="AWS", SourceIdentifier="X"),
            "Scope": {"ComplianceResourceTypes": [["AWS::S3::Bucket"]]},
        },
        f"{P}.Scope.ComplianceResourceTypes[0]",
        "expected a string, found a list",
    ),
    (
        "scope-tag-key",
        {**source(Owner="AWS", SourceIdentifier="X"), "Scope": {"TagKey": "k" * 129}},
        f"{P}.Scope.TagKey",
        "must be 1 to 128 characters long, not 129",
    ),
    (
        "scope-tag-value",
        {
            **source(Owner="AWS", SourceIdentifier="X"),
            "Scope": {"TagKey": "k", "TagValue": "v" * 257},
        },
        f"{P}.Scope.TagValue",
        "must be 1 to 256 characters long, not 257",
    ),
    (
        "scope-resource-id",
        {**source(Owner="AWS", SourceIdentifier="X"), "Scope": {"ComplianceResourceId": ""}},
        f"{P}.Scope.ComplianceResourceId",
        "must be 1 to 768 characters long, not 0",
    ),
]


@pytest.mark.parametrize(
    ("properties", "location", "message"),
    [case[1:] for case in RULE_ERRORS],
    ids=[case[0] for case in RULE_ERRORS],
)
def test_rule_property_errors(properties: dict[str, Any], location: str, message: str) -> None:
    """A rule property the service would reject fails with its location."""
    error = load_error(rule_pack(properties))
    assert error.location == location
    assert error.message.startswith(f"{location}: {message}")
    assert error.path == "test.json"


def test_rule_property_values_at_their_limits_pass() -> None:
    """Rule properties at the edge of their limits load."""
    rule = only_rule(
        load(
            rule_pack(
                {
                    "ConfigRuleName": "n" * 128,
                    "Description": "d" * 256,
                    "MaximumExecutionFrequency": "One_Hour",
                    "InputParameters": '{"maxAccessKeyAge": "90"}',
                    "Scope": {
                        "ComplianceResourceTypes": [f"AWS::T::R{i}" for i in range(100)],
                        "TagKey": "k" * 128,
                        "TagValue": "v" * 256,
                    },
                    "Source": {"Owner": "AWS", "SourceIdentifier": "X" * 256},
                }
            )
        )
    )
    assert rule.name == "n" * 128
    assert rule.input_parameters == {"maxAccessKeyAge": "90"}
    assert len(rule.resource_types) == 100
    assert rule.maximum_execution_frequency == "One_Hour"


def test_guard_rule_at_its_limits_passes() -> None:
    """A Guard rule with 10,000 characters of policy and change triggers loads."""
    rule = only_rule(
        load(
            rule_pack(
                source(
                    Owner="CUSTOM_POLICY",
                    CustomPolicyDetails={
                        "PolicyRuntime": "guard-2.x.x",
                        "PolicyText": "x" * 10_000,
                        "EnableDebugLogDelivery": False,
                    },
                    SourceDetails=[
                        {"EventSource": "aws.config", "MessageType": t}
                        for t in (
                            "ConfigurationItemChangeNotification",
                            "OversizedConfigurationItemChangeNotification",
                        )
                    ],
                )
            )
        )
    )
    assert rule.enable_debug_log_delivery is False
    assert len(rule.trigger_types) == 2


def test_scalars_are_read_as_cloudformation_strings() -> None:
    """Numbers and booleans in string properties are read as CloudFormation reads them."""
    rule = only_rule(
        load(
            rule_pack(
                {
                    "ConfigRuleName": 123,
                    "Description": True,
                    **source(Owner="AWS", SourceIdentifier=1.5),
                }
            )
        )
    )
    assert (rule.name, rule.description, rule.source_identifier) == ("123", "true", "1.5")


def test_intrinsics_in_rule_properties_are_kept() -> None:
    """Intrinsic functions in rule properties are kept in long form and skip literal checks."""
    rule = only_rule(
        load(
            rule_pack(
                {
                    "ConfigRuleName": {"Fn::Sub": "${AWS::StackName}-rule"},
                    "MaximumExecutionFrequency": {"Ref": "Frequency"},
                    "Scope": {"ComplianceResourceTypes": {"Ref": "Types"}},
                    "Source": {
                        "Owner": "AWS",
                        "SourceIdentifier": "X",
                        "SourceDetails": {"Ref": "AWS::NoValue"},
                    },
                },
                Parameters={
                    "Frequency": {"Type": "String", "Default": "One_Hour"},
                    "Types": {"Type": "CommaDelimitedList", "Default": "AWS::S3::Bucket"},
                },
            )
        )
    )
    assert rule.name == {"Fn::Sub": "${AWS::StackName}-rule"}
    assert rule.maximum_execution_frequency == {"Ref": "Frequency"}
    assert rule.resource_types == ()
    assert rule.properties["Scope"] == {"ComplianceResourceTypes": {"Ref": "Types"}}


# ---------------------------------------------------------------------------------------------
# Remediations
# ---------------------------------------------------------------------------------------------

REMEDIATION = {
    "ConfigRuleName": "s3-bucket-versioning-enabled",
    "TargetId": "AWS-ConfigureS3BucketVersioning",
    "TargetType": "SSM_DOCUMENT",
}
RP = "Resources.Fix.Properties"


@pytest.mark.parametrize(
    ("properties", "location", "message"),
    [
        (None, RP, "an AWS::Config::RemediationConfiguration needs Properties"),
        (
            {k: v for k, v in REMEDIATION.items() if k != "ConfigRuleName"},
            f"{RP}.ConfigRuleName",
            "is required for a remediation",
        ),
        (
            {k: v for k, v in REMEDIATION.items() if k != "TargetId"},
            f"{RP}.TargetId",
            "is required for a remediation",
        ),
        (
            {k: v for k, v in REMEDIATION.items() if k != "TargetType"},
            f"{RP}.TargetType",
            "is required for a remediation",
        ),
        (
            {**REMEDIATION, "TargetType": "LAMBDA"},
            f"{RP}.TargetType",
            "'LAMBDA' is not one of SSM_DOCUMENT",
        ),
        (
            {**REMEDIATION, "ConfigRuleName": "n" * 129},
            f"{RP}.ConfigRuleName",
            "must be 1 to 128 characters long, not 129",
        ),
    ],
    ids=[
        "no-properties",
        "rule-name",
        "target-id",
        "target-type",
        "target-type-bad",
        "rule-name-long",
    ],
)
def test_remediation_errors(properties: dict[str, Any] | None, location: str, message: str) -> None:
    """A remediation needs a rule name, a target id and the SSM_DOCUMENT target type."""
    fix: dict[str, Any] = {"Type": "AWS::Config::RemediationConfiguration"}
    if properties is not None:
        fix["Properties"] = properties
    error = load_error(pack(Resources={"Rule": MANAGED_RULE, "Fix": fix}))
    assert error.location == location
    assert error.message == f"{location}: {message}"


def test_remediation_for_a_rule_outside_the_pack_is_a_warning() -> None:
    """A remediation naming no rule of the pack loads with a warning; one naming a rule does not."""
    fix = {"Type": "AWS::Config::RemediationConfiguration", "Properties": REMEDIATION}
    assert not load(pack(Resources={"Rule": MANAGED_RULE, "Fix": fix})).warnings
    other = {"Type": fix["Type"], "Properties": {**REMEDIATION, "ConfigRuleName": "elsewhere"}}
    template = load(pack(Resources={"Rule": MANAGED_RULE, "Fix": other}))
    assert template.warnings == (
        TemplateIssue(
            code="remediation-rule-not-in-pack",
            location=f"{RP}.ConfigRuleName",
            message="no rule of this template is named 'elsewhere'",
        ),
    )


# ---------------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parameters", "location", "message"),
    [
        ([], "Parameters", "Parameters must be a mapping, not a list"),
        (None, "Parameters", "Parameters must be a mapping, not a null"),
        (
            {"Bad_Name": {"Type": "String"}},
            "Parameters.Bad_Name",
            "a parameter name must be 1 to 255 letters and digits",
        ),
        ({"P": "String"}, "Parameters.P", "a parameter declaration must be a mapping, not a str"),
        ({"P": {"Default": "x"}}, "Parameters.P.Type", "every parameter needs a Type"),
        (
            {"P": {"Type": "Text"}},
            "Parameters.P.Type",
            "'Text' is not a CloudFormation parameter type (such as String, Number, "
            "CommaDelimitedList, List<Number> or an AWS-specific type)",
        ),
        (
            {"P": {"Type": "String", "Default": ["a"]}},
            "Parameters.P.Default",
            "must be a string, not a list",
        ),
        (
            {"P": {"Type": "Number", "Default": "ten"}},
            "Parameters.P.Default",
            "'ten' is not a valid Number",
        ),
        (
            {"P": {"Type": "Number", "Default": "inf"}},
            "Parameters.P.Default",
            "'inf' is not a valid Number",
        ),
        (
            {"P": {"Type": "List<Number>", "Default": "1,x"}},
            "Parameters.P.Default",
            "'1,x' is not a valid List<Number>",
        ),
        (
            {"P": {"Type": "String", "AllowedValues": "a"}},
            "Parameters.P.AllowedValues",
            "must be a list, not a str",
        ),
        (
            {"P": {"Type": "String", "AllowedValues": ["a", {"b": 1}]}},
            "Parameters.P.AllowedValues",
            "every allowed value must be a string",
        ),
    ],
    ids=[
        "list",
        "null",
        "name",
        "declaration",
        "no-type",
        "unknown-type",
        "default-list",
        "number",
        "number-inf",
        "list-number",
        "allowed-string",
        "allowed-mapping",
    ],
)
def test_parameter_errors(parameters: Any, location: str, message: str) -> None:
    """Parameter declarations must be well formed, with a known CloudFormation Type."""
    error = load_error(pack(Parameters=parameters))
    assert error.location == location
    assert error.message == f"{location}: {message}"


@pytest.mark.parametrize(
    "kind",
    [
        "String",
        "Number",
        "List<Number>",
        "CommaDelimitedList",
        "AWS::EC2::VPC::Id",
        "List<AWS::EC2::Subnet::Id>",
        "AWS::SSM::Parameter::Name",
        "AWS::SSM::Parameter::Value<String>",
        "AWS::SSM::Parameter::Value<List<String>>",
        "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
        "AWS::SSM::Parameter::Value<List<AWS::EC2::SecurityGroup::Id>>",
    ],
)
def test_known_parameter_types_accepted(kind: str) -> None:
    """Every CloudFormation parameter type is accepted."""
    document = pack(Parameters={"P": {"Type": kind}})
    document["Resources"]["Rule"]["Properties"]["InputParameters"] = {"p": {"Ref": "P"}}
    assert load(document).parameters["P"].type == kind


def test_parameter_defaults_are_text() -> None:
    """Defaults and allowed values are kept as CloudFormation text; null means no default."""
    document = pack(
        Parameters={
            "Count": {"Type": "Number", "Default": 5, "AllowedValues": [5, 10]},
            "Ratios": {"Type": "List<Number>", "Default": "1, 2.5"},
            "Flag": {"Type": "String", "Default": False},
            "Empty": {"Type": "String", "Default": ""},
            "Missing": {"Type": "String", "Default": None},
        }
    )
    document["Resources"]["Rule"]["Properties"]["InputParameters"] = {
        name: {"Ref": name} for name in ("Count", "Ratios", "Flag", "Empty", "Missing")
    }
    parameters = load(document).parameters
    assert parameters["Count"].default == "5"
    assert parameters["Count"].allowed_values == ("5", "10")
    assert parameters["Ratios"].default == "1, 2.5"
    assert parameters["Flag"].default == "false"
    assert parameters["Empty"].default == ""
    assert parameters["Empty"].has_default
    assert parameters["Missing"].default is None
    assert not parameters["Missing"].has_default
    assert load(document).required_parameters == frozenset({"Missing"})


# ---------------------------------------------------------------------------------------------
# References: Ref, Fn::Sub, Fn::GetAtt, conditions
# ---------------------------------------------------------------------------------------------


def with_input(value: Any, **sections: Any) -> dict[str, Any]:
    """Return a template whose rule has ``value`` as an input parameter."""
    document = pack(**sections)
    document["Resources"]["Rule"]["Properties"]["InputParameters"] = {"value": value}
    return document


PARAM = {"Known": {"Type": "String", "Default": "x"}}
IP = "Resources.Rule.Properties.InputParameters.value"


@pytest.mark.parametrize(
    ("value", "location", "message"),
    [
        (
            {"Ref": "Unknown"},
            f"{IP}.Ref",
            "'Unknown' is not a parameter, a resource or a pseudo parameter of this template",
        ),
        ({"Ref": ["Known"]}, f"{IP}.Ref", "Ref takes a name, not a list"),
        (
            {"Fn::Sub": "x-${Unknown}"},
            f"{IP}.Fn::Sub",
            "'Unknown' is not a parameter, a resource or a pseudo parameter of this template",
        ),
        (
            {"Fn::Sub": ["x-${Local}-${Unknown}", {"Local": "v"}]},
            f"{IP}.Fn::Sub",
            "'Unknown' is not a parameter, a resource or a pseudo parameter of this template",
        ),
        (
            {"Fn::Sub": "${Missing.Arn}"},
            f"{IP}.Fn::Sub",
            "'Missing' is not a resource of this template",
        ),
        (
            {"Fn::Sub": ["a", "b", "c"]},
            f"{IP}.Fn::Sub",
            "Fn::Sub takes a string or [string, {variables}]",
        ),
        (
            {"Fn::Sub": ["${X}", ["not", "a", "mapping"]]},
            f"{IP}.Fn::Sub[1]",
            "the Fn::Sub variables must be a mapping, not a list",
        ),
        ({"Fn::Sub": 5}, f"{IP}.Fn::Sub", "Fn::Sub takes a string, not a number"),
        (
            {"Fn::GetAtt": ["Missing", "Arn"]},
            f"{IP}.Fn::GetAtt",
            "'Missing' is not a resource of this template",
        ),
        ({"Fn::GetAtt": ["Rule"]}, f"{IP}.Fn::GetAtt", "Fn::GetAtt takes [LogicalId, Attribute]"),
        (
            {"Fn::Join": [",", [{"Ref": "Unknown"}]]},
            f"{IP}.Fn::Join[1][0].Ref",
            "'Unknown' is not a parameter, a resource or a pseudo parameter of this template",
        ),
        (
            {"Fn::If": ["NoSuchCondition", "a", "b"]},
            f"{IP}.Fn::If[0]",
            "the condition 'NoSuchCondition' is not declared in Conditions (declared: none)",
        ),
        (
            {"Fn::If": ["a", "b"]},
            f"{IP}.Fn::If",
            "Fn::If takes [condition, value if true, value if false]",
        ),
    ],
    ids=[
        "ref",
        "ref-list",
        "sub",
        "sub-list",
        "sub-getatt",
        "sub-shape",
        "sub-vars",
        "sub-number",
        "getatt",
        "getatt-shape",
        "nested",
        "if",
        "if-shape",
    ],
)
def test_reference_errors(value: Any, location: str, message: str) -> None:
    """Every Ref, Fn::Sub variable, Fn::GetAtt and Fn::If condition must resolve."""
    error = load_error(with_input(value, Parameters=PARAM))
    assert error.location == location
    assert error.message == f"{location}: {message}"


@pytest.mark.parametrize(
    "value",
    [
        {"Ref": "Known"},
        {"Ref": "Rule"},
        {"Ref": "AWS::Region"},
        {"Fn::Sub": "${Known}-${AWS::AccountId}-${!Literal}-${Rule.Arn}-${AWS::URLSuffix}"},
        {"Fn::Sub": ["${Local}-${Known}", {"Local": {"Ref": "AWS::Partition"}}]},
        {"Fn::GetAtt": ["Rule", "Arn"]},
        {"Fn::GetAtt": "Rule.Arn"},
        {"Fn::If": ["IsSet", {"Ref": "Known"}, {"Ref": "AWS::NoValue"}]},
    ],
    ids=["parameter", "resource", "pseudo", "sub", "sub-list", "getatt", "getatt-string", "if"],
)
def test_references_that_resolve_pass(value: Any) -> None:
    """References to parameters, resources, pseudo parameters and conditions load."""
    conditions = {"IsSet": {"Fn::Not": [{"Fn::Equals": [{"Ref": "Known"}, ""]}]}}
    template = load(with_input(value, Parameters=PARAM, Conditions=conditions))
    assert only_rule(template).input_parameters == {"value": deep_freeze(value)}


@pytest.mark.usefixtures("yaml_backend")
def test_short_form_ref_to_unknown_parameter_rejected() -> None:
    """A short-form !Ref to an undeclared parameter fails like the long form."""
    text = MINIMAL_YAML + "      InputParameters:\n        maxAge: !Ref MaxAge\n"
    error = text_error(text)
    assert error.message == (
        "Resources.Versioning.Properties.InputParameters.maxAge.Ref: 'MaxAge' is not a "
        "parameter, a resource or a pseudo parameter of this template"
    )


@pytest.mark.parametrize(
    ("document", "location", "message"),
    [
        (
            pack(
                Resources={"Rule": {**MANAGED_RULE, "Condition": "Missing"}},
                Conditions={"IsProd": {"Fn::Equals": ["a", "a"]}},
            ),
            "Resources.Rule.Condition",
            "the condition 'Missing' is not declared in Conditions (declared: IsProd)",
        ),
        (
            pack(
                Resources={"Rule": {**MANAGED_RULE, "Condition": ["IsProd"]}},
                Conditions={"IsProd": {"Fn::Equals": ["a", "a"]}},
            ),
            "Resources.Rule.Condition",
            "a condition name must be a string, not a list",
        ),
        (
            pack(
                Conditions={
                    "Both": {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "Missing"}]},
                    "IsProd": {"Fn::Equals": ["a", "a"]},
                }
            ),
            "Conditions.Both.Fn::And[1].Condition",
            "the condition 'Missing' is not declared in Conditions (declared: Both, IsProd)",
        ),
        (
            pack(Conditions={"UsesRule": {"Fn::Equals": [{"Ref": "Rule"}, "x"]}}),
            "Conditions.UsesRule.Fn::Equals[0].Ref",
            "'Rule' is a resource; conditions can refer only to parameters and pseudo parameters",
        ),
        (
            pack(Conditions={"Unknown": {"Fn::Equals": [{"Ref": "Nope"}, "x"]}}),
            "Conditions.Unknown.Fn::Equals[0].Ref",
            "'Nope' is not a parameter, a resource or a pseudo parameter of this template",
        ),
        (
            pack(Conditions=["IsProd"]),
            "Conditions",
            "Conditions must be a mapping, not a list",
        ),
        (
            pack(
                Outputs={"Arn": {"Value": {"Fn::GetAtt": ["Rule", "Arn"]}, "Condition": "Missing"}}
            ),
            "Outputs.Arn.Condition",
            "the condition 'Missing' is not declared in Conditions (declared: none)",
        ),
        (
            pack(Outputs={"Arn": {"Value": {"Ref": "Nope"}}}),
            "Outputs.Arn.Value.Ref",
            "'Nope' is not a parameter, a resource or a pseudo parameter of this template",
        ),
    ],
    ids=[
        "resource-condition",
        "resource-condition-list",
        "condition-in-and",
        "condition-refs-resource",
        "condition-ref-unknown",
        "conditions-list",
        "output-condition",
        "output-ref",
    ],
)
def test_condition_errors(document: dict[str, Any], location: str, message: str) -> None:
    """Every condition used must be declared, and conditions may not refer to resources."""
    error = load_error(document)
    assert error.location == location
    assert error.message == f"{location}: {message}"


def test_conditions_that_resolve_pass() -> None:
    """Declared conditions used by resources, Fn::If, Fn::And/Or/Not and outputs load."""
    document = pack(
        Parameters={"Env": {"Type": "String", "Default": "prod"}},
        Conditions={
            "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "IsEu": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]},
            "Both": {"Fn::And": [{"Condition": "IsProd"}, {"Condition": "IsEu"}]},
            "Either": {"Fn::Or": [{"Condition": "IsProd"}, {"Fn::Not": [{"Condition": "IsEu"}]}]},
        },
        Outputs={"Arn": {"Value": {"Fn::GetAtt": ["Rule", "Arn"]}, "Condition": "Both"}},
    )
    document["Resources"]["Rule"]["Condition"] = "Either"
    document["Resources"]["Rule"]["Properties"]["MaximumExecutionFrequency"] = {
        "Fn::If": ["IsProd", "One_Hour", "TwentyFour_Hours"]
    }
    template = load(document)
    assert only_rule(template).condition == "Either"
    assert not template.warnings


def test_condition_key_in_properties_is_not_a_condition_reference() -> None:
    """A property that happens to be called Condition is not checked as a condition name."""
    document = with_input({"Condition": "JustData"})
    assert only_rule(load(document)).input_parameters == {"value": {"Condition": "JustData"}}


# ---------------------------------------------------------------------------------------------
# Warnings
# ---------------------------------------------------------------------------------------------


def test_unknown_resource_keys_are_warnings() -> None:
    """Controls and Description on a resource are tolerated and reported as warnings."""
    document = pack(Resources={"Rule": {**MANAGED_RULE, "Controls": ["1.1"], "Description": "d"}})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        template = load(document)
    assert caught == []
    assert template.warnings == (
        TemplateIssue(
            "unknown-resource-key",
            "Resources.Rule.Controls",
            "CloudFormation does not define this resource attribute; it is ignored",
        ),
        TemplateIssue(
            "unknown-resource-key",
            "Resources.Rule.Description",
            "CloudFormation does not define this resource attribute; it is ignored",
        ),
    )


def test_unknown_sections_and_properties_are_warnings() -> None:
    """Unknown top-level sections and rule or remediation properties are warnings."""
    document = pack(Controls={"x": 1})
    document["Resources"]["Rule"]["Properties"]["Tags"] = []
    document["Resources"]["Fix"] = {
        "Type": "AWS::Config::RemediationConfiguration",
        "Properties": {**REMEDIATION, "Retries": 3},
    }
    issues = {(i.code, i.location) for i in load(document).warnings}
    assert issues == {
        ("unknown-top-level-key", "Controls"),
        ("unknown-property", "Resources.Rule.Properties.Tags"),
        ("unknown-property", "Resources.Fix.Properties.Retries"),
    }


def test_unused_parameter_is_a_warning() -> None:
    """A parameter declared but never referenced is a warning; one used only in Sub is not."""
    document = with_input(
        {"Fn::Sub": "${Used}"},
        Parameters={"Used": {"Type": "String"}, "Unused": {"Type": "String", "Default": "x"}},
    )
    template = load(document)
    assert template.warnings == (
        TemplateIssue(
            "unused-parameter", "Parameters.Unused", "the parameter is declared but never used"
        ),
    )
