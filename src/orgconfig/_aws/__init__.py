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

from botocore import exceptions as bce
from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from orgconfig import errors

__all__ = ["configuration_error", "translate_errors"]

_CREDENTIALS = (
    "configure credentials: a profile (AWS_PROFILE, or boto3.Session(profile_name=...)), "
    "environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN), "
    "aws sso login, or an instance or container role"
)
_REMEDIES: tuple[tuple[type[BotoCoreError], str, str], ...] = (
    (bce.NoCredentialsError, "session", _CREDENTIALS),
    (bce.PartialCredentialsError, "session", "complete the credentials: " + _CREDENTIALS),
    (bce.CredentialRetrievalError, "session", "fix the credential source: " + _CREDENTIALS),
    (
        bce.ProfileNotFound,
        "session",
        "name a profile that exists in ~/.aws/config or ~/.aws/credentials "
        "(aws configure list-profiles), or unset AWS_PROFILE",
    ),
    (bce.ConfigParseError, "session", "fix the syntax of the AWS config or credentials file"),
    (bce.InvalidConfigError, "session", "fix the AWS configuration named in the message"),
    (
        bce.NoRegionError,
        "region",
        "pass region='...' or set AWS_DEFAULT_REGION or the profile's region",
    ),
    (bce.InvalidRegionError, "region", "use a region name such as 'eu-west-1'"),
    (bce.UnknownEndpointError, "region", "use a region where the service is available"),
    (bce.SSOError, "session", "sign in again with aws sso login"),
    (bce.TokenRetrievalError, "session", "sign in again with aws sso login"),
)


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
        setup = configuration_error(e)
        if setup is not None:
            raise setup from e
        raise errors.TransportError(f"{doing or f'{operation} in {region}'}: {e}") from e


def configuration_error(error: BotoCoreError) -> errors.ConfigurationError | None:
    """Return the :class:`~orgconfig.errors.ConfigurationError` for a botocore setup error.

    None when ``error`` is not about the local setup (a connection problem, say).
    """
    for kind, field, remedy in _REMEDIES:
        if isinstance(error, kind):
            return errors.ConfigurationError(f"{error}: {remedy}", field=field)
    return None
