"""Everything that talks to AWS, and nothing that validates user input.

* :mod:`orgconfig._aws.clients`: the one factory of boto3 clients, keyed by (service, region,
  account), assuming a role into member accounts when asked.
* :mod:`orgconfig._aws.config`: typed calls on the AWS Config organization APIs, with pages.
* :mod:`orgconfig._aws.s3`: reading template objects.

Every call is wrapped in :func:`translate_errors`, so no botocore exception leaves this package.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from orgconfig import errors

__all__ = ["translate_errors"]


@contextlib.contextmanager
def translate_errors(
    operation: str,
    region: str | None,
    *,
    service: str | None = None,
    doing: str | None = None,
) -> Iterator[None]:
    """Turn botocore exceptions raised in the block into orgconfig errors.

    A ``ClientError`` becomes the registered :class:`~orgconfig.errors.ApiError` subclass for
    ``(service, code)``; botocore's ``ParamValidationError`` a
    :class:`~orgconfig.errors.ValidationError`; any other botocore error (no credentials, no
    endpoint, a broken connection) becomes :class:`~orgconfig.errors.TransportError`, whose
    message starts with ``doing`` (by default ``"<operation> in <region>"``).
    """
    try:
        yield
    except ClientError as e:
        raise errors.from_client_error(
            e, operation=operation, region=region, service=service
        ) from e
    except ParamValidationError as e:
        # botocore's own check of the request against its model (orgconfig's models validate
        # first, so this means a botocore too old for a field, or a bug): bad input, not a
        # transport problem.
        raise errors.ValidationError(f"{operation}: {e}") from e
    except BotoCoreError as e:
        raise errors.TransportError(f"{doing or f'{operation} in {region}'}: {e}") from e
