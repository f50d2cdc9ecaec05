"""The simulated AWS Config organization service: packs and rules, their deployments, in time.

:class:`Backend` holds the state of every organization conformance pack and organization Config
rule, per owner account (the management account or a delegated administrator) and per region,
and answers the eleven organization operations (plus tagging of their ARNs) with the dictionaries
AWS Config would put on the wire. It knows nothing about HTTP or botocore: the seam
(:mod:`orgconfig.testing._seam`) feeds it parsed requests and serialises its answers. What it needs
to know about the world (the organization, the accounts, recorders, S3) it asks a :class:`World`.

Time is read from a :class:`~orgconfig.testing._vclock.VirtualClock` and never stored as "state
changes": a put records, for every targeted account, when its deployment starts and ends and how
it ends, and every read computes the statuses from the clock. Nothing runs in the background.

Modelled behaviour, in the service's words where the documentation has them:

* Only the management account or a delegated administrator registered for
  ``config-multiaccountsetup.amazonaws.com`` may call; a caller in no organization gets
  ``OrganizationAccessDeniedException`` ("This action can only be made by accounts in an AWS
  Organization"), or ``NoAvailableOrganizationException`` on a put; an organization without all
  features gets ``OrganizationAllFeaturesNotEnabledException`` on a put.
* The management account and each delegated administrator see only what they deployed, and state
  is per region.
* A put or a delete starts a deployment to every account of the organization (the management
  account included, as AWS does) that is not in ``ExcludedAccounts``. Each account ends on its own
  after a configurable duration; accounts without a configuration recorder in the region, accounts
  not ``ACTIVE``, and accounts told to fail end ``*_FAILED`` with an ``ErrorCode`` and
  ``ErrorMessage``; the aggregate is ``*_FAILED`` when any account failed. A put or delete while a
  deployment runs gives ``ResourceInUseException``. A delete that succeeds everywhere makes the pack
  or rule disappear; one that fails somewhere leaves it ``DELETE_FAILED``.
* Describe results come in creation order. ``Limit`` (0 means the default, 100) and ``NextToken``
  paginate when no names are given; tokens are tied to the query that produced them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import random
import string
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal, Protocol

import attrs

from orgconfig.errors import TemplateError
from orgconfig.templates import Template
from orgconfig.testing._constraints import ORGANIZATION_OPERATIONS, TAG_OPERATIONS
from orgconfig.testing._errors import ServiceError
from orgconfig.testing._vclock import VirtualClock

__all__ = [
    "CONFIG_SERVICE_PRINCIPAL",
    "OPERATIONS",
    "Backend",
    "OrgView",
    "Quotas",
    "World",
]

CONFIG_SERVICE_PRINCIPAL = "config-multiaccountsetup.amazonaws.com"
"""The service principal of AWS Config's organization features (trusted access, admins)."""

DEFAULT_PAGE_SIZE = 100
_SUFFIX_ALPHABET = string.ascii_lowercase + string.digits

Action = Literal["CREATE", "UPDATE", "DELETE"]
KindName = Literal["pack", "rule"]


@attrs.frozen
class Quotas:
    """Service quotas the sandbox enforces; the defaults are AWS Config's published limits.

    Attributes:
        conformance_packs: organization conformance packs per owner account (management account
            or delegated administrator) and region (AWS: 50).
        config_rules: organization Config rules per owner account and region (AWS: 150).
        rules_per_pack: Config rules in one conformance pack template (AWS: 130, which is
            also the most the template parser accepts: this quota can only lower it).

    Example::

        with sandbox(quotas=Quotas(conformance_packs=2)) as sb:
            ...   # the third pack gives MaxNumberOfOrganizationConformancePacksExceededException
    """

    conformance_packs: int = attrs.field(default=50, validator=attrs.validators.ge(0))
    config_rules: int = attrs.field(default=150, validator=attrs.validators.ge(0))
    rules_per_pack: int = attrs.field(
        default=130, validator=[attrs.validators.ge(1), attrs.validators.le(130)]
    )


@attrs.frozen
class OrgView:
    """What the backend needs to know about the organization a caller belongs to."""

    organization_id: str
    management_account_id: str
    feature_set: str


class World(Protocol):
    """Everything outside AWS Config that the simulated service consults (moto, in the sandbox)."""

    def organization_of(self, account_id: str) -> OrgView | None:
        """Return the organization ``account_id`` belongs to, or None."""
        ...

    def delegated_admins(self, org: OrgView) -> frozenset[str]:
        """Return the accounts registered as delegated administrators for AWS Config."""
        ...

    def accounts(self, org: OrgView) -> Sequence[tuple[str, str]]:
        """Return ``(account id, state)`` for every account of the organization, in join order."""
        ...

    def has_recorder(self, account_id: str, region: str) -> bool:
        """Tell whether ``account_id`` has a configuration recorder in ``region``."""
        ...

    def read_s3_object(self, account_id: str, region: str, uri: str) -> bytes:
        """Read ``s3://bucket/key`` as ``account_id``; raise ServiceError when it cannot be read."""
        ...

    def enable_trusted_access(self, org: OrgView, caller: str, region: str) -> None:
        """Enable trusted access for AWS Config and create the caller's service-linked role."""
        ...


# -- the vocabulary of the two kinds --------------------------------------------------------


@attrs.frozen
class _Kind:
    key: KindName
    label: str
    arn_type: str
    member_prefix: str
    member_name_max: int
    name_field: str
    names_field: str
    no_such: str
    no_such_message: str
    quota_error: str
    quota_message: str
    detailed_status_field: str


_PACK = _Kind(
    key="pack",
    label="organization conformance pack",
    arn_type="organization-conformance-pack",
    member_prefix="OrgConformsPack-",
    member_name_max=256,
    name_field="OrganizationConformancePackName",
    names_field="OrganizationConformancePackNames",
    no_such="NoSuchOrganizationConformancePackException",
    no_such_message=(
        "One or more organization conformance packs with specified names are not present. "
        "Ensure your names are correct and try your request again later."
    ),
    quota_error="MaxNumberOfOrganizationConformancePacksExceededException",
    quota_message=(
        "You have reached the limit ({limit}) of the number of organization conformance packs "
        "you can create in an account."
    ),
    detailed_status_field="Status",
)

_RULE = _Kind(
    key="rule",
    label="organization Config rule",
    arn_type="organization-config-rule",
    member_prefix="OrgConfigRule-",
    member_name_max=64,
    name_field="OrganizationConfigRuleName",
    names_field="OrganizationConfigRuleNames",
    no_such="NoSuchOrganizationConfigRuleException",
    no_such_message=(
        "One or more organization Config rules with specified names are not present. "
        "Ensure your names are correct and try your request again later."
    ),
    quota_error="MaxNumberOfOrganizationConfigRulesExceededException",
    quota_message=(
        "You have reached the limit ({limit}) of the number of organization Config rules you can "
        "create."
    ),
    detailed_status_field="MemberAccountRuleStatus",
)

_RULE_METADATA_FIELDS = (
    "OrganizationManagedRuleMetadata",
    "OrganizationCustomRuleMetadata",
    "OrganizationCustomPolicyRuleMetadata",
)

# -- messages ------------------------------------------------------------------------------------

_NOT_IN_ORG = "This action can only be made by accounts in an AWS Organization"
_NO_ORG_ON_PUT = (
    "Organization is not available. This action can only be made by accounts in an AWS "
    "Organization."
)
_NOT_ADMIN = (
    "This action can only be performed if you are a registered delegated administrator for AWS "
    "Config with permissions to call ListDelegatedAdministrators API."
)
_NOT_ALL_FEATURES = (
    "Config resource cannot be created because your organization does not have all features "
    "enabled."
)
_IN_USE = {
    "pack": (
        "The organization conformance pack {name} is being {doing}. Try your request again later."
    ),
    "rule": "The organization Config rule {name} is being {doing}. Try your request again later.",
}
_RECORDER_MISSING = (
    "You must create a configuration recorder before you can create or update a Config rule."
)
_SUSPENDED = (
    "AWS Config cannot deploy to account {account}: the account is {state} in AWS Organizations."
)
DEFAULT_FAILURE_CODE = "InsufficientPermissionsException"
DEFAULT_FAILURE_MESSAGE = (
    "AWS Config could not deploy to account {account}: the service-linked role was denied access. "
    "Check the account's service control policies and try again."
)


# -- deployments -----------------------------------------------------------------------------


@attrs.define
class _AccountRun:
    """One member account's part of a deployment."""

    account_id: str
    start: float
    end: float
    error_code: str | None = None
    error_message: str | None = None

    @property
    def failed(self) -> bool:
        return self.error_code is not None

    def status(self, action: Action, now: float) -> str:
        if now < self.end:
            return f"{action}_IN_PROGRESS"
        return f"{action}_FAILED" if self.failed else f"{action}_SUCCESSFUL"

    def last_update(self, now: float) -> float:
        return self.start if now < self.end else self.end


@attrs.define
class _Run:
    """One deployment: a put (CREATE or UPDATE) or a delete, across the targeted accounts."""

    action: Action
    started: float
    accounts: list[_AccountRun]
    stuck: bool
    end: float = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.end = max((a.end for a in self.accounts), default=self.started)

    def running(self, now: float) -> bool:
        """Whether any targeted account is still deploying (whatever the aggregate says)."""
        return now < self.end

    def first_failure(self) -> _AccountRun | None:
        return next((a for a in self.accounts if a.failed), None)

    def aggregate(self, now: float) -> tuple[str, str | None, str | None, float]:
        """Return (status, error code, error message, last update) as the status APIs show it."""
        if self.stuck or self.running(now):
            return f"{self.action}_IN_PROGRESS", None, None, self.started
        failure = self.first_failure()
        if failure is None:
            return f"{self.action}_SUCCESSFUL", None, None, self.end
        failed = sum(1 for a in self.accounts if a.failed)
        message = (
            f"{failure.error_message} ({failed} of {len(self.accounts)} member accounts failed; "
            "see the detailed status of each account.)"
        )
        return f"{self.action}_FAILED", failure.error_code, message, self.end

    def gone(self, now: float) -> bool:
        """Whether a delete has finished everywhere with success (the resource no longer exists).

        A stuck aggregate status does not keep a deleted resource alive: the quirk is about
        what the status reports, not about what exists.
        """
        return self.action == "DELETE" and not self.running(now) and self.first_failure() is None


@attrs.define
class _Resource:
    """An organization conformance pack or rule, as stored for its owner and region."""

    kind: _Kind
    name: str
    arn: str
    member_name: str
    updated_at: float
    spec: dict[str, Any]
    run: _Run
    tags: dict[str, str] = attrs.field(factory=dict)
    policy_text: str | None = None
    excluded: frozenset[str] = frozenset()


@attrs.define
class _Failure:
    code: str
    message: str | None
    remaining: int | None


@attrs.define
class _Caller:
    account_id: str
    region: str
    org: OrgView


class Backend:
    """The state machine behind the sandbox: every pack and rule, every deployment, in time.

    Thread-safe: one lock guards all state, so users may call from several threads.

    Example::

        backend = Backend(world, clock, seed=0)
        backend.handle("DescribeOrganizationConfigRules", {}, account_id="123456789012",
                       region="us-east-1")
    """

    def __init__(
        self,
        world: World,
        clock: VirtualClock,
        *,
        seed: int = 0,
        quotas: Quotas | None = None,
        deploy_duration: float = 60.0,
        deploy_jitter: float = 0.1,
    ) -> None:
        if deploy_duration < 0:
            raise ValueError(f"deploy_duration must be >= 0, got {deploy_duration!r}")
        if not 0 <= deploy_jitter <= 1:
            raise ValueError(f"deploy_jitter must be between 0 and 1, got {deploy_jitter!r}")
        self.world = world
        self.clock = clock
        self.seed = seed
        self.quotas = quotas or Quotas()
        self._lock = threading.RLock()
        self._rng = random.Random(f"orgconfig-sandbox-arns:{seed}")
        self._default_duration = float(deploy_duration)
        self._durations: dict[str, float] = {}
        self._jitter = float(deploy_jitter)
        self._failures: dict[str, _Failure] = {}
        self._stuck = False
        self._runs = 0
        self._state: dict[tuple[str, str, KindName], dict[str, _Resource]] = {}
        self._handlers: dict[str, Callable[[_Caller, Mapping[str, Any]], dict[str, Any]]] = {
            "PutOrganizationConformancePack": self._put_pack,
            "DescribeOrganizationConformancePacks": self._describe_packs,
            "DescribeOrganizationConformancePackStatuses": self._pack_statuses,
            "GetOrganizationConformancePackDetailedStatus": self._pack_detailed_status,
            "DeleteOrganizationConformancePack": self._delete_pack,
            "PutOrganizationConfigRule": self._put_rule,
            "DescribeOrganizationConfigRules": self._describe_rules,
            "DescribeOrganizationConfigRuleStatuses": self._rule_statuses,
            "GetOrganizationConfigRuleDetailedStatus": self._rule_detailed_status,
            "DeleteOrganizationConfigRule": self._delete_rule,
            "GetOrganizationCustomRulePolicy": self._custom_rule_policy,
        }

    # -- controls used by the Sandbox ---------------------------------------------------------

    def set_deploy_duration(self, seconds: float, account_id: str | None = None) -> None:
        """Set how long deployments to ``account_id`` (None: every account) take, from now on."""
        if seconds < 0:
            raise ValueError(f"a deployment cannot take a negative time ({seconds!r} s)")
        with self._lock:
            if account_id is None:
                self._default_duration = float(seconds)
                self._durations.clear()
            else:
                self._durations[account_id] = float(seconds)

    def fail_account(
        self,
        account_id: str,
        error_code: str = DEFAULT_FAILURE_CODE,
        error_message: str | None = None,
        times: int | None = None,
    ) -> None:
        """Make the next ``times`` deployments (None: all) to ``account_id`` fail."""
        if times is not None and times < 1:
            raise ValueError(f"times must be at least 1 (or None for always), got {times!r}")
        with self._lock:
            self._failures[account_id] = _Failure(error_code, error_message, times)

    def clear_failures(self, account_id: str | None = None) -> None:
        """Forget the failures set by :meth:`fail_account` for ``account_id`` (None: all)."""
        with self._lock:
            if account_id is None:
                self._failures.clear()
            else:
                self._failures.pop(account_id, None)

    def set_stuck_aggregate_status(self, stuck: bool) -> None:
        """Make deployments started from now on keep an ``*_IN_PROGRESS`` aggregate forever."""
        with self._lock:
            self._stuck = stuck

    @property
    def operations(self) -> frozenset[str]:
        """The names of the operations this backend answers."""
        return frozenset(self._handlers) | _TAG_OPERATIONS

    # -- entry point -----------------------------------------------------------------------------

    def handle(
        self, operation: str, params: Mapping[str, Any], *, account_id: str, region: str
    ) -> dict[str, Any]:
        """Answer ``operation`` called by ``account_id`` in ``region``; raise ServiceError."""
        with self._lock:
            if operation in _TAG_OPERATIONS:
                return self._tagging(operation, params, account_id, region)
            handler = self._handlers.get(operation)
            if handler is None:
                raise ServiceError(
                    "UnknownOperationException", f"The sandbox does not serve {operation}."
                )
            is_put = operation.startswith("Put")
            caller = self._authorize(account_id, region, put=is_put)
            return handler(caller, params)

    def owns_arn(self, arn: str) -> bool:
        """Tell whether ``arn`` names an organization pack or rule (the tagging calls served)."""
        return _parse_arn(arn) is not None

    # -- access --------------------------------------------------------------------------------

    def _authorize(self, account_id: str, region: str, *, put: bool) -> _Caller:
        org = self.world.organization_of(account_id)
        if org is None:
            if put:
                raise ServiceError("NoAvailableOrganizationException", _NO_ORG_ON_PUT)
            raise ServiceError("OrganizationAccessDeniedException", _NOT_IN_ORG)
        if account_id != org.management_account_id and account_id not in (
            self.world.delegated_admins(org)
        ):
            raise ServiceError("OrganizationAccessDeniedException", _NOT_ADMIN)
        if put and org.feature_set != "ALL":
            raise ServiceError("OrganizationAllFeaturesNotEnabledException", _NOT_ALL_FEATURES)
        return _Caller(account_id, region, org)

    # -- state helpers ---------------------------------------------------------------------------

    def _now(self) -> float:
        return self.clock.monotonic()

    def _epoch(self, offset: float) -> float:
        return self.clock.start.timestamp() + offset

    def _store(self, caller: _Caller, kind: _Kind) -> dict[str, _Resource]:
        key = (caller.account_id, caller.region, kind.key)
        store = self._state.setdefault(key, {})
        now = self._now()
        for name in [n for n, r in store.items() if r.run.gone(now)]:
            del store[name]
        return store

    def _get(self, caller: _Caller, kind: _Kind, name: str) -> _Resource:
        resource = self._store(caller, kind).get(name)
        if resource is None:
            raise ServiceError(kind.no_such, kind.no_such_message)
        return resource

    def _named(self, caller: _Caller, kind: _Kind, names: Sequence[str]) -> list[_Resource]:
        store = self._store(caller, kind)
        missing = [n for n in names if n not in store]
        if missing:
            raise ServiceError(kind.no_such, kind.no_such_message)
        return [store[n] for n in dict.fromkeys(names)]

    def _suffix(self) -> str:
        return "".join(self._rng.choice(_SUFFIX_ALPHABET) for _ in range(8))

    def _check_not_running(self, kind: _Kind, resource: _Resource | None) -> None:
        if resource is not None and resource.run.running(self._now()):
            doing = {"CREATE": "created", "UPDATE": "updated", "DELETE": "deleted"}
            raise ServiceError(
                "ResourceInUseException",
                _IN_USE[kind.key].format(name=resource.name, doing=doing[resource.run.action]),
            )

    def _check_quota(self, caller: _Caller, kind: _Kind, name: str) -> None:
        store = self._store(caller, kind)
        limit = self.quotas.conformance_packs if kind is _PACK else self.quotas.config_rules
        if name not in store and len(store) >= limit:
            raise ServiceError(kind.quota_error, kind.quota_message.format(limit=limit))

    def _start_run(
        self,
        caller: _Caller,
        kind: _Kind,
        name: str,
        action: Action,
        targets: Iterable[tuple[str, str]],
    ) -> _Run:
        now = self._now()
        self._runs += 1
        accounts: list[_AccountRun] = []
        for account_id, state in targets:
            duration = self._durations.get(account_id, self._default_duration)
            if self._jitter and duration:
                draw = random.Random(
                    f"{self.seed}|{caller.account_id}|{caller.region}|{kind.key}|{name}|"
                    f"{self._runs}|{account_id}"
                ).random()
                duration *= 1 + self._jitter * draw
            run = _AccountRun(account_id, now, now + duration)
            self._decide_outcome(run, caller.region, action, state)
            accounts.append(run)
        return _Run(action, now, accounts, stuck=self._stuck)

    def _decide_outcome(self, run: _AccountRun, region: str, action: Action, state: str) -> None:
        account_id = run.account_id
        if state != "ACTIVE":
            run.error_code = "InsufficientPermissionsException"
            run.error_message = _SUSPENDED.format(account=account_id, state=state)
            return
        failure = self._failures.get(account_id)
        if failure is not None:
            run.error_code = failure.code
            run.error_message = failure.message or DEFAULT_FAILURE_MESSAGE.format(
                account=account_id
            )
            if failure.remaining is not None:
                failure.remaining -= 1
                if failure.remaining <= 0:
                    del self._failures[account_id]
            return
        if action != "DELETE" and not self.world.has_recorder(account_id, region):
            run.error_code = "NoAvailableConfigurationRecorderException"
            run.error_message = _RECORDER_MISSING

    def _targets(self, caller: _Caller, excluded: frozenset[str]) -> list[tuple[str, str]]:
        return [
            (account_id, state)
            for account_id, state in self.world.accounts(caller.org)
            if account_id not in excluded
        ]

    def _put(
        self,
        caller: _Caller,
        *,
        kind: _Kind,
        name: str,
        spec: dict[str, Any],
        excluded: frozenset[str],
        tags: Sequence[Mapping[str, str]],
        policy_text: str | None = None,
    ) -> _Resource:
        store = self._store(caller, kind)
        existing = store.get(name)
        self._check_not_running(kind, existing)
        self._check_quota(caller, kind, name)
        self.world.enable_trusted_access(caller.org, caller.account_id, caller.region)
        now = self._now()
        if existing is None:
            suffix = self._suffix()
            member_base = f"{kind.member_prefix}{name}"[: kind.member_name_max - 9]
            run = self._start_run(caller, kind, name, "CREATE", self._targets(caller, excluded))
            resource = _Resource(
                kind=kind,
                name=name,
                arn=(
                    f"arn:aws:config:{caller.region}:{caller.account_id}:"
                    f"{kind.arn_type}/{name}-{suffix}"
                ),
                member_name=f"{member_base}-{suffix}",
                updated_at=now,
                spec=spec,
                run=run,
                tags={t["Key"]: t.get("Value", "") for t in tags},
                policy_text=policy_text,
                excluded=excluded,
            )
            store[name] = resource
        else:
            resource = existing
            resource.run = self._start_run(
                caller, kind, name, "UPDATE", self._targets(caller, excluded)
            )
            resource.spec = spec
            resource.updated_at = now
            resource.policy_text = policy_text
            resource.excluded = excluded
        return resource

    def _delete(self, caller: _Caller, kind: _Kind, name: str) -> dict[str, Any]:
        resource = self._get(caller, kind, name)
        self._check_not_running(kind, resource)
        states = dict(self.world.accounts(caller.org))
        previous = [a.account_id for a in resource.run.accounts]
        targets = [(a, states.get(a, "ACTIVE")) for a in previous]
        resource.run = self._start_run(caller, kind, name, "DELETE", targets)
        return {}

    # -- pagination --------------------------------------------------------------------------

    def _page(
        self,
        items: Sequence[Any],
        params: Mapping[str, Any],
        query: Sequence[object],
        *,
        limit_key: str = "Limit",
    ) -> tuple[list[Any], str | None]:
        # The range of Limit (0 to 100) was checked with the rest of the request.
        size = int(params.get(limit_key) or DEFAULT_PAGE_SIZE)
        fingerprint = hashlib.sha256(
            json.dumps([str(q) for q in query]).encode("utf-8")
        ).hexdigest()[:16]
        offset = 0
        token = params.get("NextToken")
        if token:
            offset = _decode_token(token, fingerprint, len(items))
        page = list(items[offset : offset + size])
        next_offset = offset + size
        next_token = _encode_token(next_offset, fingerprint) if next_offset < len(items) else None
        return page, next_token

    # -- conformance packs -------------------------------------------------------------------

    def _put_pack(self, caller: _Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        name = p["OrganizationConformancePackName"]
        uri: str | None = p.get("TemplateS3Uri") or None
        template: str | bytes
        if uri is not None:  # with both, AWS Config uses the S3 URI and ignores the body
            template = self.world.read_s3_object(caller.account_id, caller.region, uri)
        else:  # the request check made sure one of the two is given
            template = p["TemplateBody"]
        supplied = {
            item["ParameterName"]: item["ParameterValue"]
            for item in p.get("ConformancePackInputParameters", [])
        }
        _check_template(
            template, source=uri, supplied=supplied, rules_limit=self.quotas.rules_per_pack
        )
        excluded = frozenset(p.get("ExcludedAccounts", []))
        spec: dict[str, Any] = {
            "DeliveryS3Bucket": p.get("DeliveryS3Bucket"),
            "DeliveryS3KeyPrefix": p.get("DeliveryS3KeyPrefix"),
            "ConformancePackInputParameters": [
                {"ParameterName": k, "ParameterValue": v} for k, v in supplied.items()
            ],
            "ExcludedAccounts": sorted(excluded),
        }
        resource = self._put(
            caller, kind=_PACK, name=name, spec=spec, excluded=excluded, tags=p.get("Tags", [])
        )
        return {"OrganizationConformancePackArn": resource.arn}

    def _pack_view(self, r: _Resource) -> dict[str, Any]:
        view: dict[str, Any] = {
            "OrganizationConformancePackName": r.name,
            "OrganizationConformancePackArn": r.arn,
            "ConformancePackInputParameters": r.spec["ConformancePackInputParameters"],
            "ExcludedAccounts": r.spec["ExcludedAccounts"],
            "LastUpdateTime": self._epoch(r.updated_at),
        }
        for key in ("DeliveryS3Bucket", "DeliveryS3KeyPrefix"):
            if r.spec.get(key) is not None:
                view[key] = r.spec[key]
        return view

    def _listing(
        self, caller: _Caller, kind: _Kind, op: str, p: Mapping[str, Any]
    ) -> tuple[list[_Resource], str | None]:
        names = p.get(kind.names_field) or []
        if names:
            return self._named(caller, kind, names), None
        items = list(self._store(caller, kind).values())
        return self._page(items, p, (op, caller.account_id, caller.region))

    def _describe_packs(self, caller: _Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        items, token = self._listing(caller, _PACK, "DescribeOrganizationConformancePacks", p)
        return _with_token(
            {"OrganizationConformancePacks": [self._pack_view(r) for r in items]}, token
        )

    def _status_view(self, r: _Resource, status_key: str) -> dict[str, Any]:
        status, code, message, updated = r.run.aggregate(self._now())
        view: dict[str, Any] = {
            r.kind.name_field: r.name,
            status_key: status,
            "LastUpdateTime": self._epoch(updated),
        }
        if code is not None:
            view["ErrorCode"] = code
            view["ErrorMessage"] = message
        return view

    def _pack_statuses(self, caller: _Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        items, token = self._listing(
            caller, _PACK, "DescribeOrganizationConformancePackStatuses", p
        )
        return _with_token(
            {
                "OrganizationConformancePackStatuses": [
                    self._status_view(r, "Status") for r in items
                ]
            },
            token,
        )

    def _detailed(
        self, caller: _Caller, kind: _Kind, op: str, p: Mapping[str, Any]
    ) -> tuple[list[dict[str, Any]], str | None]:
        resource = self._get(caller, kind, p[kind.name_field])
        now = self._now()
        filters = p.get("Filters") or {}
        want_account = filters.get("AccountId")
        want_status = filters.get(kind.detailed_status_field)
        action = resource.run.action
        rows: list[dict[str, Any]] = []
        for account in resource.run.accounts:
            status = account.status(action, now)
            if want_account and account.account_id != want_account:
                continue
            if want_status and status != want_status:
                continue
            row: dict[str, Any] = {
                "AccountId": account.account_id,
                ("ConformancePackName" if kind is _PACK else "ConfigRuleName"): (
                    resource.member_name
                ),
                kind.detailed_status_field: status,
                "LastUpdateTime": self._epoch(account.last_update(now)),
            }
            if account.failed and now >= account.end:
                row["ErrorCode"] = account.error_code
                row["ErrorMessage"] = account.error_message
            rows.append(row)
        query = (op, caller.account_id, caller.region, resource.arn, want_account, want_status)
        return self._page(rows, p, query)

    def _pack_detailed_status(self, caller: _Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        rows, token = self._detailed(
            caller, _PACK, "GetOrganizationConformancePackDetailedStatus", p
        )
        return _with_token({"OrganizationConformancePackDetailedStatuses": rows}, token)

    def _delete_pack(self, caller: _Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        return self._delete(caller, _PACK, p["OrganizationConformancePackName"])

    # -- rules -----------------------------------------------------------------------------------

    def _put_rule(self, caller: _Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        name = p["OrganizationConfigRuleName"]
        # The request check made sure exactly one kind of metadata is given.
        field = next(f for f in _RULE_METADATA_FIELDS if p.get(f) is not None)
        metadata = dict(p[field])
        policy_text: str | None = None
        if field == "OrganizationCustomPolicyRuleMetadata":
            policy_text = metadata.pop("PolicyText", "")
        excluded = frozenset(p.get("ExcludedAccounts", []))
        spec: dict[str, Any] = {"field": field, "metadata": metadata}
        resource = self._put(
            caller,
            kind=_RULE,
            name=name,
            spec=spec,
            excluded=excluded,
            tags=p.get("Tags", []),
            policy_text=policy_text,
        )
        return {"OrganizationConfigRuleArn": resource.arn}

    def _rule_view(self, r: _Resource) -> dict[str, Any]:
        return {
            "OrganizationConfigRuleName": r.name,
            "OrganizationConfigRuleArn": r.arn,
            r.spec["field"]: r.spec["metadata"],
            "ExcludedAccounts": sorted(r.excluded),
            "LastUpdateTime": self._epoch(r.updated_at),
        }

    def _describe_rules(self, caller: _Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        items, token = self._listing(caller, _RULE, "DescribeOrganizationConfigRules", p)
        return _with_token({"OrganizationConfigRules": [self._rule_view(r) for r in items]}, token)

    def _rule_statuses(self, caller: _Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        items, token = self._listing(caller, _RULE, "DescribeOrganizationConfigRuleStatuses", p)
        return _with_token(
            {
                "OrganizationConfigRuleStatuses": [
                    self._status_view(r, "OrganizationRuleStatus") for r in items
                ]
            },
            token,
        )

    def _rule_detailed_status(self, caller: _Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        rows, token = self._detailed(caller, _RULE, "GetOrganizationConfigRuleDetailedStatus", p)
        return _with_token({"OrganizationConfigRuleDetailedStatus": rows}, token)

    def _delete_rule(self, caller: _Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        return self._delete(caller, _RULE, p["OrganizationConfigRuleName"])

    def _custom_rule_policy(self, caller: _Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        resource = self._get(caller, _RULE, p["OrganizationConfigRuleName"])
        if resource.policy_text is None:
            return {}
        return {"PolicyText": resource.policy_text}

    # -- tagging -------------------------------------------------------------------------------

    def _by_arn(self, arn: str, account_id: str, region: str) -> _Resource:
        parsed = _parse_arn(arn)
        missing = ServiceError("ResourceNotFoundException", f"ResourceArn '{arn}' does not exist")
        if parsed is None or parsed[:2] != (region, account_id):
            raise missing
        store = self._state.get((account_id, region, parsed[2].key), {})
        now = self._now()
        for resource in store.values():
            if resource.arn == arn and not resource.run.gone(now):
                return resource
        raise missing

    def _tagging(
        self, operation: str, p: Mapping[str, Any], account_id: str, region: str
    ) -> dict[str, Any]:
        resource = self._by_arn(p["ResourceArn"], account_id, region)
        if operation == "TagResource":
            merged = dict(resource.tags)
            merged.update({t["Key"]: t.get("Value", "") for t in p["Tags"]})
            if len(merged) > 50:
                raise ServiceError(
                    "TooManyTagsException",
                    "You have reached the limit of the number of tags you can use (50).",
                )
            resource.tags = merged
            return {}
        if operation == "UntagResource":
            for key in p["TagKeys"]:
                resource.tags.pop(key, None)
            return {}
        tags = [{"Key": k, "Value": v} for k, v in resource.tags.items()]
        page, token = self._page(tags, p, ("ListTagsForResource", account_id, region, resource.arn))
        return _with_token({"Tags": page}, token)


_TAG_OPERATIONS = frozenset(TAG_OPERATIONS)

OPERATIONS = frozenset(ORGANIZATION_OPERATIONS)
"""The eleven AWS Config organization operations the sandbox serves."""


def _parse_arn(arn: str) -> tuple[str, str, _Kind] | None:
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "config":
        return None
    resource_type = parts[5].split("/", 1)[0]
    for kind in (_PACK, _RULE):
        if resource_type == kind.arn_type:
            return parts[3], parts[4], kind
    return None


def _with_token(result: dict[str, Any], token: str | None) -> dict[str, Any]:
    if token is not None:
        result["NextToken"] = token
    return result


def _encode_token(offset: int, fingerprint: str) -> str:
    raw = json.dumps({"o": offset, "q": fingerprint}, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii")


_BAD_TOKEN = "The nextToken provided is invalid"


def _decode_token(token: str, fingerprint: str, total: int) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError) as e:
        raise ServiceError("InvalidNextTokenException", _BAD_TOKEN) from e
    if not isinstance(data, dict) or data.get("q") != fingerprint:
        raise ServiceError("InvalidNextTokenException", _BAD_TOKEN)
    offset = data.get("o")
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= total:
        raise ServiceError("InvalidNextTokenException", _BAD_TOKEN)
    return offset


# -- templates -------------------------------------------------------------------------------

_TEMPLATE_ERROR = "OrganizationConformancePackTemplateValidationException"


def _invalid_template(detail: str) -> str:
    """Wrap a template problem in the words AWS Config uses for a rejected pack template."""
    return (
        f"Invalid conformance pack template provided. Errors found: [{detail}]. "
        "Fix your template and try again."
    )


def _check_template(
    text: str | bytes, *, source: str | None, supplied: Mapping[str, str], rules_limit: int
) -> None:
    """Parse a conformance pack template and check it the way AWS Config does before deploying.

    Raises ServiceError(OrganizationConformancePackTemplateValidationException) when the template
    is too large or not UTF-8, cannot be parsed, holds resources other than Config rules and
    remediation configurations, holds more rules than a pack may (``rules_limit``, and never more
    than 130: the parser's own limit), needs a parameter that was not supplied, or is given one it
    does not declare (CloudFormation's words for the last two).
    """
    try:
        template = Template.from_string(text, source=source)
    except TemplateError as e:
        raise ServiceError(_TEMPLATE_ERROR, _invalid_template(str(e))) from e
    if len(template.rules) > rules_limit:
        raise ServiceError(
            _TEMPLATE_ERROR,
            _invalid_template(
                f"The template holds {len(template.rules)} Config rules; a conformance pack can "
                f"hold at most {rules_limit}"
            ),
        )
    missing = sorted(template.required_parameters - set(supplied))
    if missing:
        raise ServiceError(_TEMPLATE_ERROR, f"Parameters: [{', '.join(missing)}] must have values")
    undeclared = sorted(set(supplied) - set(template.parameters))
    if undeclared:
        raise ServiceError(
            _TEMPLATE_ERROR, f"Parameters: [{', '.join(undeclared)}] do not exist in the template"
        )
