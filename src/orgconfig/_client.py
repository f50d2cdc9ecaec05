"""The seam to boto3: every AWS call orgconfig makes goes through this module.

It owns three things and nothing else: making the call, walking pages, and turning botocore's
exceptions into :mod:`orgconfig.errors` (raised ``from`` the original). Models and converters never
see a client; collections and deployments never see a ``ClientError``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import boto3
from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from orgconfig import errors

if TYPE_CHECKING:
    from mypy_boto3_config import ConfigServiceClient
    from mypy_boto3_s3 import S3Client

__all__ = ["ConfigApi", "read_s3_object", "translate_errors"]


@contextlib.contextmanager
def translate_errors(
    operation: str, region: str | None, *, doing: str | None = None
) -> Iterator[None]:
    """Turn botocore exceptions raised in the block into orgconfig errors.

    A ``ClientError`` becomes the registered :class:`~orgconfig.errors.ApiError` subclass for
    its code; botocore's ``ParamValidationError`` a :class:`~orgconfig.errors.ValidationError`;
    any other botocore error (no credentials, no endpoint, a broken connection)
    becomes :class:`~orgconfig.errors.TransportError`, whose message starts with ``doing``
    (by default ``"<operation> in <region>"``).
    """
    try:
        yield
    except ClientError as e:
        raise errors.from_client_error(e, operation=operation, region=region) from e
    except ParamValidationError as e:
        # botocore's own check of the request against its model (orgconfig's models validate
        # first, so this means a botocore too old for a field, or a bug): bad input, not a
        # transport problem.
        raise errors.ValidationError(f"{operation}: {e}") from e
    except BotoCoreError as e:
        raise errors.TransportError(f"{doing or f'{operation} in {region}'}: {e}") from e


def read_s3_object(
    session: boto3.Session | None, bucket: str, key: str, *, max_bytes: int, doing: str
) -> tuple[int, bytes]:
    """Read an S3 object: return its ``ContentLength`` and at most ``max_bytes + 1`` bytes of it.

    An object whose ``ContentLength`` is over ``max_bytes`` is not read at all (the bytes
    returned are empty), so the caller can refuse it without downloading it. The body is
    always closed. Errors are translated as by :func:`translate_errors`; a missing bucket or
    key is a :class:`~orgconfig.errors.NotFoundError`.
    """
    client: S3Client = (session or boto3.Session()).client("s3")
    region = client.meta.region_name
    with translate_errors("GetObject", region, doing=doing):
        response = client.get_object(Bucket=bucket, Key=key)
        stream = response["Body"]
        try:
            length = int(response.get("ContentLength", 0))
            data = stream.read(max_bytes + 1) if length <= max_bytes else b""
        finally:
            stream.close()
    return length, data


class ConfigApi:
    """AWS Config calls for one region, with orgconfig's error translation.

    Args:
        client: a boto3 ``config`` client (its retry policy is botocore's business).
        region: the client's region, reported in errors.
    """

    def __init__(self, client: ConfigServiceClient, region: str) -> None:
        self.client = client
        self.region = region

    def call(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Call ``operation`` (its API name, e.g. ``"PutOrganizationConformancePack"``)."""
        method = getattr(self.client, xform_name(operation))
        with translate_errors(operation, self.region):
            response: dict[str, Any] = method(**params)
        return response

    def pages(self, operation: str, params: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        """Yield every page of ``operation``'s answer, following ``NextToken`` lazily."""
        paginator = self.client.get_paginator(xform_name(operation))  # type: ignore[call-overload]  # the name is computed; every paginated operation we call has a paginator
        iterator = iter(paginator.paginate(**params))
        while True:
            with translate_errors(operation, self.region):
                page: dict[str, Any] | None = next(iterator, None)
            if page is None:
                return
            yield page

    def items(
        self, operation: str, result_key: str, params: Mapping[str, Any]
    ) -> Iterator[dict[str, Any]]:
        """Yield the items under ``result_key`` across every page of ``operation``."""
        for page in self.pages(operation, params):
            yield from page.get(result_key, [])
