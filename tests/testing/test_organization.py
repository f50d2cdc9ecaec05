"""An organization that changes under running packs and rules, through raw boto3."""

from __future__ import annotations

from typing import Any

import pytest

from orgconfig.testing import Sandbox
from tests.testing.test_service import (
    pack_accounts,
    pack_status,
    put_pack,
    put_rule,
    rule_accounts,
    rule_status,
)

HOURS = 3600


def test_a_joining_account_gets_the_pack_without_a_new_put(org_sandbox: Sandbox) -> None:
    """An account added to a running organization is deployed to; the aggregate goes and comes."""
    config = org_sandbox.client("config")
    put_pack(config)
    org_sandbox.clock.advance(100)
    assert pack_status(config)["Status"] == "CREATE_SUCCESSFUL"
    puts = org_sandbox.api_calls["PutOrganizationConformancePack"]
    joined = org_sandbox.add_account()
    assert joined in org_sandbox.member_account_ids
    assert pack_status(config)["Status"] == "CREATE_IN_PROGRESS"
    assert pack_accounts(config)[joined]["Status"] == "CREATE_IN_PROGRESS"
    org_sandbox.clock.advance(100)
    assert pack_status(config)["Status"] == "CREATE_SUCCESSFUL"
    assert pack_accounts(config)[joined]["Status"] == "CREATE_SUCCESSFUL"
    assert org_sandbox.api_calls["PutOrganizationConformancePack"] == puts


def test_an_account_created_through_boto3_gets_every_owners_rules(org_sandbox: Sandbox) -> None:
    """CreateAccount called by a test deploys the rules of the management account and of admins."""
    admin = org_sandbox.member_account_ids[0]
    admin_config = org_sandbox.as_delegated_admin(admin).client("config")
    config = org_sandbox.client("config")
    put_rule(config, name="from-management")
    put_rule(admin_config, name="from-admin")
    org_sandbox.clock.advance(100)
    created = org_sandbox.client("organizations").create_account(
        AccountName="late", Email="late@example.com"
    )
    joined = created["CreateAccountStatus"]["AccountId"]
    org_sandbox.add_recorder(joined)
    org_sandbox.clock.advance(100)
    for client, name in ((config, "from-management"), (admin_config, "from-admin")):
        row = rule_accounts(client, name)[joined]
        assert row["MemberAccountRuleStatus"] == "CREATE_SUCCESSFUL"


def test_a_deleting_pack_is_not_deployed_to_joining_accounts(org_sandbox: Sandbox) -> None:
    """An account joining while a pack is being deleted does not get it."""
    config = org_sandbox.client("config")
    put_pack(config)
    org_sandbox.clock.advance(100)
    config.delete_organization_conformance_pack(OrganizationConformancePackName="pack")
    joined = org_sandbox.add_account()
    assert joined not in pack_accounts(config)


@pytest.mark.parametrize(("wait", "outcome"), [(6 * HOURS, "SUCCESSFUL"), (8 * HOURS, "FAILED")])
def test_a_joining_account_without_a_recorder_is_retried_for_7_hours(
    org_sandbox: Sandbox, wait: int, outcome: str
) -> None:
    """A recorder within 7 hours lets the deployment succeed; later, the account has failed."""
    config = org_sandbox.client("config")
    put_rule(config)
    org_sandbox.clock.advance(100)
    joined = org_sandbox.add_account(recorder=False)
    org_sandbox.clock.advance(wait)
    assert rule_status(config)["OrganizationRuleStatus"] == (
        "CREATE_IN_PROGRESS" if outcome == "SUCCESSFUL" else "CREATE_FAILED"
    )
    org_sandbox.add_recorder(joined)
    org_sandbox.clock.advance(100)
    row = rule_accounts(config)[joined]
    assert row["MemberAccountRuleStatus"] == f"CREATE_{outcome}"
    if outcome == "FAILED":
        assert row["ErrorCode"] == "NoAvailableConfigurationRecorderException"
    assert rule_status(config)["OrganizationRuleStatus"] == f"CREATE_{outcome}"


def test_a_recorder_created_through_boto3_ends_the_wait(org_sandbox: Sandbox) -> None:
    """PutConfigurationRecorder called as the joining account counts as its recorder."""
    config = org_sandbox.client("config")
    put_rule(config)
    org_sandbox.clock.advance(100)
    joined = org_sandbox.add_account(recorder=False)
    org_sandbox.clock.advance(HOURS)
    member_config: Any = org_sandbox.client("config", account_id=joined)
    member_config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{joined}:role/config",
        }
    )
    org_sandbox.clock.advance(100)
    assert rule_accounts(config)[joined]["MemberAccountRuleStatus"] == "CREATE_SUCCESSFUL"


def test_a_leaving_account_drops_out_of_the_detailed_status(org_sandbox: Sandbox) -> None:
    """An account removed from the organization loses its packs and is no longer listed."""
    config = org_sandbox.client("config")
    put_pack(config)
    org_sandbox.clock.advance(100)
    leaving = org_sandbox.member_account_ids[1]
    org_sandbox.remove_account(leaving)
    assert leaving not in org_sandbox.member_account_ids
    assert leaving not in pack_accounts(config)
    assert pack_status(config)["Status"] == "CREATE_SUCCESSFUL"


def test_an_account_removed_through_boto3_drops_out(org_sandbox: Sandbox) -> None:
    """RemoveAccountFromOrganization called by a test removes the account's rules."""
    config = org_sandbox.client("config")
    put_rule(config)
    org_sandbox.clock.advance(100)
    leaving = org_sandbox.member_account_ids[0]
    org_sandbox.client("organizations").remove_account_from_organization(AccountId=leaving)
    assert leaving not in rule_accounts(config)


@pytest.mark.org_sandbox(accounts=3, ous={"Security": 1})
def test_accounts_move_between_ous_without_redeploying(org_sandbox: Sandbox) -> None:
    """A move changes the OU's members and leaves every deployment as it was."""
    config = org_sandbox.client("config")
    put_rule(config)
    org_sandbox.clock.advance(100)
    moved = org_sandbox.member_account_ids[2]
    org_sandbox.move_account(moved, "Security")
    assert moved in org_sandbox.ou_members["Security"]
    added = org_sandbox.add_account(ou="Security")
    assert org_sandbox.ou_members["Security"][-1] == added
    assert rule_accounts(config)[moved]["MemberAccountRuleStatus"] == "CREATE_SUCCESSFUL"


def test_moving_an_unknown_account_is_refused(org_sandbox: Sandbox) -> None:
    """move_account names an account of the organization."""
    with pytest.raises(ValueError, match="not an account"):
        org_sandbox.move_account("999999999999", "Security")


def test_a_suspended_joining_account_fails(org_sandbox: Sandbox) -> None:
    """A put after an account was suspended fails there; the others succeed."""
    config = org_sandbox.client("config")
    suspended = org_sandbox.member_account_ids[0]
    org_sandbox.suspend_account(suspended)
    put_rule(config)
    org_sandbox.clock.advance(100)
    assert rule_accounts(config)[suspended]["MemberAccountRuleStatus"] == "CREATE_FAILED"
    assert rule_status(config)["OrganizationRuleStatus"] == "CREATE_FAILED"
