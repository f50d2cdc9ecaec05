"""The public sandbox: an AWS Organization on moto, with AWS Config's organization APIs simulated.

See :mod:`orgconfig.testing` for the user documentation. This module builds the organization and
the configuration recorders (through :mod:`._moto`, the one adapter to moto), and wires the
simulated service (:mod:`._service`) to botocore (:mod:`._seam`), to the identities that call it
(:mod:`._identities`) and to the virtual clock (:mod:`._vclock`) for the length of a ``with``
block.

What the simulated service reads from moto, at request time, so that a test's own calls to
Organizations, IAM, S3 or Config are honoured (:class:`._moto.MotoWorld`):

* the caller's organization, its feature set and its accounts;
* the delegated administrators registered for ``config-multiaccountsetup.amazonaws.com``;
* whether an account has a configuration recorder in a region (moto's Config backend);
* conformance pack templates in S3 (read with an ordinary S3 client acting as the caller).
"""

from __future__ import annotations

import collections
import contextlib
import os
from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, overload

import boto3

from orgconfig._clock import install_clock
from orgconfig.testing import _moto, _seam
from orgconfig.testing._constraints import validate_request
from orgconfig.testing._errors import ServiceError
from orgconfig.testing._identities import MANAGEMENT_ACCESS_KEY, Identities
from orgconfig.testing._kinds import CONFIG_SERVICE_PRINCIPAL, OPERATIONS, Quotas
from orgconfig.testing._organization import OrganizationMethods, recorder_accounts
from orgconfig.testing._paging import DEFAULT_NEXT_TOKEN_TTL
from orgconfig.testing._service import DEFAULT_DELETE_RETENTION, DEFAULT_READ_LAG, Service
from orgconfig.testing._timeline import DEFAULT_FAILURE_CODE
from orgconfig.testing._vclock import DEFAULT_START, VirtualClock, patch_botocore_sleep

if TYPE_CHECKING:
    from mypy_boto3_config import ConfigServiceClient
    from mypy_boto3_organizations import OrganizationsClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sts import STSClient

__all__ = ["MAX_DELEGATED_ADMINISTRATORS", "Sandbox", "sandbox"]

MAX_DELEGATED_ADMINISTRATORS = 3
"""AWS Config accepts at most three delegated administrators per organization."""

FeatureSet = Literal["ALL", "CONSOLIDATED_BILLING"]

_TOO_MANY_ADMINS = (
    "You attempted to register more delegated administrators than allowed for the service "
    "principal."
)


class Sandbox(OrganizationMethods):
    """An AWS Organization on moto whose AWS Config organization APIs are simulated.

    Build it with :func:`sandbox` and use it as a context manager; every attribute below is
    available inside the ``with`` block. See :mod:`orgconfig.testing` for the whole story.

    Example::

        with sandbox(accounts=5, regions=("us-east-1", "eu-west-1"), seed=0) as sb:
            config = boto3.client("config", region_name="us-east-1")
            config.put_organization_config_rule(...)
            sb.clock.advance(120)
            sb.api_calls["PutOrganizationConfigRule"]   # 1
    """

    def __init__(
        self,
        accounts: int = 3,
        *,
        regions: Sequence[str] = ("us-east-1",),
        seed: int = 0,
        feature_set: FeatureSet | None = "ALL",
        ous: Mapping[str, int] | None = None,
        recorders: bool | Collection[str | int] = True,
        management_recorder: bool = True,
        deploy_duration: float = 60.0,
        deploy_jitter: float = 0.1,
        quotas: Quotas | None = None,
        start: datetime = DEFAULT_START,
        delegated_admin_quirk: bool = True,
        read_lag: float = DEFAULT_READ_LAG,
        delete_retention: float = DEFAULT_DELETE_RETENTION,
        next_token_ttl: float | None = DEFAULT_NEXT_TOKEN_TTL,
    ) -> None:
        if accounts < 0:
            raise ValueError(f"accounts must be >= 0, got {accounts!r}")
        if isinstance(regions, str) or not regions:
            raise ValueError("regions must be a non-empty sequence of region names")
        if feature_set not in ("ALL", "CONSOLIDATED_BILLING", None):
            raise ValueError(
                f"feature_set must be 'ALL', 'CONSOLIDATED_BILLING' or None, got {feature_set!r}"
            )
        if feature_set is None and accounts:
            raise ValueError("member accounts need an organization: give a feature_set")
        ous = dict(ous or {})
        if any(n < 0 for n in ous.values()) or sum(ous.values()) > accounts:
            raise ValueError(
                f"the OUs hold {sum(ous.values())} accounts but the sandbox has {accounts}"
            )
        if ous and feature_set is None:
            raise ValueError("OUs need an organization: give a feature_set")
        self._accounts = accounts
        self._regions = tuple(regions)
        self._seed = seed
        self._feature_set = feature_set
        self._ous = ous
        self._recorders = recorders
        self._management_recorder = management_recorder
        self._quotas = quotas or Quotas()
        self._start_time = start
        self._stack: contextlib.ExitStack | None = None
        self._used = False
        self._identities = Identities(self._regions[0])
        self._member_account_ids: list[str] = []
        self._organization_id: str | None = None
        self._root_id: str | None = None
        self._ou_ids: dict[str, str] = {}
        self._clock = VirtualClock(start)
        self._backend = Service(
            _moto.MotoWorld(self.client),
            self._clock,
            seed=seed,
            quotas=self._quotas,
            deploy_duration=deploy_duration,
            deploy_jitter=deploy_jitter,
            delegated_admin_quirk=delegated_admin_quirk,
            read_lag=read_lag,
            delete_retention=delete_retention,
            next_token_ttl=next_token_ttl,
        )
        self._seam: _seam.Seam | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> Sandbox:
        if self._used:
            raise RuntimeError("a Sandbox runs once: create a new one with sandbox(...)")
        self._used = True
        if _seam.active() is not None:
            raise RuntimeError(
                "a sandbox is already active in this process; sandboxes cannot be nested"
            )
        stack = contextlib.ExitStack()
        try:
            _seam.install()
            stack.enter_context(_moto.patched())
            stack.enter_context(_environment({"AWS_DEFAULT_REGION": self._regions[0]}))
            self._build()
            backend = self._backend
            seam = _seam.Seam(
                seed=self._seed,
                handle=lambda op, params, account, region: backend.handle(
                    op, params, account_id=account, region=region
                ),
                serves=self._backend.serves,
                resolve_account=self._identities.account_of_key,
                validate=_validate,
                organizations_guard=self._guard_organizations,
                on_latency=self._clock.sleep,
                after_call=self._changed,
            )
            self._seam = seam
            _seam.activate(seam)
            stack.callback(_seam.deactivate, seam)
            stack.enter_context(install_clock(self._clock))
            stack.enter_context(patch_botocore_sleep(self._clock))
        except BaseException:
            stack.close()
            raise
        self._stack = stack
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            stack.close()

    def start(self) -> Sandbox:
        """Start the sandbox outside a ``with`` block (in IPython or a notebook); returns it.

        Pair it with :meth:`stop`. Example::

            sb = sandbox(accounts=5).start()
            ...
            sb.stop()
        """
        return self.__enter__()

    def stop(self) -> None:
        """Stop a sandbox started with :meth:`start` (harmless when already stopped)."""
        self.__exit__(None, None, None)

    def _running(self) -> tuple[Service, _seam.Seam]:
        if self._stack is None or self._seam is None:
            raise RuntimeError(
                "the sandbox is not running: use it in a `with` block or call start()"
            )
        return self._backend, self._seam

    def _build(self) -> None:
        # moto draws every identifier (account ids included) from one generator: seeding it
        # makes the organization the same on every run with the same seed.
        _moto.seed(self._seed)
        management = self._identities.management_session()
        if self._feature_set is None:
            management_id = _moto.account_of_key(MANAGEMENT_ACCESS_KEY)
        else:
            orgs = management.client("organizations")
            org = orgs.create_organization(FeatureSet=self._feature_set)["Organization"]
            management_id = org["MasterAccountId"]
            self._organization_id = org["Id"]
            self._root_id = orgs.list_roots()["Roots"][0]["Id"]
            names = [f"member-{index:03d}" for index in range(self._accounts)]
            members, self._ou_ids = _moto.build_organization(orgs, names, list(self._ous.items()))
            self._member_account_ids = members
        self._identities.set_management(management_id, management)
        wanted = recorder_accounts(
            self._member_account_ids,
            management_id,
            management_recorder=self._management_recorder,
            recorders=self._recorders,
        )
        for account_id in wanted:
            for region in self._regions:
                _moto.add_recorder(account_id, region)

    # -- identities ----------------------------------------------------------------------------

    def session_for(self, account_id: str, region: str | None = None) -> boto3.Session:
        """Return a boto3 Session acting as ``account_id`` (in the organization or not).

        The management account uses the sandbox's own keys; any other account gets STS
        credentials for its ``OrganizationAccountAccessRole``, assumed once. The default region
        is ``region``, else the sandbox's first region. Sessions are cached per account and
        region, so their clients share botocore's loaded models.

        Example::

            outsider = sb.session_for("999999999999")
            outsider.client("config").describe_organization_config_rules()  # access denied
        """
        self._running()
        return self._identities.session_for(account_id, region)

    @property
    def session(self) -> boto3.Session:
        """A boto3 Session acting as the management account, in the first region."""
        return self.session_for(self._identities.management_account_id)

    @overload
    def client(
        self, service: Literal["config"], region: str | None = None, account_id: str | None = None
    ) -> ConfigServiceClient: ...
    @overload
    def client(
        self,
        service: Literal["organizations"],
        region: str | None = None,
        account_id: str | None = None,
    ) -> OrganizationsClient: ...
    @overload
    def client(
        self, service: Literal["s3"], region: str | None = None, account_id: str | None = None
    ) -> S3Client: ...
    @overload
    def client(
        self, service: Literal["sts"], region: str | None = None, account_id: str | None = None
    ) -> STSClient: ...
    @overload
    def client(
        self, service: str, region: str | None = None, account_id: str | None = None
    ) -> Any: ...
    def client(self, service: str, region: str | None = None, account_id: str | None = None) -> Any:
        """Return a boto3 client for ``service`` acting as ``account_id`` (default: management).

        Clients are cached per service, account and region.

        Example::

            config = sb.client("config", region="eu-west-1")
        """
        self._running()
        return self._identities.client(service, region, account_id)

    def as_delegated_admin(self, account_id: str) -> boto3.Session:
        """Register ``account_id`` as a delegated administrator for AWS Config; return its Session.

        Registering an account already registered is a no-op. AWS accepts at most three
        delegated administrators for ``config-multiaccountsetup.amazonaws.com``: the fourth
        registration raises the ``ClientError`` Organizations gives
        (``ConstraintViolationException``).

        Example::

            admin = sb.as_delegated_admin(sb.member_account_ids[0])
            admin.client("config").describe_organization_conformance_packs()
        """
        orgs = self.client("organizations")
        registered = orgs.list_delegated_administrators(ServicePrincipal=CONFIG_SERVICE_PRINCIPAL)
        if account_id not in {a["Id"] for a in registered["DelegatedAdministrators"]}:
            orgs.register_delegated_administrator(
                AccountId=account_id, ServicePrincipal=CONFIG_SERVICE_PRINCIPAL
            )
        return self.session_for(account_id)

    # -- settings -----------------------------------------------------------------------------

    @property
    def regions(self) -> tuple[str, ...]:
        """The regions the sandbox set up recorders in; the first is the default region."""
        return self._regions

    @property
    def seed(self) -> int:
        """The seed of every random choice: account ids, ARNs, jitter, faults, request ids."""
        return self._seed

    @property
    def quotas(self) -> Quotas:
        """The quotas the simulated service enforces."""
        return self._quotas

    @property
    def clock(self) -> VirtualClock:
        """The virtual clock every deployment runs on; the SDK's waiting advances it."""
        return self._clock

    @property
    def api_calls(self) -> collections.Counter[str]:
        """Requests received per operation (retries included), as a live Counter."""
        return self._running()[1].api_calls

    @property
    def deployments_started(self) -> collections.Counter[tuple[str, str, str]]:
        """Deployments the service started, per (region, kind, name), as a live Counter.

        ``kind`` is ``"pack"`` or ``"rule"``; every put or delete the service
        applied counts once, however many times its request was sent (retries of a lost answer
        that met ``ResourceInUseException`` do not count). Tests use it to show that nothing
        was applied twice.
        """
        return self._running()[0].deployments_started

    # -- the simulated service ---------------------------------------------------------------

    def set_deploy_duration(self, seconds: float, account_id: str | None = None) -> None:
        """Set how long a deployment takes in ``account_id`` (None: every account), from now on.

        Each account's deployment lasts ``seconds`` plus a deterministic jitter of up to
        ``deploy_jitter`` (a fraction, 0.1 by default) of it.
        """
        self._running()[0].timeline.set_deploy_duration(seconds, account_id)

    def fail_account(
        self,
        account_id: str,
        error_code: str = DEFAULT_FAILURE_CODE,
        error_message: str | None = None,
        times: int | None = None,
    ) -> None:
        """Make the next deployments (puts and deletes) to ``account_id`` fail.

        The account ends ``*_FAILED`` with ``error_code`` and ``error_message`` (a realistic
        default when None) in the detailed status. ``times`` limits how many deployments fail
        (None: all, until :meth:`clear_failures`).
        """
        self._running()[0].timeline.fail_account(account_id, error_code, error_message, times)

    def clear_failures(self, account_id: str | None = None) -> None:
        """Undo :meth:`fail_account` for ``account_id`` (None: every account)."""
        self._running()[0].timeline.clear_failures(account_id)

    def faults(
        self,
        throttle_rate: float = 0.0,
        server_error_rate: float = 0.0,
        stuck_aggregate_status: bool = False,
        latency: float = 0.0,
        lost_response_rate: float = 0.0,
    ) -> None:
        """Inject faults into the simulated service (each call replaces the previous settings).

        Args:
            throttle_rate: share of requests answered ``ThrottlingException`` (HTTP 400).
            server_error_rate: share answered ``InternalFailure`` (500) or
                ``ServiceUnavailable`` (503), without being applied.
            stuck_aggregate_status: deployments started from now on, by anyone (the management
                account included), keep their aggregate status ``*_IN_PROGRESS`` after every
                account finished; the detailed status stays truthful. Delegated
                administrators meet this quirk without it (``sandbox(delegated_admin_quirk=)``).
            latency: virtual seconds that pass for every request.
            lost_response_rate: share of requests that are applied and then answered
                ``InternalFailure`` (500) instead of their answer, as when AWS applied a put
                and the answer was lost; botocore retries them. See also
                :meth:`lose_next_response`.

        The draws are seeded with the sandbox's seed: the same seed and the same calls give the
        same faults.

        Example::

            sb.faults(throttle_rate=0.2, lost_response_rate=0.05)
        """
        backend, seam = self._running()
        seam.faults.configure(
            throttle_rate=throttle_rate,
            server_error_rate=server_error_rate,
            latency=latency,
            lost_response_rate=lost_response_rate,
        )
        backend.timeline.set_stuck_aggregate_status(stuck_aggregate_status)

    def lose_next_response(self, operation: str, times: int = 1) -> None:
        """Apply the next ``times`` requests of ``operation``, then answer each with a 5xx.

        The service acts on the request (a put starts its deployment) and the caller gets
        ``InternalFailure`` (HTTP 500) instead of the answer, so botocore retries it, as it
        would when AWS applied a request whose answer was lost. Requests refused by the service
        (``ResourceInUseException``...) keep their answer and do not count. Adds to what
        :meth:`faults` sets, and is not reset by it.

        Example::

            sb.lose_next_response("PutOrganizationConformancePack")
            config.put_organization_conformance_pack(...)   # applied; the retry meets
                                                            # ResourceInUseException
        """
        if operation not in OPERATIONS:
            raise ValueError(
                f"{operation!r} is not an operation the sandbox serves: {sorted(OPERATIONS)}"
            )
        self._running()[1].faults.lose_next(operation, times)

    # -- seam callbacks ----------------------------------------------------------------------

    def _guard_organizations(
        self, account_id: str, operation: str, params: Mapping[str, Any]
    ) -> None:
        if operation != "RegisterDelegatedAdministrator":
            return
        if params.get("ServicePrincipal") != CONFIG_SERVICE_PRINCIPAL:
            return
        world = self._backend.world
        org = world.organization_of(account_id)
        if org is None or org.management_account_id != account_id:
            return
        admins = world.delegated_admins(org)
        if params.get("AccountId") not in admins and len(admins) >= MAX_DELEGATED_ADMINISTRATORS:
            raise ServiceError(
                "ConstraintViolationException",
                _TOO_MANY_ADMINS,
                extra={"Reason": "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED"},
            )

    def __repr__(self) -> str:
        state = "running" if self._stack is not None else "stopped"
        return (
            f"Sandbox({state}, accounts={self._accounts}, regions={self._regions!r}, "
            f"seed={self._seed})"
        )


def _validate(operation: str, params: Mapping[str, Any]) -> None:
    validate_request(operation, dict(params))


@contextlib.contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def sandbox(
    accounts: int = 3,
    *,
    regions: Sequence[str] = ("us-east-1",),
    seed: int = 0,
    feature_set: FeatureSet | None = "ALL",
    ous: Mapping[str, int] | None = None,
    recorders: bool | Collection[str | int] = True,
    management_recorder: bool = True,
    deploy_duration: float = 60.0,
    deploy_jitter: float = 0.1,
    quotas: Quotas | None = None,
    start: datetime = DEFAULT_START,
    delegated_admin_quirk: bool = True,
    read_lag: float = DEFAULT_READ_LAG,
    delete_retention: float = DEFAULT_DELETE_RETENTION,
    next_token_ttl: float | None = DEFAULT_NEXT_TOKEN_TTL,
) -> Sandbox:
    """Return a :class:`Sandbox` to use as a context manager; see :mod:`orgconfig.testing`.

    Args:
        accounts: member accounts to create (the management account comes on top).
        regions: where members get configuration recorders; the first is the default region.
        seed: makes account ids, ARNs, jitter, faults and request ids the same on every run.
        feature_set: ``"ALL"``, ``"CONSOLIDATED_BILLING"``, or None for no organization at all.
        ous: OUs to create under the root, name -> how many of the member accounts (taken in
            order) to place in it; the rest stay at the root.
        recorders: True (every member), False (none), or the members that get one, by account
            id or by index into :attr:`Sandbox.member_account_ids`.
        management_recorder: whether the management account has a recorder (it is deployed to).
        deploy_duration: seconds each account's deployment takes by default.
        deploy_jitter: up to this fraction of the duration is added per account, seeded.
        quotas: service quotas to enforce (AWS's published limits by default).
        start: the virtual clock's starting instant (timezone-aware).
        delegated_admin_quirk: deployments started by a delegated administrator keep their
            aggregate status ``*_IN_PROGRESS`` after every account finished, as users report
            of AWS (never for the management account); the detailed status stays truthful.
        read_lag: for this many seconds after a put, status reads (Describe, statuses,
            detailed status, the custom rule policy) still show the state before it, or
            ``NoSuch...`` for a new name (0: instantly consistent).
        delete_retention: seconds a pack or rule deleted everywhere shows
            ``DELETE_SUCCESSFUL`` before its name disappears.
        next_token_ttl: seconds a ``NextToken`` stays valid (None: forever); an expired one
            gives ``InvalidNextTokenException``.

    Example::

        with sandbox(accounts=5, regions=("us-east-1", "eu-west-1"), seed=0) as sb:
            print(sb.management_account_id, sb.member_account_ids)
    """
    return Sandbox(
        accounts,
        regions=regions,
        seed=seed,
        feature_set=feature_set,
        ous=ous,
        recorders=recorders,
        management_recorder=management_recorder,
        deploy_duration=deploy_duration,
        deploy_jitter=deploy_jitter,
        quotas=quotas,
        start=start,
        delegated_admin_quirk=delegated_admin_quirk,
        read_lag=read_lag,
        delete_retention=delete_retention,
        next_token_ttl=next_token_ttl,
    )
