"""The simulated AWS Config organization service: requests in, answers out.

:class:`Service` holds the state of every organization conformance pack and organization Config
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

import random
import string
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs

from orgconfig.errors import TemplateError
from orgconfig.templates import Template
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
from orgconfig.testing._paging import page as page_of
from orgconfig.testing._paging import with_token
from orgconfig.testing._timeline import Action, Run, Timeline
from orgconfig.testing._vclock import VirtualClock

__all__ = ["Service"]

_SUFFIX_ALPHABET = string.ascii_lowercase + string.digits

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


# -- deployments -----------------------------------------------------------------------------


@attrs.define
class _Resource:
    """An organization conformance pack or rule, as stored for its owner and region."""

    kind: Kind
    name: str
    arn: str
    member_name: str
    updated_at: float
    spec: dict[str, Any]
    run: Run
    tags: dict[str, str] = attrs.field(factory=dict)
    policy_text: str | None = None
    excluded: frozenset[str] = frozenset()


@attrs.define
class _Caller:
    account_id: str
    region: str
    org: OrgView


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
    ) -> None:
        self.world = world
        self.clock = clock
        self.seed = seed
        self.quotas = quotas or Quotas()
        self.timeline = Timeline(
            seed=seed, deploy_duration=deploy_duration, deploy_jitter=deploy_jitter
        )
        self._lock = threading.RLock()
        self._rng = random.Random(f"orgconfig-sandbox-arns:{seed}")
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

    def _store(self, caller: _Caller, kind: Kind) -> dict[str, _Resource]:
        key = (caller.account_id, caller.region, kind.key)
        store = self._state.setdefault(key, {})
        now = self._now()
        for name in [n for n, r in store.items() if r.run.gone(now)]:
            del store[name]
        return store

    def _get(self, caller: _Caller, kind: Kind, name: str) -> _Resource:
        resource = self._store(caller, kind).get(name)
        if resource is None:
            raise ServiceError(kind.no_such, kind.no_such_message)
        return resource

    def _named(self, caller: _Caller, kind: Kind, names: Sequence[str]) -> list[_Resource]:
        store = self._store(caller, kind)
        missing = [n for n in names if n not in store]
        if missing:
            raise ServiceError(kind.no_such, kind.no_such_message)
        return [store[n] for n in dict.fromkeys(names)]

    def _suffix(self) -> str:
        return "".join(self._rng.choice(_SUFFIX_ALPHABET) for _ in range(8))

    def _check_not_running(self, kind: Kind, resource: _Resource | None) -> None:
        if resource is not None and resource.run.running(self._now()):
            doing = {"CREATE": "created", "UPDATE": "updated", "DELETE": "deleted"}
            raise ServiceError(
                "ResourceInUseException",
                _IN_USE[kind.key].format(name=resource.name, doing=doing[resource.run.action]),
            )

    def _check_quota(self, caller: _Caller, kind: Kind, name: str) -> None:
        store = self._store(caller, kind)
        limit = self.quotas.conformance_packs if kind is PACK else self.quotas.config_rules
        if name not in store and len(store) >= limit:
            raise ServiceError(kind.quota_error, kind.quota_message.format(limit=limit))

    def _start_run(
        self,
        caller: _Caller,
        kind: Kind,
        name: str,
        action: Action,
        targets: Iterable[tuple[str, str]],
    ) -> Run:
        region = caller.region
        return self.timeline.start(
            action,
            now=self._now(),
            scope=f"{caller.account_id}|{region}|{kind.key}|{name}",
            targets=targets,
            has_recorder=lambda account_id: self.world.has_recorder(account_id, region),
        )

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
        kind: Kind,
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

    def _delete(self, caller: _Caller, kind: Kind, name: str) -> dict[str, Any]:
        resource = self._get(caller, kind, name)
        self._check_not_running(kind, resource)
        states = dict(self.world.accounts(caller.org))
        previous = [a.account_id for a in resource.run.accounts]
        targets = [(a, states.get(a, "ACTIVE")) for a in previous]
        resource.run = self._start_run(caller, kind, name, "DELETE", targets)
        return {}

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
            caller, kind=PACK, name=name, spec=spec, excluded=excluded, tags=p.get("Tags", [])
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
        self, caller: _Caller, kind: Kind, op: str, p: Mapping[str, Any]
    ) -> tuple[list[_Resource], str | None]:
        names = p.get(kind.names_field) or []
        if names:
            return self._named(caller, kind, names), None
        items = list(self._store(caller, kind).values())
        return page_of(items, p, (op, caller.account_id, caller.region))

    def _describe_packs(self, caller: _Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        items, token = self._listing(caller, PACK, "DescribeOrganizationConformancePacks", p)
        return with_token(
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
        items, token = self._listing(caller, PACK, "DescribeOrganizationConformancePackStatuses", p)
        return with_token(
            {
                "OrganizationConformancePackStatuses": [
                    self._status_view(r, "Status") for r in items
                ]
            },
            token,
        )

    def _detailed(
        self, caller: _Caller, kind: Kind, op: str, p: Mapping[str, Any]
    ) -> tuple[list[dict[str, Any]], str | None]:
        resource = self._get(caller, kind, p[kind.name_field])
        now = self._now()
        filters = p.get("Filters") or {}
        want_account = filters.get("AccountId")
        want_status = filters.get(kind.detailed_status_field)
        run = resource.run
        # Rows are built for the page only: the run's index finds the accounts that match.
        selected = run.matching(now, want_account, want_status)
        query = (op, caller.account_id, caller.region, resource.arn, want_account, want_status)
        selected_page, token = page_of(selected, p, query)
        member_key = "ConformancePackName" if kind is PACK else "ConfigRuleName"
        rows: list[dict[str, Any]] = []
        for position in selected_page:
            account = run.accounts[position]
            row: dict[str, Any] = {
                "AccountId": account.account_id,
                member_key: resource.member_name,
                kind.detailed_status_field: account.status(run.action, now),
                "LastUpdateTime": self._epoch(account.last_update(now)),
            }
            if account.failed and now >= account.end:
                row["ErrorCode"] = account.error_code
                row["ErrorMessage"] = account.error_message
            rows.append(row)
        return rows, token

    def _pack_detailed_status(self, caller: _Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        rows, token = self._detailed(
            caller, PACK, "GetOrganizationConformancePackDetailedStatus", p
        )
        return with_token({"OrganizationConformancePackDetailedStatuses": rows}, token)

    def _delete_pack(self, caller: _Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        return self._delete(caller, PACK, p["OrganizationConformancePackName"])

    # -- rules -----------------------------------------------------------------------------------

    def _put_rule(self, caller: _Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        name = p["OrganizationConfigRuleName"]
        # The request check made sure exactly one kind of metadata is given.
        field = next(f for f in RULE_METADATA_FIELDS if p.get(f) is not None)
        metadata = dict(p[field])
        policy_text: str | None = None
        if field == "OrganizationCustomPolicyRuleMetadata":
            policy_text = metadata.pop("PolicyText", "")
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

    def _rule_view(self, r: _Resource) -> dict[str, Any]:
        return {
            "OrganizationConfigRuleName": r.name,
            "OrganizationConfigRuleArn": r.arn,
            r.spec["field"]: r.spec["metadata"],
            "ExcludedAccounts": sorted(r.excluded),
            "LastUpdateTime": self._epoch(r.updated_at),
        }

    def _describe_rules(self, caller: _Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        items, token = self._listing(caller, RULE, "DescribeOrganizationConfigRules", p)
        return with_token({"OrganizationConfigRules": [self._rule_view(r) for r in items]}, token)

    def _rule_statuses(self, caller: _Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        items, token = self._listing(caller, RULE, "DescribeOrganizationConfigRuleStatuses", p)
        return with_token(
            {
                "OrganizationConfigRuleStatuses": [
                    self._status_view(r, "OrganizationRuleStatus") for r in items
                ]
            },
            token,
        )

    def _rule_detailed_status(self, caller: _Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        rows, token = self._detailed(caller, RULE, "GetOrganizationConfigRuleDetailedStatus", p)
        return with_token({"OrganizationConfigRuleDetailedStatus": rows}, token)

    def _delete_rule(self, caller: _Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        return self._delete(caller, RULE, p["OrganizationConfigRuleName"])

    def _custom_rule_policy(self, caller: _Caller, p: Mapping[str, Any]) -> dict[str, Any]:
        resource = self._get(caller, RULE, p["OrganizationConfigRuleName"])
        if resource.policy_text is None:
            return {}
        return {"PolicyText": resource.policy_text}

    # -- tagging -------------------------------------------------------------------------------

    def _by_arn(self, arn: str, account_id: str, region: str) -> _Resource:
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
        listed, token = page_of(tags, p, ("ListTagsForResource", account_id, region, resource.arn))
        return with_token({"Tags": listed}, token)


_TAG_OPERATIONS = frozenset(TAG_OPERATIONS)

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
