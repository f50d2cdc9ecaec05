"""The one S3 adapter: template objects (read, look up, upload) and buckets (create, policy).

Every call is wrapped in :func:`~orgconfig._aws.translate_errors`, so only
:mod:`orgconfig.errors` exceptions leave. S3 answers a few conditions with codes orgconfig does
not register as errors because they are answers, not failures; they are turned into values here:

* a ``HeadObject`` / ``HeadBucket`` ``404`` is "none" (:func:`head_object` returns None,
  :func:`bucket_region` returns None); their ``403`` (a HEAD carries no error code) is an
  :class:`~orgconfig.errors.AccessDeniedError`, like ``AccessDenied`` elsewhere;
* ``NoSuchBucketPolicy`` is "no policy" (:func:`get_bucket_policy` returns None);
* ``BucketAlreadyOwnedByYou`` on ``CreateBucket`` is "already there" (:func:`create_bucket`
  returns False), and ``BucketAlreadyExists`` (the name belongs to another account) is a
  :class:`~orgconfig.errors.ValidationError` on ``bucket``: no call can fix it but another name.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import boto3
from botocore.exceptions import ClientError

from orgconfig import errors
from orgconfig._aws import translate_errors

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

__all__ = [
    "ObjectHead",
    "block_public_access",
    "bucket_region",
    "create_bucket",
    "enforce_bucket_owner",
    "get_bucket_policy",
    "head_object",
    "put_bucket_policy",
    "put_object",
    "read_object",
    "read_s3_object",
]

_LEGACY_REGIONS = {"": "us-east-1", "EU": "eu-west-1"}
"""``GetBucketLocation`` answers of the oldest buckets, and the regions they mean."""


def read_object(
    client: S3Client, bucket: str, key: str, *, max_bytes: int, doing: str
) -> tuple[int, bytes]:
    """Read an S3 object: return its ``ContentLength`` and at most ``max_bytes + 1`` bytes of it.

    An object whose ``ContentLength`` is over ``max_bytes`` is not read at all (the bytes
    returned are empty), so the caller can refuse it without downloading it. The body is
    always closed. Errors are translated by :func:`~orgconfig._aws.translate_errors`; a missing
    bucket or key is a :class:`~orgconfig.errors.NotFoundError`.
    """
    region = client.meta.region_name
    with translate_errors("GetObject", region, service="s3", doing=doing):
        response = client.get_object(Bucket=bucket, Key=key)
        stream = response["Body"]
        try:
            length = int(response.get("ContentLength", 0))
            data = stream.read(max_bytes + 1) if length <= max_bytes else b""
        finally:
            stream.close()
    return length, data


def read_s3_object(
    session: boto3.Session | None, bucket: str, key: str, *, max_bytes: int, doing: str
) -> tuple[int, bytes]:
    """:func:`read_object` with a client of ``session`` (a default session when None)."""
    with translate_errors("GetObject", None, service="s3", doing=doing):
        client: S3Client = (session or boto3.Session()).client("s3")
    return read_object(client, bucket, key, max_bytes=max_bytes, doing=doing)


@attrs.frozen
class ObjectHead:
    """What ``HeadObject`` says of an object: its size and its user metadata."""

    size: int
    """``ContentLength``, in bytes."""
    metadata: Mapping[str, str]
    """The user metadata (``x-amz-meta-*``), keys in lower case."""


@contextlib.contextmanager
def _head_errors(operation: str, region: str | None, doing: str) -> Iterator[None]:
    """Translate a HEAD's errors: a bare ``403`` is access denied (HEAD answers carry no code)."""
    with translate_errors(operation, region, service="s3", doing=doing):
        try:
            yield
        except ClientError as e:
            if _status(e) == 403:
                meta = e.response.get("ResponseMetadata", {})
                raise errors.AccessDeniedError(
                    f"{doing}: access denied (403)",
                    code="AccessDenied",
                    operation=operation,
                    request_id=meta.get("RequestId"),
                    region=region,
                    http_status=403,
                    response=e.response,
                    service="s3",
                ) from e
            raise


def _status(error: ClientError) -> int | None:
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status if isinstance(status, int) else None


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def head_object(client: S3Client, bucket: str, key: str, *, doing: str) -> ObjectHead | None:
    """Return the size and metadata of ``s3://bucket/key``, or None when there is no such object.

    Raises:
        NotFoundError: the bucket does not exist (``NoSuchBucket``).
        AccessDeniedError: S3 refused the HEAD (``403``).
    """
    region = client.meta.region_name
    with _head_errors("HeadObject", region, doing):
        try:
            answer = client.head_object(Bucket=bucket, Key=key)
        except ClientError as e:
            if _status(e) == 404 and _code(e) in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
    return ObjectHead(int(answer.get("ContentLength", 0)), dict(answer.get("Metadata", {})))


def put_object(
    client: S3Client,
    bucket: str,
    key: str,
    body: bytes,
    *,
    content_type: str,
    metadata: Mapping[str, str],
    doing: str,
) -> None:
    """Store ``body`` at ``s3://bucket/key``, with a SHA-256 checksum S3 verifies on arrival."""
    region = client.meta.region_name
    with translate_errors("PutObject", region, service="s3", doing=doing):
        client.put_object(
            Bucket=bucket,
            Key=key,
            Body=body,
            ContentType=content_type,
            Metadata=dict(metadata),
            ChecksumAlgorithm="SHA256",
        )


def bucket_region(
    client: S3Client, bucket: str, *, expected_owner: str | None = None, doing: str
) -> str | None:
    """Return the region of ``bucket``, or None when no bucket of that name exists.

    ``expected_owner`` (an account id) makes S3 refuse (``403``) a bucket of another account.

    Raises:
        AccessDeniedError: the bucket exists but the caller may not see it (or, with
            ``expected_owner``, another account owns it).
    """
    region = client.meta.region_name
    extra: dict[str, Any] = {"ExpectedBucketOwner": expected_owner} if expected_owner else {}
    with _head_errors("HeadBucket", region, doing):
        try:
            answer = client.head_bucket(Bucket=bucket, **extra)
        except ClientError as e:
            if _status(e) == 404:
                return None
            raise
    found = answer.get("BucketRegion")
    if found:
        return str(found)
    with translate_errors("GetBucketLocation", region, service="s3", doing=doing):
        answered: Mapping[str, Any] = client.get_bucket_location(Bucket=bucket)
    location = str(answered.get("LocationConstraint") or "")
    return _LEGACY_REGIONS.get(location, location)


def create_bucket(client: S3Client, bucket: str, region: str, *, doing: str) -> bool:
    """Create ``bucket`` in ``region``; return False when the caller already owns it.

    ``us-east-1`` takes no ``CreateBucketConfiguration`` (S3 refuses one naming it); every other
    region needs its ``LocationConstraint``.

    Raises:
        ValidationError: another account owns a bucket of that name (``field="bucket"``).
    """
    extra: dict[str, Any] = {}
    if region != "us-east-1":
        extra["CreateBucketConfiguration"] = {"LocationConstraint": region}
    with translate_errors("CreateBucket", region, service="s3", doing=doing):
        try:
            client.create_bucket(Bucket=bucket, **extra)
        except ClientError as e:
            if _code(e) == "BucketAlreadyOwnedByYou":
                return False
            if _code(e) == "BucketAlreadyExists":
                raise errors.ValidationError(
                    f"The bucket name {bucket!r} belongs to another AWS account (bucket names are "
                    "global): choose another name",
                    field="bucket",
                ) from e
            raise
    return True


def block_public_access(client: S3Client, bucket: str, *, doing: str) -> None:
    """Turn on all four S3 Block Public Access settings of ``bucket``."""
    region = client.meta.region_name
    with translate_errors("PutPublicAccessBlock", region, service="s3", doing=doing):
        client.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )


def enforce_bucket_owner(client: S3Client, bucket: str, *, doing: str) -> None:
    """Disable ACLs on ``bucket``: the bucket owner owns every object (``BucketOwnerEnforced``)."""
    region = client.meta.region_name
    with translate_errors("PutBucketOwnershipControls", region, service="s3", doing=doing):
        client.put_bucket_ownership_controls(
            Bucket=bucket,
            OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        )


def get_bucket_policy(client: S3Client, bucket: str, *, doing: str) -> str | None:
    """Return the bucket policy of ``bucket`` (JSON text), or None when it has none."""
    region = client.meta.region_name
    with translate_errors("GetBucketPolicy", region, service="s3", doing=doing):
        try:
            return str(client.get_bucket_policy(Bucket=bucket)["Policy"])
        except ClientError as e:
            if _code(e) == "NoSuchBucketPolicy":
                return None
            raise


def put_bucket_policy(client: S3Client, bucket: str, policy: str, *, doing: str) -> None:
    """Replace the bucket policy of ``bucket`` with ``policy`` (JSON text)."""
    region = client.meta.region_name
    with translate_errors("PutBucketPolicy", region, service="s3", doing=doing):
        client.put_bucket_policy(Bucket=bucket, Policy=policy)
