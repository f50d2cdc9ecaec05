"""Every error orgconfig raises, and the registry that turns AWS error codes into them.

The tree::

    OrgConfigError                      base of everything orgconfig raises
    ├── ValidationError                 bad input (a ValueError); ``.field`` names the field
    │   ├── TemplateError               a conformance pack template that cannot be used
    │   ├── guard.GuardSyntaxError      a Guard policy that does not parse (the guard extra)
    │   │   └── TemplateValidationError   the service rejected it (an ApiError too)
    │   ├── InvalidRequestError         the service rejected a parameter (an ApiError too)
    │   └── ConfigurationError          the local AWS setup: no credentials, unknown profile,
    │                                   no region, a malformed config file (with the remedy)
    ├── ApiError                        any error answer from AWS: code, message, operation,
    │   │                               request id, region; raised ``from`` the ClientError
    │   ├── NotFoundError               NoSuchOrganization{ConformancePack,ConfigRule}
    │   ├── AccessDeniedError           OrganizationAccessDenied, InsufficientPermissions, ...
    │   │   └── CredentialsError        AWS refused the credentials: expired, bad signature
    │   ├── OrganizationNotReadyError   NoAvailableOrganization, OrganizationAllFeaturesNotEnabled
    │   ├── LimitExceededError          MaxNumberOfOrganization...Exceeded (packs, rules)
    │   ├── ResourceInUseError          a put or delete while a deployment is in progress
    │   ├── ThrottlingError             throttled after botocore's own retries ran out
    │   └── ServiceUnavailableError     5xx answers after botocore's own retries ran out
    │                                   (waits retry both: they are transient)
    ├── TransportError                  no answer at all: endpoint, connection, timeout
    ├── guard.GuardUnavailableError     evaluate() without the guard extra
    └── DeploymentError                 a deployment that did not end well
        ├── DeploymentFailedError       ``.failures``: every failed member account
        ├── DeploymentSupersededError   a put deleted meanwhile, a resumed delete with none
        ├── MultiRegionError            ``.result``: every region's result and error
        └── DeploymentTimeoutError      ``.last_result``: the progress seen before time ran out

Every (service, AWS error code) maps to exactly one class through :func:`register` (services reuse
code names, so the key includes the service; :data:`ANY_SERVICE` holds the codes every service may
answer); :func:`from_client_error` picks the class for a botocore ``ClientError`` and falls back to
:class:`ApiError` for codes it does not know. Access denied is never reported as not found.

Example::

    try:
        org.conformance_packs.get("missing")
    except orgconfig.errors.NotFoundError as e:
        print(e.code, e.operation, e.request_id)
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from orgconfig._frozen import deep_freeze

if TYPE_CHECKING:
    from botocore.exceptions import ClientError

    from orgconfig.deployments import DeploymentResult
    from orgconfig.models import AccountStatus
    from orgconfig.multiregion import MultiRegionResult

__all__ = [
    "ANY_SERVICE",
    "TRANSIENT_ERRORS",
    "AccessDeniedError",
    "ApiError",
    "ConfigurationError",
    "CredentialsError",
    "DeploymentError",
    "DeploymentFailedError",
    "DeploymentSupersededError",
    "DeploymentTimeoutError",
    "InvalidRequestError",
    "LimitExceededError",
    "MultiRegionError",
    "NotFoundError",
    "OrgConfigError",
    "OrganizationNotReadyError",
    "ResourceInUseError",
    "ServerError",
    "ServiceUnavailableError",
    "TemplateError",
    "TemplateValidationError",
    "ThrottlingError",
    "TransportError",
    "ValidationError",
    "error_class_for",
    "from_client_error",
    "register",
    "registered_codes",
]


class OrgConfigError(Exception):
    """Base class of every error orgconfig raises."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuild without calling __init__ (subclasses take keyword-only arguments), then
        # restore every attribute: errors survive pickling (process pools) and deep copies.
        return (_restore, (type(self), self.args), self.__dict__)


def _restore(cls: type[OrgConfigError], args: tuple[Any, ...]) -> OrgConfigError:
    error = cls.__new__(cls)
    BaseException.__init__(error, *args)
    return error


class ValidationError(OrgConfigError, ValueError):
    """Input that the API would reject, found before (or by) the call.

    It is a :class:`ValueError` too, so code that already catches bad values keeps working.

    ``field`` names the offending field in orgconfig's own terms (``"name"``,
    ``"parameters['Foo']"``, ``"excluded_accounts[3]"``) when one can be named.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class TemplateError(ValidationError):
    """A conformance pack template that cannot be parsed or that the service would reject.

    ``path`` is where the template came from, when it came from a file or S3, and ``location``
    points into the template (``"Resources.MyRule.Properties.Source"``) when the problem has one.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = "template",
        path: str | None = None,
        location: str | None = None,
    ) -> None:
        super().__init__(message, field=field)
        self.path = path
        self.location = location

    def __str__(self) -> str:
        # A script that logs str(e) over many templates must be able to tell which one failed:
        # the text names the file or S3 URI, unless the message already does.
        if self.path and self.path not in self.message:
            return f"{self.path}: {self.message}"
        return self.message


class ApiError(OrgConfigError):
    """An error answer from AWS.

    Attributes:
        code: the AWS error code, such as ``"ResourceInUseException"``.
        operation: the API operation, such as ``"PutOrganizationConformancePack"``.
        request_id: the request id AWS gave, for support cases.
        region: the region the call went to.
        http_status: the HTTP status of the answer.
        response: the parsed error response, as botocore gave it.
        service: the botocore name of the service that answered (``"config"``, ``"s3"``...),
            when known.

    """

    codes: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        operation: str = "",
        request_id: str | None = None,
        region: str | None = None,
        http_status: int | None = None,
        response: Mapping[str, Any] | None = None,
        service: str | None = None,
    ) -> None:
        OrgConfigError.__init__(self, message)
        self.service = service
        self.code = code
        self.operation = operation
        self.request_id = request_id
        self.region = region
        self.http_status = http_status
        # A read-only copy: an error is a value, and may be shared between threads.
        self.response: Mapping[str, Any] = deep_freeze(response or {})

    def __str__(self) -> str:
        where = " in ".join(part for part in (self.operation, self.region) if part)
        return ": ".join(part for part in (where, self.code, self.message) if part)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"

    def with_message(self, message: str) -> ApiError:
        """Return a copy of this error (same class and fields) with another message."""
        clone = copy.copy(self)
        clone.message = message
        clone.args = (message,)
        return clone


ANY_SERVICE = "*"
"""The service key of codes that any AWS service may answer (throttling, credentials, 5xx)."""

_REGISTRY: dict[tuple[str, str], type[ApiError]] = {}
_E = TypeVar("_E", bound=type[ApiError])


def register(*codes: str, service: str) -> Callable[[_E], _E]:
    """Class decorator: make ``cls`` the error raised for each of ``service``'s ``codes``.

    ``service`` is the botocore service name (``"config"``, ``"organizations"``, ``"s3"``,
    ``"sts"``) or :data:`ANY_SERVICE` for codes every AWS service may answer. Codes are keyed by
    (service, code) because services reuse names with other meanings (``AccessDenied``,
    ``ResourceNotFoundException``...). A key can belong to one class only; registering it twice is
    a programming error.

    Example::

        @register("SomeNewException", service="config")
        class SomeNewError(ApiError):
            '''What SomeNewException means.'''
    """

    def decorate(cls: _E) -> _E:
        for code in codes:
            key = (service, code)
            if key in _REGISTRY:
                raise RuntimeError(
                    f"{code} of {service} is already registered to {_REGISTRY[key].__name__}"
                )
            _REGISTRY[key] = cls
        known = cls.__dict__.get("codes", ())
        cls.codes = tuple(dict.fromkeys((*known, *codes)))
        return cls

    return decorate


def registered_codes() -> Mapping[tuple[str, str], type[ApiError]]:
    """Return a copy of the registry: (service, AWS error code) -> error class."""
    return dict(_REGISTRY)


def error_class_for(code: str, service: str | None = None) -> type[ApiError]:
    """Return the class raised for ``service``'s error ``code``; :class:`ApiError` when unknown.

    The service's own registration wins over one for :data:`ANY_SERVICE`. Without ``service``,
    a code registered for any service is looked up, then any service's registration of it.
    """
    if service is not None:
        found = _REGISTRY.get((service, code)) or _REGISTRY.get((ANY_SERVICE, code))
        return found or ApiError
    found = _REGISTRY.get((ANY_SERVICE, code))
    if found is None:
        found = next((cls for (_, known), cls in _REGISTRY.items() if known == code), None)
    return found or ApiError


class _ApiValidationError(ApiError, ValidationError):
    """Shared constructor for classes that are both an ApiError and a ValidationError."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        operation: str = "",
        request_id: str | None = None,
        region: str | None = None,
        http_status: int | None = None,
        response: Mapping[str, Any] | None = None,
        service: str | None = None,
        field: str | None = None,
    ) -> None:
        ApiError.__init__(
            self,
            message,
            code=code,
            operation=operation,
            request_id=request_id,
            region=region,
            http_status=http_status,
            response=response,
            service=service,
        )
        self.field = field


@register("ConstraintViolationException", "InvalidInputException", service="organizations")
@register(
    "ValidationException",
    "InvalidParameterValueException",
    "InvalidLimitException",
    "InvalidNextTokenException",
    service="config",
)
class InvalidRequestError(_ApiValidationError):
    """The service rejected a request parameter (a ValidationError and an ApiError)."""


@register("OrganizationConformancePackTemplateValidationException", service="config")
class TemplateValidationError(_ApiValidationError, TemplateError):
    """The service rejected a conformance pack template (a TemplateError and an ApiError)."""

    path: str | None = None
    location: str | None = None

    def __init__(self, message: str, **kwargs: Any) -> None:
        kwargs.setdefault("field", "template")  # as for a TemplateError found locally
        super().__init__(message, **kwargs)


@register("NoSuchBucket", "NoSuchKey", service="s3")
@register(
    "AccountNotFoundException",
    "OrganizationalUnitNotFoundException",
    "ParentNotFoundException",
    "ChildNotFoundException",
    "TargetNotFoundException",
    "AccountNotRegisteredException",
    service="organizations",
)
@register(
    "NoSuchOrganizationConformancePackException",
    "NoSuchOrganizationConfigRuleException",
    "ResourceNotFoundException",
    service="config",
)
class NotFoundError(ApiError):
    """The named conformance pack or rule (or S3 object, account, OU...) does not exist."""


@register("AccessDenied", service="s3")
@register("AccessDenied", "RegionDisabledException", service="sts")
@register("AccessDeniedForDependencyException", service="organizations")
@register("OrganizationAccessDeniedException", "InsufficientPermissionsException", service="config")
@register("AccessDeniedException", service=ANY_SERVICE)
class AccessDeniedError(ApiError):
    """The caller may not do this: not the management account or a delegated admin, or no IAM."""


_CREDENTIALS_REMEDY = (
    "check the credentials in use (aws sts get-caller-identity), refresh them (aws sso login, "
    "or a new session token), and the machine's clock"
)


@register(
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "ExpiredToken",
    "ExpiredTokenException",
    "IncompleteSignature",
    "IncompleteSignatureException",
    "InvalidSignature",
    "InvalidSignatureException",
    "MissingAuthenticationToken",
    "MissingAuthenticationTokenException",
    "SignatureDoesNotMatch",
    "RequestExpired",
    "AuthFailure",
    "InvalidAccessKeyId",
    service=ANY_SERVICE,
)
class CredentialsError(AccessDeniedError):
    """AWS refused the credentials themselves: unknown, expired, or a request badly signed.

    Its message ends with what to do about it.
    """

    def __str__(self) -> str:
        return f"{super().__str__()} ({_CREDENTIALS_REMEDY})"


@register("AWSOrganizationsNotInUseException", service="organizations")
@register(
    "NoAvailableOrganizationException",
    "OrganizationAllFeaturesNotEnabledException",
    service="config",
)
class OrganizationNotReadyError(ApiError):
    """The caller is in no organization, or the organization does not have all features enabled."""


@register(
    "MaxNumberOfOrganizationConformancePacksExceededException",
    "MaxNumberOfOrganizationConfigRulesExceededException",
    "MaxNumberOfConformancePacksExceededException",
    "MaxNumberOfConfigRulesExceededException",
    "TooManyTagsException",
    service="config",
)
class LimitExceededError(ApiError):
    """A service quota was reached: organization conformance packs or rules, tags."""


@register("ResourceInUseException", service="config")
class ResourceInUseError(ApiError):
    """The pack or rule is being deployed or deleted; the service said to try again later."""


@register("SlowDown", service="s3")
@register("LimitExceededException", service="config")
@register(
    "ThrottlingException",
    "Throttling",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "ProvisionedThroughputExceededException",
    "BandwidthLimitExceeded",
    service=ANY_SERVICE,
)
class ThrottlingError(ApiError):
    """The service kept throttling after botocore's own retries ran out."""


@register("ServiceException", service="organizations")
@register(
    "InternalFailure",
    "InternalServerError",
    "InternalServerException",
    "InternalError",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
    "500",
    "502",
    "503",
    "504",
    service=ANY_SERVICE,
)
class ServiceUnavailableError(ApiError):
    """The service kept answering with a server error after botocore's own retries ran out.

    Also raised for an unknown code answered with an HTTP status of 500 or more (a bare 502 from
    a proxy, say). Waits treat it as transient and poll again.
    """


ServerError = ServiceUnavailableError
"""Another name for :class:`ServiceUnavailableError`: any 5xx answer."""


class TransportError(OrgConfigError):
    """No answer from AWS at all: unknown endpoint, broken connection, a timeout.

    The botocore exception is the ``__cause__``. Waits treat it as transient and poll again.
    """


class ConfigurationError(ValidationError):
    """The local AWS setup is incomplete: no credentials, an unknown profile, no region, ...

    No request could be made. The message says what to do; ``field`` is ``"session"`` or
    ``"region"``. The botocore exception is the ``__cause__``.
    """


TRANSIENT_ERRORS: tuple[type[OrgConfigError], ...] = (
    ThrottlingError,
    ServiceUnavailableError,
    TransportError,
)
"""The errors a wait outlives: it polls again, with backoff, within its timeout."""


def from_client_error(
    error: ClientError,
    *,
    operation: str | None = None,
    region: str | None = None,
    service: str | None = None,
) -> ApiError:
    """Build the orgconfig error for a botocore ``ClientError`` (the caller raises it ``from``).

    Example::

        try:
            client.describe_organization_conformance_packs()
        except ClientError as e:
            raise from_client_error(e, region="us-east-1") from e
    """
    response: Mapping[str, Any] = error.response
    err = response.get("Error", {})
    meta = response.get("ResponseMetadata", {})
    code = str(err.get("Code", "")) or "Unknown"
    message = str(err.get("Message", "")) or str(error)
    status = meta.get("HTTPStatusCode")
    cls = error_class_for(code, service)
    if cls is ApiError and isinstance(status, int):
        # An unknown code: its HTTP status still says what kind of trouble it is.
        if status >= 500:
            cls = ServiceUnavailableError
        elif status == 429:
            cls = ThrottlingError
    return cls(
        message,
        code=code,
        operation=operation or error.operation_name,
        request_id=meta.get("RequestId"),
        region=region,
        http_status=status,
        response=response,
        service=service,
    )


class DeploymentError(OrgConfigError):
    """A deployment (put or delete of a pack or rule) that did not end well.

    Attributes:
        name: the conformance pack or rule.
        kind: ``"conformance_pack"`` or ``"rule"``.
        region: where it was deployed.

    """

    def __init__(self, message: str, *, name: str, kind: str, region: str | None) -> None:
        super().__init__(message)
        self.name = name
        self.kind = kind
        self.region = region


class DeploymentFailedError(DeploymentError):
    """The deployment finished and at least one member account failed.

    ``failures`` lists every failed account with its error code and message; ``blocked`` those
    of them that are suspended, closing or gone from the organization (AWS cannot reach them:
    the message says what to do); ``result`` is the whole :class:`~orgconfig.DeploymentResult`,
    successes included.
    """

    def __init__(
        self,
        message: str,
        *,
        name: str,
        kind: str,
        region: str | None,
        result: DeploymentResult,
        failures: Sequence[AccountStatus],
        blocked: Sequence[AccountStatus] = (),
    ) -> None:
        super().__init__(message, name=name, kind=kind, region=region)
        self.result = result
        self.failures: tuple[AccountStatus, ...] = tuple(failures)
        self.blocked: tuple[AccountStatus, ...] = tuple(blocked)


class DeploymentSupersededError(DeploymentError):
    """The deployment a handle follows was replaced by one of the other operation.

    A put whose pack or rule is being deleted by someone else, or a delete resumed by name when
    the last deployment of that name is a put. ``status`` is the aggregate status seen.
    """

    def __init__(
        self, message: str, *, name: str, kind: str, region: str | None, status: str
    ) -> None:
        super().__init__(message, name=name, kind=kind, region=region)
        self.status = status


class MultiRegionError(DeploymentError):
    """A deployment to several regions did not end well in at least one of them.

    ``result`` is the whole :class:`~orgconfig.MultiRegionResult`: every region's result, and
    the error of each region that has none. ``failed_regions`` lists the regions that failed.
    """

    def __init__(self, message: str, *, name: str, kind: str, result: MultiRegionResult) -> None:
        super().__init__(message, name=name, kind=kind, region=None)
        self.result = result
        self.failed_regions: tuple[str, ...] = result.failed_regions


class DeploymentTimeoutError(DeploymentError):
    """Waiting ran out of time before the deployment finished.

    ``last_result`` is the progress seen on the last poll; the deployment itself goes on and can
    be waited on again with ``Deployment.wait()`` or resumed with ``deployment(name)``.
    """

    def __init__(
        self,
        message: str,
        *,
        name: str,
        kind: str,
        region: str | None,
        timeout: float,
        last_result: DeploymentResult | None,
    ) -> None:
        super().__init__(message, name=name, kind=kind, region=region)
        self.timeout = timeout
        self.last_result = last_result
