"""Tests of the sandbox's request validation: AWS Config's server-side checks."""

from __future__ import annotations

import copy
import doctest
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import botocore.session
import pytest
from botocore.model import ListShape, MapShape, Shape, ShapeResolver, StructureShape

from orgconfig.testing import _constraints
from orgconfig.testing._constraints import (
    DOCUMENTED_LIMITS,
    MAX_REPORTED_ERRORS,
    SUPPORTED_OPERATIONS,
    _Walker,
    java_pattern,
    validate_request,
)
from orgconfig.testing._errors import ServiceError
from tests.testing import constraint_cases as cases_module
from tests.testing.constraint_cases import ConstraintCase, constraint_cases

PACK_PUT = "PutOrganizationConformancePack"
RULE_PUT = "PutOrganizationConfigRule"
TEMPLATE = "Resources: {}\n"
NAME_PATTERN = "[a-zA-Z][-a-zA-Z0-9]*"
MANAGED = {"RuleIdentifier": "S3_BUCKET_VERSIONING_ENABLED"}
LAMBDA_ARN = "arn:aws:lambda:us-east-1:111111111111:function:f"
GUARD = {"PolicyRuntime": "guard-2.x.x", "PolicyText": "rule r { }"}


def pack(**members: Any) -> dict[str, Any]:
    """Return a valid conformance pack put with ``members`` replaced or added."""
    return {"OrganizationConformancePackName": "pack", "TemplateBody": TEMPLATE, **members}


def rule(**members: Any) -> dict[str, Any]:
    """Return a rule put named ``rule`` with ``members`` (give it its metadata)."""
    return {"OrganizationConfigRuleName": "rule", **members}


def lambda_rule(**metadata: Any) -> dict[str, Any]:
    """Return a custom Lambda rule put with ``metadata`` replaced or added."""
    base = {"LambdaFunctionArn": LAMBDA_ARN, "OrganizationConfigRuleTriggerTypes": []}
    return rule(OrganizationCustomRuleMetadata={**base, **metadata})


def error_of(operation: str, params: Mapping[str, Any]) -> ServiceError:
    """Return the error ``validate_request`` raises for the request."""
    with pytest.raises(ServiceError) as caught:
        validate_request(operation, params)
    return caught.value


# ------------------------------------------------------------------------------------------------
# Message formats


def test_single_error_message_matches_aws_format() -> None:
    """One violation reads "1 validation error detected: Value 'x' at 'path' failed ..."."""
    error = error_of(PACK_PUT, pack(OrganizationConformancePackName="9lives"))
    assert error.code == "ValidationException"
    assert error.status == 400
    assert error.message == (
        "1 validation error detected: Value '9lives' at 'organizationConformancePackName' "
        "failed to satisfy constraint: Member must satisfy regular expression pattern: "
        f"{NAME_PATTERN}"
    )


def test_missing_required_member_reads_value_null() -> None:
    """A missing required member is reported as null, not quoted."""
    error = error_of(PACK_PUT, {"TemplateBody": TEMPLATE})
    assert error.message == (
        "1 validation error detected: Value null at 'organizationConformancePackName' "
        "failed to satisfy constraint: Member must not be null"
    )


def test_several_errors_are_counted_and_joined_pattern_before_length() -> None:
    """Several violations are counted, joined with '; ', a member's pattern before its length."""
    error = error_of(PACK_PUT, pack(OrganizationConformancePackName=""))
    assert error.message == (
        "2 validation errors detected: "
        "Value '' at 'organizationConformancePackName' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {NAME_PATTERN}; "
        "Value '' at 'organizationConformancePackName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )


def test_errors_across_members_follow_model_order() -> None:
    """Violations on different members are listed in the model's member order."""
    params = pack(OrganizationConformancePackName="x" * 129, DeliveryS3KeyPrefix="k" * 1025)
    error = error_of(PACK_PUT, params)
    assert error.message.startswith("2 validation errors detected: ")
    assert error.message.index("'organizationConformancePackName'") < error.message.index(
        "'deliveryS3KeyPrefix'"
    )


def test_list_members_are_one_based_with_member_suffix() -> None:
    """The third account of a list is 'excludedAccounts.3.member'."""
    accounts = ["111111111111", "222222222222", "33333333333x"]
    error = error_of(PACK_PUT, pack(ExcludedAccounts=accounts))
    assert error.message == (
        "1 validation error detected: Value '33333333333x' at 'excludedAccounts.3.member' "
        "failed to satisfy constraint: Member must satisfy regular expression pattern: \\d{12}"
    )


def test_members_of_list_structures_are_nested_with_dots() -> None:
    """A tag key in the second tag is 'tags.2.member.key'."""
    tags = [{"Key": "a", "Value": "b"}, {"Key": "k" * 129, "Value": "v"}]
    error = error_of(PACK_PUT, pack(Tags=tags))
    assert f"Value '{'k' * 129}' at 'tags.2.member.key' failed to satisfy constraint: " in (
        error.message
    )
    assert error.message.endswith("Member must have length less than or equal to 128")


def test_nested_structure_members_are_camel_case_with_dots() -> None:
    """A filter member is 'filters.accountId'."""
    params = {"OrganizationConformancePackName": "pack", "Filters": {"AccountId": "123"}}
    error = error_of("GetOrganizationConformancePackDetailedStatus", params)
    assert "Value '123' at 'filters.accountId' failed to satisfy constraint" in error.message


def test_at_most_ten_errors_are_listed_and_counted() -> None:
    """Twelve violations are reported as the first ten, counted as ten, as AWS does."""
    accounts = [f"bad{i:02d}" for i in range(1, 13)]
    error = error_of(PACK_PUT, pack(ExcludedAccounts=accounts))
    assert MAX_REPORTED_ERRORS == 10
    assert error.message.startswith("10 validation errors detected: ")
    assert error.message.count("failed to satisfy constraint") == 10
    assert "'excludedAccounts.10.member'" in error.message
    assert "'excludedAccounts.11.member'" not in error.message


def test_long_values_are_shown_whole() -> None:
    """A too-long template body is quoted in full, as AWS quotes long values."""
    body = "#" * 51_201
    error = error_of(PACK_PUT, pack(TemplateBody=body))
    assert error.message == (
        f"1 validation error detected: Value '{body}' at 'templateBody' failed to satisfy "
        "constraint: Member must have length less than or equal to 51200"
    )


def test_lists_are_shown_as_java_lists() -> None:
    """A list of names too long is shown as '[a, b, ...]'."""
    names = [f"n{i}" for i in range(26)]
    error = error_of(
        "DescribeOrganizationConformancePacks", {"OrganizationConformancePackNames": names}
    )
    assert error.message == (
        f"1 validation error detected: Value '[{', '.join(names)}]' at "
        "'organizationConformancePackNames' failed to satisfy constraint: "
        "Member must have length less than or equal to 25"
    )


def test_structures_are_shown_with_their_members() -> None:
    """A list of tags too long shows each tag as '{Key: k,Value: v}'."""
    tags = [{"Key": f"k{i}", "Value": f"v{i}"} for i in range(51)]
    error = error_of(PACK_PUT, pack(Tags=tags))
    assert error.message.startswith(
        "1 validation error detected: Value '[{Key: k0,Value: v0}, {Key: k1,Value: v1}, "
    )
    assert "Member must have length less than or equal to 50" in error.message


def test_enum_message_lists_the_values_in_model_order() -> None:
    """A value outside an enum names the whole value set in brackets."""
    params = {"OrganizationConformancePackName": "pack", "Filters": {"Status": "DONE"}}
    error = error_of("GetOrganizationConformancePackDetailedStatus", params)
    assert error.message == (
        "1 validation error detected: Value 'DONE' at 'filters.status' failed to satisfy "
        "constraint: Member must satisfy enum value set: [CREATE_SUCCESSFUL, CREATE_IN_PROGRESS, "
        "CREATE_FAILED, DELETE_SUCCESSFUL, DELETE_FAILED, DELETE_IN_PROGRESS, UPDATE_SUCCESSFUL, "
        "UPDATE_IN_PROGRESS, UPDATE_FAILED]"
    )


@pytest.mark.parametrize(
    ("operation", "limit", "constraint"),
    [
        ("DescribeOrganizationConformancePacks", 101, "less than or equal to 100"),
        ("DescribeOrganizationConfigRuleStatuses", -1, "greater than or equal to 0"),
        ("ListTagsForResource", 51, "less than or equal to 50"),
    ],
)
def test_limit_out_of_range_is_invalid_limit(operation: str, limit: int, constraint: str) -> None:
    """A Limit outside 0..100 answers InvalidLimitException in the validation wording."""
    params: dict[str, Any] = {"Limit": limit}
    if operation == "ListTagsForResource":
        params["ResourceArn"] = "arn:aws:config:us-east-1:111111111111:config-rule/r"
    error = error_of(operation, params)
    assert error.code == "InvalidLimitException"
    assert error.message == (
        f"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: "
        f"Member must have value {constraint}"
    )


def test_other_model_errors_come_before_an_invalid_limit() -> None:
    """With a bad name and a bad Limit, the model's ValidationException wins."""
    params = {"Limit": 500, "OrganizationConformancePackNames": ["9"]}
    error = error_of("DescribeOrganizationConformancePacks", params)
    assert error.code == "ValidationException"
    assert "'limit'" not in error.message


def test_lengths_count_utf16_code_units_like_java() -> None:
    """A character outside the BMP counts twice toward a length limit, as in Java."""
    fits = rule(OrganizationManagedRuleMetadata={**MANAGED, "Description": "\U0001f600" * 128})
    validate_request(RULE_PUT, fits)
    over = rule(OrganizationManagedRuleMetadata={**MANAGED, "Description": "\U0001f600" * 129})
    error = error_of(RULE_PUT, over)
    assert "'organizationManagedRuleMetadata.description'" in error.message
    assert "Member must have length less than or equal to 256" in error.message


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (pack(TemplateBody=5), "Expected a string at 'templateBody', got int 5"),
        (pack(ExcludedAccounts="111111111111"), "Expected a list at 'excludedAccounts', got str"),
        (pack(Tags=[["Key", "v"]]), "Expected a structure at 'tags.1.member', got list"),
        (["not", "a", "request"], "Expected a structure at the request body, got list"),
    ],
)
def test_wrong_types_answer_serialization_exception(params: Any, message: str) -> None:
    """A value of the wrong JSON type answers SerializationException naming the member."""
    error = error_of(PACK_PUT, params)
    assert error.code == "SerializationException"
    assert error.message.startswith(message)


@pytest.mark.parametrize(
    ("operation", "params", "message"),
    [
        ("DescribeOrganizationConfigRules", {"Limit": True}, "Expected an integer at 'limit'"),
        ("DescribeOrganizationConfigRules", {"Limit": "5"}, "Expected an integer at 'limit'"),
        (
            "PutConfigurationRecorder",
            {"ConfigurationRecorder": {"recordingGroup": {"allSupported": "yes"}}},
            "Expected a boolean at 'configurationRecorder.recordingGroup.allSupported'",
        ),
    ],
)
def test_wrong_scalar_types_answer_serialization_exception(
    operation: str, params: Mapping[str, Any], message: str
) -> None:
    """Booleans are not integers, strings are not integers, strings are not booleans."""
    error = error_of(operation, params)
    assert error.code == "SerializationException"
    assert error.message.startswith(message)


def test_unknown_members_are_ignored() -> None:
    """Members the model does not know are ignored, as the service ignores them."""
    validate_request(PACK_PUT, pack(SomethingNew="x"))


def test_unknown_operation_is_a_value_error() -> None:
    """An operation AWS Config does not have is a programming error."""
    with pytest.raises(ValueError, match="AWS Config has no operation 'CreateBucket'"):
        validate_request("CreateBucket", {})


def test_other_config_operations_are_walked_too() -> None:
    """The walk is generic: any AWS Config operation is checked against its model."""
    error = error_of("DeleteConfigRule", {"ConfigRuleName": ""})
    assert error.message == (
        "2 validation errors detected: Value '' at 'configRuleName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: .*\\S.*; Value '' at "
        "'configRuleName' failed to satisfy constraint: Member must have length greater than or "
        "equal to 1"
    )


def remediation(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Return a PutRemediationConfigurations request whose one configuration has parameters."""
    configuration = {
        "ConfigRuleName": "r",
        "TargetType": "SSM_DOCUMENT",
        "TargetId": "AWS-EnableS3BucketEncryption",
        "Parameters": parameters,
    }
    return {"RemediationConfigurations": [configuration]}


def test_map_keys_are_checked_with_the_map_wording() -> None:
    """A bad map key is reported once for the map, listing the key constraints."""
    params = remediation({"": {"StaticValue": {"Values": ["a"]}}})
    error = error_of("PutRemediationConfigurations", params)
    assert error.message == (
        "1 validation error detected: Value '{={StaticValue: {Values: [a]}}}' at "
        "'remediationConfigurations.1.member.parameters' failed to satisfy constraint: Map keys "
        "must satisfy constraint: [Member must have length less than or equal to 256, Member must "
        "have length greater than or equal to 1]"
    )


def test_map_sizes_and_structure_values_are_checked() -> None:
    """A map over its size and a bad structure value inside it are both reported."""
    parameters: dict[str, Any] = {f"p{i}": {"StaticValue": {"Values": ["v"]}} for i in range(26)}
    parameters["p0"] = {"ResourceValue": {"Value": "NOT_RESOURCE_ID"}}
    error = error_of("PutRemediationConfigurations", remediation(parameters))
    assert error.message.startswith("2 validation errors detected: ")
    assert "Member must have length less than or equal to 25" in error.message
    assert (
        "Value 'NOT_RESOURCE_ID' at "
        "'remediationConfigurations.1.member.parameters.entry.1.value.resourceValue.value'"
    ) in error.message


def test_map_values_of_the_wrong_type_answer_serialization_exception() -> None:
    """A map value of the wrong JSON type is a SerializationException like any other."""
    error = error_of("PutResourceConfig", resource_config(tags={"k": "v", "x": 5}))
    assert error.code == "SerializationException"
    validate_request("PutResourceConfig", resource_config(tags={"k": "v"}))


def test_scalar_map_values_are_checked_with_the_map_wording() -> None:
    """A bad scalar map value is reported once for the map, listing the value constraints."""
    # botocore-stubs types the map as shapes; botocore takes their JSON definitions.
    definitions: dict[str, Any] = {
        "Labels": {"type": "map", "key": {"shape": "Key"}, "value": {"shape": "Label"}},
        "Key": {"type": "string"},
        "Label": {"type": "string", "min": 1, "max": 3, "pattern": "[a-z]*"},
    }
    resolver = ShapeResolver(definitions)
    walker = _Walker("PutResourceConfig")
    walker.value(resolver.get_shape_by_name("Labels"), {"a": "ok", "b": "TOO LONG"}, "labels", "")
    assert [str(v) for v in walker.violations] == [
        "Value '{a=ok, b=TOO LONG}' at 'labels' failed to satisfy constraint: Map value must "
        "satisfy constraint: [Member must have length less than or equal to 3, Member must have "
        "length greater than or equal to 1, Member must satisfy regular expression pattern: [a-z]*]"
    ]


def resource_config(tags: Mapping[str, Any]) -> dict[str, Any]:
    """Return a PutResourceConfig request with ``tags``."""
    return {
        "ResourceType": "Custom::Thing",
        "SchemaVersionId": "00000001",
        "ResourceId": "thing-1",
        "Configuration": "{}",
        "Tags": tags,
    }


# ------------------------------------------------------------------------------------------------
# Java patterns


def all_model_patterns() -> list[str]:
    """Return every pattern in the input shapes of AWS Config's model."""
    model = botocore.session.get_session().get_service_model("config")
    patterns: set[str] = set()

    def visit(shape: Shape, seen: frozenset[str]) -> None:
        if shape.name in seen:
            return
        seen |= {shape.name}
        if "pattern" in shape.metadata:
            patterns.add(shape.metadata["pattern"])
        for child in children(shape):
            visit(child, seen)

    for name in model.operation_names:
        input_shape = model.operation_model(name).input_shape
        if input_shape is not None:
            visit(input_shape, frozenset())
    return sorted(patterns)


def children(shape: Shape) -> list[Shape]:
    """Return the shapes directly inside ``shape``."""
    if isinstance(shape, StructureShape):
        return list(shape.members.values())
    if isinstance(shape, ListShape):
        return [shape.member]
    if isinstance(shape, MapShape):
        return [shape.key, shape.value]
    return []


@pytest.mark.parametrize("pattern", all_model_patterns())
def test_every_pattern_in_the_model_translates(pattern: str) -> None:
    """Every pattern of AWS Config's inputs compiles to a Python pattern."""
    assert isinstance(java_pattern(pattern), re.Pattern)


@pytest.mark.parametrize("terminator", ["\n", "\r", "\u0085", "\u2028", "\u2029"])
def test_dot_stops_at_every_java_line_terminator(terminator: str) -> None:
    """Java's '.' matches no line terminator, where Python's only skips '\\n'."""
    compiled = java_pattern("s3://.*")
    assert compiled.fullmatch("s3://bucket/key")
    assert compiled.fullmatch(f"s3://bucket/{terminator}key") is None


def test_dot_inside_a_class_is_a_literal() -> None:
    """A '.' inside a class stays a literal dot."""
    assert java_pattern("[.]").fullmatch(".")
    assert java_pattern("[.]").fullmatch("a") is None


def test_digit_and_word_classes_are_ascii_only() -> None:
    """Java's \\d and \\w match ASCII only, not other scripts' digits and letters."""
    assert java_pattern("\\d{12}").fullmatch("123456789012")
    assert java_pattern("\\d{12}").fullmatch("\u0661" * 12) is None
    assert java_pattern("\\w+").fullmatch("\u00e9t\u00e9") is None


def test_patterns_match_whole_values() -> None:
    """A pattern must match the whole value, as Java's matches() does."""
    assert java_pattern(NAME_PATTERN).fullmatch("pack 1") is None


def test_closing_bracket_first_in_a_class_is_a_literal() -> None:
    """A ']' first in a class, negated or not, is a literal as in Java."""
    assert java_pattern("[]a]+").fullmatch("]a]")
    assert java_pattern("[^]a]+").fullmatch("bc")
    assert java_pattern("[^]a]+").fullmatch("b]") is None


def test_hyphen_after_a_class_escape_is_a_literal() -> None:
    """Java reads [\\d-_] as a digit, a hyphen or an underscore, as the model's patterns use it."""
    compiled = java_pattern("[a-z\\d-_]+")
    assert compiled.fullmatch("query-1_a")
    assert compiled.fullmatch("query.1") is None


def test_lower_case_z_anchor_is_translated() -> None:
    """Java's \\z (end of input) becomes Python's \\Z."""
    assert java_pattern("a\\z").fullmatch("a")


@pytest.mark.parametrize(
    ("pattern", "construct"),
    [
        ("\\p{L}+", "\\p"),
        ("\\Qa.b\\E", "\\Q"),
        ("[a-z&&[^x]]", "nested class or intersection"),
        ("[a[b]]", "nested class or intersection"),
        ("a++", "possessive quantifier"),
        ("a{2}+", "possessive quantifier"),
        ("abc\\", "lone backslash"),
        ("(?<name>a)", "Java pattern '(?<name>a)'"),
    ],
)
def test_untranslatable_constructs_raise(pattern: str, construct: str) -> None:
    """Constructs with no faithful translation raise ValueError instead of matching wrongly."""
    with pytest.raises(ValueError, match=re.escape(construct)):
        java_pattern(pattern)


# ------------------------------------------------------------------------------------------------
# Documented rules: conformance packs


def test_pack_needs_a_template() -> None:
    """A pack put with neither TemplateS3Uri nor TemplateBody is rejected."""
    error = error_of(PACK_PUT, {"OrganizationConformancePackName": "pack"})
    assert error.code == "ValidationException"
    assert error.message == (
        "Either TemplateS3Uri or TemplateBody must be specified for the conformance pack."
    )


@pytest.mark.parametrize(
    "members",
    [
        {"TemplateS3Uri": "s3://bucket/key.yaml"},
        {"TemplateS3Uri": "s3://bucket/key.yaml", "TemplateBody": TEMPLATE},
        {"TemplateBody": TEMPLATE},
    ],
)
def test_pack_takes_either_template_or_both(members: dict[str, str]) -> None:
    """An S3 URI, a body, or both (the service then uses the URI) are accepted."""
    validate_request(PACK_PUT, {"OrganizationConformancePackName": "pack", **members})


@pytest.mark.parametrize("uri", ["s3://bucket", "s3://bucket/", "s3:///key"])
def test_template_uri_must_name_an_object(uri: str) -> None:
    """A template URI without a bucket or a key is rejected."""
    error = error_of(PACK_PUT, pack(TemplateS3Uri=uri))
    assert error.code == "ValidationException"
    assert error.message == (
        f"TemplateS3Uri '{uri}' is not valid: it must have the form s3://bucket/key."
    )


def test_template_uri_without_the_scheme_fails_the_model_pattern() -> None:
    """A URI that is not s3:// fails the model's pattern first."""
    error = error_of(PACK_PUT, pack(TemplateS3Uri="https://bucket/key"))
    assert "Member must satisfy regular expression pattern: s3://.*" in error.message


def test_delivery_bucket_must_start_with_awsconfigconforms() -> None:
    """A delivery bucket outside the awsconfigconforms prefix is rejected."""
    error = error_of(PACK_PUT, pack(DeliveryS3Bucket="my-bucket"))
    assert error.code == "ValidationException"
    assert error.message == (
        "DeliveryS3Bucket 'my-bucket' is not valid: the bucket name must start with "
        "awsconfigconforms."
    )


@pytest.mark.parametrize("bucket", ["awsconfigconforms-results", ""])
def test_delivery_bucket_with_the_prefix_or_empty_is_accepted(bucket: str) -> None:
    """A prefixed delivery bucket, or an empty one (the model allows 0), is accepted."""
    validate_request(PACK_PUT, pack(DeliveryS3Bucket=bucket))


def test_pack_input_parameters_are_limited_to_the_documented_sixty() -> None:
    """61 input parameters are rejected at the documented 60, though the model says 330."""
    parameters = [{"ParameterName": f"p{i}", "ParameterValue": "v"} for i in range(61)]
    validate_request(PACK_PUT, pack(ConformancePackInputParameters=parameters[:60]))
    error = error_of(PACK_PUT, pack(ConformancePackInputParameters=parameters))
    assert error.code == "ValidationException"
    assert "at 'conformancePackInputParameters' failed to satisfy constraint: " in error.message
    assert error.message.endswith("Member must have length less than or equal to 60")


def test_documented_pack_parameter_limit_is_never_looser_than_the_model() -> None:
    """The documented 60 applies whatever the model says (60 in botocore 1.43.40, 330 later)."""
    model = botocore.session.get_session().get_service_model("config")
    shape = model.shape_for("ConformancePackInputParameters")
    documented = DOCUMENTED_LIMITS[(PACK_PUT, "ConformancePackInputParameters")]["max"]
    assert documented == 60
    assert shape.metadata["max"] >= documented


@pytest.mark.parametrize(
    ("operation", "params", "code"),
    [
        (PACK_PUT, pack, "ValidationException"),
        (RULE_PUT, lambda **m: rule(OrganizationManagedRuleMetadata=MANAGED, **m), None),
    ],
)
def test_excluded_accounts_may_not_repeat(operation: str, params: Any, code: str | None) -> None:
    """An account excluded twice is rejected, with each operation's code."""
    expected = code or "InvalidParameterValueException"
    accounts = ["111111111111", "222222222222", "111111111111"]
    validate_request(operation, params(ExcludedAccounts=accounts[:2]))
    error = error_of(operation, params(ExcludedAccounts=accounts))
    assert error.code == expected
    assert error.message == "ExcludedAccounts contains duplicate account IDs: 111111111111."


@pytest.mark.parametrize(
    "operation",
    ["DescribeOrganizationConformancePacks", "DescribeOrganizationConformancePackStatuses"],
)
def test_describe_pack_calls_take_up_to_25_names(operation: str) -> None:
    """Describe calls take 0 to 25 names."""
    names = [f"n{i}" for i in range(26)]
    validate_request(operation, {"OrganizationConformancePackNames": []})
    validate_request(operation, {"OrganizationConformancePackNames": names[:25]})
    error = error_of(operation, {"OrganizationConformancePackNames": names})
    assert "Member must have length less than or equal to 25" in error.message


def test_model_errors_come_before_documented_rules() -> None:
    """A request breaking the model and a rule reports only the model's ValidationException."""
    params = pack(OrganizationConformancePackName="9", DeliveryS3Bucket="my-bucket")
    error = error_of(PACK_PUT, params)
    assert error.message.startswith("1 validation error detected: Value '9'")


# ------------------------------------------------------------------------------------------------
# Documented rules: organization config rules


def test_rule_needs_one_metadata() -> None:
    """A rule put with no metadata is rejected with InvalidParameterValueException."""
    error = error_of(RULE_PUT, rule())
    assert error.code == "InvalidParameterValueException"
    assert error.message == (
        "Specify exactly one of OrganizationManagedRuleMetadata, OrganizationCustomRuleMetadata, "
        "OrganizationCustomPolicyRuleMetadata."
    )


def test_rule_takes_only_one_metadata() -> None:
    """A rule put with two kinds of metadata is rejected, naming both."""
    params = rule(
        OrganizationManagedRuleMetadata=MANAGED, OrganizationCustomPolicyRuleMetadata=GUARD
    )
    error = error_of(RULE_PUT, params)
    assert error.code == "InvalidParameterValueException"
    assert error.message.endswith(
        "; the request has OrganizationManagedRuleMetadata and "
        "OrganizationCustomPolicyRuleMetadata."
    )


@pytest.mark.parametrize(
    "metadata",
    [
        {"OrganizationManagedRuleMetadata": MANAGED},
        {
            "OrganizationCustomRuleMetadata": {
                "LambdaFunctionArn": LAMBDA_ARN,
                "OrganizationConfigRuleTriggerTypes": ["ConfigurationItemChangeNotification"],
            }
        },
        {"OrganizationCustomPolicyRuleMetadata": GUARD},
    ],
)
def test_each_kind_of_rule_alone_is_accepted(metadata: dict[str, Any]) -> None:
    """Managed, custom Lambda and Guard rules are each accepted on their own."""
    validate_request(RULE_PUT, rule(**metadata))


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '"a string"', "42"])
def test_input_parameters_must_be_a_json_object(text: str) -> None:
    """InputParameters that are not the JSON text of an object are rejected."""
    params = rule(OrganizationManagedRuleMetadata={**MANAGED, "InputParameters": text})
    error = error_of(RULE_PUT, params)
    assert error.code == "InvalidParameterValueException"
    assert error.message == f"Invalid json {text} passed in the InputParameters field"


def test_input_parameters_as_a_json_object_are_accepted() -> None:
    """InputParameters holding a JSON object are accepted."""
    text = json.dumps({"maxAccessKeyAge": "90"})
    validate_request(
        RULE_PUT,
        lambda_rule(
            InputParameters=text, OrganizationConfigRuleTriggerTypes=["ScheduledNotification"]
        ),
    )


@pytest.mark.parametrize(
    "triggers",
    [
        [],
        ["ScheduledNotification", "ScheduledNotification"],
        [
            "ConfigurationItemChangeNotification",
            "OversizedConfigurationItemChangeNotification",
            "ScheduledNotification",
            "ScheduledNotification",
        ],
    ],
)
def test_lambda_rules_need_one_to_three_distinct_triggers(triggers: list[str]) -> None:
    """A custom Lambda rule with no, or repeated, trigger types is rejected."""
    error = error_of(RULE_PUT, lambda_rule(OrganizationConfigRuleTriggerTypes=triggers))
    assert error.code == "InvalidParameterValueException"
    assert error.message == (
        "A custom Lambda rule needs 1 to 3 distinct OrganizationConfigRuleTriggerTypes; "
        f"the request has [{', '.join(triggers)}]."
    )


def test_lambda_rules_with_all_three_triggers_are_accepted() -> None:
    """All three trigger types, once each, are accepted."""
    triggers = [
        "ConfigurationItemChangeNotification",
        "OversizedConfigurationItemChangeNotification",
        "ScheduledNotification",
    ]
    validate_request(RULE_PUT, lambda_rule(OrganizationConfigRuleTriggerTypes=triggers))


FREQUENCY_ERROR = (
    "A maximum execution frequency is not allowed if the rule is not triggered periodically: "
    "add ScheduledNotification to OrganizationConfigRuleTriggerTypes or remove "
    "MaximumExecutionFrequency."
)


def test_frequency_needs_a_periodic_trigger_on_lambda_rules() -> None:
    """A Lambda rule triggered only by changes may not set a maximum frequency."""
    params = lambda_rule(
        OrganizationConfigRuleTriggerTypes=["ConfigurationItemChangeNotification"],
        MaximumExecutionFrequency="One_Hour",
    )
    error = error_of(RULE_PUT, params)
    assert error.code == "InvalidParameterValueException"
    assert error.message == FREQUENCY_ERROR


def test_frequency_with_a_periodic_trigger_is_accepted() -> None:
    """A Lambda rule with ScheduledNotification may set a maximum frequency."""
    params = lambda_rule(
        OrganizationConfigRuleTriggerTypes=["ScheduledNotification"],
        MaximumExecutionFrequency="Six_Hours",
    )
    validate_request(RULE_PUT, params)


def test_guard_rules_with_triggers_may_not_set_a_frequency() -> None:
    """A Guard rule's triggers are change-only, so a frequency with them is rejected."""
    metadata = {
        **GUARD,
        "OrganizationConfigRuleTriggerTypes": ["ConfigurationItemChangeNotification"],
        "MaximumExecutionFrequency": "One_Hour",
    }
    error = error_of(RULE_PUT, rule(OrganizationCustomPolicyRuleMetadata=metadata))
    assert error.code == "InvalidParameterValueException"
    assert error.message == FREQUENCY_ERROR


@pytest.mark.parametrize(
    "metadata",
    [
        {
            "OrganizationCustomPolicyRuleMetadata": {
                **GUARD,
                "MaximumExecutionFrequency": "One_Hour",
            }
        },
        {"OrganizationManagedRuleMetadata": {**MANAGED, "MaximumExecutionFrequency": "One_Hour"}},
    ],
)
def test_frequency_without_explicit_triggers_is_not_checked(metadata: dict[str, Any]) -> None:
    """Without trigger types in the request (managed rules, bare Guard) a frequency passes."""
    validate_request(RULE_PUT, rule(**metadata))


def test_guard_rules_may_not_use_scheduled_notification() -> None:
    """ScheduledNotification is outside the Guard trigger enum: a model ValidationException."""
    metadata = {**GUARD, "OrganizationConfigRuleTriggerTypes": ["ScheduledNotification"]}
    error = error_of(RULE_PUT, rule(OrganizationCustomPolicyRuleMetadata=metadata))
    assert error.code == "ValidationException"
    assert error.message == (
        "1 validation error detected: Value 'ScheduledNotification' at "
        "'organizationCustomPolicyRuleMetadata.organizationConfigRuleTriggerTypes.1.member' "
        "failed to satisfy constraint: Member must satisfy enum value set: "
        "[ConfigurationItemChangeNotification, OversizedConfigurationItemChangeNotification]"
    )


@pytest.mark.parametrize("missing", ["PolicyText", "PolicyRuntime"])
def test_guard_rules_need_policy_text_and_runtime(missing: str) -> None:
    """A Guard rule without its policy text or runtime fails the model's required check."""
    metadata = {k: v for k, v in GUARD.items() if k != missing}
    error = error_of(RULE_PUT, rule(OrganizationCustomPolicyRuleMetadata=metadata))
    path = f"organizationCustomPolicyRuleMetadata.{missing[0].lower()}{missing[1:]}"
    assert error.message == (
        f"1 validation error detected: Value null at '{path}' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_guard_runtime_must_be_guard_2() -> None:
    """A Guard runtime other than guard-2.x.x fails the model's pattern."""
    metadata = {**GUARD, "PolicyRuntime": "guard-3.x.x"}
    error = error_of(RULE_PUT, rule(OrganizationCustomPolicyRuleMetadata=metadata))
    assert "Member must satisfy regular expression pattern: guard\\-2\\.x\\.x" in error.message


@pytest.mark.parametrize("types", [[], ["AWS::S3::Bucket", "AWS::EC2::Instance"]])
def test_resource_id_scope_needs_exactly_one_resource_type(types: list[str]) -> None:
    """A resource ID scope with none or several resource types is rejected."""
    metadata = {**MANAGED, "ResourceIdScope": "my-bucket", "ResourceTypesScope": types}
    error = error_of(RULE_PUT, rule(OrganizationManagedRuleMetadata=metadata))
    assert error.code == "InvalidParameterValueException"
    assert error.message == (
        "A single resourceType should be provided when resourceId is provided in scope"
    )


def test_resource_id_scope_with_one_resource_type_is_accepted() -> None:
    """A resource ID scope with exactly one resource type is accepted."""
    metadata = {
        **MANAGED,
        "ResourceIdScope": "my-bucket",
        "ResourceTypesScope": ["AWS::S3::Bucket"],
    }
    validate_request(RULE_PUT, rule(OrganizationManagedRuleMetadata=metadata))


def test_tag_value_scope_needs_a_tag_key() -> None:
    """A tag value scope without a tag key is rejected."""
    metadata = {**MANAGED, "TagValueScope": "prod"}
    error = error_of(RULE_PUT, rule(OrganizationManagedRuleMetadata=metadata))
    assert error.code == "InvalidParameterValueException"
    assert error.message == "Tag key should not be empty when tag value is provided in scope"


def test_tag_scope_with_key_and_value_is_accepted() -> None:
    """A tag scope with a key, with or without a value, is accepted."""
    for scope in ({"TagKeyScope": "env"}, {"TagKeyScope": "env", "TagValueScope": "prod"}):
        validate_request(RULE_PUT, rule(OrganizationManagedRuleMetadata={**MANAGED, **scope}))


def test_scope_is_resources_or_tag_not_both() -> None:
    """A scope of both resource types and a tag is rejected."""
    metadata = {**MANAGED, "TagKeyScope": "env", "ResourceTypesScope": ["AWS::S3::Bucket"]}
    error = error_of(RULE_PUT, rule(OrganizationManagedRuleMetadata=metadata))
    assert error.code == "InvalidParameterValueException"
    assert error.message == "Scope cannot be applied to both resource and tag"


@pytest.mark.parametrize(
    "operation", ["DescribeOrganizationConfigRules", "DescribeOrganizationConfigRuleStatuses"]
)
def test_describe_rule_calls_take_up_to_25_names(operation: str) -> None:
    """Describe calls for rules take 0 to 25 names."""
    names = [f"r{i}" for i in range(26)]
    validate_request(operation, {"OrganizationConfigRuleNames": names[:25]})
    error = error_of(operation, {"OrganizationConfigRuleNames": names})
    assert "'organizationConfigRuleNames'" in error.message


@pytest.mark.parametrize(
    ("operation", "params", "path"),
    [
        (
            RULE_PUT,
            rule(OrganizationManagedRuleMetadata={**MANAGED, "Description": "a\ud800"}),
            "organizationManagedRuleMetadata.description",
        ),
        (PACK_PUT, pack(TemplateBody=TEMPLATE + "# \udc80\n"), "templateBody"),
        (
            PACK_PUT,
            pack(
                ConformancePackInputParameters=[{"ParameterName": "p", "ParameterValue": "\ud800"}]
            ),
            "conformancePackInputParameters.1.member.parameterValue",
        ),
        (
            RULE_PUT,
            rule(OrganizationCustomPolicyRuleMetadata={**GUARD, "PolicyText": "rule \ud800 { }"}),
            "organizationCustomPolicyRuleMetadata.policyText",
        ),
    ],
)
def test_a_lone_surrogate_is_a_validation_error(
    operation: str, params: dict[str, Any], path: str
) -> None:
    """A string holding a lone surrogate answers ValidationException, never UnicodeEncodeError."""
    error = error_of(operation, params)
    assert error.code == "ValidationException"
    assert f"at '{path}' failed to satisfy constraint" in error.message
    assert "Member must contain only valid Unicode characters (no lone surrogate)" in error.message
    assert error.message.encode("utf-8")  # the answer can be sent: the surrogate is escaped


def test_a_lone_surrogate_through_boto3_is_a_client_error() -> None:
    """A raw boto3 put with a lone surrogate gets a ValidationException ClientError."""
    from botocore.exceptions import ClientError

    from orgconfig.testing import sandbox

    with sandbox(accounts=1) as sb:
        config: Any = sb.client("config", "us-east-1")
        with pytest.raises(ClientError) as caught:
            config.put_organization_config_rule(
                OrganizationConfigRuleName="rule",
                OrganizationManagedRuleMetadata={**MANAGED, "Description": "\ud800"},
            )
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert "Value '\\ud800' at 'organizationManagedRuleMetadata.description'" in str(caught.value)


# ------------------------------------------------------------------------------------------------
# Constraint cases


ALL_CASES = [case for operation in SUPPORTED_OPERATIONS for case in constraint_cases(operation)]


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda case: case.id)
def test_request_at_the_limit_passes(case: ConstraintCase) -> None:
    """The request with the member at its limit is valid, documented rules included."""
    validate_request(case.operation, case.valid_request)


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda case: case.id)
def test_request_past_the_limit_raises(case: ConstraintCase) -> None:
    """The request one step past the limit raises the expected code, naming the member."""
    error = error_of(case.operation, case.invalid_request)
    assert error.code == case.expected_code
    assert f"at '{case.path}' failed to satisfy constraint: {case.expected_constraint}" in (
        error.message
    )


EXPECTED_OVERRIDES = {
    (PACK_PUT, "conformancePackInputParameters", "max_items"): 60,
    ("ListTagsForResource", "limit", "max_value"): 50,
    **{
        (RULE_PUT, f"{meta}.inputParameters", "max_length"): 2048
        for meta in (
            "organizationManagedRuleMetadata",
            "organizationCustomRuleMetadata",
            "organizationCustomPolicyRuleMetadata",
        )
    },
}


def model_constraints(operation: str) -> Iterator[tuple[str, str, int | str]]:
    """Yield (path, constraint, limit) for every constraint of the operation's input shape."""
    model = botocore.session.get_session().get_service_model("config")
    input_shape = model.operation_model(operation).input_shape
    assert input_shape is not None

    def visit(shape: Shape, path: str) -> Iterator[tuple[str, str, int | str]]:
        meta = shape.metadata
        if isinstance(shape, StructureShape):
            for name, member in shape.members.items():
                yield from visit(member, f"{path}.{name[0].lower()}{name[1:]}".lstrip("."))
            return
        noun = {"list": "items", "string": "length"}.get(shape.type_name, "value")
        if "max" in meta:
            yield path, f"max_{noun}", meta["max"]
        if "min" in meta and (meta["min"] > 0 or shape.type_name == "integer"):
            yield path, f"min_{noun}", meta["min"]
        if "pattern" in meta:
            yield path, "pattern", meta["pattern"]
        if "enum" in meta:
            yield path, "enum", ", ".join(meta["enum"])
        if isinstance(shape, ListShape):
            yield from visit(shape.member, f"{path}.1.member")
        assert not isinstance(shape, MapShape), "no map inputs in the sandbox's operations"

    yield from visit(input_shape, "")


@pytest.mark.parametrize("operation", SUPPORTED_OPERATIONS)
def test_cases_cover_every_constraint_of_the_model(operation: str) -> None:
    """Every constrained member of the input, found independently from the model, has its case."""
    expected = {
        (path, kind): EXPECTED_OVERRIDES.get((operation, path, kind), limit)
        for path, kind, limit in model_constraints(operation)
    }
    found = {(case.path, case.constraint): case.limit for case in constraint_cases(operation)}
    assert found == expected
    assert len(constraint_cases(operation)) == len(found), "one case per constraint"


def test_cases_are_deterministic_and_independent_copies() -> None:
    """Two calls return equal cases, and changing one list leaves the next call intact."""
    first = constraint_cases(PACK_PUT)
    assert first == constraint_cases(PACK_PUT)
    request = first[0].valid_request
    assert isinstance(request, dict)
    request["OrganizationConformancePackName"] = "changed"
    assert constraint_cases(PACK_PUT)[0].valid_request["OrganizationConformancePackName"] != (
        "changed"
    )


def test_rule_cases_use_the_metadata_their_member_lives_in() -> None:
    """A case on Guard metadata varies a Guard rule, and has no other metadata."""
    cases = [c for c in constraint_cases(RULE_PUT) if "policyRuntime" in c.path]
    assert cases
    for case in cases:
        kinds = {k for k in case.valid_request if k.startswith("Organization") and "Metadata" in k}
        assert kinds == {"OrganizationCustomPolicyRuleMetadata"}


def test_pack_cases_carry_a_template() -> None:
    """Every pack put case carries a template body, so only its member is at fault."""
    for case in constraint_cases(PACK_PUT):
        assert case.valid_request.get("TemplateBody") or case.valid_request.get("TemplateS3Uri")


def test_pack_cases_declare_their_input_parameters_in_the_template() -> None:
    """A case giving input parameters declares each of them in its template body."""
    case = next(c for c in constraint_cases(PACK_PUT) if c.id.endswith("InputParameters:max_items"))
    names = [p["ParameterName"] for p in case.valid_request["ConformancePackInputParameters"]]
    assert len(names) == 60
    for name in names:
        assert f'  "{name}":\n    Type: String\n' in case.valid_request["TemplateBody"]


def test_cases_with_no_value_at_the_limit_use_the_nearest_valid_value() -> None:
    """PolicyRuntime can only be guard-2.x.x, so its length cases use that value."""
    case = next(c for c in constraint_cases(RULE_PUT) if c.id.endswith("policyRuntime:max_length"))
    metadata = case.valid_request["OrganizationCustomPolicyRuleMetadata"]
    assert case.limit == 64
    assert metadata["PolicyRuntime"] == "guard-2.x.x"


def test_companion_members_are_set_for_dependent_scopes() -> None:
    """A ResourceIdScope case comes with the single resource type its rule needs."""
    case = next(
        c
        for c in constraint_cases(RULE_PUT)
        if c.id.endswith("organizationManagedRuleMetadata.resourceIdScope:max_length")
    )
    metadata = case.valid_request["OrganizationManagedRuleMetadata"]
    assert len(metadata["ResourceIdScope"]) == 768
    assert metadata["ResourceTypesScope"] == ["AWS::S3::Bucket"]


def test_list_limit_cases_use_distinct_items() -> None:
    """The 1000 excluded accounts of the at-limit request are all different."""
    case = next(
        c for c in constraint_cases(PACK_PUT) if c.id.endswith("excludedAccounts:max_items")
    )
    accounts = case.valid_request["ExcludedAccounts"]
    assert len(accounts) == len(set(accounts)) == 1000
    assert len(case.invalid_request["ExcludedAccounts"]) == 1001


def test_limit_cases_expect_invalid_limit() -> None:
    """Limit cases expect InvalidLimitException; nothing else does."""
    for case in ALL_CASES:
        expected = "InvalidLimitException" if case.path == "limit" else "ValidationException"
        assert case.expected_code == expected, case.id


def test_constraint_cases_only_for_supported_operations() -> None:
    """Operations without base requests are refused rather than given invalid cases."""
    with pytest.raises(ValueError, match="not 'PutConfigRule'"):
        constraint_cases("PutConfigRule")


def test_validate_request_does_not_change_the_request() -> None:
    """Validation reads the request and leaves it as it was."""
    params = pack(Tags=[{"Key": "a", "Value": "b"}], ExcludedAccounts=["111111111111"])
    before = copy.deepcopy(params)
    validate_request(PACK_PUT, params)
    assert params == before


def test_docstring_examples_hold() -> None:
    """The examples in the module's docstrings run and give what they show."""
    for module, examples in ((_constraints, 1), (cases_module, 2)):
        results = doctest.testmod(module, raise_on_error=False)
        assert results.attempted >= examples
        assert results.failed == 0
