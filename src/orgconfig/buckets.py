"""S3 buckets for conformance packs: the bucket policies members need, checked and applied.

An organization conformance pack touches S3 twice, and both times a bucket policy decides:

* **Template buckets.** A template over the 51,200 bytes ``TemplateBody`` allows is sent as
  ``TemplateS3Uri`` (:func:`upload_template` puts it there). The caller (the management account
  or a delegated administrator) reads it, and so may the ``AWSServiceRoleForConfigConforms``
  service-linked role of each member account.
* **Delivery buckets.** A pack's ``DeliveryS3Bucket`` (named ``awsconfigconforms...``) receives
  every member account's results, written by that account's ``AWSServiceRoleForConfigConforms``
  role: ``s3:PutObject`` (and ``s3:GetObject``) under ``<prefix>/AWSLogs/<account>/Config/``,
  after an ``s3:GetBucketAcl`` on the bucket. Without a policy allowing it, every member
  account's deployment fails with ``InsufficientPermissionsException``.

:func:`template_bucket_policy` and :func:`delivery_bucket_policy` generate the least-privilege
policies for both, as the AWS Config developer guide shows for ``awsconfigconforms`` buckets:
``Principal: "*"`` restricted by ``aws:PrincipalOrgID`` (the organization) and by
``aws:PrincipalArn`` matching ``arn:<partition>:iam::*:role/aws-service-role/
config-conforms.amazonaws.com/AWSServiceRoleForConfigConforms`` (the service-linked role, in any
account of the organization), on the template prefix or the delivery prefix only. Every
statement orgconfig writes has a ``Sid`` starting with :data:`SID_PREFIX`;
:func:`apply_bucket_policy` replaces those and keeps every other statement of the bucket's
policy, and changes nothing when the policy already holds them. :func:`check_bucket_policy` says
what an existing policy lacks, for preflight: a policy that would lock the members out (no
statement for them, an explicit ``Deny``, a condition they cannot meet) is reported, and so is
one that lets principals outside the organization in. :func:`ensure_bucket` creates a bucket
(private, ACLs disabled) and applies the policy, idempotently.

Example::

    import boto3
    from orgconfig.buckets import ensure_bucket, upload_template
    from orgconfig.templates import Template

    s3 = boto3.client("s3", region_name="eu-west-1")
    ensure_bucket(s3, "my-org-templates", "eu-west-1", organization_id="o-a1b2c3d4e5")
    template = Template.from_file("Operational-Best-Practices-for-ABS-CCIGv2-Material.yaml")
    uri = upload_template(s3, template, "my-org-templates")
    # s3://my-org-templates/orgconfig/templates/<sha256>.yaml
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs
import boto3

from orgconfig import _checks as checks
from orgconfig import errors
from orgconfig._aws import s3 as _s3
from orgconfig._aws.clients import check_region
from orgconfig._bucket_access import (
    PROBE_MEMBER,
    PROBE_OUTSIDER,
    bucket_named,
    decide,
    member_request,
    problem_of,
    reader_request,
    statements_of,
)
from orgconfig._limits import DELIVERY_BUCKET_PREFIX
from orgconfig._uploads import TEMPLATE_PREFIX, check_bucket_name, check_prefix, upload_template

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

__all__ = [
    "BUCKET_POLICY_MAX_BYTES",
    "CONFORMS_ROLE_PATTERN",
    "SID_PREFIX",
    "TEMPLATE_PREFIX",
    "BucketSetup",
    "Purpose",
    "apply_bucket_policy",
    "bucket_policy",
    "check_bucket_policy",
    "conforms_role_arn",
    "delivery_bucket_policy",
    "ensure_bucket",
    "merge_bucket_policy",
    "partition_for_region",
    "template_bucket_policy",
    "upload_template",
]

Purpose = Literal["template", "delivery"]
"""What a bucket is for: conformance pack templates, or a pack's delivery bucket."""

CONFORMS_ROLE_PATTERN: Final = (
    "arn:{partition}:iam::*:role/aws-service-role/config-conforms.amazonaws.com/"
    "AWSServiceRoleForConfigConforms"
)
"""The ARN of AWS Config's conformance-pack service-linked role in any account (format it with
``partition``)."""

SID_PREFIX: Final = "OrgConfig"
"""Every statement orgconfig generates has a ``Sid`` starting with this."""

BUCKET_POLICY_MAX_BYTES: Final = 20 * 1024
"""The largest bucket policy S3 accepts: 20 KB."""

_SIDS: Final[Mapping[str, tuple[str, ...]]] = {
    "template": ("OrgConfigTemplateReadByConformsRole", "OrgConfigTemplateReadByCallers"),
    "delivery": ("OrgConfigDeliveryBucketAcl", "OrgConfigDeliveryObjects"),
}
_ORG_ID = re.compile(r"o-[a-z0-9]{10,32}")


@functools.cache
def partition_for_region(region: str) -> str:
    """Return the partition of ``region``: ``"aws"``, ``"aws-cn"``, ``"aws-us-gov"``...

    Example::

        assert partition_for_region("cn-north-1") == "aws-cn"
    """
    check_region(region)
    return str(boto3.Session().get_partition_for_region(region))


def conforms_role_arn(account_id: str, partition: str = "aws") -> str:
    """Return the ARN of ``AWSServiceRoleForConfigConforms`` in ``account_id``.

    Raises:
        ValidationError: ``account_id`` is not 12 digits, or ``partition`` not an AWS partition.
    """
    checks.run(checks.ACCOUNT, account_id, "account_id")
    _check_partition(partition)
    return CONFORMS_ROLE_PATTERN.format(partition=partition).replace("::*:", f"::{account_id}:")


@functools.cache
def _partitions() -> frozenset[str]:
    return frozenset(boto3.Session().get_available_partitions())


def _check_partition(partition: object) -> str:
    """``partition`` if it is one of botocore's partitions (``aws``, ``aws-cn``...); else raise."""
    known = _partitions()
    if not isinstance(partition, str) or partition not in known:
        raise errors.ValidationError(
            f"partition must be an AWS partition ({', '.join(sorted(known))}), not "
            f"{checks.show(partition)}",
            field="partition",
        )
    return partition


def _check_owner(owner: object) -> str | None:
    if owner is not None:
        checks.run(checks.ACCOUNT, owner, "owner")
    return owner  # type: ignore[return-value]  # None, or a checked account id


def _check_readers(readers: object, partition: str) -> list[tuple[str, str]]:
    """``readers`` with their principals: a list of account ids or ARNs (never one string)."""
    if isinstance(readers, (str, bytes, Mapping)) or not isinstance(readers, Iterable):
        raise errors.ValidationError(
            f"readers must be a list of account ids or IAM principal ARNs, not "
            f"{type(readers).__name__} {checks.show(readers)} (write readers=[...] for one)",
            field="readers",
        )
    return [(reader, _principal(reader, partition)) for reader in readers]


def _check_org(organization_id: object) -> str:
    if not isinstance(organization_id, str) or not _ORG_ID.fullmatch(organization_id):
        raise errors.ValidationError(
            f"organization_id must be an AWS Organizations id such as 'o-a1b2c3d4e5', not "
            f"{organization_id!r}",
            field="organization_id",
        )
    return organization_id


def _check_delivery_bucket(bucket: str) -> str:
    check_bucket_name(bucket)
    if not bucket.startswith(DELIVERY_BUCKET_PREFIX):
        raise errors.ValidationError(
            f"A delivery bucket's name must start with {DELIVERY_BUCKET_PREFIX!r}: {bucket!r}",
            field="bucket",
        )
    return bucket


def _delivery_folder(prefix: object) -> str:
    if prefix is not None and not isinstance(prefix, str):
        check_prefix(prefix, field="prefix")  # a ValidationError naming the type
    if not isinstance(prefix, str) or not prefix.strip("/"):
        return ""
    folder = f"{prefix.strip('/')}/"
    check_prefix(folder, field="prefix")
    return folder


def _conditions(organization_id: str, partition: str) -> dict[str, Any]:
    return {
        "StringEquals": {"aws:PrincipalOrgID": organization_id},
        "ArnLike": {"aws:PrincipalArn": CONFORMS_ROLE_PATTERN.format(partition=partition)},
    }


def _principal(reader: object, partition: str) -> str:
    if not isinstance(reader, str):
        raise errors.ValidationError(
            f"A reader is an account id or an IAM principal ARN (a str), not "
            f"{type(reader).__name__} {checks.show(reader)}",
            field="readers",
        )
    if re.fullmatch(r"\d{12}", reader):
        return f"arn:{partition}:iam::{reader}:root"
    if reader.startswith((f"arn:{partition}:iam::", f"arn:{partition}:sts::")):
        return reader
    raise errors.ValidationError(
        f"A reader is an account id or an IAM principal ARN of partition {partition!r}, "
        f"not {checks.show(reader)}",
        field="readers",
    )


def template_bucket_policy(
    bucket: str,
    *,
    organization_id: str,
    prefix: str = TEMPLATE_PREFIX,
    readers: Sequence[str] = (),
    partition: str = "aws",
) -> dict[str, Any]:
    """Return the least-privilege policy of a bucket holding conformance pack templates.

    It allows ``s3:GetObject`` on ``prefix`` (and nothing else) to the
    ``AWSServiceRoleForConfigConforms`` role of the organization's accounts, and, when
    ``readers`` are named, to them: the accounts (ids) or principals (ARNs) that call
    ``PutOrganizationConformancePack`` but do not own the bucket (a delegated administrator
    using the management account's bucket, say). The bucket owner's own principals need no
    statement: their identity policies let them read.

    Raises:
        ValidationError: a malformed bucket name, organization id, prefix or reader.

    Example::

        policy = template_bucket_policy("my-org-templates", organization_id="o-a1b2c3d4e5")
        s3.put_bucket_policy(Bucket="my-org-templates", Policy=json.dumps(policy))
    """
    check_bucket_name(bucket)
    _check_org(organization_id)
    check_prefix(prefix, field="prefix")
    _check_partition(partition)
    principals = sorted({principal for _, principal in _check_readers(readers, partition)})
    resource = f"arn:{partition}:s3:::{bucket}/{prefix}*"
    statements: list[dict[str, Any]] = [
        {
            "Sid": _SIDS["template"][0],
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": resource,
            "Condition": _conditions(organization_id, partition),
        }
    ]
    if principals:
        statements.append(
            {
                "Sid": _SIDS["template"][1],
                "Effect": "Allow",
                "Principal": {"AWS": principals},
                "Action": "s3:GetObject",
                "Resource": resource,
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": organization_id}},
            }
        )
    return {"Version": "2012-10-17", "Statement": statements}


def delivery_bucket_policy(
    bucket: str, *, organization_id: str, prefix: str | None = None, partition: str = "aws"
) -> dict[str, Any]:
    """Return the least-privilege policy of a conformance pack delivery bucket.

    As the developer guide's organization policy: ``s3:GetBucketAcl`` on the bucket, and
    ``s3:PutObject`` and ``s3:GetObject`` under ``<prefix>/AWSLogs/`` (where AWS Config writes,
    one folder per account), for the ``AWSServiceRoleForConfigConforms`` role of the
    organization's accounts only. ``prefix`` is the pack's ``DeliveryS3KeyPrefix``.

    Raises:
        ValidationError: a bucket not named ``awsconfigconforms...``, or a malformed
            organization id or prefix.
    """
    _check_delivery_bucket(bucket)
    _check_org(organization_id)
    _check_partition(partition)
    folder = _delivery_folder(prefix)
    conditions = _conditions(organization_id, partition)
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": _SIDS["delivery"][0],
                "Effect": "Allow",
                "Principal": "*",
                "Action": "s3:GetBucketAcl",
                "Resource": f"arn:{partition}:s3:::{bucket}",
                "Condition": conditions,
            },
            {
                "Sid": _SIDS["delivery"][1],
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["s3:PutObject", "s3:GetObject"],
                "Resource": f"arn:{partition}:s3:::{bucket}/{folder}AWSLogs/*",
                "Condition": conditions,
            },
        ],
    }


def bucket_policy(
    bucket: str,
    *,
    purpose: Purpose,
    organization_id: str,
    prefix: str | None = None,
    readers: Sequence[str] = (),
    partition: str = "aws",
) -> dict[str, Any]:
    """Return :func:`template_bucket_policy` or :func:`delivery_bucket_policy` by ``purpose``.

    ``prefix`` None is :data:`TEMPLATE_PREFIX` for templates and no prefix for delivery;
    ``readers`` apply to templates only.
    """
    if purpose == "template":
        return template_bucket_policy(
            bucket,
            organization_id=organization_id,
            prefix=TEMPLATE_PREFIX if prefix is None else prefix,
            readers=readers,
            partition=partition,
        )
    if purpose == "delivery":
        return delivery_bucket_policy(
            bucket, organization_id=organization_id, prefix=prefix, partition=partition
        )
    raise errors.ValidationError(
        f"purpose must be 'template' or 'delivery', not {purpose!r}", field="purpose"
    )


def _parse(policy: str | bytes | Mapping[str, Any] | None, field: str) -> dict[str, Any] | None:
    if policy is None or (isinstance(policy, (str, bytes)) and not policy.strip()):
        return None
    if isinstance(policy, Mapping):
        return dict(policy)
    if not isinstance(policy, (str, bytes)):
        raise errors.ValidationError(
            f"A bucket policy is JSON text or a mapping, not {type(policy).__name__}", field=field
        )
    try:
        text = policy.decode("utf-8") if isinstance(policy, bytes) else policy
    except UnicodeDecodeError as e:
        raise errors.ValidationError("The bucket policy is not UTF-8 text", field=field) from e
    if checks.json_depth(text) > checks.MAX_JSON_DEPTH:
        raise errors.ValidationError(
            f"The bucket policy is nested deeper than {checks.MAX_JSON_DEPTH} levels", field=field
        )
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise errors.ValidationError(
            f"The bucket policy is not JSON: {checks.show(str(e), 200)}", field=field
        ) from e
    if not isinstance(document, dict):
        raise errors.ValidationError("The bucket policy is not a JSON object", field=field)
    return document


def merge_bucket_policy(
    existing: str | bytes | Mapping[str, Any] | None, generated: Mapping[str, Any]
) -> dict[str, Any]:
    """Return ``existing`` with ``generated``'s statements in place of those of the same Sid.

    Statements of ``existing`` keep their order; the generated ones replace their namesakes
    where those stood, and the new ones go at the end. Nothing else of ``existing`` changes.

    Raises:
        ValidationError: ``existing`` is not a JSON policy with a statement list.
    """
    document = _parse(existing, "policy") or {"Version": "2012-10-17", "Statement": []}
    current = statements_of({"Statement": document.get("Statement", [])})
    fresh = statements_of(generated)
    if current is None or fresh is None:
        raise errors.ValidationError("A bucket policy's Statement must be a list", field="policy")
    by_sid = {s.get("Sid"): dict(s) for s in fresh}
    merged: list[dict[str, Any]] = []
    for statement in current:
        sid = statement.get("Sid")
        if sid in by_sid:
            merged.append(by_sid.pop(sid))
        else:
            merged.append(dict(statement))
    merged.extend(by_sid.values())
    return {**document, "Version": document.get("Version", "2012-10-17"), "Statement": merged}


def apply_bucket_policy(s3_client: S3Client, bucket: str, policy: Mapping[str, Any]) -> bool:
    """Merge ``policy``'s statements into ``bucket``'s policy; return whether it changed.

    The bucket's policy is read, ``policy``'s statements replace those with the same ``Sid``
    (:func:`merge_bucket_policy`) and every other statement is kept; nothing is written when the
    result equals what the bucket has, so applying twice changes nothing the second time.

    Raises:
        ValidationError: the merged policy is over :data:`BUCKET_POLICY_MAX_BYTES`.
        AccessDeniedError: the caller may not read or write the bucket's policy.
        NotFoundError: there is no such bucket.

    Example::

        apply_bucket_policy(s3, "awsconfigconforms-results",
                            delivery_bucket_policy("awsconfigconforms-results",
                                                   organization_id="o-a1b2c3d4e5"))
    """
    check_bucket_name(bucket)
    doing = f"Could not update the bucket policy of {bucket}"
    existing = _s3.get_bucket_policy(s3_client, bucket, doing=doing)
    current = _parse(existing, "policy")
    merged = merge_bucket_policy(current, policy)
    if current is not None and _canonical(merged) == _canonical(current):
        return False
    text = json.dumps(merged, separators=(",", ":"))
    if len(text.encode()) > BUCKET_POLICY_MAX_BYTES:
        raise errors.ValidationError(
            f"The merged policy of {bucket} would be {len(text.encode()):,} bytes; S3 accepts "
            f"at most {BUCKET_POLICY_MAX_BYTES:,}",
            field="policy",
        )
    _s3.put_bucket_policy(s3_client, bucket, text, doing=doing)
    return True


def _canonical(document: Mapping[str, Any]) -> str:
    return json.dumps(document, sort_keys=True)


@attrs.frozen
class BucketSetup:
    """What :func:`ensure_bucket` found and did."""

    bucket: str
    """The bucket's name."""
    region: str
    """The region it is in (an existing bucket's own, whatever region was asked for)."""
    created: bool
    """Whether this call created it."""
    policy_changed: bool
    """Whether this call changed its bucket policy."""


def ensure_bucket(
    s3_client: S3Client,
    bucket: str,
    region: str,
    *,
    organization_id: str,
    purpose: Purpose = "template",
    prefix: str | None = None,
    readers: Sequence[str] = (),
    account_id: str | None = None,
) -> BucketSetup:
    """Create ``bucket`` in ``region`` unless it exists, and give it the policy ``purpose`` needs.

    A new bucket gets S3 Block Public Access (all four settings) and ``BucketOwnerEnforced``
    object ownership (no ACLs); the generated policy is not public, since it is restricted to
    the organization. An existing bucket is left as it is but for the policy, which is merged
    (:func:`apply_bucket_policy`). ``account_id``, the caller's account, makes S3 refuse a
    bucket another account owns (``ExpectedBucketOwner``). Calling it again changes nothing.

    Raises:
        ValidationError: a malformed argument, or a bucket name another account owns.
        AccessDeniedError: S3 refused a call.

    Example::

        setup = ensure_bucket(s3, "awsconfigconforms-results", "eu-west-1",
                              organization_id="o-a1b2c3d4e5", purpose="delivery")
        assert setup.created or not setup.policy_changed
    """
    check_region(region)
    check_bucket_name(bucket)
    _check_org(organization_id)
    if account_id is not None:
        checks.run(checks.ACCOUNT, account_id, "account_id")
    bucket_policy(  # every argument checked before the first call
        bucket,
        purpose=purpose,
        organization_id=organization_id,
        prefix=prefix,
        readers=readers,
        partition=partition_for_region(region),
    )
    doing = f"Could not set up the bucket {bucket}"
    found = _s3.bucket_region(s3_client, bucket, expected_owner=account_id, doing=doing)
    created = False
    if found is None:
        created = _s3.create_bucket(s3_client, bucket, region, doing=doing)
        if created:
            _s3.block_public_access(s3_client, bucket, doing=doing)
            _s3.enforce_bucket_owner(s3_client, bucket, doing=doing)
        found = region
    partition = partition_for_region(found)
    policy = bucket_policy(
        bucket,
        purpose=purpose,
        organization_id=organization_id,
        prefix=prefix,
        readers=readers,
        partition=partition,
    )
    changed = apply_bucket_policy(s3_client, bucket, policy)
    return BucketSetup(bucket=bucket, region=found, created=created, policy_changed=changed)


# -- checking an existing policy ---------------------------------------------------------------


def check_bucket_policy(
    policy: str | bytes | Mapping[str, Any] | None,
    *,
    organization_id: str,
    purpose: Purpose,
    bucket: str | None = None,
    prefix: str | None = None,
    readers: Sequence[str] = (),
    owner: str | None = None,
    partition: str = "aws",
) -> list[str]:
    """Return what ``policy`` lacks for ``purpose``: one sentence per problem, empty when fine.

    The accesses checked are those of :func:`template_bucket_policy` (``s3:GetObject`` under
    ``prefix`` by the members' ``AWSServiceRoleForConfigConforms`` role, and by each of
    ``readers``) or :func:`delivery_bucket_policy` (``s3:GetBucketAcl``, ``s3:PutObject`` and
    ``s3:GetObject`` under ``<prefix>/AWSLogs/<account>/Config/``), each as a member account of
    ``organization_id`` other than ``owner`` would make it. A problem is reported when no
    statement allows it, when a ``Deny`` refuses it (a ``Deny`` unless the request comes through
    a VPC endpoint refuses AWS Config too), or when whether it is allowed depends on something
    the policy alone cannot tell (a source IP, an operator orgconfig does not read): never a
    guess that it works. A policy that lets an account of another organization do these things
    is reported too.

    ``policy`` is the JSON text (``GetBucketPolicy``'s ``Policy``) or the parsed document; None
    or empty is a bucket without a policy. ``bucket`` None takes the bucket the policy's
    resources name. For templates, ``prefix`` is the prefix the templates live under (by
    default :data:`TEMPLATE_PREFIX`) or the key of one template; for delivery, the pack's
    ``DeliveryS3KeyPrefix``.

    Raises:
        ValidationError: a malformed organization id, bucket, prefix, reader or purpose.

    Example::

        policy = s3.get_bucket_policy(Bucket="awsconfigconforms-results")["Policy"]
        for problem in check_bucket_policy(policy, organization_id="o-a1b2c3d4e5",
                                           purpose="delivery"):
            print(problem)
    """
    principals = _check_arguments(
        organization_id,
        purpose,
        bucket=bucket,
        prefix=prefix,
        readers=readers,
        owner=owner,
        partition=partition,
    )
    remedy = f"apply orgconfig.buckets.{purpose}_bucket_policy(...) with apply_bucket_policy"
    try:
        document = _parse(policy, "policy")
    except errors.ValidationError as e:
        return [f"{e}: no account of the organization can rely on it; {remedy}"]
    if document is None:
        return [
            f"The bucket has no bucket policy: member accounts of {organization_id} cannot "
            f"{'read templates from' if purpose == 'template' else 'deliver results to'} it; "
            f"{remedy}"
        ]
    statements = statements_of(document)
    if statements is None:
        return [f"The bucket policy has no valid Statement list; {remedy}"]
    if bucket is None:
        bucket = bucket_named(statements, partition)
        if bucket is None:
            return [f"The bucket policy names no S3 bucket in partition {partition!r}; {remedy}"]
    check_bucket_name(bucket)
    problems: list[str] = []
    member = PROBE_MEMBER if owner != PROBE_MEMBER else "000000000001"
    for action, resource in _accesses(purpose, bucket, prefix, member, partition):
        request = member_request(member, organization_id, action, resource, partition)
        who = "the AWSServiceRoleForConfigConforms role of member accounts"
        decision = decide(statements, request, owner=owner, partition=partition)
        problem = problem_of(decision, who, action, resource)
        if problem:
            problems.append(f"{problem}; {remedy}")
        outsider, other_org = PROBE_OUTSIDER
        stranger = member_request(
            outsider,
            other_org,
            action,
            resource.replace(f"/{member}/", f"/{outsider}/"),
            partition,
        )
        if decide(statements, stranger, owner=owner, partition=partition).outcome == "allowed":
            problems.append(
                f"The policy lets principals outside organization {organization_id} {action} "
                f"on {resource}: restrict its statements with aws:PrincipalOrgID"
            )
    if purpose == "template":
        key = _template_key(prefix)
        for reader, principal in principals:
            resource = f"arn:{partition}:s3:::{bucket}/{key}"
            request = reader_request(principal, organization_id, resource)
            decision = decide(statements, request, owner=owner, partition=partition)
            problem = problem_of(decision, f"the reader {reader}", "s3:GetObject", resource)
            if problem:
                problems.append(f"{problem}; {remedy}")
    return problems


def _check_arguments(
    organization_id: str,
    purpose: str,
    *,
    bucket: str | None,
    prefix: str | None,
    readers: object,
    owner: str | None,
    partition: str,
) -> list[tuple[str, str]]:
    """Check :func:`check_bucket_policy`'s arguments; return the readers with their principals."""
    _check_org(organization_id)
    if purpose not in _SIDS:
        raise errors.ValidationError(
            f"purpose must be 'template' or 'delivery', not {checks.show(purpose)}",
            field="purpose",
        )
    _check_partition(partition)
    _check_owner(owner)
    if bucket is not None:
        check_bucket_name(bucket)
    if purpose == "template":
        _template_key(prefix)
    else:
        _delivery_folder(prefix)
    return _check_readers(readers, partition)


def _template_key(prefix: str | None) -> str:
    prefix = TEMPLATE_PREFIX if prefix is None else prefix
    check_prefix(prefix, field="prefix")
    return f"{prefix}{'0' * 64}.yaml" if prefix == "" or prefix.endswith("/") else prefix


def template_object_arn(bucket: str, prefix: str | None, partition: str = "aws") -> str:
    """The ARN of a template under ``prefix`` (or of the key ``prefix``), as checks probe it."""
    return f"arn:{partition}:s3:::{check_bucket_name(bucket)}/{_template_key(prefix)}"


def _accesses(
    purpose: str, bucket: str, prefix: str | None, member: str, partition: str
) -> list[tuple[str, str]]:
    arn = f"arn:{partition}:s3:::{bucket}"
    if purpose == "template":
        return [("s3:GetObject", f"{arn}/{_template_key(prefix)}")]
    results = f"{arn}/{_delivery_folder(prefix)}AWSLogs/{member}/Config/conformance-pack-results"
    return [("s3:GetBucketAcl", arn), ("s3:PutObject", results), ("s3:GetObject", results)]


# ``upload_template`` is defined with the other S3 writes; it is public here.
upload_template.__module__ = __name__
