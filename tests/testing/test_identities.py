"""Sessions made the way the SDK's client factory makes them: assume the member role, any region."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from orgconfig.testing import Sandbox

REGIONS = ("us-east-1", "eu-west-1")
RULE: Any = {"RuleIdentifier": "S3_BUCKET_VERSIONING_ENABLED"}
TEMPLATE = """\
Resources:
  S3Versioning:
    Type: AWS::Config::ConfigRule
    Properties:
      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}
"""


def assumed(management: boto3.Session, account_id: str, region: str) -> boto3.Session:
    """A plain boto3 Session in ``account_id``, from STS credentials of its member role."""
    credentials = management.client("sts", region_name=region).assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole",
        RoleSessionName="orgconfig-test",
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=region,
    )


def error_code(error: pytest.ExceptionInfo[ClientError]) -> str:
    """The AWS error code of a ClientError."""
    return str(error.value.response["Error"]["Code"])


pytestmark = pytest.mark.org_sandbox(accounts=3, regions=REGIONS)


@pytest.mark.parametrize("region", REGIONS)
def test_assumed_sessions_act_as_the_member_in_sts_and_organizations(
    org_sandbox: Sandbox, region: str
) -> None:
    """STS and Organizations see the member account behind an assumed-role session."""
    member = org_sandbox.member_account_ids[1]
    session = assumed(boto3.Session(region_name=region), member, region)
    assert session.client("sts").get_caller_identity()["Account"] == member
    organization = session.client("organizations").describe_organization()["Organization"]
    assert organization["MasterAccountId"] == org_sandbox.management_account_id


@pytest.mark.parametrize("region", REGIONS)
def test_assumed_sessions_reach_the_members_own_recorders_and_buckets(
    org_sandbox: Sandbox, region: str
) -> None:
    """moto's Config and S3 answer an assumed-role session as the member account."""
    member = org_sandbox.member_account_ids[0]
    org_sandbox.remove_recorder(org_sandbox.member_account_ids[2], region)
    session = assumed(org_sandbox.session, member, region)
    config = session.client("config")
    assert [r["name"] for r in config.describe_configuration_recorders()["ConfigurationRecorders"]]
    other = assumed(org_sandbox.session, org_sandbox.member_account_ids[2], region)
    assert other.client("config").describe_configuration_recorders()["ConfigurationRecorders"] == []
    s3 = session.client("s3")
    bucket = f"member-bucket-{region}"
    location: Any = {} if region == "us-east-1" else {"LocationConstraint": region}
    s3.create_bucket(Bucket=bucket, **({"CreateBucketConfiguration": location} if location else {}))
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"


@pytest.mark.parametrize("region", REGIONS)
def test_the_seam_attributes_config_calls_to_the_member(org_sandbox: Sandbox, region: str) -> None:
    """A member that is not an administrator is refused; as an administrator it sees its own."""
    member = org_sandbox.member_account_ids[0]
    session = assumed(org_sandbox.session, member, region)
    config = session.client("config")
    with pytest.raises(ClientError) as caught:
        config.describe_organization_config_rules()
    assert error_code(caught) == "OrganizationAccessDeniedException"
    org_sandbox.as_delegated_admin(member)
    org_sandbox.client("config", region=region).put_organization_config_rule(
        OrganizationConfigRuleName="from-management", OrganizationManagedRuleMetadata=RULE
    )
    arn = config.put_organization_config_rule(
        OrganizationConfigRuleName="from-admin", OrganizationManagedRuleMetadata=RULE
    )["OrganizationConfigRuleArn"]
    assert arn.startswith(f"arn:aws:config:{region}:{member}:organization-config-rule/")
    listed = config.describe_organization_config_rules()["OrganizationConfigRules"]
    assert [r["OrganizationConfigRuleName"] for r in listed] == ["from-admin"]


@pytest.mark.org_sandbox(accounts=3, regions=REGIONS, delegated_admin_quirk=False)
def test_an_administrator_reads_its_own_template_from_s3(org_sandbox: Sandbox) -> None:
    """A pack put from an assumed session reads TemplateS3Uri from the administrator's bucket."""
    region = REGIONS[1]
    member = org_sandbox.member_account_ids[2]
    org_sandbox.as_delegated_admin(member)
    session = assumed(org_sandbox.session, member, region)
    s3 = session.client("s3")
    location: Any = {"LocationConstraint": region}
    s3.create_bucket(Bucket="admin-templates", CreateBucketConfiguration=location)
    s3.put_object(Bucket="admin-templates", Key="pack.yaml", Body=TEMPLATE.encode())
    config = session.client("config")
    config.put_organization_conformance_pack(
        OrganizationConformancePackName="from-s3", TemplateS3Uri="s3://admin-templates/pack.yaml"
    )
    org_sandbox.clock.advance(3600)
    status = config.describe_organization_conformance_pack_statuses()[
        "OrganizationConformancePackStatuses"
    ]
    assert [(s["OrganizationConformancePackName"], s["Status"]) for s in status] == [
        ("from-s3", "CREATE_SUCCESSFUL")
    ]
