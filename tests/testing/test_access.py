"""AWS's access rules the sandbox adds to moto: members reading Organizations, STS AssumeRole."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from orgconfig import AccessDeniedError, Organization
from orgconfig.testing import Sandbox, sandbox


def error_code(caught: pytest.ExceptionInfo[ClientError]) -> str:
    """The AWS error code of a ClientError."""
    return str(caught.value.response["Error"]["Code"])


@pytest.fixture
def sb() -> Any:
    """Three members; the first a delegated administrator of AWS Config."""
    with sandbox(accounts=3, read_lag=0.0) as box:
        box.as_delegated_admin(box.member_account_ids[0])
        yield box


# -- Organizations, from member accounts -----------------------------------------------------


def test_a_delegated_admin_reads_the_management_accounts_view(sb: Sandbox) -> None:
    """A delegated administrator lists every account, root and delegation of the organization."""
    orgs = sb.client("organizations", account_id=sb.member_account_ids[0])
    listed = {a["Id"] for a in orgs.list_accounts()["Accounts"]}
    assert listed == {sb.management_account_id, *sb.member_account_ids}
    assert orgs.list_roots()["Roots"][0]["Id"] == sb.root_id
    services = orgs.list_delegated_services_for_account(AccountId=sb.member_account_ids[0])
    assert [s["ServicePrincipal"] for s in services["DelegatedServices"]] == [
        "config-multiaccountsetup.amazonaws.com"
    ]
    admins = orgs.list_delegated_administrators()["DelegatedAdministrators"]
    assert [a["Id"] for a in admins] == [sb.member_account_ids[0]]


def test_a_delegated_admin_of_any_service_may_read(sb: Sandbox) -> None:
    """Being a delegated administrator of another service is enough to read the organization."""
    member = sb.member_account_ids[1]
    sb.client("organizations").register_delegated_administrator(
        AccountId=member, ServicePrincipal="guardduty.amazonaws.com"
    )
    orgs = sb.client("organizations", account_id=member)
    assert len(orgs.list_accounts()["Accounts"]) == 4


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("list_accounts", {}),
        ("list_roots", {}),
        ("list_aws_service_access_for_organization", {}),
        ("list_delegated_administrators", {}),
        ("list_delegated_services_for_account", {"AccountId": "123456789012"}),
        ("list_tags_for_resource", {"ResourceId": "123456789012"}),
    ],
)
def test_a_plain_member_may_not_read(sb: Sandbox, operation: str, params: dict[str, Any]) -> None:
    """A member that is no delegated administrator gets AccessDeniedException for reads."""
    orgs = sb.client("organizations", account_id=sb.member_account_ids[2])
    with pytest.raises(ClientError) as caught:
        getattr(orgs, operation)(**params)
    assert error_code(caught) == "AccessDeniedException"


def test_any_member_may_describe_its_organization(sb: Sandbox) -> None:
    """DescribeOrganization is allowed from any account of the organization, as in AWS."""
    orgs = sb.client("organizations", account_id=sb.member_account_ids[2])
    described = orgs.describe_organization()["Organization"]
    assert described["Id"] == sb.organization_id


def test_a_delegated_admin_may_not_change_the_organization(sb: Sandbox) -> None:
    """Writes are the management account's: a delegated administrator is refused."""
    orgs = sb.client("organizations", account_id=sb.member_account_ids[0])
    with pytest.raises(ClientError) as caught:
        orgs.enable_aws_service_access(ServicePrincipal="config.amazonaws.com")
    assert error_code(caught) == "AccessDeniedException"


def test_an_account_outside_is_told_so(sb: Sandbox) -> None:
    """An account in no organization is told so (AWSOrganizationsNotInUseException)."""
    orgs = sb.client("organizations", account_id="999999999999")
    with pytest.raises(ClientError) as caught:
        orgs.list_accounts()
    assert error_code(caught) == "AWSOrganizationsNotInUseException"


# -- STS AssumeRole ----------------------------------------------------------------------------


def assume(sb: Sandbox, role_arn: str, account_id: str | None = None) -> Any:
    """Assume ``role_arn`` as ``account_id`` (default: the management account)."""
    return sb.client("sts", account_id=account_id).assume_role(
        RoleArn=role_arn, RoleSessionName="test"
    )


def test_the_management_account_assumes_the_member_role(sb: Sandbox) -> None:
    """OrganizationAccountAccessRole trusts the management account: assuming it works."""
    member = sb.member_account_ids[1]
    answer = assume(sb, f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole")
    assert answer["AssumedRoleUser"]["Arn"].startswith(f"arn:aws:sts::{member}:")


@pytest.mark.parametrize(
    "role_arn",
    [
        "arn:aws:iam::999999999999:role/OrganizationAccountAccessRole",
        "arn:aws:iam::abc:role/OrganizationAccountAccessRole",
        "arn:aws:iam::{member}:role/NoSuchRole",
    ],
    ids=["outside the organization", "malformed account", "no such role"],
)
def test_assuming_a_missing_role_is_denied(sb: Sandbox, role_arn: str) -> None:
    """A role that does not exist (outside the organization, bad account id) is AccessDenied."""
    with pytest.raises(ClientError) as caught:
        assume(sb, role_arn.format(member=sb.member_account_ids[1]))
    assert error_code(caught) == "AccessDenied"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_a_member_may_not_assume_another_members_access_role(sb: Sandbox) -> None:
    """The member role trusts the management account only, not other members."""
    first, second = sb.member_account_ids[:2]
    with pytest.raises(ClientError) as caught:
        assume(sb, f"arn:aws:iam::{second}:role/OrganizationAccountAccessRole", first)
    assert error_code(caught) == "AccessDenied"


def test_a_role_trusting_a_member_can_be_chained(sb: Sandbox) -> None:
    """A role whose trust policy names the first member lets it in; the chain acts as the second."""
    first, second = sb.member_account_ids[:2]
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{first}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    sb.client("iam", account_id=second).create_role(
        RoleName="FromFirst", AssumeRolePolicyDocument=json.dumps(trust)
    )
    answer = assume(sb, f"arn:aws:iam::{second}:role/FromFirst", first)
    assert answer["AssumedRoleUser"]["Arn"].startswith(f"arn:aws:sts::{second}:")


def test_the_sandbox_itself_acts_as_any_account(sb: Sandbox) -> None:
    """sb.session_for reaches accounts outside the organization (the sandbox's own sessions)."""
    sts = sb.session_for("999999999999").client("sts")
    assert sts.get_caller_identity()["Account"] == "999999999999"


def test_the_sdk_gets_a_typed_error_for_a_bad_account() -> None:
    """orgconfig's client factory meets AccessDenied (AccessDeniedError) for 'abc', not creds."""
    with sandbox(accounts=1) as box:
        org = Organization.connect(box.session, "us-east-1")
        config = org.clients.client("config", "us-east-1", account_id="abc")
        with pytest.raises(AccessDeniedError, match="AssumeRole"):
            config.describe_configuration_recorders()


# -- counting ----------------------------------------------------------------------------------


def test_organizations_sts_and_s3_calls_are_counted(sb: Sandbox) -> None:
    """Organizations, STS and S3 requests are counted under a service prefix."""
    sb.api_calls.clear()
    sb.client("organizations").list_accounts()
    sb.client("sts").get_caller_identity()
    sb.client("s3").list_buckets()
    orgs = sb.client("organizations", account_id=sb.member_account_ids[2])
    with pytest.raises(ClientError):
        orgs.list_roots()
    assert sb.api_calls == {
        "organizations:ListAccounts": 1,
        "organizations:ListRoots": 1,
        "sts:GetCallerIdentity": 1,
        "s3:ListBuckets": 1,
    }


def test_the_sandboxs_own_requests_are_not_counted(sb: Sandbox) -> None:
    """Sessions the sandbox makes, and what the service does for a put, are not the caller's."""
    sb.api_calls.clear()
    sb.session_for(sb.member_account_ids[1])  # an AssumeRole of the sandbox's own
    config = sb.client("config")
    config.put_organization_config_rule(
        OrganizationConfigRuleName="r",
        OrganizationManagedRuleMetadata={"RuleIdentifier": "S3_BUCKET_VERSIONING_ENABLED"},
    )
    assert sb.api_calls == {"PutOrganizationConfigRule": 1}
