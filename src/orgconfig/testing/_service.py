"""The simulated AWS Config organization service: requests in, answers out.

:class:`Service` holds every organization conformance pack and Config rule, per owner account
(the management account or a delegated administrator) and region, and answers the eleven
organization operations (plus tagging of their ARNs) with the dictionaries AWS Config puts on the
wire. The seam (:mod:`._seam`) feeds it parsed requests; a :class:`World` tells it about the
organization, recorders and S3. Time is read from a virtual clock and never stored as state
changes: a put records when and how each account's deployment ends (:mod:`._timeline`), and reads
compute statuses from the clock. Nothing runs in the background; changes of the organization are
applied when the sandbox reports them (:meth:`Service.organization_changed`).

What it models, and where each behaviour comes from, is the fidelity record of
``docs/sandbox.md``: callers and visibility, deployments per account with failures, the
delegated-administrator quirk, accounts joining and leaving, deletes that show
``DELETE_SUCCESSFUL`` for ``delete_retention`` seconds, read-after-write lag (``read_lag``:
reads show the state before a put), pages whose tokens expire, and S3 permissions on templates and
delivery buckets. Rule contents (managed rule identifiers, Guard syntax) are checked as
:mod:`._known` describes: unknown identifiers refused at a rule's put and failing in each member
for a pack (reported by users), bad Guard refused at the put (modelled).
"""

from __future__ import annotations

import collections
import random
import string
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs

from orgconfig.testing import _messages as words
from orgconfig.testing._constraints import TAG_OPERATIONS
from orgconfig.testing._errors import ServiceError
from orgconfig.testing._kinds import (
    PACK,
    RULE,
    RULE_METADATA_FIELDS,
    Kind,
    KindName,
    OrgView,
    Quotas,
    World,
    parse_arn,
)
from orgconfig.testing._known import (
    UNKNOWN_IDENTIFIERS,
    check_policy,
    check_rule_identifier,
    member_check,
    unknown_identifiers,
)
from orgconfig.testing._paging import DEFAULT_NEXT_TOKEN_TTL, with_token
from orgconfig.testing._paging import page as page_of
from orgconfig.testing._resources import (
    Caller,
    Resource,
    account_row,
    change_tags,
    pack_view,
    rule_view,
    status_view,
)
from orgconfig.testing._templates import check_template
from orgconfig.testing._timeline import Action, Check, Run, Timeline
from orgconfig.testing._vclock import VirtualClock

__all__ = ["DEFAULT_DELETE_RETENTION", "DEFAULT_READ_LAG", "Service"]

DEFAULT_READ_LAG = 5.0
"""Seconds after a put during which status reads may still show the state before it."""
DEFAULT_DELETE_RETENTION = 300.0
"""Seconds a deleted pack or rule shows ``DELETE_SUCCESSFUL`` before its name disappears."""

_SUFFIX_ALPHABET = string.ascii_lowercase + string.digits


class Service:
    """The simulated service behind the sandbox: every pack and rule, and their deployments.

    Thread-safe: one lock guards all state, so users may call from several threads.

    Example::

        service = Service(world, clock, seed=0)
        service.handle("DescribeOrganizationConfigRules", {}, account_id="123456789012",
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
        delegated_admin_quirk: bool = True,
        read_lag: float = DEFAULT_READ_LAG,
        delete_retention: float = DEFAULT_DELETE_RETENTION,
        next_token_ttl: float | None = DEFAULT_NEXT_TOKEN_TTL,
    ) -> None:
        if read_lag < 0 or (next_token_ttl is not None and next_token_ttl < 0):
            raise ValueError("read_lag and next_token_ttl must be >= 0 seconds")
        self.world = world
        self.clock = clock
        self.seed = seed
        self.quotas = quotas or Quotas()
        self.delegated_admin_quirk = delegated_admin_quirk
        self.read_lag = float(read_lag)
        self.next_token_ttl = next_token_ttl
        self.extra_managed_rules: set[str] = set()
        """Managed rule identifiers known besides orgconfig's list (see :mod:`._known`)."""
        self.deployments_started: collections.Counter[tuple[str, str, str]] = collections.Counter()
        self.timeline = Timeline(
            seed=seed,
            deploy_duration=deploy_duration,
            deploy_jitter=deploy_jitter,
            delete_retention=delete_retention,
        )
        self._members: dict[str, tuple[OrgView, dict[str, str]]] = {}
        self._members_changed = False
        self._waiting: list[Resource] = []
        self._lock = threading.RLock()
        self._rng = random.Random(f"orgconfig-sandbox-arns:{seed}")
        self._state: dict[tuple[str, str, KindName], dict[str, Resource]] = {}
        self._handlers: dict[str, Callable[[Caller, Mapping[str, Any]], dict[str, Any]]] = {
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
            self._catch_up()
            is_put = operation.startswith("Put")
            caller = self._authorize(account_id, region, put=is_put)
            return handler(caller, params)

    # -- an organization that changes ------------------------------------------------------

    def organization_changed(self) -> None:
        """Deploy every owner's packs and rules to joining accounts; drop leaving accounts.

        The sandbox calls it after its own changes and Organizations calls made through boto3.
        """
        with self._lock:
            self._members_changed = True
            self._catch_up()

    def recorders_changed(self) -> None:
        """Let joining accounts that wait for a configuration recorder see a new one now."""
        with self._lock:
            self._catch_up()

    def _catch_up(self) -> None:
        now = self._now()
        if self._members_changed:
            self._members_changed = False
            for org_id, (org, old) in list(self._members.items()):
                new = dict(self.world.accounts(org))
                self._members[org_id] = (org, new)
                left = [a for a in old if a not in new]
                joined = [(a, state) for a, state in new.items() if a not in old]
                if left or joined:
                    self._apply(org_id, joined, left, now)
        if self._waiting:
            for resource in self._waiting:
                resource.run.settle(now, self._recorder_in(resource.region))
            self._waiting = [r for r in self._waiting if r.run.waiting()]

    def _apply(
        self, org_id: str, joined: list[tuple[str, str]], left: list[str], now: float
    ) -> None:
        for store in self._state.values():
            for resource in store.values():
                if resource.org.organization_id != org_id or resource.run.gone(now):
                    continue
                if left:
                    resource.run.drop(set(left), now)
                targets = [(a, s) for a, s in joined if a not in resource.excluded]
                if not targets or resource.run.action == "DELETE":
                    continue
                self.timeline.join(
                    resource.run,
                    now=now,
                    scope=resource.scope,
                    joined=targets,
                    has_recorder=self._recorder_in(resource.region),
                    check=self._delivery(resource.org, resource.kind, resource.spec),
                )
                if resource.run.waiting() and resource not in self._waiting:
                    self._waiting.append(resource)

    def serves(
        self, operation: str, params: Mapping[str, Any]
    ) -> Literal["answer", "check"] | None:
        """Tell the seam what to do with a request: answer it, check it for moto, or pass it.

        Tagging requests are answered for organization pack and rule ARNs and only checked
        (then left to moto) for other ARNs; every other operation of :attr:`operations` is
        answered; the rest pass.
        """
        if operation not in self.operations:
            return None
        if operation in _TAG_OPERATIONS:
            arn = params.get("ResourceArn")
            return "answer" if isinstance(arn, str) and self.owns_arn(arn) else "check"
        return "answer"

    def owns_arn(self, arn: str) -> bool:
        """Tell whether ``arn`` names an organization pack or rule (the tagging calls served)."""
        return parse_arn(arn) is not None

    # -- access --------------------------------------------------------------------------------

    def _authorize(self, account_id: str, region: str, *, put: bool) -> Caller:
        org = self.world.organization_of(account_id)
        if org is None:
            if put:
                raise ServiceError("NoAvailableOrganizationException", words.NO_ORG_ON_PUT)
            raise ServiceError("OrganizationAccessDeniedException", words.NOT_IN_ORG)
        if account_id != org.management_account_id and account_id not in (
            self.world.delegated_admins(org)
        ):
            raise ServiceError("OrganizationAccessDeniedException", words.NOT_ADMIN)
        if put and org.feature_set != "ALL":
            raise ServiceError("OrganizationAllFeaturesNotEnabledException", words.NOT_ALL_FEATURES)
        return Caller(account_id, region, org)

    # -- state helpers ---------------------------------------------------------------------------

    def _now(self) -> float:
        return self.clock.monotonic()

    def _epoch(self, offset: float) -> float:
        return self.clock.start.timestamp() + offset

    def _store(self, caller: Caller, kind: Kind) -> dict[str, Resource]:
        key = (caller.account_id, caller.region, kind.key)
        store = self._state.setdefault(key, {})
        now = self._now()
        for name in [n for n, r in store.items() if r.run.gone(now)]:
            del store[name]
        return store

    def _shown(self, resource: Resource | None) -> Resource | None:
        """Return what a read sees of ``resource``: the state before a put, during the lag."""
        if resource is None or self._now() >= resource.visible_from:
            return resource
        return resource.before

    def _get(self, caller: Caller, kind: Kind, name: str, *, read: bool = False) -> Resource:
        resource = self._store(caller, kind).get(name)
        if read:
            resource = self._shown(resource)
        elif resource is not None and resource.run.deleted(self._now()):
            resource = None
        if resource is None:
            raise ServiceError(kind.no_such, kind.no_such_message)
        return resource

    def _named(self, caller: Caller, kind: Kind, names: Sequence[str]) -> list[Resource]:
        store = self._store(caller, kind)
        shown = {n: self._shown(store.get(n)) for n in dict.fromkeys(names)}
        found = [r for r in shown.values() if r is not None]
        if len(found) != len(shown):
            raise ServiceError(kind.no_such, kind.no_such_message)
        return found

    def _suffix(self) -> str:
        return "".join(self._rng.choice(_SUFFIX_ALPHABET) for _ in range(8))

    def _check_not_running(self, kind: Kind, resource: Resource | None) -> None:
        if resource is not None and resource.run.running(self._now()):
            doing = {"CREATE": "created", "UPDATE": "updated", "DELETE": "deleted"}
            raise ServiceError(
                "ResourceInUseException",
                words.IN_USE[kind.key].format(name=resource.name, doing=doing[resource.run.action]),
            )

    def _check_quota(self, caller: Caller, kind: Kind, name: str) -> None:
        now = self._now()
        store = {n: r for n, r in self._store(caller, kind).items() if not r.run.deleted(now)}
        limit = self.quotas.conformance_packs if kind is PACK else self.quotas.config_rules
        if name not in store and len(store) >= limit:
            raise ServiceError(kind.quota_error, kind.quota_message.format(limit=limit))

    def _recorder_in(self, region: str) -> Callable[[str], bool]:
        return lambda account_id: self.world.has_recorder(account_id, region)

    def _delivery(self, org: OrgView, kind: Kind, spec: Mapping[str, Any]) -> Check | None:
        bucket = spec.get("DeliveryS3Bucket") if kind is PACK else None
        prefix = spec.get("DeliveryS3KeyPrefix")
        delivery = self.world.delivery_check(org, bucket, prefix) if bucket else None
        return member_check(spec, delivery)

    def _start_run(
        self,
        caller: Caller,
        kind: Kind,
        name: str,
        action: Action,
        targets: Iterable[tuple[str, str]],
        *,
        spec: Mapping[str, Any],
    ) -> Run:
        region = caller.region
        self.deployments_started[(region, kind.key, name)] += 1
        if caller.org.organization_id not in self._members:
            self._members[caller.org.organization_id] = (
                caller.org,
                dict(self.world.accounts(caller.org)),
            )
        quirk = self.delegated_admin_quirk and caller.account_id != caller.org.management_account_id
        return self.timeline.start(
            action,
            now=self._now(),
            scope=f"{caller.account_id}|{region}|{kind.key}|{name}",
            targets=targets,
            has_recorder=self._recorder_in(region),
            stuck=quirk,
            check=None if action == "DELETE" else self._delivery(caller.org, kind, spec),
        )

    def _targets(self, caller: Caller, excluded: frozenset[str]) -> list[tuple[str, str]]:
        return [(a, state) for a, state in self.world.accounts(caller.org) if a not in excluded]

    def _put(
        self,
        caller: Caller,
        *,
        kind: Kind,
        name: str,
        spec: dict[str, Any],
        excluded: frozenset[str],
        tags: Sequence[Mapping[str, str]],
        policy_text: str | None = None,
    ) -> Resource:
        store = self._store(caller, kind)
        existing = store.get(name)
        self._check_not_running(kind, existing)
        self._check_quota(caller, kind, name)
        self.world.enable_trusted_access(caller.org, caller.account_id, caller.region)
        now = self._now()
        targets = self._targets(caller, excluded)
        if existing is None or existing.run.deleted(now):
            suffix = self._suffix()
            member_base = f"{kind.member_prefix}{name}"[: kind.member_name_max - 9]
            run = self._start_run(caller, kind, name, "CREATE", targets, spec=spec)
            store.pop(name, None)  # a name deleted a moment ago is created anew, last
            resource = Resource(
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
                owner=caller.account_id,
                region=caller.region,
                org=caller.org,
                tags={t["Key"]: t.get("Value", "") for t in tags},
                policy_text=policy_text,
                excluded=excluded,
                visible_from=now + self.read_lag,
                before=existing,
            )
            store[name] = resource
        else:
            resource = existing
            resource.before = attrs.evolve(existing, before=None)
            resource.visible_from = now + self.read_lag
            resource.run = self._start_run(caller, kind, name, "UPDATE", targets, spec=spec)
            resource.spec = spec
            resource.updated_at = now
            resource.policy_text = policy_text
            resource.excluded = excluded
        if resource.run.waiting():
            self._waiting.append(resource)
        return resource

    def _delete(self, caller: Caller, kind: Kind, name: str) -> dict[str, Any]:
        resource = self._get(caller, kind, name)
        self._check_not_running(kind, resource)
        states = dict(self.world.accounts(caller.org))
        previous = [a.account_id for a in resource.run.accounts]
        targets = [(a, states.get(a, "ACTIVE")) for a in previous]
        resource.run = self._start_run(caller, kind, name, "DELETE", targets, spec=resource.spec)
        return {}

    # -- conformance packs -------------------------------------------------------------------

    def _put_pack(self, caller: Caller, p: Mapping[str, Any]) -> dict[str, Any]:
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
        rules = check_template(
            template, source=uri, supplied=supplied, rules_limit=self.quotas.rules_per_pack
        ).rules
        excluded = frozenset(p.get("ExcludedAccounts", []))
        spec: dict[str, Any] = {
            "DeliveryS3Bucket": p.get("DeliveryS3Bucket"),
            "DeliveryS3KeyPrefix": p.get("DeliveryS3KeyPrefix"),
            "ConformancePackInputParameters": [
                {"ParameterName": k, "ParameterValue": v} for k, v in supplied.items()
            ],
            "ExcludedAccounts": sorted(excluded),
            UNKNOWN_IDENTIFIERS: unknown_identifiers(
                (r.source_identifier for r in rules if r.owner == "AWS"), self.extra_managed_rules
            ),
        }
        resource = self._put(
            caller, kind=PACK, name=name, spec=spec, excluded=excluded, tags=p.get("Tags", [])
        )
        return {"OrganizationConformancePackArn": resource.arn}

    def _listing(
        self, caller: Caller, kind: Kind, op: str, p: Mapping[str, Any]
    ) -> tuple[list[Resource], str | None]:
        names = p.get(kind.names_field) or []
        if names:
            return self._named(caller, kind, names), None
        shown = (self._shown(r) for r in self._store(caller, kind).values())
        items = [r for r in shown if r is not None]
        return self._page(items, p, (op, caller.account_id, caller.region))

    def _page(
        self, items: Sequence[Any], p: Mapping[str, Any], query: Sequence[object]
    ) -> tuple[list[Any], str | None]:
        return page_of(items, p, query, now=self._now(), ttl=self.next_token_ttl)

    def _describe_packs(self, caller: Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        items, token = self._listing(caller, PACK, "DescribeOrganizationConformancePacks", p)
        return with_token(
            {"OrganizationConformancePacks": [pack_view(r, self._epoch) for r in items]}, token
        )

    def _pack_statuses(self, caller: Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        items, token = self._listing(caller, PACK, "DescribeOrganizationConformancePackStatuses", p)
        return with_token(
            {
                "OrganizationConformancePackStatuses": [
                    status_view(r, "Status", self._now(), self._epoch) for r in items
                ]
            },
            token,
        )

    def _detailed(
        self, caller: Caller, kind: Kind, op: str, p: Mapping[str, Any]
    ) -> tuple[list[dict[str, Any]], str | None]:
        resource = self._get(caller, kind, p[kind.name_field], read=True)
        now = self._now()
        filters = p.get("Filters") or {}
        want_account = filters.get("AccountId")
        want_status = filters.get(kind.detailed_status_field)
        # Rows are built for the page only: the run's index finds the accounts that match.
        selected = resource.run.matching(now, want_account, want_status)
        query = (op, caller.account_id, caller.region, resource.arn, want_account, want_status)
        selected_page, token = self._page(selected, p, query)
        rows = [account_row(resource, i, now, self._epoch) for i in selected_page]
        return rows, token

    def _pack_detailed_status(self, caller: Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        rows, token = self._detailed(
            caller, PACK, "GetOrganizationConformancePackDetailedStatus", p
        )
        return with_token({"OrganizationConformancePackDetailedStatuses": rows}, token)

    def _delete_pack(self, caller: Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        return self._delete(caller, PACK, p["OrganizationConformancePackName"])

    # -- rules -----------------------------------------------------------------------------------

    def _put_rule(self, caller: Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        name = p["OrganizationConfigRuleName"]
        # The request check made sure exactly one kind of metadata is given.
        field = next(f for f in RULE_METADATA_FIELDS if p.get(f) is not None)
        metadata = dict(p[field])
        policy_text: str | None = None
        if field == "OrganizationCustomPolicyRuleMetadata":
            policy_text = metadata.pop("PolicyText", "")
            check_policy(policy_text)
        elif field == "OrganizationManagedRuleMetadata":
            check_rule_identifier(metadata, self.extra_managed_rules)
        excluded = frozenset(p.get("ExcludedAccounts", []))
        spec: dict[str, Any] = {"field": field, "metadata": metadata}
        resource = self._put(
            caller,
            kind=RULE,
            name=name,
            spec=spec,
            excluded=excluded,
            tags=p.get("Tags", []),
            policy_text=policy_text,
        )
        return {"OrganizationConfigRuleArn": resource.arn}

    def _describe_rules(self, caller: Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        items, token = self._listing(caller, RULE, "DescribeOrganizationConfigRules", p)
        return with_token(
            {"OrganizationConfigRules": [rule_view(r, self._epoch) for r in items]}, token
        )

    def _rule_statuses(self, caller: Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        items, token = self._listing(caller, RULE, "DescribeOrganizationConfigRuleStatuses", p)
        return with_token(
            {
                "OrganizationConfigRuleStatuses": [
                    status_view(r, "OrganizationRuleStatus", self._now(), self._epoch)
                    for r in items
                ]
            },
            token,
        )

    def _rule_detailed_status(self, caller: Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        rows, token = self._detailed(caller, RULE, "GetOrganizationConfigRuleDetailedStatus", p)
        return with_token({"OrganizationConfigRuleDetailedStatus": rows}, token)

    def _delete_rule(self, caller: Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        return self._delete(caller, RULE, p["OrganizationConfigRuleName"])

    def _custom_rule_policy(self, caller: Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        resource = self._get(caller, RULE, p["OrganizationConfigRuleName"], read=True)
        if resource.policy_text is None:
            return {}
        return {"PolicyText": resource.policy_text}

    # -- tagging -------------------------------------------------------------------------------

    def _by_arn(self, arn: str, account_id: str, region: str) -> Resource:
        parsed = parse_arn(arn)
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
        if operation != "ListTagsForResource":
            change_tags(resource, operation, p)
            return {}
        tags = [{"Key": k, "Value": v} for k, v in resource.tags.items()]
        query = ("ListTagsForResource", account_id, region, resource.arn)
        listed, token = self._page(tags, p, query)
        return with_token({"Tags": listed}, token)


_TAG_OPERATIONS = frozenset(TAG_OPERATIONS)
