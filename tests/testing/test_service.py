"""The simulated service's behaviour, driven through ordinary boto3 clients in a sandbox."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from botocore.exceptions import ClientError

from orgconfig.testing import OPERATIONS, Quotas, Sandbox, VirtualClock, sandbox
from orgconfig.testing._errors import ServiceError
from orgconfig.testing._kinds import World
from orgconfig.testing._paging import _decode_token, _encode_token
from orgconfig.testing._service import Service

RULE: Any = {"RuleIdentifier": "S3_BUCKET_VERSIONING_ENABLED"}
TEMPLATE = """\
Resources:
  S3Versioning:
    Type: AWS::Config::ConfigRule
    Properties:
      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}
"""
TWO_RULES = (
    TEMPLATE
    + """\
  S3Logging:
    Type: AWS::Config::ConfigRule
    Properties:
      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_LOGGING_ENABLED}
"""
)
WITH_PARAMETERS = """\
Parameters:
  MaxAge:
    Type: String
  Retention:
    Type: String
    Default: "90"
Resources:
  KeyRotation:
    Type: AWS::Config::ConfigRule
    Properties:
      Source: {Owner: AWS, SourceIdentifier: ACCESS_KEYS_ROTATED}
      InputParameters:
        maxAccessKeyAge: {Ref: MaxAge}
        retention: {Ref: Retention}
"""
GUARD_POLICY = "rule s3_versioning { configuration.versioningConfiguration.status == 'Enabled' }"


def error_of(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    """The (code, message) of a ClientError."""
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def put_rule(config: Any, name: str = "rule", **kwargs: Any) -> str:
    """Put a managed organization rule; return its ARN."""
    arn: str = config.put_organization_config_rule(
        OrganizationConfigRuleName=name, OrganizationManagedRuleMetadata=RULE, **kwargs
    )["OrganizationConfigRuleArn"]
    return arn


def put_pack(config: Any, name: str = "pack", **kwargs: Any) -> str:
    """Put an organization conformance pack with a one-rule template; return its ARN."""
    kwargs.setdefault("TemplateBody", TEMPLATE)
    arn: str = config.put_organization_conformance_pack(
        OrganizationConformancePackName=name, **kwargs
    )["OrganizationConformancePackArn"]
    return arn


def rule_status(config: Any, name: str = "rule") -> dict[str, Any]:
    """The aggregate status entry of a rule."""
    statuses = config.describe_organization_config_rule_statuses(OrganizationConfigRuleNames=[name])
    entry: dict[str, Any] = statuses["OrganizationConfigRuleStatuses"][0]
    return entry


def pack_status(config: Any, name: str = "pack") -> dict[str, Any]:
    """The aggregate status entry of a pack."""
    statuses = config.describe_organization_conformance_pack_statuses(
        OrganizationConformancePackNames=[name]
    )
    entry: dict[str, Any] = statuses["OrganizationConformancePackStatuses"][0]
    return entry


def rule_accounts(config: Any, name: str = "rule", **kwargs: Any) -> dict[str, dict[str, Any]]:
    """The detailed status of a rule, every page, by account id."""
    paginator = config.get_paginator("get_organization_config_rule_detailed_status")
    rows = [
        row
        for page in paginator.paginate(OrganizationConfigRuleName=name, **kwargs)
        for row in page["OrganizationConfigRuleDetailedStatus"]
    ]
    return {row["AccountId"]: row for row in rows}


def pack_accounts(config: Any, name: str = "pack", **kwargs: Any) -> dict[str, dict[str, Any]]:
    """The detailed status of a pack, every page, by account id."""
    paginator = config.get_paginator("get_organization_conformance_pack_detailed_status")
    rows = [
        row
        for page in paginator.paginate(OrganizationConformancePackName=name, **kwargs)
        for row in page["OrganizationConformancePackDetailedStatuses"]
    ]
    return {row["AccountId"]: row for row in rows}


def everyone(sb: Sandbox) -> list[str]:
    """Every account of the organization, the management account first."""
    return [sb.management_account_id, *sb.member_account_ids]


# -- deployments in time ---------------------------------------------------------------------


def test_a_put_is_in_progress_then_successful_everywhere(org_sandbox: Sandbox) -> None:
    """After a put every account, the management account included, goes from IN_PROGRESS to done."""
    config = org_sandbox.client("config")
    put_rule(config)
    assert rule_status(config)["OrganizationRuleStatus"] == "CREATE_IN_PROGRESS"
    accounts = rule_accounts(config)
    assert list(accounts) == everyone(org_sandbox)
    assert {row["MemberAccountRuleStatus"] for row in accounts.values()} == {"CREATE_IN_PROGRESS"}
    assert all("ErrorCode" not in row for row in accounts.values())
    org_sandbox.clock.advance(66)  # 60 s plus at most 10 % of jitter
    assert rule_status(config)["OrganizationRuleStatus"] == "CREATE_SUCCESSFUL"
    statuses = {row["MemberAccountRuleStatus"] for row in rule_accounts(config).values()}
    assert statuses == {"CREATE_SUCCESSFUL"}


@pytest.mark.org_sandbox(deploy_jitter=0.0)
def test_each_account_ends_after_its_own_duration(org_sandbox: Sandbox) -> None:
    """Durations are per account; the aggregate waits for the slowest one."""
    slow = org_sandbox.member_account_ids[0]
    org_sandbox.set_deploy_duration(10)
    org_sandbox.set_deploy_duration(100, account_id=slow)
    config = org_sandbox.client("config")
    put_pack(config)
    org_sandbox.clock.advance(10)
    accounts = pack_accounts(config)
    assert accounts[slow]["Status"] == "CREATE_IN_PROGRESS"
    others = {row["Status"] for account, row in accounts.items() if account != slow}
    assert others == {"CREATE_SUCCESSFUL"}
    assert pack_status(config)["Status"] == "CREATE_IN_PROGRESS"
    org_sandbox.clock.advance(90)
    assert pack_status(config)["Status"] == "CREATE_SUCCESSFUL"


@pytest.mark.org_sandbox(deploy_jitter=0.0)
def test_timestamps_follow_the_virtual_clock(org_sandbox: Sandbox) -> None:
    """LastUpdateTime is the start while in progress and the end once an account is done."""
    config = org_sandbox.client("config")
    start = org_sandbox.clock.now()
    put_rule(config)
    row = rule_accounts(config)[org_sandbox.management_account_id]
    assert row["LastUpdateTime"] == start
    org_sandbox.clock.advance(300)
    row = rule_accounts(config)[org_sandbox.management_account_id]
    assert row["LastUpdateTime"] == start + timedelta(seconds=60)
    assert rule_status(config)["LastUpdateTime"] == start + timedelta(seconds=60)


def test_jitter_is_seeded_and_bounded() -> None:
    """Per-account end times vary within 10 % of the duration, identically for the same seed."""

    def end_times(seed: int) -> list[float]:
        with sandbox(accounts=5, seed=seed) as sb:
            config = sb.client("config")
            put_rule(config)
            sb.clock.advance(1000)
            start = sb.clock.start
            return [
                (row["LastUpdateTime"] - start).total_seconds()
                for row in rule_accounts(config).values()
            ]

    first = end_times(1)
    assert first == end_times(1)
    assert first != end_times(2)
    assert all(60 <= t <= 66 for t in first)
    assert len(set(first)) == len(first)


def test_a_second_put_is_an_update_with_the_same_arn(org_sandbox: Sandbox) -> None:
    """Putting an existing name again updates it: UPDATE_* statuses, same ARN."""
    config = org_sandbox.client("config")
    arn = put_pack(config)
    org_sandbox.clock.advance(100)
    assert put_pack(config) == arn
    assert pack_status(config)["Status"] == "UPDATE_IN_PROGRESS"
    org_sandbox.clock.advance(100)
    assert pack_status(config)["Status"] == "UPDATE_SUCCESSFUL"
    assert {r["Status"] for r in pack_accounts(config).values()} == {"UPDATE_SUCCESSFUL"}


def test_excluded_accounts_are_left_out(org_sandbox: Sandbox) -> None:
    """ExcludedAccounts are not deployed to and do not appear in the detailed status."""
    config = org_sandbox.client("config")
    excluded = org_sandbox.member_account_ids[1]
    put_rule(config, ExcludedAccounts=[excluded])
    assert excluded not in rule_accounts(config)
    assert len(rule_accounts(config)) == len(everyone(org_sandbox)) - 1
    described = config.describe_organization_config_rules()["OrganizationConfigRules"][0]
    assert described["ExcludedAccounts"] == [excluded]


@pytest.mark.org_sandbox(regions=("us-east-1",))
def test_an_account_without_a_recorder_fails(org_sandbox: Sandbox) -> None:
    """A member without a configuration recorder ends CREATE_FAILED; so does the aggregate."""
    bare = org_sandbox.member_account_ids[1]
    org_sandbox.remove_recorder(bare)
    config = org_sandbox.client("config")
    put_rule(config)
    assert "ErrorCode" not in rule_accounts(config)[bare]  # no error while in progress
    org_sandbox.clock.advance(100)
    accounts = rule_accounts(config)
    assert accounts[bare]["MemberAccountRuleStatus"] == "CREATE_FAILED"
    assert accounts[bare]["ErrorCode"] == "NoAvailableConfigurationRecorderException"
    assert accounts[bare]["ErrorMessage"] == (
        "You must create a configuration recorder before you can create or update a Config rule."
    )
    others = {r["MemberAccountRuleStatus"] for a, r in accounts.items() if a != bare}
    assert others == {"CREATE_SUCCESSFUL"}
    status = rule_status(config)
    assert status["OrganizationRuleStatus"] == "CREATE_FAILED"
    assert status["ErrorCode"] == "NoAvailableConfigurationRecorderException"
    assert status["ErrorMessage"].endswith(
        "(1 of 4 member accounts failed; see the detailed status of each account.)"
    )


def test_regions_without_recorders_fail_everywhere(org_sandbox: Sandbox) -> None:
    """Outside the sandbox regions nobody has a recorder, so every account fails there."""
    config = org_sandbox.client("config", region="ap-southeast-2")
    put_pack(config)
    org_sandbox.clock.advance(100)
    statuses = {row["Status"] for row in pack_accounts(config).values()}
    assert statuses == {"CREATE_FAILED"}
    assert pack_status(config)["ErrorCode"] == "NoAvailableConfigurationRecorderException"


def test_recorders_changed_by_the_user_are_honoured(org_sandbox: Sandbox) -> None:
    """A member's own recorder calls decide the outcome of the next deployment."""
    member = org_sandbox.member_account_ids[0]
    own = org_sandbox.client("config", account_id=member)
    own.delete_configuration_recorder(ConfigurationRecorderName="default")
    config = org_sandbox.client("config")
    put_rule(config)
    org_sandbox.clock.advance(100)
    assert rule_accounts(config)[member]["MemberAccountRuleStatus"] == "CREATE_FAILED"
    own.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "mine",
            "roleARN": f"arn:aws:iam::{member}:role/config",
            "recordingGroup": {"allSupported": True},
        }
    )
    put_rule(config)
    org_sandbox.clock.advance(100)
    assert rule_accounts(config)[member]["MemberAccountRuleStatus"] == "UPDATE_SUCCESSFUL"


def test_a_suspended_account_fails(org_sandbox: Sandbox) -> None:
    """A suspended (closed) account cannot be deployed to."""
    suspended = org_sandbox.member_account_ids[2]
    org_sandbox.suspend_account(suspended)
    config = org_sandbox.client("config")
    put_pack(config)
    org_sandbox.clock.advance(100)
    row = pack_accounts(config)[suspended]
    assert row["Status"] == "CREATE_FAILED"
    assert row["ErrorCode"] == "InsufficientPermissionsException"
    assert row["ErrorMessage"] == (
        f"AWS Config cannot deploy to account {suspended}: the account is SUSPENDED in AWS "
        "Organizations."
    )


def test_fail_account_with_the_default_error(org_sandbox: Sandbox) -> None:
    """fail_account makes the account fail with a realistic default code and message."""
    target = org_sandbox.member_account_ids[0]
    org_sandbox.fail_account(target)
    config = org_sandbox.client("config")
    put_rule(config)
    org_sandbox.clock.advance(100)
    row = rule_accounts(config)[target]
    assert row["MemberAccountRuleStatus"] == "CREATE_FAILED"
    assert row["ErrorCode"] == "InsufficientPermissionsException"
    assert row["ErrorMessage"] == (
        f"AWS Config could not deploy to account {target}: the service-linked role was denied "
        "access. Check the account's service control policies and try again."
    )


def test_fail_account_with_a_custom_error_a_limited_number_of_times(org_sandbox: Sandbox) -> None:
    """With times=1 only the next deployment fails, with the given code and message."""
    target = org_sandbox.member_account_ids[1]
    org_sandbox.fail_account(target, error_code="InternalException", error_message="boom", times=1)
    config = org_sandbox.client("config")
    put_pack(config)
    org_sandbox.clock.advance(100)
    row = pack_accounts(config)[target]
    assert (row["Status"], row["ErrorCode"], row["ErrorMessage"]) == (
        "CREATE_FAILED",
        "InternalException",
        "boom",
    )
    put_pack(config)
    org_sandbox.clock.advance(100)
    assert pack_accounts(config)[target]["Status"] == "UPDATE_SUCCESSFUL"


def test_failures_can_be_cleared(org_sandbox: Sandbox) -> None:
    """clear_failures undoes fail_account, for one account or for all."""
    first, second = org_sandbox.member_account_ids[:2]
    org_sandbox.fail_account(first)
    org_sandbox.fail_account(second)
    org_sandbox.clear_failures(first)
    config = org_sandbox.client("config")
    put_rule(config)
    org_sandbox.clock.advance(100)
    accounts = rule_accounts(config)
    assert accounts[first]["MemberAccountRuleStatus"] == "CREATE_SUCCESSFUL"
    assert accounts[second]["MemberAccountRuleStatus"] == "CREATE_FAILED"
    org_sandbox.clear_failures()
    put_rule(config)
    org_sandbox.clock.advance(100)
    assert rule_status(config)["OrganizationRuleStatus"] == "UPDATE_SUCCESSFUL"


def test_fail_account_times_must_be_positive(org_sandbox: Sandbox) -> None:
    """times=0 is refused: a deployment either fails some number of times or always."""
    with pytest.raises(ValueError, match="times must be at least 1"):
        org_sandbox.fail_account(org_sandbox.member_account_ids[0], times=0)


def test_deploy_duration_cannot_be_negative(org_sandbox: Sandbox) -> None:
    """A negative duration is refused."""
    with pytest.raises(ValueError, match="cannot take a negative time"):
        org_sandbox.set_deploy_duration(-1)


def test_put_while_in_progress_is_resource_in_use(org_sandbox: Sandbox) -> None:
    """A put or delete while a deployment runs gives ResourceInUseException."""
    config = org_sandbox.client("config")
    put_rule(config)
    with pytest.raises(ClientError) as caught:
        put_rule(config)
    assert error_of(caught) == (
        "ResourceInUseException",
        "The organization Config rule rule is being created. Try your request again later.",
    )
    with pytest.raises(ClientError) as caught:
        config.delete_organization_config_rule(OrganizationConfigRuleName="rule")
    assert error_of(caught)[0] == "ResourceInUseException"


def test_delete_removes_the_pack_once_done(org_sandbox: Sandbox) -> None:
    """A delete shows DELETE_IN_PROGRESS, DELETE_SUCCESSFUL a while, then NoSuch...."""
    config = org_sandbox.client("config")
    put_pack(config)
    org_sandbox.clock.advance(100)
    config.delete_organization_conformance_pack(OrganizationConformancePackName="pack")
    assert pack_status(config)["Status"] == "DELETE_IN_PROGRESS"
    assert {r["Status"] for r in pack_accounts(config).values()} == {"DELETE_IN_PROGRESS"}
    with pytest.raises(ClientError) as caught:
        put_pack(config)
    assert error_of(caught) == (
        "ResourceInUseException",
        "The organization conformance pack pack is being deleted. Try your request again later.",
    )
    org_sandbox.clock.advance(100)
    assert pack_status(config)["Status"] == "DELETE_SUCCESSFUL"
    assert {r["Status"] for r in pack_accounts(config).values()} == {"DELETE_SUCCESSFUL"}
    with pytest.raises(ClientError) as caught:
        config.delete_organization_conformance_pack(OrganizationConformancePackName="pack")
    assert error_of(caught)[0] == "NoSuchOrganizationConformancePackException"
    org_sandbox.clock.advance(300)
    assert config.describe_organization_conformance_packs()["OrganizationConformancePacks"] == []
    with pytest.raises(ClientError) as caught:
        pack_accounts(config)
    assert error_of(caught)[0] == "NoSuchOrganizationConformancePackException"


@pytest.mark.org_sandbox(delete_retention=3600)
def test_delete_retention_sets_how_long_delete_successful_shows(org_sandbox: Sandbox) -> None:
    """A deleted pack shows DELETE_SUCCESSFUL for delete_retention seconds, then is gone."""
    config = org_sandbox.client("config")
    put_pack(config)
    org_sandbox.clock.advance(100)
    config.delete_organization_conformance_pack(OrganizationConformancePackName="pack")
    org_sandbox.clock.advance(100 + 3500)
    assert pack_status(config)["Status"] == "DELETE_SUCCESSFUL"
    org_sandbox.clock.advance(100)
    assert (
        config.describe_organization_conformance_pack_statuses()[
            "OrganizationConformancePackStatuses"
        ]
        == []
    )


def test_a_delete_that_fails_in_a_suspended_account_is_delete_failed(
    org_sandbox: Sandbox,
) -> None:
    """A delete reaching a suspended account ends DELETE_FAILED, and the pack stays."""
    config = org_sandbox.client("config")
    put_pack(config)
    org_sandbox.clock.advance(100)
    suspended = org_sandbox.member_account_ids[1]
    org_sandbox.suspend_account(suspended)
    config.delete_organization_conformance_pack(OrganizationConformancePackName="pack")
    org_sandbox.clock.advance(1000)
    assert pack_status(config)["Status"] == "DELETE_FAILED"
    assert pack_accounts(config)[suspended]["Status"] == "DELETE_FAILED"


def test_a_delete_that_fails_somewhere_leaves_delete_failed(org_sandbox: Sandbox) -> None:
    """A failed delete keeps the rule, DELETE_FAILED, until a later delete succeeds."""
    config = org_sandbox.client("config")
    put_rule(config)
    org_sandbox.clock.advance(100)
    stuck = org_sandbox.member_account_ids[0]
    org_sandbox.fail_account(stuck, times=1)
    config.delete_organization_config_rule(OrganizationConfigRuleName="rule")
    org_sandbox.clock.advance(100)
    assert rule_status(config)["OrganizationRuleStatus"] == "DELETE_FAILED"
    assert rule_accounts(config)[stuck]["MemberAccountRuleStatus"] == "DELETE_FAILED"
    config.delete_organization_config_rule(OrganizationConfigRuleName="rule")
    org_sandbox.clock.advance(100)
    assert rule_status(config)["OrganizationRuleStatus"] == "DELETE_SUCCESSFUL"
    org_sandbox.clock.advance(300)
    assert config.describe_organization_config_rules()["OrganizationConfigRules"] == []


def test_a_new_pack_after_a_delete_gets_a_new_arn(org_sandbox: Sandbox) -> None:
    """Re-creating a deleted pack gives it a new ARN suffix."""
    config = org_sandbox.client("config")
    first = put_pack(config)
    org_sandbox.clock.advance(100)
    config.delete_organization_conformance_pack(OrganizationConformancePackName="pack")
    org_sandbox.clock.advance(100)
    second = put_pack(config)
    assert first != second
    assert pack_status(config)["Status"] == "CREATE_IN_PROGRESS"


def test_stuck_aggregate_status_stays_in_progress(org_sandbox: Sandbox) -> None:
    """With the quirk on, the aggregate stays IN_PROGRESS while every account is done."""
    config = org_sandbox.client("config")
    put_rule(config, name="before")
    org_sandbox.faults(stuck_aggregate_status=True)
    put_rule(config, name="during")
    org_sandbox.clock.advance(10_000)
    assert rule_status(config, "during")["OrganizationRuleStatus"] == "CREATE_IN_PROGRESS"
    rows = rule_accounts(config, "during").values()
    assert {r["MemberAccountRuleStatus"] for r in rows} == {"CREATE_SUCCESSFUL"}
    assert rule_status(config, "before")["OrganizationRuleStatus"] == "CREATE_SUCCESSFUL"
    put_rule(config, name="during")  # the accounts are done: not ResourceInUse
    assert rule_status(config, "during")["OrganizationRuleStatus"] == "UPDATE_IN_PROGRESS"


# -- what the describe calls show -------------------------------------------------------------


def test_arns_and_member_names_have_the_service_format(org_sandbox: Sandbox) -> None:
    """ARNs end in <name>-<8 characters>; member names are OrgConformsPack-/OrgConfigRule-."""
    config = org_sandbox.client("config")
    pack_arn = put_pack(config, name="my-pack")
    rule_arn = put_rule(config, name="my_rule")
    prefix = f"arn:aws:config:us-east-1:{org_sandbox.management_account_id}:"
    assert pack_arn.startswith(f"{prefix}organization-conformance-pack/my-pack-")
    assert rule_arn.startswith(f"{prefix}organization-config-rule/my_rule-")
    pack_suffix, rule_suffix = pack_arn.rsplit("-", 1)[1], rule_arn.rsplit("-", 1)[1]
    assert len(pack_suffix) == len(rule_suffix) == 8
    member_pack = next(iter(pack_accounts(config, "my-pack").values()))["ConformancePackName"]
    member_rule = next(iter(rule_accounts(config, "my_rule").values()))["ConfigRuleName"]
    assert member_pack == f"OrgConformsPack-my-pack-{pack_suffix}"
    assert member_rule == f"OrgConfigRule-my_rule-{rule_suffix}"


def test_long_rule_names_are_cut_to_fit_member_names(org_sandbox: Sandbox) -> None:
    """A 64-character rule name still gives a member rule name of at most 64 characters."""
    config = org_sandbox.client("config")
    put_rule(config, name="r" * 64)
    member_name = next(iter(rule_accounts(config, "r" * 64).values()))["ConfigRuleName"]
    assert len(member_name) == 64
    assert member_name.startswith("OrgConfigRule-rrr")


def test_describe_packs_shows_what_was_put(org_sandbox: Sandbox) -> None:
    """A pack's description echoes bucket, prefix, parameters, exclusions and the put time."""
    config = org_sandbox.client("config")
    org_sandbox.clock.advance(30)
    put_time = org_sandbox.clock.now()
    put_pack(
        config,
        TemplateBody=WITH_PARAMETERS,
        DeliveryS3Bucket="awsconfigconforms-reports",
        DeliveryS3KeyPrefix="org",
        ConformancePackInputParameters=[{"ParameterName": "MaxAge", "ParameterValue": "90"}],
        ExcludedAccounts=[org_sandbox.member_account_ids[0]],
    )
    described = config.describe_organization_conformance_packs()["OrganizationConformancePacks"]
    assert len(described) == 1
    pack = described[0]
    assert pack["OrganizationConformancePackName"] == "pack"
    assert pack["DeliveryS3Bucket"] == "awsconfigconforms-reports"
    assert pack["DeliveryS3KeyPrefix"] == "org"
    assert pack["ConformancePackInputParameters"] == [
        {"ParameterName": "MaxAge", "ParameterValue": "90"}
    ]
    assert pack["ExcludedAccounts"] == [org_sandbox.member_account_ids[0]]
    assert pack["LastUpdateTime"] == put_time


def test_describe_rules_shows_each_kind_of_metadata(org_sandbox: Sandbox) -> None:
    """Managed, Lambda and Guard rules come back with their metadata; Guard without its policy."""
    config = org_sandbox.client("config")
    put_rule(config, name="managed")
    lambda_arn = "arn:aws:lambda:us-east-1:123456789012:function:check"
    config.put_organization_config_rule(
        OrganizationConfigRuleName="custom",
        OrganizationCustomRuleMetadata={
            "LambdaFunctionArn": lambda_arn,
            "OrganizationConfigRuleTriggerTypes": ["ScheduledNotification"],
            "MaximumExecutionFrequency": "Six_Hours",
        },
    )
    config.put_organization_config_rule(
        OrganizationConfigRuleName="guard",
        OrganizationCustomPolicyRuleMetadata={
            "PolicyRuntime": "guard-2.x.x",
            "PolicyText": GUARD_POLICY,
            "OrganizationConfigRuleTriggerTypes": ["ConfigurationItemChangeNotification"],
        },
    )
    rules = {
        r["OrganizationConfigRuleName"]: r
        for r in config.describe_organization_config_rules()["OrganizationConfigRules"]
    }
    assert list(rules) == ["managed", "custom", "guard"]  # creation order
    assert rules["managed"]["OrganizationManagedRuleMetadata"] == RULE
    assert rules["custom"]["OrganizationCustomRuleMetadata"]["LambdaFunctionArn"] == lambda_arn
    guard = rules["guard"]["OrganizationCustomPolicyRuleMetadata"]
    assert guard["PolicyRuntime"] == "guard-2.x.x"
    assert "PolicyText" not in guard
    policy = config.get_organization_custom_rule_policy(OrganizationConfigRuleName="guard")
    assert policy["PolicyText"] == GUARD_POLICY
    managed = config.get_organization_custom_rule_policy(OrganizationConfigRuleName="managed")
    assert "PolicyText" not in managed


# -- pagination ------------------------------------------------------------------------------


def test_limit_and_next_token_page_in_creation_order(org_sandbox: Sandbox) -> None:
    """Limit sets the page size and NextToken continues, in creation order."""
    config = org_sandbox.client("config")
    names = ["e", "b", "d", "a", "c"]
    for name in names:
        put_rule(config, name=name)
    seen: list[str] = []
    pages = 0
    kwargs: dict[str, Any] = {"Limit": 2}
    while True:
        page = config.describe_organization_config_rule_statuses(**kwargs)
        pages += 1
        seen += [s["OrganizationConfigRuleName"] for s in page["OrganizationConfigRuleStatuses"]]
        if "NextToken" not in page:
            break
        kwargs["NextToken"] = page["NextToken"]
    assert (seen, pages) == (names, 3)


def test_limit_zero_means_the_default_of_100(org_sandbox: Sandbox) -> None:
    """Limit=0 returns up to 100 items, with a token when there are more."""
    org_sandbox.set_deploy_duration(0)
    config = org_sandbox.client("config", region="eu-west-1")
    for index in range(101):
        put_rule(config, name=f"r{index}")
    first = config.describe_organization_config_rules(Limit=0)
    assert len(first["OrganizationConfigRules"]) == 100
    second = config.describe_organization_config_rules(NextToken=first["NextToken"])
    assert [r["OrganizationConfigRuleName"] for r in second["OrganizationConfigRules"]] == ["r100"]
    assert "NextToken" not in second


def test_detailed_status_pages_and_filters(org_sandbox: Sandbox) -> None:
    """Detailed status pages with Limit and filters by account and by status."""
    failing = org_sandbox.member_account_ids[0]
    org_sandbox.fail_account(failing)
    config = org_sandbox.client("config")
    put_pack(config)
    org_sandbox.clock.advance(100)
    page = config.get_organization_conformance_pack_detailed_status(
        OrganizationConformancePackName="pack", Limit=3
    )
    assert len(page["OrganizationConformancePackDetailedStatuses"]) == 3
    assert "NextToken" in page
    assert len(pack_accounts(config, Limit=1)) == 4
    failed = pack_accounts(config, Filters={"Status": "CREATE_FAILED"})
    assert list(failed) == [failing]
    one = pack_accounts(config, Filters={"AccountId": org_sandbox.member_account_ids[2]})
    assert list(one) == [org_sandbox.member_account_ids[2]]
    none = pack_accounts(config, Filters={"AccountId": failing, "Status": "CREATE_SUCCESSFUL"})
    assert none == {}
    rules_failed = rule_accounts_after_put(org_sandbox, "CREATE_FAILED")
    assert list(rules_failed) == [failing]


def rule_accounts_after_put(sb: Sandbox, status: str) -> dict[str, dict[str, Any]]:
    """Put a rule, let it finish, and return the detailed status filtered by status."""
    config = sb.client("config")
    put_rule(config)
    sb.clock.advance(100)
    return rule_accounts(config, Filters={"MemberAccountRuleStatus": status})


def test_names_ignore_limit_and_token(org_sandbox: Sandbox) -> None:
    """With names, Limit and NextToken do not apply and duplicates come back once."""
    config = org_sandbox.client("config")
    for name in ("a", "b", "c"):
        put_pack(config, name=name)
    described = config.describe_organization_conformance_packs(
        OrganizationConformancePackNames=["c", "a", "c"], Limit=1, NextToken="ignored"
    )
    names = [
        p["OrganizationConformancePackName"] for p in described["OrganizationConformancePacks"]
    ]
    assert names == ["c", "a"]
    assert "NextToken" not in described


def test_twenty_five_names_are_accepted(org_sandbox: Sandbox) -> None:
    """Up to 25 names may be asked for at once."""
    org_sandbox.set_deploy_duration(0)
    config = org_sandbox.client("config")
    names = [f"r{i}" for i in range(25)]
    for name in names:
        put_rule(config, name=name)
    rules = config.describe_organization_config_rules(OrganizationConfigRuleNames=names)
    assert len(rules["OrganizationConfigRules"]) == 25


@pytest.mark.parametrize(
    "token",
    [
        "not base64 !",
        "bm90IGpzb24=",  # base64 of "not json"
        "WzFd",  # base64 of "[1]"
        "eyJvIjogMSwgInEiOiAid3JvbmcifQ==",  # {"o": 1, "q": "wrong"}
    ],
)
def test_invalid_next_tokens_are_refused(org_sandbox: Sandbox, token: str) -> None:
    """A token that was not handed out for this query is InvalidNextTokenException."""
    config = org_sandbox.client("config")
    with pytest.raises(ClientError) as caught:
        config.describe_organization_conformance_pack_statuses(NextToken=token)
    assert error_of(caught) == ("InvalidNextTokenException", "The nextToken provided is invalid")


def test_tokens_belong_to_their_query(org_sandbox: Sandbox) -> None:
    """A token from another operation, region or filter is refused."""
    config = org_sandbox.client("config")
    for name in ("a", "b"):
        put_rule(config, name=name)
    token = config.describe_organization_config_rules(Limit=1)["NextToken"]
    assert config.describe_organization_config_rules(NextToken=token)["OrganizationConfigRules"]
    elsewhere: list[Callable[[], Any]] = [
        lambda: config.describe_organization_config_rule_statuses(NextToken=token),
        lambda: org_sandbox.client("config", region="eu-west-1").describe_organization_config_rules(
            NextToken=token
        ),
        lambda: config.get_organization_config_rule_detailed_status(
            OrganizationConfigRuleName="a", NextToken=token
        ),
    ]
    for call in elsewhere:
        with pytest.raises(ClientError) as caught:
            call()
        assert error_of(caught)[0] == "InvalidNextTokenException"
    detailed = config.get_organization_config_rule_detailed_status(
        OrganizationConfigRuleName="a", Limit=1
    )["NextToken"]
    with pytest.raises(ClientError) as caught:
        config.get_organization_config_rule_detailed_status(
            OrganizationConfigRuleName="a",
            Filters={"MemberAccountRuleStatus": "CREATE_IN_PROGRESS"},
            NextToken=detailed,
        )
    assert error_of(caught)[0] == "InvalidNextTokenException"


@pytest.mark.org_sandbox(delete_retention=0)
def test_a_token_past_the_end_is_refused(org_sandbox: Sandbox) -> None:
    """A token pointing past the items that exist now is InvalidNextTokenException."""
    config = org_sandbox.client("config")
    org_sandbox.set_deploy_duration(0)
    for name in ("a", "b", "c"):
        put_rule(config, name=name)
    token = config.describe_organization_config_rules(Limit=2)["NextToken"]
    for name in ("a", "b", "c"):
        config.delete_organization_config_rule(OrganizationConfigRuleName=name)
    with pytest.raises(ClientError) as caught:
        config.describe_organization_config_rules(NextToken=token)
    assert error_of(caught)[0] == "InvalidNextTokenException"


def test_an_out_of_range_limit_is_invalid_limit(org_sandbox: Sandbox) -> None:
    """Limit above 100 gives InvalidLimitException."""
    config = org_sandbox.client("config")
    with pytest.raises(ClientError) as caught:
        config.describe_organization_conformance_packs(Limit=101)
    code, message = error_of(caught)
    assert code == "InvalidLimitException"
    assert "Member must have value less than or equal to 100" in message


# -- quotas ----------------------------------------------------------------------------------


@pytest.mark.org_sandbox(quotas=Quotas(conformance_packs=2, config_rules=1))
def test_quotas_limit_new_names_only(org_sandbox: Sandbox) -> None:
    """Past the quota a new name is refused; re-putting an existing one is not counted."""
    org_sandbox.set_deploy_duration(0)
    config = org_sandbox.client("config")
    put_pack(config, name="a")
    put_pack(config, name="b")
    put_pack(config, name="a")
    with pytest.raises(ClientError) as caught:
        put_pack(config, name="c")
    assert error_of(caught) == (
        "MaxNumberOfOrganizationConformancePacksExceededException",
        "You have reached the limit (2) of the number of organization conformance packs you can "
        "create in an account.",
    )
    put_rule(config, name="x")
    with pytest.raises(ClientError) as caught:
        put_rule(config, name="y")
    assert error_of(caught) == (
        "MaxNumberOfOrganizationConfigRulesExceededException",
        "You have reached the limit (1) of the number of organization Config rules you can create.",
    )


def test_default_quotas_are_aws_published_limits() -> None:
    """The defaults are 50 packs, 150 rules and 130 rules per pack."""
    assert Quotas() == Quotas(conformance_packs=50, config_rules=150, rules_per_pack=130)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"conformance_packs": -1}, "'conformance_packs' must be >= 0"),
        ({"rules_per_pack": 0}, "'rules_per_pack' must be >= 1"),
        ({"rules_per_pack": 131}, "'rules_per_pack' must be <= 130"),
    ],
)
def test_quotas_are_checked(kwargs: dict[str, int], message: str) -> None:
    """Negative quotas and a rule limit above the parser's 130 are refused."""
    with pytest.raises(ValueError, match=message):
        Quotas(**kwargs)


@pytest.mark.org_sandbox(accounts=1, quotas=Quotas(conformance_packs=1))
def test_quotas_count_per_region(org_sandbox: Sandbox) -> None:
    """A quota of one pack is per region: another region has its own."""
    put_pack(org_sandbox.client("config", region="us-east-1"))
    put_pack(org_sandbox.client("config", region="eu-west-1"))


# -- templates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("Resources: [", "The template is not valid YAML"),
        (
            "Resources: {X: {Type: AWS::S3::Bucket}}",
            "Resources.X.Type: 'AWS::S3::Bucket' cannot be used in a conformance pack",
        ),
    ],
)
def test_bad_templates_are_refused(org_sandbox: Sandbox, template: str, message: str) -> None:
    """Templates that do not parse or hold other resources give the template error."""
    with pytest.raises(ClientError) as caught:
        put_pack(org_sandbox.client("config"), TemplateBody=template)
    code, text = error_of(caught)
    assert code == "OrganizationConformancePackTemplateValidationException"
    assert text.startswith(f"Invalid conformance pack template provided. Errors found: [{message}")
    assert text.endswith("]. Fix your template and try again.")


@pytest.mark.org_sandbox(quotas=Quotas(rules_per_pack=1))
def test_the_rules_per_pack_quota_applies(org_sandbox: Sandbox) -> None:
    """A template with more rules than the quota allows is refused."""
    with pytest.raises(ClientError) as caught:
        put_pack(org_sandbox.client("config"), TemplateBody=TWO_RULES)
    assert error_of(caught) == (
        "OrganizationConformancePackTemplateValidationException",
        "Invalid conformance pack template provided. Errors found: [The template holds 2 "
        "Config rules; a conformance pack can hold at most 1]. Fix your template and try again.",
    )


def test_required_parameters_must_be_supplied(org_sandbox: Sandbox) -> None:
    """A parameter without a default needs a value (CloudFormation's message)."""
    with pytest.raises(ClientError) as caught:
        put_pack(org_sandbox.client("config"), TemplateBody=WITH_PARAMETERS)
    assert error_of(caught) == (
        "OrganizationConformancePackTemplateValidationException",
        "Parameters: [MaxAge] must have values",
    )


def test_undeclared_parameters_are_refused(org_sandbox: Sandbox) -> None:
    """A parameter the template does not declare is refused (CloudFormation's message)."""
    with pytest.raises(ClientError) as caught:
        put_pack(
            org_sandbox.client("config"),
            TemplateBody=WITH_PARAMETERS,
            ConformancePackInputParameters=[
                {"ParameterName": "MaxAge", "ParameterValue": "90"},
                {"ParameterName": "Typo", "ParameterValue": "x"},
            ],
        )
    assert error_of(caught) == (
        "OrganizationConformancePackTemplateValidationException",
        "Parameters: [Typo] do not exist in the template",
    )


def test_templates_are_read_from_s3_which_wins(org_sandbox: Sandbox) -> None:
    """TemplateS3Uri is read from moto's S3 in the caller's account, and wins over a body."""
    s3 = org_sandbox.client("s3")
    s3.create_bucket(Bucket="templates")
    s3.put_object(Bucket="templates", Key="pack.yaml", Body=TEMPLATE.encode())
    config = org_sandbox.client("config")
    put_pack(config, TemplateS3Uri="s3://templates/pack.yaml", TemplateBody="Resources: [")
    assert pack_status(config)["Status"] == "CREATE_IN_PROGRESS"


def test_a_missing_s3_template_is_a_template_error(org_sandbox: Sandbox) -> None:
    """An S3 object that cannot be read gives the template error with S3's reason."""
    org_sandbox.client("s3").create_bucket(Bucket="templates")
    with pytest.raises(ClientError) as caught:
        put_pack(org_sandbox.client("config"), TemplateS3Uri="s3://templates/missing.yaml")
    assert error_of(caught) == (
        "OrganizationConformancePackTemplateValidationException",
        "Unable to read the template from s3://templates/missing.yaml: NoSuchKey: The specified "
        "key does not exist.",
    )


def test_an_oversized_s3_template_is_refused(org_sandbox: Sandbox) -> None:
    """A template over 300 KB in S3 is refused."""
    s3 = org_sandbox.client("s3")
    s3.create_bucket(Bucket="templates")
    s3.put_object(Bucket="templates", Key="big.yaml", Body=TEMPLATE.encode() + b"#" * 310_000)
    with pytest.raises(ClientError) as caught:
        put_pack(org_sandbox.client("config"), TemplateS3Uri="s3://templates/big.yaml")
    code, message = error_of(caught)
    assert code == "OrganizationConformancePackTemplateValidationException"
    assert "may be at most 307,200 bytes (300 KB)" in message


def test_the_corpus_templates_deploy(org_sandbox: Sandbox) -> None:
    """Real conformance pack templates from the corpus are accepted through S3, every 10th one."""
    shared = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus"
    if not (shared / "summary.json").is_file():
        pytest.skip(f"the template corpus is not at {shared}")
    records = [
        r
        for r in json.loads((shared / "summary.json").read_text())
        if r["set"] == "head" and r["parse_error"] is None and r["bytes"] <= 300 * 1024
    ][::10]
    s3 = org_sandbox.client("s3")
    s3.create_bucket(Bucket="corpus")
    config = org_sandbox.client("config")
    org_sandbox.set_deploy_duration(0)
    for index, record in enumerate(records):
        s3.put_object(
            Bucket="corpus", Key=record["path"], Body=(shared / record["path"]).read_bytes()
        )
        put_pack(
            config,
            name=f"corpus{index}",
            TemplateS3Uri=f"s3://corpus/{record['path']}",
            ConformancePackInputParameters=[
                {"ParameterName": name, "ParameterValue": "x"} for name in record["required_params"]
            ],
        )
    statuses = config.describe_organization_conformance_pack_statuses()
    assert len(statuses["OrganizationConformancePackStatuses"]) == len(records) > 5


# -- who sees what ---------------------------------------------------------------------------


def test_management_and_delegated_admin_see_only_their_own(org_sandbox: Sandbox) -> None:
    """What the management account deploys is invisible to a delegated admin, and vice versa."""
    management = org_sandbox.client("config")
    admin = org_sandbox.as_delegated_admin(org_sandbox.member_account_ids[0]).client("config")
    put_rule(management, name="from-management")
    put_pack(admin, name="from-admin")
    put_rule(admin, name="admin-rule")
    assert [
        r["OrganizationConfigRuleName"]
        for r in management.describe_organization_config_rules()["OrganizationConfigRules"]
    ] == ["from-management"]
    assert [
        r["OrganizationConfigRuleName"]
        for r in admin.describe_organization_config_rules()["OrganizationConfigRules"]
    ] == ["admin-rule"]
    assert (
        management.describe_organization_conformance_packs()["OrganizationConformancePacks"] == []
    )
    with pytest.raises(ClientError) as caught:
        admin.get_organization_config_rule_detailed_status(
            OrganizationConfigRuleName="from-management"
        )
    assert error_of(caught)[0] == "NoSuchOrganizationConfigRuleException"


def test_a_deregistered_admin_loses_access(org_sandbox: Sandbox) -> None:
    """Access is checked on every call: deregistering the admin denies its next call."""
    member = org_sandbox.member_account_ids[0]
    admin = org_sandbox.as_delegated_admin(member).client("config")
    admin.describe_organization_config_rules()
    org_sandbox.client("organizations").deregister_delegated_administrator(
        AccountId=member, ServicePrincipal="config-multiaccountsetup.amazonaws.com"
    )
    with pytest.raises(ClientError) as caught:
        admin.describe_organization_config_rules()
    assert error_of(caught)[0] == "OrganizationAccessDeniedException"


def test_a_put_enables_trusted_access_and_the_service_linked_role(org_sandbox: Sandbox) -> None:
    """The first put enables trusted access for AWS Config and creates the caller's role."""
    organizations = org_sandbox.client("organizations")
    assert (
        organizations.list_aws_service_access_for_organization()["EnabledServicePrincipals"] == []
    )
    member = org_sandbox.member_account_ids[0]
    admin = org_sandbox.as_delegated_admin(member)
    put_rule(admin.client("config"))
    put_rule(org_sandbox.client("config"))
    enabled = organizations.list_aws_service_access_for_organization()["EnabledServicePrincipals"]
    assert [e["ServicePrincipal"] for e in enabled] == ["config-multiaccountsetup.amazonaws.com"]
    path = "/aws-service-role/config-multiaccountsetup.amazonaws.com/"
    for account_id in (member, org_sandbox.management_account_id):
        roles = org_sandbox.client("iam", account_id=account_id).list_roles(PathPrefix=path)
        assert len(roles["Roles"]) == 1


def test_state_is_per_region(org_sandbox: Sandbox) -> None:
    """A pack in one region is absent from another, and can exist there separately."""
    east = org_sandbox.client("config", region="us-east-1")
    west = org_sandbox.client("config", region="eu-west-1")
    east_arn = put_pack(east)
    assert west.describe_organization_conformance_packs()["OrganizationConformancePacks"] == []
    west_arn = put_pack(west)
    assert ":us-east-1:" in east_arn
    assert ":eu-west-1:" in west_arn


# -- tags ------------------------------------------------------------------------------------


def test_tags_are_set_at_creation_and_changed_by_the_tagging_calls(org_sandbox: Sandbox) -> None:
    """Put tags a new pack; a re-put leaves them; TagResource and UntagResource change them."""
    config = org_sandbox.client("config")
    arn = put_pack(config, Tags=[{"Key": "team", "Value": "platform"}])
    assert config.list_tags_for_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "team", "Value": "platform"}
    ]
    org_sandbox.clock.advance(100)
    put_pack(config, Tags=[{"Key": "ignored", "Value": "x"}])
    config.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "prod"}])
    config.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert config.list_tags_for_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "env", "Value": "prod"}
    ]
    assert org_sandbox.api_calls["TagResource"] == 1


def test_list_tags_pages(org_sandbox: Sandbox) -> None:
    """ListTagsForResource honours Limit and NextToken."""
    config = org_sandbox.client("config")
    arn = put_rule(config, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(3)])
    first = config.list_tags_for_resource(ResourceArn=arn, Limit=2)
    assert len(first["Tags"]) == 2
    rest = config.list_tags_for_resource(ResourceArn=arn, NextToken=first["NextToken"])
    assert rest["Tags"] == [{"Key": "k2", "Value": "v"}]


def test_more_than_fifty_tags_are_refused(org_sandbox: Sandbox) -> None:
    """TagResource past 50 tags in all gives TooManyTagsException."""
    config = org_sandbox.client("config")
    arn = put_rule(config, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    with pytest.raises(ClientError) as caught:
        config.tag_resource(ResourceArn=arn, Tags=[{"Key": "one-more", "Value": "v"}])
    assert error_of(caught) == (
        "TooManyTagsException",
        "You have reached the limit of the number of tags you can use (50).",
    )


def test_tagging_someone_elses_arn_is_not_found(org_sandbox: Sandbox) -> None:
    """An organization ARN of another owner, another region or a deleted rule is not found."""
    config = org_sandbox.client("config")
    arn = put_rule(config)
    admin = org_sandbox.as_delegated_admin(org_sandbox.member_account_ids[0]).client("config")
    west = org_sandbox.client("config", region="eu-west-1")
    missing = arn.rsplit("-", 1)[0] + "-zzzzzzzz"
    for client, target in ((admin, arn), (west, arn), (config, missing)):
        with pytest.raises(ClientError) as caught:
            client.list_tags_for_resource(ResourceArn=target)
        assert error_of(caught) == (
            "ResourceNotFoundException",
            f"ResourceArn '{target}' does not exist",
        )


def test_regions_moto_does_not_know_have_no_recorders(org_sandbox: Sandbox) -> None:
    """A region that moto's Config backend does not list has no recorders at all."""
    config = org_sandbox.client("config", region="xx-fake-1")
    put_rule(config)
    org_sandbox.clock.advance(100)
    codes = {row.get("ErrorCode") for row in rule_accounts(config).values()}
    assert codes == {"NoAvailableConfigurationRecorderException"}


# -- the backend on its own ------------------------------------------------------------------


def test_unknown_operations_are_refused() -> None:
    """The backend refuses an operation it does not implement."""
    backend = Service(cast("World", object()), VirtualClock())
    with pytest.raises(ServiceError) as caught:
        backend.handle("PutConfigRule", {}, account_id="123456789012", region="us-east-1")
    assert (caught.value.code, caught.value.message) == (
        "UnknownOperationException",
        "The sandbox does not serve PutConfigRule.",
    )


@pytest.mark.parametrize("offset", [True, -1, 4, "1"])
def test_tokens_with_bad_offsets_are_refused(offset: object) -> None:
    """A token whose offset is not a whole number within the items is refused."""
    raw = {"o": offset, "q": "fp", "t": 0.0}
    token = base64.urlsafe_b64encode(json.dumps(raw).encode()).decode()
    with pytest.raises(ServiceError) as caught:
        _decode_token(token, "fp", 3, 0.0, None)
    assert caught.value.code == "InvalidNextTokenException"
    assert _decode_token(_encode_token(3, "fp", 0.0), "fp", 3, 0.0, None) == 3


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:config:us-east-1:123456789012:config-rule/x",
        "arn:aws:s3:::bucket",
        "not an arn",
    ],
)
def test_only_organization_arns_are_the_backends(arn: str) -> None:
    """Tagging calls are answered only for organization pack and rule ARNs."""
    assert not Service(cast("World", object()), VirtualClock()).owns_arn(arn)


def test_the_backend_answers_the_eleven_operations_and_tagging() -> None:
    """The operations the backend answers are the eleven organization ones plus tagging."""
    backend = Service(cast("World", object()), VirtualClock())
    tagging = {"ListTagsForResource", "TagResource", "UntagResource"}
    assert len(OPERATIONS) == 11
    assert backend.operations == OPERATIONS | tagging


# -- rule contents: managed identifiers and Guard syntax (issue 9) -------------------------------


def test_an_unknown_rule_identifier_is_refused_at_the_put(org_sandbox: Sandbox) -> None:
    """A put naming a misspelt identifier answers InvalidParameterValueException."""
    config = org_sandbox.client("config")
    with pytest.raises(ClientError) as caught:
        config.put_organization_config_rule(
            OrganizationConfigRuleName="misspelt",
            OrganizationManagedRuleMetadata={"RuleIdentifier": "S3_BUCKET_VERSIONING_ENABLE"},
        )
    code, message = error_of(caught)
    assert code == "InvalidParameterValueException"
    assert "S3_BUCKET_VERSIONING_ENABLE" in message
    assert config.describe_organization_config_rules()["OrganizationConfigRules"] == []


def test_an_identifier_added_to_the_service_is_accepted(org_sandbox: Sandbox) -> None:
    """Identifiers the test adds to extra_managed_rules are known (AWS's list grows)."""
    config = org_sandbox.client("config")
    org_sandbox._backend.extra_managed_rules.add("BRAND_NEW_RULE")  # no public switch yet
    config.put_organization_config_rule(
        OrganizationConfigRuleName="new",
        OrganizationManagedRuleMetadata={"RuleIdentifier": "BRAND_NEW_RULE"},
    )


@pytest.mark.org_sandbox(deploy_jitter=0.0)
def test_an_unknown_identifier_in_a_pack_fails_in_each_member(org_sandbox: Sandbox) -> None:
    """A pack naming an unknown identifier is accepted, then fails in every member account."""
    config = org_sandbox.client("config")
    put_pack(config, TemplateBody=TEMPLATE.replace("ENABLED", "ENABLE"))
    org_sandbox.clock.advance(66)
    assert pack_status(config)["Status"] == "CREATE_FAILED"
    rows = pack_accounts(config)
    assert list(rows) == everyone(org_sandbox)
    assert {row["Status"] for row in rows.values()} == {"CREATE_FAILED"}
    assert {row["ErrorCode"] for row in rows.values()} == {"InvalidParameterValueException"}
    assert all("S3_BUCKET_VERSIONING_ENABLE " in row["ErrorMessage"] for row in rows.values())


@pytest.mark.parametrize("policy", ["", "  \n"])
def test_an_empty_guard_policy_is_refused(org_sandbox: Sandbox, policy: str) -> None:
    """An empty or blank PolicyText is refused at the put, with or without the guard extra."""
    config = org_sandbox.client("config")
    with pytest.raises(ClientError) as caught:
        config.put_organization_config_rule(
            OrganizationConfigRuleName="guard",
            OrganizationCustomPolicyRuleMetadata={
                "PolicyRuntime": "guard-2.x.x",
                "PolicyText": policy,
            },
        )
    assert error_of(caught)[0] == "InvalidParameterValueException"


def test_a_guard_policy_that_does_not_parse_is_refused(org_sandbox: Sandbox) -> None:
    """With the guard extra, a PolicyText Guard cannot parse is refused at the put."""
    from orgconfig import guard

    if not guard.available():
        pytest.skip("the guard extra is not installed")
    config = org_sandbox.client("config")
    metadata: Any = {"PolicyRuntime": "guard-2.x.x", "PolicyText": "this is not guard {{{"}
    with pytest.raises(ClientError) as caught:
        config.put_organization_config_rule(
            OrganizationConfigRuleName="guard", OrganizationCustomPolicyRuleMetadata=metadata
        )
    assert error_of(caught)[0] == "InvalidParameterValueException"
    metadata["PolicyText"] = GUARD_POLICY
    config.put_organization_config_rule(
        OrganizationConfigRuleName="guard", OrganizationCustomPolicyRuleMetadata=metadata
    )


def test_without_guard_a_broken_policy_is_accepted(
    org_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the guard extra the sandbox cannot parse, so only empty policies are refused."""
    import sys

    from orgconfig import guard

    monkeypatch.setitem(sys.modules, guard.BINDING, None)
    config = org_sandbox.client("config")
    config.put_organization_config_rule(
        OrganizationConfigRuleName="guard",
        OrganizationCustomPolicyRuleMetadata={
            "PolicyRuntime": "guard-2.x.x",
            "PolicyText": "this is not guard {{{",
        },
    )
