"""The seam between botocore and the simulated service: a ``before-send`` handler.

Why ``before-send``
-------------------
Three seams let a simulator answer ordinary boto3 clients (see the project's API notes): a
``before-call`` handler returning an already-parsed response, a ``before-send`` handler returning
the HTTP response, or patching moto's Config backend. The sandbox uses ``before-send`` because it
is the only one that keeps botocore's real wire path:

* botocore's JSON parser parses the bytes we answer, so responses are checked against the
  service model exactly as AWS's are (timestamps, shapes, unknown keys);
* botocore's error factory builds the ``ClientError`` (and the modeled exception classes such as
  ``client.exceptions.ResourceInUseException``) from our error body;
* botocore's retry handler sees our throttling and 5xx answers and retries them, with its own
  back-off and retry quota, exactly as against AWS. A ``before-call`` short-circuit would skip all
  of this, and retries in particular;
* it needs no moto internals beyond the order of handlers, so it survives moto upgrades, unlike
  patching moto's backend.

How it is wired
---------------
:func:`install` inserts ``("before-send.config-service", handler)`` into
``botocore.handlers.BUILTIN_HANDLERS`` just before moto's own ``before-send`` stubber (once,
idempotently; importing this module installs it). Every botocore session created afterwards,
including the fresh default session ``boto3.client(...)`` builds inside ``mock_aws``, registers
both. botocore calls *every* ``before-send`` handler, most specific event name first, and uses the
first response; ours is registered for the more specific name, so it runs first. When it answers
a request it also points the request's URL at a host no moto backend claims, so that moto's
stubber, which runs next, lets the request go instead of answering it a second time.

An ``after-call`` handler for Organizations and AWS Config (:data:`AFTER_EVENTS`) tells the
active sandbox of every call that moto answered (``Seam.after_call``), so that an account a
test creates with ``organizations.create_account``, or a recorder it creates with
``config.put_configuration_recorder``, is seen by the simulated service at once.

The handler passes through (returns None) when no sandbox is active, and for every request that
is not one of the operations the sandbox serves; those reach moto as usual. It also sees every
AWS Organizations, STS and S3 request, to count it (``sb.api_calls``, as ``organizations:<Op>``,
``sts:<Op>`` and ``s3:<Op>``; AWS Config operations keep their bare names) and to refuse what
AWS refuses and moto allows (:mod:`orgconfig.testing._access`): a member account's
Organizations calls other than those AWS allows it, and an ``sts:AssumeRole`` into a role that
does not exist or does not trust the caller. Requests the sandbox makes for itself, inside
:func:`internal` (the simulated service's own reads and side effects, the sandbox's sessions),
are neither counted nor checked. Tagging requests
(``ListTagsForResource``, ``TagResource``, ``UntagResource``) are answered for organization
pack and rule ARNs; for other ARNs they are checked against the service model (and refused
when invalid, as AWS would) and then passed to moto.

The wire format is AWS Config's JSON 1.1 protocol: the operation is in the ``X-Amz-Target:
StarlingDoveService.<Operation>`` header, the body is JSON, answers carry
``content-type: application/x-amz-json-1.1`` and an ``x-amzn-RequestId``, timestamps are epoch
seconds, and errors are ``{"__type": "<Code>", "message": "..."}`` with the HTTP status.
"""

from __future__ import annotations

import collections
import contextlib
import io
import json
import random
import re
import threading
import urllib.parse
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal, Protocol
from xml.sax.saxutils import escape

from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.compat import HTTPHeaders
from botocore.handlers import BUILTIN_HANDLERS

from orgconfig.testing import _access
from orgconfig.testing._errors import ServiceError
from orgconfig.testing._moto import STUBBER

__all__ = [
    "Faults",
    "Responder",
    "Seam",
    "activate",
    "active",
    "deactivate",
    "install",
    "internal",
    "is_internal",
]

CONFIG_TARGET_PREFIX = "StarlingDoveService."
ORGANIZATIONS_TARGET_PREFIX = "AWSOrganizationsV20161128."
EVENT_NAME = "before-send.config-service"
ORGANIZATIONS_EVENT_NAME = "before-send.organizations"
COUNTED_EVENT_NAMES = ("before-send.sts", "before-send.s3")
"""Services whose requests the seam only counts (and, for STS, checks) before moto answers."""
AFTER_EVENTS = {"after-call.organizations": "organizations", "after-call.config-service": "config"}
"""The ``after-call`` events the seam listens to, and the service each names."""

# A host that no moto backend URL pattern matches (and not under amazonaws.com), so that moto's
# stubber passes a request we have already answered.
_ANSWERED_URL = "https://orgconfig-sandbox.invalid/answered"

_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/[^/]+/([^/]+)/")
_STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"

_internal = threading.local()


@contextlib.contextmanager
def internal() -> Iterator[None]:
    """Mark the requests this thread makes in the block as the sandbox's own.

    They are not counted in ``api_calls`` and not checked against AWS's access rules (the
    sandbox may act as any account). The simulated service runs inside it while it answers a
    request, so that its reads and side effects (a template read from S3, trusted access
    enabled by a put) are not taken for the caller's requests.
    """
    depth: int = getattr(_internal, "depth", 0)
    _internal.depth = depth + 1
    try:
        yield
    finally:
        _internal.depth = depth


def is_internal() -> bool:
    """Tell whether this thread is making the sandbox's own requests (see :func:`internal`)."""
    return bool(getattr(_internal, "depth", 0))


class Responder(Protocol):
    """What the handler asks the active sandbox: an answer to a request, or None to pass."""

    def answer(self, request: AWSPreparedRequest, event_name: str = "") -> AWSResponse | None:
        """Return the HTTP response for ``request``, or None to let moto answer it.

        ``event_name`` is botocore's ``before-send.<service>.<Operation>``.
        """
        ...

    def after_call(self, service: str, operation: str) -> None:
        """Hear that a call of ``service`` (``"organizations"``, ``"config"``) was answered."""
        ...


_lock = threading.Lock()
_active: Responder | None = None


def _before_send(request: AWSPreparedRequest, **kwargs: Any) -> AWSResponse | None:
    """The botocore handler: answer through the active sandbox, or pass."""
    responder = _active
    if responder is None:
        return None
    response = responder.answer(request, event_name=str(kwargs.get("event_name", "")))
    if response is not None:
        request.url = _ANSWERED_URL
    return response


def _after_call(event_name: str = "", model: Any = None, **kwargs: Any) -> None:
    """The botocore ``after-call`` handler: tell the active sandbox which call was answered."""
    responder = _active
    service = AFTER_EVENTS.get(event_name.rsplit(".", 1)[0])
    if responder is None or service is None or model is None:
        return
    responder.after_call(service, str(model.name))


def install() -> None:
    """Register the handler in botocore's built-in handlers, before moto's stubber (idempotent).

    Sessions created after this call (every ``boto3.Session()`` and the default session inside
    ``mock_aws``) carry the handler. Importing this module calls it.
    """
    with _lock:
        for event_name in (EVENT_NAME, ORGANIZATIONS_EVENT_NAME, *COUNTED_EVENT_NAMES):
            entry = (event_name, _before_send)
            if entry in BUILTIN_HANDLERS:
                continue
            position = next(
                (i for i, e in enumerate(BUILTIN_HANDLERS) if e[1] is STUBBER),
                len(BUILTIN_HANDLERS),
            )
            BUILTIN_HANDLERS.insert(position, entry)
        for event_name in AFTER_EVENTS:
            after = (event_name, _after_call)
            if after not in BUILTIN_HANDLERS:
                BUILTIN_HANDLERS.append(after)


def activate(responder: Responder) -> None:
    """Make ``responder`` answer requests; only one can be active (sandboxes do not nest)."""
    global _active  # noqa: PLW0603 - the one process-wide switch of the seam
    with _lock:
        if _active is not None:
            raise RuntimeError(
                "a sandbox is already active in this process; sandboxes cannot be nested"
            )
        _active = responder


def deactivate(responder: Responder) -> None:
    """Stop ``responder`` from answering (nothing if it is not the active one)."""
    global _active  # noqa: PLW0603 - the one process-wide switch of the seam
    with _lock:
        if _active is responder:
            _active = None


def active() -> Responder | None:
    """Return the responder currently answering, if any."""
    return _active


class _Body(io.BytesIO):
    """A response body as botocore reads it: ``read()`` and ``stream()``."""

    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        data = self.read()
        if data:
            yield data


_INTERNAL_FAILURE = (
    "The request processing has failed because of an unknown error, exception or failure."
)
_UNAVAILABLE = "The request has failed due to a temporary failure of the server."


class Faults:
    """Seeded, deterministic fault injection: throttling, 5xx answers, lost answers, latency.

    Each served request draws one number from a generator seeded with the sandbox's seed: below
    ``throttle_rate`` it is throttled; below ``throttle_rate + server_error_rate`` it gets a server
    error (``InternalFailure``/500 or ``ServiceUnavailable``/503, drawn too). Neither is applied.
    A request that was applied may then lose its answer: the operations named by
    :meth:`lose_next` first, then a draw below ``lost_response_rate``; the caller gets
    ``InternalFailure``/500 instead of the answer, as when AWS applied a request and the answer
    was lost on the way (botocore retries it). ``latency`` seconds of virtual time pass for every
    served request.
    """

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"orgconfig-sandbox-faults:{seed}")
        self._lost_rng = random.Random(f"orgconfig-sandbox-lost-responses:{seed}")
        self._lock = threading.Lock()
        self._lose: collections.Counter[str] = collections.Counter()
        self.throttle_rate = 0.0
        self.server_error_rate = 0.0
        self.lost_response_rate = 0.0
        self.latency = 0.0

    def configure(
        self,
        *,
        throttle_rate: float,
        server_error_rate: float,
        latency: float,
        lost_response_rate: float = 0.0,
    ) -> None:
        """Set the fault rates and the latency (seconds).

        Each rate is 0 to 1; throttling and server errors together at most 1.
        """
        rates = (
            ("throttle_rate", throttle_rate),
            ("server_error_rate", server_error_rate),
            ("lost_response_rate", lost_response_rate),
        )
        for name, value in rates:
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, got {value!r}")
        if throttle_rate + server_error_rate > 1.0:
            raise ValueError("throttle_rate + server_error_rate cannot exceed 1")
        if latency < 0:
            raise ValueError(f"latency must be >= 0 seconds, got {latency!r}")
        with self._lock:
            self.throttle_rate = throttle_rate
            self.server_error_rate = server_error_rate
            self.lost_response_rate = lost_response_rate
            self.latency = latency

    def lose_next(self, operation: str, times: int = 1) -> None:
        """Lose the answers of the next ``times`` applied requests of ``operation``."""
        if times < 1:
            raise ValueError(f"times must be at least 1, got {times!r}")
        with self._lock:
            self._lose[operation] += times

    def draw(self) -> ServiceError | None:
        """Return the fault for the next request (before it is applied), or None."""
        with self._lock:
            if not (self.throttle_rate or self.server_error_rate):
                return None
            draw = self._rng.random()
            if draw < self.throttle_rate:
                return ServiceError("ThrottlingException", "Rate exceeded", 400)
            if draw < self.throttle_rate + self.server_error_rate:
                if self._rng.random() < 0.5:
                    return ServiceError("InternalFailure", _INTERNAL_FAILURE, 500)
                return ServiceError("ServiceUnavailable", _UNAVAILABLE, 503)
            return None

    def lost(self, operation: str) -> ServiceError | None:
        """Return the error that replaces the answer of an applied ``operation``, or None."""
        with self._lock:
            if self._lose[operation] > 0:
                self._lose[operation] -= 1
            elif not self.lost_response_rate or self._lost_rng.random() >= self.lost_response_rate:
                return None
        return ServiceError("InternalFailure", _INTERNAL_FAILURE, 500)


class Seam:
    """Turns botocore requests into backend calls and backend answers into HTTP responses.

    ``handle(operation, params, account_id, region)`` is the simulated service (it returns the
    result dictionary or raises ServiceError); ``serves(operation, params)`` says which requests
    are ours (``"answer"``), which are only checked before moto answers them (``"check"``), and
    which are none of our business (None); ``resolve_account(access_key)`` maps credentials to
    an account; ``validate`` checks a request against the service model first;
    ``organizations_guard(account_id, operation, params)`` may refuse an AWS Organizations
    request before moto sees it; ``on_latency(seconds)`` lets virtual time pass;
    ``after_call(service, operation)`` hears of every Organizations and AWS Config call answered.
    """

    def __init__(
        self,
        *,
        seed: int,
        handle: Callable[[str, Mapping[str, Any], str, str], dict[str, Any]],
        serves: Callable[[str, Mapping[str, Any]], Literal["answer", "check"] | None],
        resolve_account: Callable[[str], str],
        validate: Callable[[str, Mapping[str, Any]], None],
        organizations_guard: Callable[[str, str, Mapping[str, Any]], None],
        on_latency: Callable[[float], None],
        after_call: Callable[[str, str], None] = lambda service, operation: None,
    ) -> None:
        self._after_call = after_call
        self._handle = handle
        self._serves = serves
        self._resolve_account = resolve_account
        self._validate = validate
        self._organizations_guard = organizations_guard
        self._on_latency = on_latency
        self._ids = random.Random(f"orgconfig-sandbox-request-ids:{seed}")
        self._lock = threading.Lock()
        self.faults = Faults(seed)
        self.api_calls: collections.Counter[str] = collections.Counter()

    # -- request parsing ---------------------------------------------------------------------

    @staticmethod
    def _header(request: AWSPreparedRequest, name: str) -> str:
        value: Any = request.headers.get(name)  # bytes for signed headers, whatever the stubs say
        if value is None:
            return ""
        return value.decode("utf-8") if isinstance(value, bytes) else str(value)

    @staticmethod
    def _params(request: AWSPreparedRequest) -> dict[str, Any] | None:
        body: Any = request.body
        if not body:
            return {}
        if not isinstance(body, (bytes, str)):
            return None  # a stream: not a request of ours (JSON calls are sent as bytes)
        try:
            params = json.loads(body)
        except ValueError:
            return None
        return params if isinstance(params, dict) else None

    def _caller(self, request: AWSPreparedRequest) -> tuple[str, str]:
        match = _CREDENTIAL.search(self._header(request, "Authorization"))
        if match is None:
            raise ServiceError(
                "MissingAuthenticationTokenException", "Missing Authentication Token"
            )
        return self._resolve_account(match.group(1)), match.group(2)

    def _request_id(self) -> str:
        with self._lock:
            return str(uuid.UUID(int=self._ids.getrandbits(128), version=4))

    # -- answering ---------------------------------------------------------------------------

    def after_call(self, service: str, operation: str) -> None:
        """Pass on that a call of ``service`` was answered (by moto or by the sandbox)."""
        self._after_call(service, operation)

    def answer(self, request: AWSPreparedRequest, event_name: str = "") -> AWSResponse | None:
        """Answer ``request`` if it is one the sandbox serves, else return None.

        ``event_name`` (botocore's ``before-send.<service>.<Operation>``) names the operation of
        the requests that carry no ``X-Amz-Target`` (STS, S3), to count them.
        """
        parts = event_name.split(".")
        service, operation = (parts[1], parts[2]) if len(parts) >= 3 else ("", "")
        if service in ("sts", "s3"):
            return self._pass_counted(request, service, operation)
        target = self._header(request, "X-Amz-Target")
        if target.startswith(ORGANIZATIONS_TARGET_PREFIX):
            return self._guard_organizations(request, target[len(ORGANIZATIONS_TARGET_PREFIX) :])
        if target.startswith(CONFIG_TARGET_PREFIX):
            return self._answer_config(request, target[len(CONFIG_TARGET_PREFIX) :])
        return None

    def _answer_config(self, request: AWSPreparedRequest, operation: str) -> AWSResponse | None:
        """Answer an AWS Config request the sandbox serves; None for the others."""
        params = self._params(request)
        role = None if params is None else self._serves(operation, params)
        if params is None or role is None:
            return None
        if role == "check":
            return self._check(request, operation, params)
        self._count(operation)
        try:
            if self.faults.latency:
                self._on_latency(self.faults.latency)
            fault = self.faults.draw()
            if fault is not None:
                raise fault
            account_id, region = self._caller(request)
            self._validate(operation, params)
            with internal():
                result = self._handle(operation, params, account_id, region)
            lost = self.faults.lost(operation)
            if lost is not None:
                raise lost  # applied, but the caller never sees the answer
        except ServiceError as e:
            return self._error(request.url or "", e)
        return self._response(request.url or "", 200, result)

    def _check(
        self, request: AWSPreparedRequest, operation: str, params: Mapping[str, Any]
    ) -> AWSResponse | None:
        """Refuse an invalid request that moto would otherwise answer; pass a valid one."""
        try:
            self._validate(operation, params)
        except ServiceError as e:
            self._count(operation)
            return self._error(request.url or "", e)
        return None

    def _count(self, operation: str) -> None:
        if is_internal():
            return
        with self._lock:
            self.api_calls[operation] += 1

    def _guard_organizations(
        self, request: AWSPreparedRequest, operation: str
    ) -> AWSResponse | None:
        params = self._params(request)
        if params is None:
            return None
        self._count(f"organizations:{operation}")
        try:
            account_id, _region = self._caller(request)
            if not is_internal():
                refusal = _access.organizations_refusal(account_id, operation)
                if refusal is not None:
                    raise ServiceError(*refusal)
            self._organizations_guard(account_id, operation, params)
        except ServiceError as e:
            return self._error(request.url or "", e, message_key="Message")
        return None

    def _pass_counted(
        self, request: AWSPreparedRequest, service: str, operation: str
    ) -> AWSResponse | None:
        """Count an STS or S3 request; refuse an ``AssumeRole`` AWS would refuse; else pass."""
        self._count(f"{service}:{operation}")
        if service != "sts" or operation != "AssumeRole" or is_internal():
            return None
        body: Any = request.body
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        if not isinstance(body, str):
            return None
        role_arn = urllib.parse.parse_qs(body).get("RoleArn", [""])[0]
        try:
            caller, _region = self._caller(request)
        except ServiceError:
            return None  # moto answers an unsigned request as it does
        refusal = _access.assume_role_refusal(caller, role_arn)
        if refusal is None:
            return None
        return self._sts_error(request.url or "", "AccessDenied", refusal, 403)

    def _sts_error(self, url: str, code: str, message: str, status: int) -> AWSResponse:
        """An STS (query protocol) error answer: XML, as AWS sends it."""
        data = (
            f'<ErrorResponse xmlns="{_STS_NAMESPACE}"><Error><Type>Sender</Type>'
            f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
            f"<RequestId>{self._request_id()}</RequestId></ErrorResponse>"
        ).encode()
        headers = HTTPHeaders()
        headers["content-type"] = "text/xml"
        headers["content-length"] = str(len(data))
        return AWSResponse(url, status, headers, _Body(data))

    def _response(self, url: str, status: int, body: Mapping[str, Any]) -> AWSResponse:
        data = json.dumps(body, separators=(",", ":")).encode("utf-8")
        headers = HTTPHeaders()
        headers["content-type"] = "application/x-amz-json-1.1"
        headers["content-length"] = str(len(data))
        headers["x-amzn-RequestId"] = self._request_id()
        return AWSResponse(url, status, headers, _Body(data))

    def _error(self, url: str, error: ServiceError, message_key: str = "message") -> AWSResponse:
        body = {"__type": error.code, message_key: error.message, **error.extra}
        return self._response(url, error.status, body)


install()
