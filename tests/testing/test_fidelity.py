"""AWS's rough edges in the sandbox: the quirk, read lag, expiring tokens, S3 permissions, bytes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from orgconfig.testing import Sandbox, sandbox
from orgconfig.testing._policies import Access, allowed
from tests.testing.test_service import (
    TEMPLATE,
    error_of,
    pack_accounts,
    pack_status,
    put_pack,
    put_rule,
    rule_accounts,
    rule_status,
)

# -- the delegated-admin quirk -----------------------------------------------------------------


def test_the_quirk_is_on_for_a_delegated_admin_by_default(org_sandbox: Sandbox) -> None:
    """A delegated admin's rule stays CREATE_IN_PROGRESS though every account succeeded."""
    admin = org_sandbox.as_delegated_admin(org_sandbox.member_account_ids[0])
    config = admin.client("config")
    put_rule(config)
    org_sandbox.clock.advance(3600)
    assert rule_status(config)["OrganizationRuleStatus"] == "CREATE_IN_PROGRESS"
    rows = rule_accounts(config).values()
    assert {r["MemberAccountRuleStatus"] for r in rows} == {"CREATE_SUCCESSFUL"}


def test_the_quirk_is_off_for_the_management_account(org_sandbox: Sandbox) -> None:
    """The management account's rule ends CREATE_SUCCESSFUL under the default settings."""
    config = org_sandbox.client("config")
    put_rule(config)
    org_sandbox.clock.advance(3600)
    assert rule_status(config)["OrganizationRuleStatus"] == "CREATE_SUCCESSFUL"


@pytest.mark.org_sandbox(delegated_admin_quirk=False)
def test_the_quirk_can_be_switched_off(org_sandbox: Sandbox) -> None:
    """With delegated_admin_quirk=False a delegated admin's rule ends CREATE_SUCCESSFUL."""
    config = org_sandbox.as_delegated_admin(org_sandbox.member_account_ids[0]).client("config")
    put_rule(config)
    org_sandbox.clock.advance(3600)
    assert rule_status(config)["OrganizationRuleStatus"] == "CREATE_SUCCESSFUL"


def test_a_delegated_admins_deleted_rule_disappears_despite_the_quirk(
    org_sandbox: Sandbox,
) -> None:
    """Under the quirk a delete shows DELETE_IN_PROGRESS until the name is gone."""
    config = org_sandbox.as_delegated_admin(org_sandbox.member_account_ids[0]).client("config")
    put_rule(config)
    org_sandbox.clock.advance(100)
    config.delete_organization_config_rule(OrganizationConfigRuleName="rule")
    org_sandbox.clock.advance(100)
    assert rule_status(config)["OrganizationRuleStatus"] == "DELETE_IN_PROGRESS"
    org_sandbox.clock.advance(300)
    assert config.describe_organization_config_rules()["OrganizationConfigRules"] == []


# -- read-after-write lag ------------------------------------------------------------------------


@pytest.mark.org_sandbox(read_lag=5)
def test_a_new_name_is_not_found_right_after_its_put(org_sandbox: Sandbox) -> None:
    """Within the lag a new pack is NoSuch... by name and absent from listings, then shows."""
    config = org_sandbox.client("config")
    put_pack(config)
    with pytest.raises(ClientError) as caught:
        pack_status(config)
    assert error_of(caught)[0] == "NoSuchOrganizationConformancePackException"
    assert config.describe_organization_conformance_packs()["OrganizationConformancePacks"] == []
    org_sandbox.clock.advance(5)
    assert pack_status(config)["Status"] == "CREATE_IN_PROGRESS"


@pytest.mark.org_sandbox(read_lag=5)
def test_reads_right_after_an_update_show_the_previous_result(org_sandbox: Sandbox) -> None:
    """Within the lag an update still reads CREATE_SUCCESSFUL with the old time, then moves."""
    config = org_sandbox.client("config")
    put_rule(config)
    org_sandbox.clock.advance(100)
    before = rule_status(config)
    put_rule(config, ExcludedAccounts=[org_sandbox.member_account_ids[0]])
    put_time = org_sandbox.clock.now()
    stale = rule_status(config)
    assert stale == before
    assert stale["LastUpdateTime"] < put_time
    assert org_sandbox.member_account_ids[0] in rule_accounts(config)
    org_sandbox.clock.advance(5)
    fresh = rule_status(config)
    assert fresh["OrganizationRuleStatus"] == "UPDATE_IN_PROGRESS"
    assert fresh["LastUpdateTime"] == put_time


@pytest.mark.org_sandbox(read_lag=5)
def test_writes_see_the_truth_during_the_lag(org_sandbox: Sandbox) -> None:
    """A second put right after the first meets ResourceInUseException, lag or not."""
    config = org_sandbox.client("config")
    put_rule(config)
    with pytest.raises(ClientError) as caught:
        put_rule(config)
    assert error_of(caught)[0] == "ResourceInUseException"


def test_the_lag_is_on_by_default() -> None:
    """A sandbox started with the defaults hides a new rule for a few seconds."""
    with sandbox(accounts=1) as sb:
        config = sb.client("config")
        put_rule(config)
        assert config.describe_organization_config_rules()["OrganizationConfigRules"] == []
        sb.clock.advance(5)
        assert len(config.describe_organization_config_rules()["OrganizationConfigRules"]) == 1


# -- NextToken expiry --------------------------------------------------------------------------


@pytest.mark.org_sandbox(next_token_ttl=600)
def test_a_next_token_expires(org_sandbox: Sandbox) -> None:
    """A token used within its time pages on; after next_token_ttl it is InvalidNextToken."""
    config = org_sandbox.client("config")
    for name in ("a", "b", "c"):
        put_rule(config, name=name)
    token = config.describe_organization_config_rules(Limit=1)["NextToken"]
    org_sandbox.clock.advance(600)
    assert (
        len(
            config.describe_organization_config_rules(NextToken=token, Limit=1)[
                "OrganizationConfigRules"
            ]
        )
        == 1
    )
    org_sandbox.clock.advance(1)
    with pytest.raises(ClientError) as caught:
        config.describe_organization_config_rules(NextToken=token, Limit=1)
    assert error_of(caught)[0] == "InvalidNextTokenException"


@pytest.mark.org_sandbox(next_token_ttl=None)
def test_tokens_can_live_forever(org_sandbox: Sandbox) -> None:
    """With next_token_ttl=None a token is valid days later."""
    config = org_sandbox.client("config")
    for name in ("a", "b"):
        put_rule(config, name=name)
    token = config.describe_organization_config_rules(Limit=1)["NextToken"]
    org_sandbox.clock.advance(7 * 86400)
    page = config.describe_organization_config_rules(NextToken=token)
    assert [r["OrganizationConfigRuleName"] for r in page["OrganizationConfigRules"]] == ["b"]


# -- S3 permissions ----------------------------------------------------------------------------


def _bucket(sb: Sandbox, owner: str, name: str, policy: dict[str, Any] | None = None) -> Any:
    s3 = sb.client("s3", account_id=owner)
    s3.create_bucket(Bucket=name)
    if policy is not None:
        s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
    return s3


def _statement(action: str, resource: str, condition: dict[str, Any]) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": "*",
        "Action": action,
        "Resource": resource,
        "Condition": condition,
    }


def test_a_template_in_another_accounts_bucket_is_insufficient_permissions(
    org_sandbox: Sandbox,
) -> None:
    """A TemplateS3Uri in a bucket of another account without a policy for the caller is refused."""
    s3 = _bucket(org_sandbox, org_sandbox.member_account_ids[0], "their-templates")
    s3.put_object(Bucket="their-templates", Key="pack.yaml", Body=TEMPLATE.encode())
    config = org_sandbox.client("config")
    with pytest.raises(ClientError) as caught:
        put_pack(config, TemplateS3Uri="s3://their-templates/pack.yaml")
    assert error_of(caught)[0] == "InsufficientPermissionsException"


def test_a_bucket_policy_for_the_organization_lets_the_caller_read(org_sandbox: Sandbox) -> None:
    """A bucket policy allowing s3:GetObject to the caller's organization lets the put through."""
    condition = {"StringEquals": {"aws:PrincipalOrgID": org_sandbox.organization_id}}
    policy = {
        "Version": "2012-10-17",
        "Statement": [_statement("s3:GetObject", "arn:aws:s3:::shared-templates/*", condition)],
    }
    owner = org_sandbox.member_account_ids[0]
    s3 = _bucket(org_sandbox, owner, "shared-templates", policy)
    s3.put_object(Bucket="shared-templates", Key="pack.yaml", Body=TEMPLATE.encode())
    put_pack(org_sandbox.client("config"), TemplateS3Uri="s3://shared-templates/pack.yaml")


def test_an_explicit_deny_refuses_the_owner_too(org_sandbox: Sandbox) -> None:
    """A Deny statement for everyone refuses the bucket's own account."""
    deny = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}
    management = org_sandbox.management_account_id
    s3 = _bucket(org_sandbox, management, "locked")
    s3.put_object(Bucket="locked", Key="pack.yaml", Body=TEMPLATE.encode())
    s3.put_bucket_policy(Bucket="locked", Policy=json.dumps({"Statement": [deny]}))
    with pytest.raises(ClientError) as caught:
        put_pack(org_sandbox.client("config"), TemplateS3Uri="s3://locked/pack.yaml")
    assert error_of(caught)[0] == "InsufficientPermissionsException"


def test_a_delivery_bucket_without_a_policy_fails_the_member_accounts(
    org_sandbox: Sandbox,
) -> None:
    """Members may not write to the management account's bucket without a policy: they fail."""
    management = org_sandbox.management_account_id
    _bucket(org_sandbox, management, "awsconfigconforms-results")
    config = org_sandbox.client("config")
    put_pack(config, DeliveryS3Bucket="awsconfigconforms-results")
    org_sandbox.clock.advance(100)
    rows = pack_accounts(config)
    assert rows[management]["Status"] == "CREATE_SUCCESSFUL"
    for member in org_sandbox.member_account_ids:
        assert (rows[member]["Status"], rows[member]["ErrorCode"]) == (
            "CREATE_FAILED",
            "InsufficientPermissionsException",
        )
    assert pack_status(config)["Status"] == "CREATE_FAILED"


def test_the_documented_delivery_bucket_policy_lets_every_account_write(
    org_sandbox: Sandbox,
) -> None:
    """The developer guide's policy (PutObject for the organization's conforms role) works."""
    bucket = "awsconfigconforms-results"
    condition = {
        "StringEquals": {"aws:PrincipalOrgID": org_sandbox.organization_id},
        "ArnLike": {
            "aws:PrincipalArn": "arn:aws:iam::*:role/aws-service-role/"
            "config-conforms.amazonaws.com/AWSServiceRoleForConfigConforms"
        },
    }
    policy = {
        "Statement": [
            _statement("s3:PutObject", f"arn:aws:s3:::{bucket}/*", condition),
            _statement("s3:GetBucketAcl", f"arn:aws:s3:::{bucket}", condition),
        ]
    }
    _bucket(org_sandbox, org_sandbox.management_account_id, bucket, policy)
    config = org_sandbox.client("config")
    put_pack(config, DeliveryS3Bucket=bucket, DeliveryS3KeyPrefix="results")
    org_sandbox.clock.advance(100)
    assert pack_status(config)["Status"] == "CREATE_SUCCESSFUL"


def test_policies_read_principals_actions_and_conditions() -> None:
    """The evaluator lets the named account in and refuses others, wildcards and negations too."""
    access = Access("111111111111", "s3:GetObject", "arn:aws:s3:::b/k", org_id="o-1")
    named = {
        "Statement": {
            "Effect": "Allow",
            "Principal": {"AWS": ["arn:aws:iam::111111111111:root"]},
            "Action": "s3:Get*",
            "Resource": "arn:aws:s3:::b/*",
        }
    }
    assert allowed(json.dumps(named), access, owner="222222222222")
    other = Access("333333333333", "s3:GetObject", "arn:aws:s3:::b/k")
    assert not allowed(json.dumps(named), other, owner="222222222222")
    not_action = {
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "NotAction": "s3:Put*", "Resource": "*"},
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}},
            },
        ]
    }
    assert allowed(json.dumps(not_action), access, owner="222222222222")
    unknown = {
        "Statement": {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "*",
            "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
        }
    }
    assert not allowed(json.dumps(unknown), access, owner="222222222222")
    assert not allowed(b"not json", access, owner="222222222222")
    assert allowed(None, access, owner="111111111111")


# -- byte-accurate template size ------------------------------------------------------------------


def test_template_body_is_measured_in_utf8_bytes(org_sandbox: Sandbox) -> None:
    """A body of 30,000 two-byte characters (60,000 bytes) is over the 51,200-byte limit."""
    body = TEMPLATE + "#" + "é" * 30_000 + "\n"
    with pytest.raises(ClientError) as caught:
        put_pack(org_sandbox.client("config"), TemplateBody=body)
    code, message = error_of(caught)
    assert code == "ValidationException"
    assert "templateBody" in message
