"""Bucket policies for templates and delivery, checked and applied; large templates end to end."""

from __future__ import annotations

import collections
import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from orgconfig import errors
from orgconfig._aws.s3 import create_bucket
from orgconfig.buckets import (
    CONFORMS_ROLE_PATTERN,
    SID_PREFIX,
    apply_bucket_policy,
    bucket_policy,
    check_bucket_policy,
    conforms_role_arn,
    delivery_bucket_policy,
    ensure_bucket,
    merge_bucket_policy,
    partition_for_region,
    template_bucket_policy,
    upload_template,
)
from orgconfig.templates import Template
from orgconfig.testing import Sandbox
from tests.conftest import corpus_dir

ORG = "o-a1b2c3d4e5"
TEMPLATES = "org-templates"
DELIVERY = "awsconfigconforms-results"
LARGE = "Operational-Best-Practices-for-ABS-CCIGv2-Material.yaml"
ROLE = CONFORMS_ROLE_PATTERN.format(partition="aws")


def _counting(client: Any) -> collections.Counter[str]:
    """Count the S3 operations ``client`` makes."""
    calls: collections.Counter[str] = collections.Counter()

    def count(model: Any, **_: Any) -> None:
        calls[model.name] += 1

    client.meta.events.register("before-call.s3", count)
    return calls


def _pack_rows(config: Any, name: str) -> dict[str, str]:
    """Account id -> status of every account of a pack's detailed status."""
    paginator = config.get_paginator("get_organization_conformance_pack_detailed_status")
    return {
        row["AccountId"]: row["Status"]
        for page in paginator.paginate(OrganizationConformancePackName=name)
        for row in page["OrganizationConformancePackDetailedStatuses"]
    }


# -- generated policies ------------------------------------------------------------------------


def test_the_template_policy_allows_get_object_on_the_prefix_to_the_conforms_role() -> None:
    """One statement: s3:GetObject on the prefix, restricted to the organization and the role."""
    policy = template_bucket_policy(TEMPLATES, organization_id=ORG)
    [statement] = policy["Statement"]
    assert statement["Sid"].startswith(SID_PREFIX)
    assert statement["Action"] == "s3:GetObject"
    assert statement["Resource"] == f"arn:aws:s3:::{TEMPLATES}/orgconfig/templates/*"
    assert statement["Condition"] == {
        "StringEquals": {"aws:PrincipalOrgID": ORG},
        "ArnLike": {"aws:PrincipalArn": ROLE},
    }


def test_readers_get_their_own_statement() -> None:
    """Accounts and principal ARNs named as readers are allowed s3:GetObject within the org."""
    role = "arn:aws:iam::222233334444:role/Deployer"
    policy = template_bucket_policy(TEMPLATES, organization_id=ORG, readers=["111122223333", role])
    readers = policy["Statement"][1]
    assert readers["Principal"] == {"AWS": ["arn:aws:iam::111122223333:root", role]}
    assert readers["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": ORG}}


def test_the_delivery_policy_is_the_developer_guides() -> None:
    """GetBucketAcl on the bucket, Put/GetObject under AWSLogs/ of the prefix, for the role."""
    policy = delivery_bucket_policy(DELIVERY, organization_id=ORG, prefix="/results/")
    acl, objects = policy["Statement"]
    assert (acl["Action"], acl["Resource"]) == ("s3:GetBucketAcl", f"arn:aws:s3:::{DELIVERY}")
    assert objects["Action"] == ["s3:PutObject", "s3:GetObject"]
    assert objects["Resource"] == f"arn:aws:s3:::{DELIVERY}/results/AWSLogs/*"
    assert acl["Condition"]["ArnLike"] == {"aws:PrincipalArn": ROLE}


def test_policies_follow_the_partition() -> None:
    """In aws-cn the bucket and role ARNs are of aws-cn."""
    assert partition_for_region("cn-north-1") == "aws-cn"
    assert partition_for_region("us-gov-west-1") == "aws-us-gov"
    policy = delivery_bucket_policy(DELIVERY, organization_id=ORG, partition="aws-cn")
    text = json.dumps(policy)
    assert "arn:aws-cn:s3:::" in text
    assert "arn:aws-cn:iam::*:role/aws-service-role/" in text
    assert "arn:aws:" not in text
    assert conforms_role_arn("111122223333", "aws-cn").startswith("arn:aws-cn:iam::111122223333:")


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: delivery_bucket_policy("results", organization_id=ORG), "bucket"),
        (lambda: template_bucket_policy(TEMPLATES, organization_id="org-1"), "organization_id"),
        (lambda: template_bucket_policy(TEMPLATES, organization_id=ORG, prefix="/x"), "prefix"),
        (lambda: template_bucket_policy(TEMPLATES, organization_id=ORG, readers=["x"]), "readers"),
        (lambda: bucket_policy(TEMPLATES, purpose="other", organization_id=ORG), "purpose"),  # type: ignore[arg-type]  # wrong on purpose
    ],
)
def test_malformed_arguments_are_validation_errors(call: Any, field: str) -> None:
    """A misnamed delivery bucket, a bad org id, prefix, reader or purpose is refused."""
    with pytest.raises(errors.ValidationError) as caught:
        call()
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("call", "field", "fragment"),
    [
        (
            lambda: template_bucket_policy(TEMPLATES, organization_id=ORG, readers="111122223333"),
            "readers",
            "write readers=[...] for one",
        ),
        (
            lambda: check_bucket_policy(
                None, organization_id=ORG, purpose="template", readers="111122223333"
            ),
            "readers",
            "not str '111122223333'",
        ),
        (
            lambda: template_bucket_policy(
                TEMPLATES,
                organization_id=ORG,
                readers=[111122223333],  # type: ignore[list-item]  # the mistake tested
            ),
            "readers",
            "(a str), not int",
        ),
        (
            lambda: template_bucket_policy(TEMPLATES, organization_id=ORG, partition="mars"),
            "partition",
            "partition must be an AWS partition (aws, aws-cn,",
        ),
        (
            lambda: delivery_bucket_policy(DELIVERY, organization_id=ORG, partition="mars"),
            "partition",
            "not 'mars'",
        ),
        (
            lambda: check_bucket_policy(
                None, organization_id=ORG, purpose="delivery", partition="mars"
            ),
            "partition",
            "not 'mars'",
        ),
        (lambda: conforms_role_arn("111122223333", "mars"), "partition", "not 'mars'"),
        (lambda: conforms_role_arn("x"), "account_id", "is not an AWS account id"),
        (
            lambda: check_bucket_policy(None, organization_id=ORG, purpose="delivery", owner="x"),
            "owner",
            "is not an AWS account id (12 digits)",
        ),
        (
            lambda: check_bucket_policy(
                None, organization_id=ORG, purpose="delivery", bucket="Not A Bucket"
            ),
            "bucket",
            "is not a valid S3 bucket name",
        ),
        (
            lambda: check_bucket_policy(None, organization_id=ORG, purpose="template", prefix="/x"),
            "prefix",
            "must not start with '/'",
        ),
        (
            lambda: delivery_bucket_policy(
                DELIVERY,
                organization_id=ORG,
                prefix=5,  # type: ignore[arg-type]  # the mistake tested
            ),
            "prefix",
            "prefix must be a str, not int",
        ),
    ],
)
def test_argument_gaps_are_validation_errors(call: Any, field: str, fragment: str) -> None:
    """A lone reader string, an unknown partition, a bad owner, bucket or prefix are refused."""
    with pytest.raises(errors.ValidationError) as caught:
        call()
    assert caught.value.field == field
    assert fragment in str(caught.value)


def test_a_deeply_nested_policy_is_a_problem_not_a_recursion_error() -> None:
    """Policy text nested 100,000 deep is measured before parsing: a problem, or a refusal."""
    deep = "[" * 100_000 + "]" * 100_000
    problems = check_bucket_policy(deep, organization_id=ORG, purpose="delivery", bucket=DELIVERY)
    assert len(problems) == 1
    assert "The bucket policy is nested deeper than 64 levels" in problems[0]
    with pytest.raises(errors.ValidationError, match="nested deeper than 64") as caught:
        merge_bucket_policy(deep.encode(), {"Statement": []})
    assert caught.value.field == "policy"


def test_ensure_bucket_checks_every_argument_before_calling(sb: Sandbox) -> None:
    """A lone reader string or a malformed account id is refused before any S3 call."""
    s3 = sb.client("s3")
    calls = _counting(s3)
    with pytest.raises(errors.ValidationError) as caught:
        ensure_bucket(s3, TEMPLATES, "us-east-1", organization_id=ORG, readers="111122223333")
    assert caught.value.field == "readers"
    with pytest.raises(errors.ValidationError) as caught:
        ensure_bucket(s3, TEMPLATES, "us-east-1", organization_id=ORG, account_id="me")
    assert caught.value.field == "account_id"
    assert sum(calls.values()) == 0


# -- checking policies -----------------------------------------------------------------------


@pytest.mark.parametrize("prefix", [None, "results", "a/b/"])
def test_the_generated_delivery_policy_passes_the_check(prefix: str | None) -> None:
    """The delivery policy orgconfig generates has no problems, whatever the prefix."""
    policy = delivery_bucket_policy(DELIVERY, organization_id=ORG, prefix=prefix)
    assert check_bucket_policy(policy, organization_id=ORG, purpose="delivery", prefix=prefix) == []


def test_the_generated_template_policy_passes_the_check() -> None:
    """The template policy passes, for the prefix and for one key under it, readers included."""
    policy = template_bucket_policy(TEMPLATES, organization_id=ORG, readers=["111122223333"])
    text = json.dumps(policy)
    assert (
        check_bucket_policy(text, organization_id=ORG, purpose="template", readers=["111122223333"])
        == []
    )
    key = "orgconfig/templates/abc.yaml"
    assert check_bucket_policy(text, organization_id=ORG, purpose="template", prefix=key) == []


def test_a_missing_or_broken_policy_is_a_problem() -> None:
    """No policy, a policy that is not JSON, or one without statements each give one problem."""
    for policy in (None, "", "{not json", json.dumps({"Statement": "x"})):
        problems = check_bucket_policy(
            policy, organization_id=ORG, purpose="delivery", bucket=DELIVERY
        )
        assert len(problems) == 1, policy


def test_a_policy_for_the_wrong_role_locks_members_out() -> None:
    """Granting OrganizationAccountAccessRole instead of the service-linked role is caught."""
    policy = _wrong_role_policy(DELIVERY)
    problems = check_bucket_policy(policy, organization_id=ORG, purpose="delivery")
    assert len(problems) == 3
    assert all("No statement of the bucket policy allows" in p for p in problems)
    assert any("s3:PutObject" in p for p in problems)


def test_a_policy_for_another_prefix_locks_members_out() -> None:
    """A delivery policy for prefix 'a' does not cover a pack delivering under prefix 'b'."""
    policy = delivery_bucket_policy(DELIVERY, organization_id=ORG, prefix="a")
    problems = check_bucket_policy(policy, organization_id=ORG, purpose="delivery", prefix="b")
    assert [p.split(" on ")[0].rsplit(" ", 1)[1] for p in problems] == [
        "s3:PutObject",
        "s3:GetObject",
    ]


def test_a_deny_unless_through_a_vpc_endpoint_is_caught() -> None:
    """A Deny for requests not through a VPC endpoint refuses AWS Config: it is reported."""
    policy = delivery_bucket_policy(DELIVERY, organization_id=ORG)
    policy["Statement"].append(
        {
            "Sid": "OnlyThroughTheEndpoint",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{DELIVERY}", f"arn:aws:s3:::{DELIVERY}/*"],
            "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
        }
    )
    problems = check_bucket_policy(policy, organization_id=ORG, purpose="delivery")
    assert len(problems) == 3
    assert all("'OnlyThroughTheEndpoint' of the bucket policy denies" in p for p in problems)


def test_the_usual_denies_are_fine() -> None:
    """Denying insecure transport and principals outside the organization refuses no member."""
    policy = delivery_bucket_policy(DELIVERY, organization_id=ORG)
    policy["Statement"] += [
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": f"arn:aws:s3:::{DELIVERY}/*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        },
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": f"arn:aws:s3:::{DELIVERY}/*",
            "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": ORG}},
        },
    ]
    assert check_bucket_policy(policy, organization_id=ORG, purpose="delivery") == []


def test_what_cannot_be_told_is_reported_not_guessed() -> None:
    """An Allow that depends on the source IP may refuse members: reported as unknown."""
    policy = delivery_bucket_policy(DELIVERY, organization_id=ORG)
    for statement in policy["Statement"]:
        statement["Condition"]["IpAddress"] = {"aws:SourceIp": "10.0.0.0/8"}
    problems = check_bucket_policy(policy, organization_id=ORG, purpose="delivery")
    assert len(problems) == 3
    assert all("may refuse" in p and "aws:SourceIp" in p for p in problems)


def test_a_public_policy_is_reported() -> None:
    """A policy letting anyone write is reported for letting outsiders in."""
    public = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": f"arn:aws:s3:::{DELIVERY}*",
            }
        ]
    }
    problems = check_bucket_policy(public, organization_id=ORG, purpose="delivery", bucket=DELIVERY)
    assert len(problems) == 3
    assert all("outside organization" in p for p in problems)


def test_a_reader_without_a_statement_is_reported() -> None:
    """A delegated administrator not named in the template policy cannot read: reported."""
    policy = template_bucket_policy(TEMPLATES, organization_id=ORG)
    problems = check_bucket_policy(
        policy, organization_id=ORG, purpose="template", readers=["111122223333"]
    )
    assert len(problems) == 1
    assert "the reader 111122223333" in problems[0]
    owned = check_bucket_policy(
        policy,
        organization_id=ORG,
        purpose="template",
        readers=["111122223333"],
        owner="111122223333",
    )
    assert owned == []


# -- merging and applying --------------------------------------------------------------------


def test_merge_replaces_only_orgconfigs_statements() -> None:
    """Statements of other Sids are kept in place; orgconfig's are replaced, new ones appended."""
    theirs = {
        "Sid": "Theirs",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:DeleteObject",
        "Resource": "*",
    }
    old = delivery_bucket_policy(DELIVERY, organization_id=ORG, prefix="old")
    existing = {"Version": "2012-10-17", "Id": "keep", "Statement": [theirs, *old["Statement"]]}
    fresh = delivery_bucket_policy(DELIVERY, organization_id=ORG, prefix="new")
    merged = merge_bucket_policy(json.dumps(existing), fresh)
    assert merged["Id"] == "keep"
    assert merged["Statement"] == [theirs, *fresh["Statement"]]
    both = merge_bucket_policy(merged, template_bucket_policy(DELIVERY, organization_id=ORG))
    assert len(both["Statement"]) == 4


def test_apply_is_idempotent_and_keeps_other_statements(sb: Sandbox) -> None:
    """A second apply writes nothing; a statement of the bucket's own survives both."""
    s3 = sb.client("s3", region="us-east-1")
    s3.create_bucket(Bucket=DELIVERY)
    theirs = {
        "Sid": "Theirs",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "s3:ListBucket",
        "Resource": f"arn:aws:s3:::{DELIVERY}",
    }
    s3.put_bucket_policy(
        Bucket=DELIVERY, Policy=json.dumps({"Version": "2012-10-17", "Statement": [theirs]})
    )
    policy = delivery_bucket_policy(DELIVERY, organization_id=ORG)
    calls = _counting(s3)
    assert apply_bucket_policy(s3, DELIVERY, policy) is True
    assert apply_bucket_policy(s3, DELIVERY, policy) is False
    assert calls["PutBucketPolicy"] == 1
    stored = json.loads(s3.get_bucket_policy(Bucket=DELIVERY)["Policy"])
    assert stored["Statement"] == [theirs, *policy["Statement"]]


def test_ensure_bucket_creates_once_in_the_right_region(sb: Sandbox) -> None:
    """The bucket is created in eu-west-1, private, with the policy; a second call does nothing."""
    s3 = sb.client("s3", region="eu-west-1")
    first = ensure_bucket(s3, TEMPLATES, "eu-west-1", organization_id=ORG)
    assert (first.created, first.policy_changed, first.region) == (True, True, "eu-west-1")
    assert s3.get_bucket_location(Bucket=TEMPLATES)["LocationConstraint"] == "eu-west-1"
    block = s3.get_public_access_block(Bucket=TEMPLATES)["PublicAccessBlockConfiguration"]
    assert all(block.values())
    calls = _counting(s3)
    second = ensure_bucket(s3, TEMPLATES, "eu-west-1", organization_id=ORG)
    assert (second.created, second.policy_changed) == (False, False)
    assert "CreateBucket" not in calls
    assert "PutBucketPolicy" not in calls


def test_ensure_bucket_in_us_east_1_sends_no_location(sb: Sandbox) -> None:
    """In us-east-1 the bucket is created without a CreateBucketConfiguration."""
    s3 = sb.client("s3", region="us-east-1")
    setup = ensure_bucket(s3, DELIVERY, "us-east-1", organization_id=ORG, purpose="delivery")
    assert (setup.created, setup.region) == (True, "us-east-1")
    assert s3.get_bucket_location(Bucket=DELIVERY)["LocationConstraint"] in (None, "")


def test_a_bucket_name_another_account_owns_is_refused(sb: Sandbox) -> None:
    """A name taken by another account is a ValidationError naming the bucket."""
    owner = sb.member_account_ids[0]
    sb.client("s3", region="eu-west-1", account_id=owner).create_bucket(
        Bucket="taken-name", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    s3 = sb.client("s3", region="eu-west-1")
    # moto answers HeadBucket for any account (S3 refuses it with ExpectedBucketOwner), so the
    # refusal is shown on the CreateBucket that follows a missing HEAD.
    with pytest.raises(errors.ValidationError) as caught:
        create_bucket(s3, "taken-name", "eu-west-1", doing="test")
    assert caught.value.field == "bucket"


# -- end to end on the sandbox ----------------------------------------------------------------


def _wrong_role_policy(bucket: str) -> dict[str, Any]:
    """A delivery policy granting the organization's admin role, not the service-linked role."""
    policy = delivery_bucket_policy(bucket, organization_id=ORG)
    for statement in policy["Statement"]:
        statement["Condition"]["ArnLike"] = {
            "aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccessRole"
        }
        statement["Sid"] = statement["Sid"].replace(SID_PREFIX, "Custom")
    return policy


@pytest.fixture
def large() -> Template:
    """The corpus template over 51,200 bytes."""
    template = Template.from_file(corpus_dir("conformance-packs") / LARGE)
    assert template.needs_s3
    return template


@pytest.mark.parametrize("caller", ["management", "delegated admin"])
def test_the_large_corpus_template_deploys_through_s3(
    sb: Sandbox, large: Template, caller: str
) -> None:
    """Uploaded with the generated policies, the over-size template succeeds in every account."""
    org_id = sb.organization_id
    assert org_id is not None
    management = sb.management_account_id
    readers: list[str] = []
    session = sb.session
    if caller == "delegated admin":
        admin = sb.member_account_ids[0]
        session = sb.as_delegated_admin(admin)
        readers = [admin]
    s3 = sb.client("s3", region="us-east-1", account_id=management)
    ensure_bucket(s3, TEMPLATES, "us-east-1", organization_id=org_id, readers=readers)
    ensure_bucket(s3, DELIVERY, "us-east-1", organization_id=org_id, purpose="delivery")
    calls = _counting(s3)
    uri = upload_template(s3, large, TEMPLATES)
    assert upload_template(s3, large, TEMPLATES) == uri
    assert calls["PutObject"] == 1
    config = session.client("config", region_name="us-east-1")
    config.put_organization_conformance_pack(
        OrganizationConformancePackName="abs-ccig", TemplateS3Uri=uri, DeliveryS3Bucket=DELIVERY
    )
    sb.clock.advance(3600)
    rows = _pack_rows(config, "abs-ccig")
    assert set(rows) == {management, *sb.member_account_ids}
    assert set(rows.values()) == {"CREATE_SUCCESSFUL"}


def test_a_delegated_admin_not_named_as_reader_cannot_read_the_template(
    sb: Sandbox, template: Template
) -> None:
    """Without readers, the management account's template bucket refuses a delegated admin."""
    org_id = sb.organization_id
    assert org_id is not None
    session = sb.as_delegated_admin(sb.member_account_ids[0])
    s3 = sb.client("s3", region="us-east-1")
    ensure_bucket(s3, TEMPLATES, "us-east-1", organization_id=org_id)
    uri = upload_template(s3, template, TEMPLATES)
    config = session.client("config", region_name="us-east-1")
    with pytest.raises(ClientError) as caught:
        config.put_organization_conformance_pack(
            OrganizationConformancePackName="pack",
            TemplateS3Uri=uri,
            ConformancePackInputParameters=[
                {"ParameterName": "BucketParam", "ParameterValue": "b"}
            ],
        )
    assert caught.value.response["Error"]["Code"] == "InsufficientPermissionsException"


def test_a_delivery_policy_that_locks_members_out_fails_them_and_is_caught(
    sb: Sandbox, large: Template
) -> None:
    """The wrong-role policy is caught and fails every member; the generated policy works."""
    org_id = sb.organization_id
    assert org_id is not None
    s3 = sb.client("s3", region="us-east-1")
    ensure_bucket(s3, TEMPLATES, "us-east-1", organization_id=org_id)
    uri = upload_template(s3, large, TEMPLATES)
    s3.create_bucket(Bucket=DELIVERY)
    bad = _wrong_role_policy(DELIVERY)
    bad_text = json.dumps(bad).replace(ORG, org_id)
    s3.put_bucket_policy(Bucket=DELIVERY, Policy=bad_text)
    stored = s3.get_bucket_policy(Bucket=DELIVERY)["Policy"]
    assert check_bucket_policy(stored, organization_id=org_id, purpose="delivery") != []
    config = sb.client("config", region="us-east-1")
    config.put_organization_conformance_pack(
        OrganizationConformancePackName="locked", TemplateS3Uri=uri, DeliveryS3Bucket=DELIVERY
    )
    sb.clock.advance(3600)
    rows = _pack_rows(config, "locked")
    assert rows.pop(sb.management_account_id) == "CREATE_SUCCESSFUL"  # the owner's own account
    assert set(rows.values()) == {"CREATE_FAILED"}

    s3.delete_bucket_policy(Bucket=DELIVERY)
    apply_bucket_policy(s3, DELIVERY, delivery_bucket_policy(DELIVERY, organization_id=org_id))
    good = s3.get_bucket_policy(Bucket=DELIVERY)["Policy"]
    assert check_bucket_policy(good, organization_id=org_id, purpose="delivery") == []
    config.put_organization_conformance_pack(
        OrganizationConformancePackName="works", TemplateS3Uri=uri, DeliveryS3Bucket=DELIVERY
    )
    sb.clock.advance(3600)
    assert set(_pack_rows(config, "works").values()) == {"CREATE_SUCCESSFUL"}
