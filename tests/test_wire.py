"""Tests for orgconfig._wire: models to API requests, and API answers to models."""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, cast

import botocore.session
import pytest
from botocore.model import OperationModel, Shape, StringShape
from botocore.validate import ParamValidator
from hypothesis import given, settings
from hypothesis import strategies as st

from orgconfig import _catalog
from orgconfig import _wire as convert
from orgconfig.errors import ValidationError
from orgconfig.models import (
    FREQUENCIES,
    TRIGGER_TYPES,
    AccountStatus,
    ConformancePack,
    ConformancePackInfo,
    DeploymentStatus,
    OrgConfigRule,
    RuleKind,
    Status,
)
from orgconfig.templates import Template

TEMPLATE = """\
Parameters:
  MaxAccessKeyAge:
    Type: String
    Default: "90"
  Extra:
    Type: String
    Default: x
Resources:
  AccessKeysRotated:
    Type: AWS::Config::ConfigRule
    Properties:
      InputParameters:
        maxAccessKeyAge: {Ref: MaxAccessKeyAge}
        extra: {Ref: Extra}
      Source: {Owner: AWS, SourceIdentifier: ACCESS_KEYS_ROTATED}
"""

ACCOUNT = "111122223333"
ARN = "arn:aws:config:us-east-1:111122223333:organization-config-rule/r-abcdef"
NOW = datetime(2026, 3, 4, 5, 6, 7, 890000, tzinfo=timezone.utc)

#: Property tests run the same examples every time (derandomized), quickly, leaving no files.
examples = settings(max_examples=60, deadline=None, derandomize=True, database=None)


@functools.cache
def config_model(operation: str) -> OperationModel:
    """The botocore operation model of AWS Config ``operation``."""
    model = botocore.session.get_session().get_service_model("config")
    return model.operation_model(operation)


def assert_valid_input(operation: str, params: Mapping[str, Any]) -> None:
    """Assert that botocore accepts ``params`` for ``operation`` (names, nesting, types)."""
    shape = config_model(operation).input_shape
    assert shape is not None
    report = ParamValidator().validate(params, shape)
    assert not report.has_errors(), report.generate_report()


def assert_valid_output_item(operation: str, key: str, item: Mapping[str, Any]) -> None:
    """Assert that ``item`` fits the member shape of list ``key`` in ``operation``'s output."""
    output = config_model(operation).output_shape
    assert output is not None
    shape: Shape = output.members[key].member  # type: ignore[attr-defined]  # a list shape
    report = ParamValidator().validate(item, shape)
    assert not report.has_errors(), report.generate_report()


@pytest.fixture(scope="module")
def template() -> Template:
    """A small template with two defaulted parameters."""
    return Template.from_string(TEMPLATE)


# -- strategies ----------------------------------------------------------------------------------

account_ids = st.from_regex(r"[0-9]{12}", fullmatch=True)
pack_names = st.from_regex(r"[a-zA-Z][-a-zA-Z0-9]{0,30}", fullmatch=True)
rule_names = st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True)
short_text = st.text(max_size=30)
some_text = st.text(min_size=1, max_size=30)
datetimes = st.datetimes(
    min_value=datetime(2015, 1, 1),
    max_value=datetime(2040, 1, 1),
    timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=-5))]),
)
tag_maps = st.dictionaries(
    some_text.filter(lambda k: not k.lower().startswith("aws:")), short_text, max_size=4
)
parameter_maps = st.dictionaries(some_text, short_text, max_size=4)
buckets = st.from_regex(r"awsconfigconforms(-[a-z0-9]{1,8}){0,2}", fullmatch=True)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | short_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(short_text, inner, max_size=3),
    max_leaves=8,
)
input_parameter_maps = st.none() | st.dictionaries(some_text, json_values, max_size=4)
lambda_arns = st.builds(
    "arn:{}:lambda:{}:{}:function:{}{}".format,
    st.sampled_from(["aws", "aws-cn", "aws-us-gov"]),
    st.sampled_from(["us-east-1", "cn-north-1", "us-gov-west-1", "eu-central-1"]),
    account_ids,
    st.from_regex(r"[A-Za-z0-9_-]{1,64}", fullmatch=True),
    st.sampled_from(["", ":$LATEST", ":7", ":prod"]),
)
statuses = st.sampled_from([s for s in Status if s is not Status.UNKNOWN])


def _resource_types() -> list[str]:
    shape = config_model("PutOrganizationConfigRule").service_model.shape_for("ResourceType")
    assert isinstance(shape, StringShape)
    return sorted(shape.enum)


#: Resource types of botocore's AWS Config model (its ResourceType enum).
resource_types = st.sampled_from(_resource_types())
#: AWS managed rule identifiers of orgconfig's shipped list.
managed_identifiers = st.sampled_from(sorted(_catalog.managed_rule_identifiers()))
#: One line of a Guard comment: any text but a line break.
_comment_lines = st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=40)
#: The text of a Guard string literal: anything but its quote, a backslash or a line break.
_guard_strings = st.text(st.characters(codec="utf-8", exclude_characters='"\\\r\n'), max_size=30)


@st.composite
def guard_policies(draw: st.DrawFn) -> str:
    """Guard policies that parse, with any text in their comments and strings."""
    lines = ["#" + line for line in draw(st.lists(_comment_lines, max_size=3))]
    name = draw(st.from_regex(r"r_[A-Za-z0-9_]{0,20}", fullmatch=True))
    value = draw(_guard_strings)
    lines.append(f'rule {name} {{ configuration.x == "{value}" }}')
    return "\n".join(lines)


@st.composite
def pack_infos(draw: st.DrawFn) -> ConformancePackInfo:
    """Valid ConformancePackInfo values."""
    bucket = draw(st.none() | buckets)
    return ConformancePackInfo(
        name=draw(pack_names),
        arn=draw(some_text),
        parameters=draw(parameter_maps),
        excluded_accounts=draw(st.lists(account_ids, unique=True, max_size=4)),
        delivery_bucket=bucket,
        delivery_prefix=draw(st.none() | some_text) if bucket else None,
        last_update=draw(datetimes),
    )


@st.composite
def status_parts(draw: st.DrawFn) -> dict[str, Any]:
    """The status fields shared by DeploymentStatus and AccountStatus, unknown states included."""
    unknown = draw(st.booleans())
    status = Status.UNKNOWN if unknown else draw(statuses)
    return {
        "status": status,
        "error_code": draw(st.none() | short_text),
        "error_message": draw(st.none() | short_text),
        "last_update": draw(st.none() | datetimes),
        "unknown_status": draw(st.sampled_from(["CREATE_PENDING", "PAUSED"])) if unknown else None,
    }


@st.composite
def deployment_statuses(draw: st.DrawFn, names: st.SearchStrategy[str]) -> DeploymentStatus:
    """Valid DeploymentStatus values named from ``names``."""
    return DeploymentStatus(name=draw(names), **draw(status_parts()))


@st.composite
def account_statuses(draw: st.DrawFn) -> AccountStatus:
    """Valid AccountStatus values."""
    return AccountStatus(
        account_id=draw(account_ids), member_name=draw(some_text), **draw(status_parts())
    )


@st.composite
def scopes(draw: st.DrawFn) -> dict[str, Any]:
    """The optional fields every rule kind shares, in valid combinations."""
    resource_id = draw(st.none() | some_text)
    types = (
        draw(st.lists(resource_types, max_size=3))
        if resource_id is None
        else [draw(resource_types)]
    )
    # A scope is resources or a tag, not both.
    tag_key = draw(st.none() | some_text) if not types and resource_id is None else None
    return {
        "description": draw(st.none() | short_text),
        "input_parameters": draw(input_parameter_maps),
        "resource_types": types,
        "resource_id": resource_id,
        "tag_key": tag_key,
        "tag_value": draw(st.none() | some_text) if tag_key else None,
        "excluded_accounts": draw(st.lists(account_ids, unique=True, max_size=3)),
        "tags": draw(tag_maps),
    }


@st.composite
def rules(draw: st.DrawFn) -> OrgConfigRule:
    """Valid OrgConfigRule values of every kind, built with the named constructors."""
    name = draw(rule_names)
    common = draw(scopes())
    kind = draw(st.sampled_from(RuleKind))
    if kind is RuleKind.MANAGED:
        frequency = draw(st.none() | st.sampled_from(FREQUENCIES))
        identifier = draw(managed_identifiers)
        return OrgConfigRule.managed(name, identifier, max_frequency=frequency, **common)
    if kind is RuleKind.CUSTOM_LAMBDA:
        triggers = draw(
            st.lists(st.sampled_from(TRIGGER_TYPES), min_size=1, max_size=3, unique=True)
        )
        frequency = (
            draw(st.none() | st.sampled_from(FREQUENCIES))
            if "ScheduledNotification" in triggers
            else None
        )
        return OrgConfigRule.custom_lambda(
            name, draw(lambda_arns), triggers, max_frequency=frequency, **common
        )
    return OrgConfigRule.custom_policy(
        name,
        draw(guard_policies()),
        trigger_types=draw(st.lists(st.sampled_from(TRIGGER_TYPES[:2]), max_size=2, unique=True)),
        debug_log_accounts=draw(st.lists(account_ids, unique=True, max_size=3)),
        **common,
    )


# -- what the service does with a put, as the API reference describes it -------------------------


def describe_answer(request: Mapping[str, Any]) -> tuple[dict[str, Any], str | None, list[Any]]:
    """The service's answers about a rule put with ``request``.

    Returns the DescribeOrganizationConfigRules item (with an ARN and a time; no tags; a Guard
    rule's metadata without its policy), GetOrganizationCustomRulePolicy's PolicyText and
    ListTagsForResource's Tags.
    """
    item = copy.deepcopy(dict(request))
    tags = item.pop("Tags", [])
    policy = None
    guard = item.get("OrganizationCustomPolicyRuleMetadata")
    if guard is not None:
        policy = guard.pop("PolicyText")
    item["OrganizationConfigRuleArn"] = ARN
    item["LastUpdateTime"] = NOW
    return item, policy, tags


# -- conformance packs -----------------------------------------------------------------------------


class TestConformancePacks:
    @examples
    @given(
        fields=st.fixed_dictionaries(
            {
                "name": pack_names,
                "parameters": st.fixed_dictionaries(
                    {}, optional={"MaxAccessKeyAge": short_text, "Extra": short_text}
                ),
                "excluded_accounts": st.lists(account_ids, unique=True, max_size=3),
                "delivery_bucket": st.none() | buckets,
                "delivery_prefix": st.none() | some_text,
                "tags": tag_maps,
            }
        )
    )
    def test_put_request_has_exactly_the_expected_keys(
        self, template: Template, fields: dict[str, Any]
    ) -> None:
        """The put request holds the pack's values under the API's names, None fields omitted."""
        name, parameters, tags = fields["name"], fields["parameters"], fields["tags"]
        excluded, bucket = fields["excluded_accounts"], fields["delivery_bucket"]
        prefix = fields["delivery_prefix"] if bucket else None
        pack = ConformancePack(name, template, parameters, excluded, bucket, prefix, tags)
        request = convert.put_conformance_pack_request(pack)
        expected: dict[str, Any] = {
            "OrganizationConformancePackName": name,
            "TemplateBody": TEMPLATE,
            "ConformancePackInputParameters": [
                {"ParameterName": k, "ParameterValue": v} for k, v in parameters.items()
            ],
            "ExcludedAccounts": excluded,
            "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
        }
        if bucket is not None:
            expected["DeliveryS3Bucket"] = bucket
        if prefix is not None:
            expected["DeliveryS3KeyPrefix"] = prefix
        assert request == expected
        assert_valid_input("PutOrganizationConformancePack", request)

    def test_template_from_s3_goes_as_uri(self) -> None:
        """A template loaded from S3 is sent as TemplateS3Uri, without its body."""
        template = Template(body=TEMPLATE, s3_uri="s3://templates/pack.yaml")
        request = convert.put_conformance_pack_request(ConformancePack("p", template))
        assert request["TemplateS3Uri"] == "s3://templates/pack.yaml"
        assert "TemplateBody" not in request
        assert_valid_input("PutOrganizationConformancePack", request)

    @examples
    @given(info=pack_infos())
    def test_info_round_trip(self, info: ConformancePackInfo) -> None:
        """A pack description survives the trip to the wire and back, and fits the API's shape."""
        item = convert.PACK_INFO.unstructure(info)
        assert_valid_output_item(
            "DescribeOrganizationConformancePacks", "OrganizationConformancePacks", item
        )
        assert convert.conformance_pack_info(item) == info

    def test_info_from_answer(self) -> None:
        """A Describe item becomes an info; unknown keys are ignored and the datetime kept as is."""
        info = convert.conformance_pack_info(
            {
                "OrganizationConformancePackName": "s3-baseline",
                "OrganizationConformancePackArn": "arn:aws:config:::x",
                "DeliveryS3Bucket": "awsconfigconforms-a",
                "DeliveryS3KeyPrefix": "p/",
                "ConformancePackInputParameters": [{"ParameterName": "A", "ParameterValue": "1"}],
                "ExcludedAccounts": [ACCOUNT],
                "LastUpdateTime": NOW,
                "NewField": [1, 2],
            }
        )
        assert info == ConformancePackInfo(
            "s3-baseline",
            "arn:aws:config:::x",
            {"A": "1"},
            [ACCOUNT],
            "awsconfigconforms-a",
            "p/",
            NOW,
        )
        assert info.last_update is NOW

    def test_info_with_empty_delivery_fields(self) -> None:
        """Empty delivery bucket and prefix in an answer mean none."""
        info = convert.conformance_pack_info(
            {
                "OrganizationConformancePackName": "p",
                "OrganizationConformancePackArn": "arn",
                "DeliveryS3Bucket": "",
                "DeliveryS3KeyPrefix": "",
                "LastUpdateTime": NOW,
            }
        )
        assert (info.delivery_bucket, info.delivery_prefix) == (None, None)
        assert (info.parameters, info.excluded_accounts) == ({}, ())

    def test_info_missing_required_key(self) -> None:
        """An item without the pack's name is a ValidationError naming the field and the key."""
        with pytest.raises(ValidationError) as info:
            convert.conformance_pack_info({"OrganizationConformancePackArn": "arn"})
        assert info.value.field == "name"
        assert "has no OrganizationConformancePackName" in str(info.value)

    def test_info_violating_a_constraint(self) -> None:
        """An answer breaking a model constraint raises rather than building an invalid info."""
        with pytest.raises(ValidationError) as info:
            convert.conformance_pack_info(
                {
                    "OrganizationConformancePackName": "p",
                    "OrganizationConformancePackArn": "arn",
                    "ExcludedAccounts": ["12"],
                }
            )
        assert info.value.field == "excluded_accounts[0]"


# -- rules -------------------------------------------------------------------------------------


class TestRules:
    @examples
    @given(rule=rules())
    def test_round_trip(self, rule: OrgConfigRule) -> None:
        """A rule equals itself after put request -> Describe, policy and tags answers -> model."""
        request = convert.put_config_rule_request(rule)
        assert_valid_input("PutOrganizationConfigRule", request)
        item, policy, tags = describe_answer(request)
        assert_valid_output_item("DescribeOrganizationConfigRules", "OrganizationConfigRules", item)
        item["SomethingNew"] = {"added": "later"}  # AWS adds fields
        back = convert.config_rule(item, policy_text=policy, tags=convert.tags_from_api(tags))
        assert back == rule

    def test_managed_request(self) -> None:
        """A managed rule's fields go into OrganizationManagedRuleMetadata, parameters as JSON."""
        rule = OrgConfigRule.managed(
            "keys",
            "ACCESS_KEYS_ROTATED",
            description="d",
            input_parameters={"maxAccessKeyAge": "90", "list": [1, 2]},
            max_frequency="Twelve_Hours",
            tag_key="env",
            tag_value="prod",
            excluded_accounts=[ACCOUNT],
            tags={"team": "sec"},
        )
        assert convert.put_config_rule_request(rule) == {
            "OrganizationConfigRuleName": "keys",
            "ExcludedAccounts": [ACCOUNT],
            "Tags": [{"Key": "team", "Value": "sec"}],
            "OrganizationManagedRuleMetadata": {
                "RuleIdentifier": "ACCESS_KEYS_ROTATED",
                "Description": "d",
                "InputParameters": '{"maxAccessKeyAge":"90","list":[1,2]}',
                "MaximumExecutionFrequency": "Twelve_Hours",
                "ResourceTypesScope": [],
                "TagKeyScope": "env",
                "TagValueScope": "prod",
            },
        }

    def test_lambda_request(self) -> None:
        """A Lambda rule's fields go into OrganizationCustomRuleMetadata."""
        arn = "arn:aws:lambda:us-east-1:111122223333:function:f"
        rule = OrgConfigRule.custom_lambda(
            "l",
            arn,
            ["ScheduledNotification"],
            max_frequency="One_Hour",
            resource_types=["AWS::EC2::Instance"],
            resource_id="i-1",
        )
        assert convert.put_config_rule_request(rule) == {
            "OrganizationConfigRuleName": "l",
            "ExcludedAccounts": [],
            "Tags": [],
            "OrganizationCustomRuleMetadata": {
                "LambdaFunctionArn": arn,
                "OrganizationConfigRuleTriggerTypes": ["ScheduledNotification"],
                "MaximumExecutionFrequency": "One_Hour",
                "ResourceTypesScope": ["AWS::EC2::Instance"],
                "ResourceIdScope": "i-1",
            },
        }

    def test_guard_request(self) -> None:
        """A Guard rule's fields, policy included, go into OrganizationCustomPolicyRuleMetadata."""
        rule = OrgConfigRule.custom_policy("g", "rule x { a exists }", debug_log_accounts=[ACCOUNT])
        assert convert.put_config_rule_request(rule) == {
            "OrganizationConfigRuleName": "g",
            "ExcludedAccounts": [],
            "Tags": [],
            "OrganizationCustomPolicyRuleMetadata": {
                "PolicyRuntime": "guard-2.x.x",
                "PolicyText": "rule x { a exists }",
                "OrganizationConfigRuleTriggerTypes": list(TRIGGER_TYPES[:2]),
                "DebugLogDeliveryAccounts": [ACCOUNT],
                "ResourceTypesScope": [],
            },
        }

    def test_describe_item_with_unknown_keys(self) -> None:
        """Unknown keys at the top and in the metadata, and other kinds' keys, are ignored."""
        rule = convert.config_rule(
            {
                "OrganizationConfigRuleName": "keys",
                "OrganizationConfigRuleArn": ARN,
                "OrganizationManagedRuleMetadata": {
                    "RuleIdentifier": "ACCESS_KEYS_ROTATED",
                    "InputParameters": "{}",
                    "EvaluationModes": ["DETECTIVE"],
                    "DebugLogDeliveryAccounts": [ACCOUNT],
                },
                "LastUpdateTime": NOW,
                "Brand": "new",
            },
            policy_text="ignored for a managed rule",
            tags={},
        )
        assert rule == OrgConfigRule.managed("keys", "ACCESS_KEYS_ROTATED")

    def test_describe_item_without_metadata(self) -> None:
        """An item holding none of the three metadata structures is a ValidationError."""
        with pytest.raises(ValidationError) as info:
            convert.config_rule(
                {"OrganizationConfigRuleName": "r", "OrganizationConfigRuleArn": ARN},
                policy_text=None,
                tags={},
            )
        assert info.value.field == "kind"
        assert "OrganizationManagedRuleMetadata" in str(info.value)

    def test_guard_rule_without_policy(self) -> None:
        """A Guard rule structured without its policy text is a ValidationError."""
        with pytest.raises(ValidationError) as info:
            convert.config_rule(
                {
                    "OrganizationConfigRuleName": "g",
                    "OrganizationConfigRuleArn": ARN,
                    "OrganizationCustomPolicyRuleMetadata": {"PolicyRuntime": "guard-2.x.x"},
                },
                policy_text=None,
                tags={},
            )
        assert info.value.field == "policy_text"

    def test_input_parameters_not_json(self) -> None:
        """InputParameters that are not JSON are a ValidationError."""
        with pytest.raises(ValidationError) as info:
            convert.config_rule(
                {
                    "OrganizationConfigRuleName": "r",
                    "OrganizationConfigRuleArn": ARN,
                    "OrganizationManagedRuleMetadata": {
                        "RuleIdentifier": "X",
                        "InputParameters": "{not json",
                    },
                },
                policy_text=None,
                tags={},
            )
        assert info.value.field == "input_parameters"
        assert "is not JSON" in str(info.value)

    def test_input_parameters_not_an_object(self) -> None:
        """InputParameters holding a JSON array are rejected by the model."""
        with pytest.raises(ValidationError) as info:
            convert.config_rule(
                {
                    "OrganizationConfigRuleName": "r",
                    "OrganizationConfigRuleArn": ARN,
                    "OrganizationManagedRuleMetadata": {
                        "RuleIdentifier": "X",
                        "InputParameters": "[1]",
                    },
                },
                policy_text=None,
                tags={},
            )
        assert info.value.field == "input_parameters"
        assert "expected a mapping" in str(info.value)

    def test_rule_missing_name(self) -> None:
        """An item without the rule's name is a ValidationError naming the field."""
        with pytest.raises(ValidationError) as info:
            convert.config_rule(
                {"OrganizationManagedRuleMetadata": {"RuleIdentifier": "X"}},
                policy_text=None,
                tags={},
            )
        assert info.value.field == "name"
        assert "has no OrganizationConfigRuleName" in str(info.value)


# -- statuses ----------------------------------------------------------------------------------


class TestStatuses:
    @examples
    @given(status=deployment_statuses(pack_names))
    def test_pack_status_round_trip(self, status: DeploymentStatus) -> None:
        """A pack status survives the trip to the wire and back."""
        item = convert.PACK_STATUS.unstructure(status)
        if status.status is not Status.UNKNOWN:
            assert_valid_output_item(
                "DescribeOrganizationConformancePackStatuses",
                "OrganizationConformancePackStatuses",
                item,
            )
        assert convert.pack_status(item) == status

    @examples
    @given(status=deployment_statuses(rule_names))
    def test_rule_status_round_trip(self, status: DeploymentStatus) -> None:
        """A rule status survives the trip to the wire and back."""
        item = convert.RULE_STATUS.unstructure(status)
        if status.status is not Status.UNKNOWN:
            assert_valid_output_item(
                "DescribeOrganizationConfigRuleStatuses", "OrganizationConfigRuleStatuses", item
            )
        assert convert.rule_status(item) == status

    @examples
    @given(status=account_statuses())
    def test_pack_account_status_round_trip(self, status: AccountStatus) -> None:
        """A pack's per-account status survives the trip to the wire and back."""
        item = convert.PACK_ACCOUNT.unstructure(status)
        if status.status is not Status.UNKNOWN:
            assert_valid_output_item(
                "GetOrganizationConformancePackDetailedStatus",
                "OrganizationConformancePackDetailedStatuses",
                item,
            )
        assert convert.pack_account_status(item) == status

    @examples
    @given(status=account_statuses())
    def test_rule_account_status_round_trip(self, status: AccountStatus) -> None:
        """A rule's per-account status survives the trip to the wire and back."""
        item = convert.RULE_ACCOUNT.unstructure(status)
        if status.status is not Status.UNKNOWN:
            assert_valid_output_item(
                "GetOrganizationConfigRuleDetailedStatus",
                "OrganizationConfigRuleDetailedStatus",
                item,
            )
        assert convert.rule_account_status(item) == status

    def test_wire_names(self) -> None:
        """Each status shape uses its own names for the name and the status."""
        pack = DeploymentStatus("p", Status.CREATE_FAILED, "E", "m", NOW)
        assert convert.PACK_STATUS.unstructure(pack) == {
            "OrganizationConformancePackName": "p",
            "Status": "CREATE_FAILED",
            "ErrorCode": "E",
            "ErrorMessage": "m",
            "LastUpdateTime": NOW,
        }
        assert convert.RULE_STATUS.unstructure(DeploymentStatus("r", Status.UPDATE_SUCCESSFUL)) == {
            "OrganizationConfigRuleName": "r",
            "OrganizationRuleStatus": "UPDATE_SUCCESSFUL",
        }
        account = AccountStatus(ACCOUNT, Status.DELETE_IN_PROGRESS, "member")
        assert convert.PACK_ACCOUNT.unstructure(account) == {
            "AccountId": ACCOUNT,
            "ConformancePackName": "member",
            "Status": "DELETE_IN_PROGRESS",
        }
        assert convert.RULE_ACCOUNT.unstructure(account) == {
            "AccountId": ACCOUNT,
            "ConfigRuleName": "member",
            "MemberAccountRuleStatus": "DELETE_IN_PROGRESS",
        }

    def test_unknown_status_string(self) -> None:
        """A state this version does not know becomes UNKNOWN, with the text kept, and goes back."""
        item = {
            "OrganizationConfigRuleName": "r",
            "OrganizationRuleStatus": "CREATE_PENDING",
            "LastUpdateTime": NOW,
            "Unexpected": True,
        }
        status = convert.rule_status(item)
        assert status.status is Status.UNKNOWN
        assert status.unknown_status == "CREATE_PENDING"
        assert status.last_update is NOW
        assert (
            str(convert.RULE_STATUS.unstructure(status)["OrganizationRuleStatus"])
            == "CREATE_PENDING"
        )

    def test_known_status_from_answer(self) -> None:
        """A known state becomes its member, with no unknown text; extra keys are ignored."""
        status = convert.pack_account_status(
            {
                "AccountId": ACCOUNT,
                "ConformancePackName": "OrgConformsPack-p-x",
                "Status": "CREATE_FAILED",
                "ErrorCode": "NoRecorder",
                "ErrorMessage": "no configuration recorder",
                "LastUpdateTime": NOW,
                "Extra": "ignored",
            }
        )
        assert status == AccountStatus(
            ACCOUNT,
            Status.CREATE_FAILED,
            "OrgConformsPack-p-x",
            "NoRecorder",
            "no configuration recorder",
            NOW,
        )
        assert status.last_update is NOW

    def test_account_status_violating_a_constraint(self) -> None:
        """An answer with a malformed account id is a ValidationError."""
        with pytest.raises(ValidationError) as info:
            convert.rule_account_status(
                {
                    "AccountId": "abc",
                    "ConfigRuleName": "r",
                    "MemberAccountRuleStatus": "CREATE_SUCCESSFUL",
                }
            )
        assert info.value.field == "account_id"

    def test_status_missing_key(self) -> None:
        """An item without its status key is a ValidationError naming the field."""
        with pytest.raises(ValidationError) as info:
            convert.pack_status({"OrganizationConformancePackName": "p"})
        assert info.value.field == "status"
        assert "has no Status" in str(info.value)


# -- tags ------------------------------------------------------------------------------------------


class TestTags:
    @examples
    @given(tags=tag_maps)
    def test_round_trip(self, tags: dict[str, str]) -> None:
        """Tags survive the trip to the API's list of pairs and back."""
        assert convert.tags_from_api(convert.tags_to_api(tags)) == tags

    def test_value_may_be_missing(self) -> None:
        """A tag without a Value has the empty value."""
        assert convert.tags_from_api([{"Key": "k"}]) == {"k": ""}

    def test_key_missing(self) -> None:
        """A tag without a Key is a ValidationError."""
        with pytest.raises(ValidationError) as info:
            convert.tags_from_api(cast("list[Mapping[str, Any]]", [{"Value": "v"}]))
        assert info.value.field == "tags"
        assert "has no Key" in str(info.value)
