"""The one S3 adapter: reading template objects (uploads arrive with large templates)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import boto3

from orgconfig._aws import translate_errors

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

__all__ = ["read_object", "read_s3_object"]


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
