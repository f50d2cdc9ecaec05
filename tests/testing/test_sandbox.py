"""The public sandbox: building the organization, identities, the contract, time and scale."""

from __future__ import annotations

import collections
import os
import threading
from typing import Any

import boto3
import botocore.endpoint
import pytest
from botocore.exceptions import ClientError

import orgconfig.testing
from orgconfig._clock import current_clock
from orgconfig.testing import Quotas, Sandbox, VirtualClock, sandbox

RULE: Any = {"RuleIdentifier": "S3_BUCKET_VERSIONING_ENABLED"}
TEMPLATE = """\
Resources:
  S3Versioning:
    Type: AWS::Config::ConfigRule
    Properties:
      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}
"""

# botocore.endpoint's ``time`` name is not in botocore's type stubs.
ENDPOINT: Any = botocore.endpoint


def account_of(session: boto3.Session) -> str:
    """The account a session acts as, according to STS."""
    account: str = session.client("sts").get_caller_identity()["Account"]
    return account


# -- the contract ----------------------------------------------------------------------------


def test_the_contract() -> None:
    """The names later issues rely on exist and behave as documented."""
    with sandbox(accounts=5, regions=("us-east-1", "eu-west-1"), seed=0) as sb:
        assert isinstance(sb.management_account_id, str)
        assert len(sb.member_account_ids) == 5
        assert all(isinstance(a, str) and len(a) == 12 for a in sb.member_account_ids)
        assert isinstance(sb.clock, VirtualClock)
        before = sb.clock.now()
        sb.clock.advance(10)
        assert (sb.clock.now() - before).total_seconds() == 10
        sb.set_deploy_duration(5)
        sb.set_deploy_duration(50, account_id=sb.member_account_ids[0])
        sb.fail_account(sb.member_account_ids[1], error_code="InternalException")
        sb.remove_recorder(sb.member_account_ids[2])
        sb.faults(throttle_rate=0.0, server_error_rate=0.0, stuck_aggregate_status=False)
        assert isinstance(sb.api_calls, collections.Counter)
        admin = sb.as_delegated_admin(sb.member_account_ids[3])
        assert isinstance(admin, boto3.Session)
        assert admin.region_name == "us-east-1"
        assert account_of(admin) == sb.member_account_ids[3]


def test_public_names_report_the_public_module() -> None:
    """The package exports its names with orgconfig.testing as their module."""
    assert orgconfig.testing.__all__ == [
        "OPERATIONS",
        "Quotas",
        "Sandbox",
        "VirtualClock",
        "sandbox",
    ]
    for name in ("Quotas", "Sandbox", "VirtualClock", "sandbox"):
        assert getattr(orgconfig.testing, name).__module__ == "orgconfig.testing"
    assert len(orgconfig.testing.OPERATIONS) == 11
    assert "sandbox" in dir(orgconfig.testing)
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = orgconfig.testing.nope


def test_the_default_client_is_the_management_account(org_sandbox: Sandbox) -> None:
    """boto3.client() inside the block acts as the management account in the first region."""
    assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
    assert boto3.client("sts").get_caller_identity()["Account"] == (
        org_sandbox.management_account_id
    )
    assert org_sandbox.management_account_id == "123456789012"


# -- the organization ------------------------------------------------------------------------


def test_account_ids_are_seeded() -> None:
    """The same seed builds the same accounts; another seed, other ones."""

    def ids(seed: int) -> list[str]:
        with sandbox(accounts=4, seed=seed) as sb:
            return sb.member_account_ids

    first = ids(0)
    assert first == ids(0)
    assert first != ids(1)
    assert len(set(first)) == 4
    assert "123456789012" not in first


def test_the_organization_has_all_features_and_the_accounts(org_sandbox: Sandbox) -> None:
    """Organizations reports the organization, its feature set and every account as ACTIVE."""
    organizations = org_sandbox.client("organizations")
    org = organizations.describe_organization()["Organization"]
    assert org["Id"] == org_sandbox.organization_id
    assert org["FeatureSet"] == "ALL"
    assert org["MasterAccountId"] == org_sandbox.management_account_id
    accounts = organizations.list_accounts()["Accounts"]
    assert {a["Id"] for a in accounts} == {
        org_sandbox.management_account_id,
        *org_sandbox.member_account_ids,
    }
    assert {a["Status"] for a in accounts} == {"ACTIVE"}
    roots = organizations.list_roots()["Roots"]
    assert roots[0]["Id"] == org_sandbox.root_id


@pytest.mark.org_sandbox(accounts=5, ous={"Security": 2, "Workloads": 1})
def test_accounts_are_placed_in_ous(org_sandbox: Sandbox) -> None:
    """ous= creates OUs under the root and moves that many members, in order, into each."""
    members = org_sandbox.member_account_ids
    assert org_sandbox.ou_members == {"Security": members[:2], "Workloads": members[2:3]}
    organizations = org_sandbox.client("organizations")
    for name, ou_id in org_sandbox.ou_ids.items():
        children = organizations.list_accounts_for_parent(ParentId=ou_id)["Accounts"]
        assert sorted(a["Id"] for a in children) == sorted(org_sandbox.ou_members[name])
    assert org_sandbox.root_id is not None
    at_root = organizations.list_accounts_for_parent(ParentId=org_sandbox.root_id)["Accounts"]
    assert sorted(a["Id"] for a in at_root) == sorted(
        [org_sandbox.management_account_id, *members[3:]]
    )


@pytest.mark.org_sandbox(feature_set="CONSOLIDATED_BILLING")
def test_consolidated_billing_on_request(org_sandbox: Sandbox) -> None:
    """feature_set="CONSOLIDATED_BILLING" builds an organization without all features."""
    org = org_sandbox.client("organizations").describe_organization()["Organization"]
    assert org["FeatureSet"] == "CONSOLIDATED_BILLING"


@pytest.mark.org_sandbox(accounts=0, feature_set=None)
def test_no_organization_on_request(org_sandbox: Sandbox) -> None:
    """feature_set=None leaves the management account outside any organization."""
    assert org_sandbox.organization_id is None
    assert org_sandbox.root_id is None
    assert org_sandbox.member_account_ids == []
    with pytest.raises(ClientError) as caught:
        org_sandbox.client("organizations").describe_organization()
    assert caught.value.response["Error"]["Code"] == "AWSOrganizationsNotInUseException"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"accounts": -1}, "accounts must be >= 0, got -1"),
        ({"regions": ()}, "regions must be a non-empty sequence"),
        ({"regions": "us-east-1"}, "regions must be a non-empty sequence"),
        ({"feature_set": "SOME"}, "feature_set must be 'ALL', 'CONSOLIDATED_BILLING' or None"),
        ({"feature_set": None}, "member accounts need an organization"),
        ({"ous": {"A": 4}}, "the OUs hold 4 accounts but the sandbox has 3"),
        ({"ous": {"A": -1}}, "the OUs hold -1 accounts but the sandbox has 3"),
        ({"accounts": 0, "feature_set": None, "ous": {"A": 0}}, "OUs need an organization"),
        ({"deploy_duration": -1.0}, "deploy_duration must be >= 0"),
        ({"deploy_jitter": 2.0}, "deploy_jitter must be between 0 and 1"),
    ],
)
def test_bad_settings_are_refused(kwargs: dict[str, Any], message: str) -> None:
    """Settings that cannot make an organization are refused before anything starts."""
    settings: dict[str, Any] = {"accounts": 3, **kwargs}
    with pytest.raises(ValueError, match=message), sandbox(**settings):
        pass


# -- recorders -------------------------------------------------------------------------------


def recorder_names(sb: Sandbox, account_id: str, region: str | None = None) -> list[str]:
    """The configuration recorders an account has in a region, as its own client sees them."""
    config = sb.client("config", region=region, account_id=account_id)
    return [r["name"] for r in config.describe_configuration_recorders()["ConfigurationRecorders"]]


@pytest.mark.org_sandbox(regions=("us-east-1", "eu-west-1"))
def test_every_account_has_a_recorder_in_every_region(org_sandbox: Sandbox) -> None:
    """By default members and the management account have a recorder in each sandbox region."""
    for account_id in [org_sandbox.management_account_id, *org_sandbox.member_account_ids]:
        for region in org_sandbox.regions:
            assert recorder_names(org_sandbox, account_id, region) == ["default"]


@pytest.mark.org_sandbox(recorders=False, management_recorder=False)
def test_recorders_can_be_left_out(org_sandbox: Sandbox) -> None:
    """recorders=False and management_recorder=False give nobody a recorder."""
    for account_id in [org_sandbox.management_account_id, *org_sandbox.member_account_ids]:
        assert recorder_names(org_sandbox, account_id) == []


@pytest.mark.org_sandbox(recorders=[0, 2])
def test_recorders_for_chosen_members(org_sandbox: Sandbox) -> None:
    """recorders= lists the members that get one, by index or by id."""
    members = org_sandbox.member_account_ids
    assert [bool(recorder_names(org_sandbox, a)) for a in members] == [True, False, True]


def test_recorders_by_account_id() -> None:
    """recorders= also takes account ids (known in advance thanks to the seed)."""
    with sandbox(accounts=2, seed=5) as sb:
        chosen = sb.member_account_ids[1]
    with sandbox(accounts=2, seed=5, recorders=[chosen]) as sb:
        assert sb.member_account_ids[1] == chosen
        assert recorder_names(sb, chosen) == ["default"]
        assert recorder_names(sb, sb.member_account_ids[0]) == []


@pytest.mark.org_sandbox(regions=("us-east-1", "eu-west-1"))
def test_recorders_can_be_removed_and_added_per_region(org_sandbox: Sandbox) -> None:
    """remove_recorder and add_recorder act in one region, or in every sandbox region."""
    member = org_sandbox.member_account_ids[0]
    org_sandbox.remove_recorder(member, region="eu-west-1")
    assert recorder_names(org_sandbox, member, "us-east-1") == ["default"]
    assert recorder_names(org_sandbox, member, "eu-west-1") == []
    org_sandbox.remove_recorder(member)
    assert recorder_names(org_sandbox, member, "us-east-1") == []
    org_sandbox.add_recorder(member, region="eu-west-1")
    assert recorder_names(org_sandbox, member, "eu-west-1") == ["default"]
    org_sandbox.add_recorder(member)  # already there in eu-west-1: kept, added in us-east-1
    assert recorder_names(org_sandbox, member, "us-east-1") == ["default"]


@pytest.mark.org_sandbox(management_recorder=False)
def test_the_management_account_is_deployed_to(org_sandbox: Sandbox) -> None:
    """AWS deploys to the management account too: without a recorder it fails there."""
    config = org_sandbox.client("config")
    config.put_organization_config_rule(
        OrganizationConfigRuleName="r", OrganizationManagedRuleMetadata=RULE
    )
    org_sandbox.clock.advance(100)
    rows = config.get_organization_config_rule_detailed_status(OrganizationConfigRuleName="r")[
        "OrganizationConfigRuleDetailedStatus"
    ]
    failed = [r["AccountId"] for r in rows if r["MemberAccountRuleStatus"] == "CREATE_FAILED"]
    assert failed == [org_sandbox.management_account_id]


# -- identities ------------------------------------------------------------------------------


def test_sessions_act_as_their_account(org_sandbox: Sandbox) -> None:
    """session, session_for and client act as the account asked for, in or out of the org."""
    member = org_sandbox.member_account_ids[1]
    assert account_of(org_sandbox.session) == org_sandbox.management_account_id
    assert account_of(org_sandbox.session_for(member)) == member
    assert account_of(org_sandbox.session_for("999999999999")) == "999999999999"
    sts = org_sandbox.client("sts", account_id=member, region="eu-west-1")
    assert sts.get_caller_identity()["Account"] == member
    assert sts.meta.region_name == "eu-west-1"


def test_sessions_and_clients_are_cached(org_sandbox: Sandbox) -> None:
    """The same account and region give the same session and the same client."""
    member = org_sandbox.member_account_ids[0]
    assert org_sandbox.session_for(member) is org_sandbox.session_for(member)
    assert org_sandbox.session_for(member) is not org_sandbox.session_for(member, "eu-west-1")
    assert org_sandbox.client("config") is org_sandbox.client("config")


@pytest.mark.org_sandbox(accounts=4)
def test_delegated_admins_are_registered_once_and_at_most_three(org_sandbox: Sandbox) -> None:
    """as_delegated_admin is idempotent; a fourth admin gets the Organizations error."""
    members = org_sandbox.member_account_ids
    for account_id in members[:3]:
        org_sandbox.as_delegated_admin(account_id)
    org_sandbox.as_delegated_admin(members[0])
    listed = org_sandbox.client("organizations").list_delegated_administrators(
        ServicePrincipal="config-multiaccountsetup.amazonaws.com"
    )["DelegatedAdministrators"]
    assert sorted(a["Id"] for a in listed) == sorted(members[:3])
    with pytest.raises(ClientError) as caught:
        org_sandbox.as_delegated_admin(members[3])
    assert caught.value.response["Error"]["Code"] == "ConstraintViolationException"


def test_a_delegated_admin_can_deploy(org_sandbox: Sandbox) -> None:
    """A registered delegated administrator puts and reads its own rules."""
    admin = org_sandbox.as_delegated_admin(org_sandbox.member_account_ids[0]).client("config")
    arn = admin.put_organization_config_rule(
        OrganizationConfigRuleName="r", OrganizationManagedRuleMetadata=RULE
    )["OrganizationConfigRuleArn"]
    assert f":{org_sandbox.member_account_ids[0]}:organization-config-rule/r-" in arn


# -- lifecycle -------------------------------------------------------------------------------


def test_a_sandbox_runs_once() -> None:
    """A Sandbox object cannot be entered twice."""
    sb = sandbox(accounts=1)
    with sb:
        pass
    with pytest.raises(RuntimeError, match="a Sandbox runs once"), sb:
        pass


def test_attributes_need_a_running_sandbox() -> None:
    """Outside its block a sandbox refuses to act, and says why."""
    sb = sandbox(accounts=1)
    with pytest.raises(RuntimeError, match="not running: use it in a `with` block"):
        _ = sb.member_account_ids
    with pytest.raises(RuntimeError, match="not running"):
        sb.faults(throttle_rate=0.5)
    assert sb.regions == ("us-east-1",)
    assert sb.seed == 0
    assert repr(sb) == "Sandbox(stopped, accounts=1, regions=('us-east-1',), seed=0)"


def test_the_block_installs_and_removes_its_clocks() -> None:
    """Inside the block orgconfig and botocore wait on the virtual clock; afterwards not."""
    real_time = ENDPOINT.time
    saved_region = os.environ.get("AWS_DEFAULT_REGION")
    with sandbox(accounts=1, regions=("eu-central-1",)) as sb:
        assert current_clock() is sb.clock
        assert ENDPOINT.time is not real_time
        assert os.environ["AWS_DEFAULT_REGION"] == "eu-central-1"
        assert repr(sb).startswith("Sandbox(running")
    assert current_clock() is not sb.clock
    assert ENDPOINT.time is real_time
    assert os.environ.get("AWS_DEFAULT_REGION") == saved_region


def test_an_error_inside_the_block_still_cleans_up() -> None:
    """An exception in the block stops the sandbox, so another can start."""
    with pytest.raises(KeyError), sandbox(accounts=1):
        raise KeyError("boom")
    with sandbox(accounts=1) as sb:
        assert (
            sb.client("config").describe_organization_config_rules()["OrganizationConfigRules"]
            == []
        )


def test_calls_from_threads_are_safe(org_sandbox: Sandbox) -> None:
    """Puts from many threads at once all land."""
    org_sandbox.client("config")  # create the cached client before the threads share it
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            org_sandbox.client("config").put_organization_config_rule(
                OrganizationConfigRuleName=f"r{index}", OrganizationManagedRuleMetadata=RULE
            )
        except BaseException as e:  # collected and re-raised in the test thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    rules = org_sandbox.client("config").describe_organization_config_rules()
    assert len(rules["OrganizationConfigRules"]) == 8
    assert org_sandbox.api_calls["PutOrganizationConfigRule"] == 8


# -- time at scale ---------------------------------------------------------------------------


def test_a_30_minute_deployment_to_100_accounts_is_waited_on_virtually() -> None:
    """Polling a 100-account, 30-minute deployment with boto3 advances only the virtual clock."""
    with sandbox(accounts=100, seed=0) as sb:
        sb.set_deploy_duration(1800)
        config = boto3.client("config")
        config.put_organization_conformance_pack(
            OrganizationConformancePackName="baseline", TemplateBody=TEMPLATE
        )
        clock = current_clock()
        polls = 0
        while True:
            clock.sleep(30)  # first, past the read lag after the put
            status = config.describe_organization_conformance_pack_statuses(
                OrganizationConformancePackNames=["baseline"]
            )["OrganizationConformancePackStatuses"][0]["Status"]
            if not status.endswith("_IN_PROGRESS"):
                break
            polls += 1
        paginator = config.get_paginator("get_organization_conformance_pack_detailed_status")
        rows = [
            row
            for page in paginator.paginate(OrganizationConformancePackName="baseline")
            for row in page["OrganizationConformancePackDetailedStatuses"]
        ]
        assert status == "CREATE_SUCCESSFUL"
        assert len(rows) == 101
        assert {row["Status"] for row in rows} == {"CREATE_SUCCESSFUL"}
        assert sb.clock.monotonic() >= 1800
        assert polls >= 60


def test_the_environment_region_is_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    """A region set before the block is back after it."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    with sandbox(accounts=1) as sb:
        assert os.environ["AWS_DEFAULT_REGION"] == sb.regions[0] == "us-east-1"
    assert os.environ["AWS_DEFAULT_REGION"] == "ap-northeast-1"


@pytest.mark.org_sandbox(quotas=Quotas(config_rules=7))
def test_the_quotas_are_visible(org_sandbox: Sandbox) -> None:
    """The sandbox exposes the quotas it enforces."""
    assert org_sandbox.quotas == Quotas(config_rules=7)


def test_start_and_stop_outside_a_with_block() -> None:
    """start() runs a sandbox for an interactive session, and stop() ends it (twice is harmless)."""
    sb = sandbox(accounts=2).start()
    try:
        assert len(sb.member_account_ids) == 2
        assert repr(sb).startswith("Sandbox(running")
    finally:
        sb.stop()
    sb.stop()
    assert repr(sb).startswith("Sandbox(stopped")
    with pytest.raises(RuntimeError, match="call start"):
        _ = sb.member_account_ids


def test_config_principals_can_be_delegated_and_the_limit_has_a_reason() -> None:
    """config.amazonaws.com can be delegated too; a 4th Config admin is refused with a Reason."""
    with sandbox(accounts=5) as sb:
        orgs = sb.client("organizations")
        members = sb.member_account_ids
        orgs.register_delegated_administrator(
            AccountId=members[0], ServicePrincipal="config.amazonaws.com"
        )
        for account in members[:3]:
            sb.as_delegated_admin(account)
        with pytest.raises(ClientError) as info:
            orgs.register_delegated_administrator(
                AccountId=members[3], ServicePrincipal="config-multiaccountsetup.amazonaws.com"
            )
        error = info.value.response["Error"]
        assert error["Code"] == "ConstraintViolationException"
        reason = info.value.response["Reason"]  # type: ignore[typeddict-item]  # modelled member
        assert reason == "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED"


def test_a_put_creates_the_service_linked_role_under_its_aws_name() -> None:
    """The caller gets AWSServiceRoleForConfigMultiAccountSetup, as in AWS."""
    with sandbox(accounts=1) as sb:
        sb.client("config").put_organization_config_rule(
            OrganizationConfigRuleName="r",
            OrganizationManagedRuleMetadata={"RuleIdentifier": "S3_BUCKET_VERSIONING_ENABLED"},
        )
        role = sb.client("iam").get_role(RoleName="AWSServiceRoleForConfigMultiAccountSetup")
        assert role["Role"]["Path"] == "/aws-service-role/config-multiaccountsetup.amazonaws.com/"
