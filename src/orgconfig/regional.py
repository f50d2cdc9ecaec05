"""One region of the organization: its conformance packs and rules, and the verbs on them.

:class:`Region` is what ``org.in_region("eu-west-1")`` returns; ``org.conformance_packs`` and
``org.rules`` are the home region's. Both collections share one implementation
(:class:`_Collection`); what differs between the kinds is data in :mod:`orgconfig._kinds` plus
the conversion of a ``get``. Each :class:`~orgconfig.Deployment` is given a reader
(:class:`orgconfig._readers.Reader`): the status calls of one pack or rule, so that the
deployment builds no request itself.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

import attrs

from orgconfig import _checks as checks
from orgconfig import _limits as limits
from orgconfig import _listing as listing
from orgconfig import _wire, errors
from orgconfig._aws.config import ConfigApi
from orgconfig._kinds import PACKS, RULES, Kind
from orgconfig._readers import Reader
from orgconfig._recorded import TEMPLATE_SHA256_TAG, template_sha256
from orgconfig._tagging import arn_of, sync_own_tags
from orgconfig._uploads import upload_template
from orgconfig.deployments import Deployment
from orgconfig.models import (
    AccountStatus,
    ConformancePack,
    ConformancePackInfo,
    DeploymentStatus,
    OrgConfigRule,
    Status,
)
from orgconfig.retries import BusyPolicy, CallRetryPolicy, PollingPolicy
from orgconfig.targets import Targets, targets_to_tags
from orgconfig.templates import TEMPLATE_BODY_MAX_BYTES

if TYPE_CHECKING:
    import boto3

    from orgconfig._listing import Listing
    from orgconfig.organization import Organization
    from orgconfig.resolution import Resolution

__all__ = ["ConformancePacks", "OrgConfigRules", "Region"]

_log = logging.getLogger("orgconfig")
_T = TypeVar("_T")
_Item = TypeVar("_Item", ConformancePack, OrgConfigRule)
_Info = TypeVar("_Info")


def _status_filter(status: Status | str) -> str:
    known = [s.value for s in Status if s is not Status.UNKNOWN]
    value = status.value if isinstance(status, Status) else status
    if not isinstance(value, str) or value not in known:
        raise errors.ValidationError(
            f"status {checks.show(status)} is not one of {', '.join(known)}", field="status"
        )
    return value


def _flag(value: object, label: str, *, optional: bool = False) -> None:
    """Refuse a flag that is not a bool (or None, when ``optional``)."""
    if not (isinstance(value, bool) or (optional and value is None)):
        noun = "True, False or None" if optional else "True or False"
        raise checks.fail(label, f"must be {noun}, not {type(value).__name__} {checks.show(value)}")


_PACK_NAME = checks.text(
    1, limits.PACK_NAME_MAX, limits.PACK_NAME_PATTERN, "a letter, then letters, digits and hyphens"
)
_RULE_NAME = checks.text(
    1, limits.RULE_NAME_MAX, limits.RULE_NAME_PATTERN, "letters, digits, '-' and '_'"
)


class _Collection(Generic[_T, _Info]):
    """The verbs shared by conformance packs and rules."""

    _kind: Kind
    _name_checks: tuple[checks.Check, ...]

    def __init__(
        self,
        api: ConfigApi,
        *,
        polling: PollingPolicy,
        busy: BusyPolicy,
        organization: Organization | None = None,
    ) -> None:
        self._organization = organization
        self._api = api
        self._polling = polling
        self._busy = busy

    @property
    def region(self) -> str:
        """The region this collection works in."""
        return self._api.region

    def __repr__(self) -> str:
        return f"<{type(self).__name__} in {self.region}>"

    def _name(self, name: object, label: str = "name") -> str:
        """``name`` if it is a valid name (the API's pattern and length); else raise."""
        checks.run(self._name_checks, name, label)
        assert isinstance(name, str)
        return name

    def _names(self, names: object) -> tuple[str, ...] | None:
        """``names`` as a tuple of valid, distinct names (None stays None); a string is refused."""
        if names is None:
            return None
        if isinstance(names, str):
            raise checks.fail(
                "names",
                f"expected a list of names, not the single string {checks.show(names)} "
                f"(write [{checks.show(names)}])",
            )
        given = checks.tuple_of(names, "names")
        for i, name in enumerate(given):
            self._name(name, f"names[{i}]")
        return tuple(dict.fromkeys(given))

    @contextlib.contextmanager
    def _naming(self, name: str) -> Iterator[None]:
        """Put the pack or rule's name into a NotFoundError (AWS's message does not say it)."""
        try:
            yield
        except errors.NotFoundError as err:
            raise self._kind.named(err, name) from err.__cause__

    # -- deployments --------------------------------------------------------------------

    def deployment(
        self, name: str, *, operation: Literal["put", "delete"] | None = None
    ) -> Deployment:
        """Return a :class:`~orgconfig.Deployment` following ``name``'s current deployment.

        Use it to resume waiting on a deployment started earlier, from this process or another
        (for example after a crash). No API call is made until you ask the deployment something.
        With ``operation="delete"``, a pack or rule already gone counts as deleted (the delete
        finished while nobody waited) instead of raising ``NotFoundError``.

        Raises:
            ValidationError: ``name`` is not a valid name, or ``operation`` is not None,
                ``"put"`` or ``"delete"``; before any call.
        """
        self._name(name)
        if operation not in (None, "put", "delete"):
            raise checks.fail(
                "operation", f"must be None, 'put' or 'delete', not {checks.show(operation)}"
            )
        return Deployment(
            self._reader(name),
            operation="delete" if operation == "delete" else "resume",
            polling=self._polling,
        )

    def _start(
        self,
        name: str,
        operation: Literal["put", "delete"],
        submit: Callable[[], object],
        wait_if_busy: bool | None,
        request: Mapping[str, Any] | None = None,
    ) -> Deployment:
        reader = self._reader(name)
        deployment = Deployment(
            reader,
            operation=operation,
            polling=self._polling,
            busy=self._busy,
            submit=submit,
            confirm=(lambda: reader.holds(request)) if request is not None else None,
        )
        with self._naming(name):
            deployment._start(
                wait_if_busy=self._busy.wait if wait_if_busy is None else wait_if_busy
            )
        return deployment

    def delete(
        self, name: str, *, wait_if_busy: bool | None = None, missing_ok: bool = False
    ) -> Deployment:
        """Delete ``name`` from every member account; return the deletion to wait on.

        The call is made at once. If a deployment of ``name`` is running, the returned
        deployment first waits for it to settle, then calls again (per the organization's
        :class:`~orgconfig.BusyPolicy`, or ``wait_if_busy``), all within ``wait()``.

        Args:
            name: the pack or rule.
            wait_if_busy: override the busy policy's ``wait`` for this call.
            missing_ok: when ``name`` does not exist, return a deletion that is already
                finished (``DELETE_SUCCESSFUL``, no accounts) instead of raising: what
                automation that must be idempotent wants.

        Raises:
            ValidationError: ``name`` is not a valid name, or a flag is not a bool; before any
                call.
            NotFoundError: no such pack or rule in this region for this caller (unless
                ``missing_ok``).
            ResourceInUseError: busy, and ``wait_if_busy=False``.
        """
        self._name(name)
        _flag(wait_if_busy, "wait_if_busy", optional=True)
        _flag(missing_ok, "missing_ok")
        params = {self._kind.name_param: name}
        try:
            return self._start(
                name, "delete", lambda: self._api.call(self._kind.delete, params), wait_if_busy
            )
        except errors.NotFoundError:
            if not missing_ok:
                raise
        gone = self.deployment(name, operation="delete")
        gone.done()  # the pack or rule is gone: the first look finishes it
        return gone

    def _reader(self, name: str) -> Reader:
        org = self._organization

        def directory(refresh: bool) -> Mapping[str, tuple[str, str]]:
            assert org is not None
            return {a.id: (a.name, a.status) for a in org.accounts(refresh=refresh)}

        return Reader(self._api, self._kind, name, directory=directory if org else None)

    def _targeted(self, item: _Item, targets: Targets | None) -> _Item:
        """``item`` with the accounts ``targets`` leave out excluded, and the targets recorded.

        The targets are resolved now, against the organization as it is, into the API's
        ``ExcludedAccounts`` (added to those the item already excludes), and recorded in the
        item's tags (``orgconfig:targets``), so that a later read shows what it was deployed
        with.
        """
        if targets is None:
            return item
        checks.run((checks.is_a(Targets, "a Targets"),), targets, "targets")
        if self._organization is None:
            raise errors.ValidationError(
                "targets need the organization: use org.conformance_packs or org.rules",
                field="targets",
            )
        resolution: Resolution = self._organization.resolve(targets)
        if not set(resolution.included) - set(item.excluded_accounts):
            raise errors.ValidationError(
                "the targets select no account of the organization: nothing would be deployed",
                field="targets",
            )
        excluded = sorted({*item.excluded_accounts, *resolution.excluded_accounts})
        tags = {**item.tags, **targets_to_tags(targets)}
        return attrs.evolve(item, excluded_accounts=excluded, tags=tags)

    def _put(self, name: str, request: Mapping[str, Any], wait_if_busy: bool | None) -> Deployment:
        wanted = {str(t["Key"]): str(t["Value"]) for t in request.get("Tags", [])}

        def submit() -> None:
            answer = self._api.call(self._kind.put, request)
            # AWS applies Tags only when it creates: keep orgconfig's own tags true on updates.
            sync_own_tags(self._api, arn_of(answer), wanted)

        return self._start(name, "put", submit, wait_if_busy, request)

    # -- reading ------------------------------------------------------------------------

    def status(self, name: str) -> DeploymentStatus:
        """Return the aggregate deployment status of ``name`` (one API call).

        Raises:
            ValidationError: ``name`` is not a valid name (before any call).
            NotFoundError: no such pack or rule in this region for this caller.
        """
        return self.deployment(name).status()

    def statuses(self, names: Iterable[str] | None = None) -> Listing[DeploymentStatus]:
        """Return an iterator over the aggregate status of every pack or rule (or of ``names``).

        Lazy, page by page; it shows as a table in a notebook, without being consumed
        (``docs/notebooks.md``). ``names`` is a list of names, never a single string; it is
        checked at once, before any call.

        Raises:
            ValidationError: ``names`` is not a list of valid names.
        """
        return listing.statuses(self._api, self._kind, self._names(names))

    def account_statuses(
        self, name: str, status: Status | str | None = None, account_id: str | None = None
    ) -> Listing[AccountStatus]:
        """Return an iterator over the per-account status of ``name``, lazily, page by page.

        It shows as a table in a notebook, failures first, without being consumed.

        ``status`` and ``account_id`` filter on the service side; a status that is not one of
        the nine states, an invalid name or account id raises at once, before any call.

        Raises:
            ValidationError: ``name``, ``status`` or ``account_id`` is invalid (the field names
                which).
            NotFoundError: no such pack or rule in this region for this caller (on iterating).
        """
        self._name(name)
        if account_id is not None:
            checks.run(checks.ACCOUNT, account_id, "account_id")
        filters: dict[str, str] = {}
        if status is not None:
            filters[self._kind.detailed_status_filter] = _status_filter(status)
        if account_id is not None:
            filters["AccountId"] = account_id
        return listing.account_statuses(self._api, self._kind, name, filters, self._naming)

    def names(self) -> Listing[str]:
        """Return an iterator over the name of every pack or rule this caller deployed here.

        Lazy, page by page; it shows as a table in a notebook, without being consumed.
        """
        return listing.names(self._api, self._kind)


class ConformancePacks(_Collection[ConformancePack, ConformancePackInfo]):
    """Organization conformance packs in one region: ``org.conformance_packs``.

    Example::

        pack = ConformancePack("s3-baseline", Template.from_file("s3.yaml"))
        result = org.conformance_packs.put(pack).wait()
        print(result.summary())
    """

    _kind = PACKS
    _name_checks = _PACK_NAME

    def put(
        self,
        pack: ConformancePack,
        *,
        targets: Targets | None = None,
        wait_if_busy: bool | None = None,
    ) -> Deployment:
        """Create or update ``pack`` in every member account; return the deployment to wait on.

        Args:
            pack: the conformance pack.
            targets: which accounts to deploy to (:class:`~orgconfig.Targets`), resolved now
                into ``ExcludedAccounts`` and recorded in the pack's tags.
            wait_if_busy: override the busy policy's ``wait`` for this call.

        A template over the 51,200 bytes a request body may carry is uploaded to the
        organization's ``template_bucket`` (see :meth:`~orgconfig.Organization.connect`) under
        a key derived from its SHA-256, once, and sent as ``TemplateS3Uri``. The template's
        SHA-256 (line endings as LF) is recorded in the tag ``orgconfig:template-sha256``.

        Raises:
            ValidationError: the template is over 51,200 bytes, was not loaded from S3, and no
                ``template_bucket`` is configured; or the targets select no account.
            TemplateValidationError, InvalidRequestError: the service rejected the request.
            AccessDeniedError, OrganizationNotReadyError, LimitExceededError: see the error guide.
            ResourceInUseError: still busy after the allowed attempts, or ``wait_if_busy=False``.
        """
        checks.run((checks.is_a(ConformancePack, "a ConformancePack"),), pack, "pack")
        _flag(wait_if_busy, "wait_if_busy", optional=True)
        pack = self._targeted(pack, targets)
        template = pack.template
        if template.s3_uri is None and template.needs_s3:
            bucket = self._organization.template_bucket if self._organization else None
            if bucket is None:
                raise errors.ValidationError(
                    f"the template is {template.size_bytes:,} bytes, over the "
                    f"{TEMPLATE_BODY_MAX_BYTES:,} bytes TemplateBody allows: connect with "
                    "template_bucket='...' to have it uploaded, or upload it yourself and load "
                    "it with Template.from_s3_uri('s3://bucket/key')",
                    field="template",
                )
            assert self._organization is not None
            s3 = self._organization.clients.client("s3", self.region)
            uri = upload_template(s3, template, bucket, prefix=self._organization.template_prefix)
            pack = attrs.evolve(pack, template=attrs.evolve(template, s3_uri=uri))
        recorded = {**pack.tags, TEMPLATE_SHA256_TAG: template_sha256(template.body)}
        pack = attrs.evolve(pack, tags=recorded)
        request = _wire.put_conformance_pack_request(pack)
        return self._put(pack.name, request, wait_if_busy)

    def get(self, name: str) -> ConformancePackInfo:
        """Return what the service knows of pack ``name`` (the template is not returned by AWS).

        Two calls: DescribeOrganizationConformancePacks and ListTagsForResource (the tags
        record the template's SHA-256 and the targets).

        The parameters known secret in this process show as ``'***'`` in its repr (see
        :mod:`orgconfig.redaction`).

        Raises:
            ValidationError: ``name`` is not a valid name (before any call).
            NotFoundError: no such pack in this region for this caller.
        """
        self._name(name)
        with self._naming(name):
            for info in self.list([name]):
                return info
        raise errors.NotFoundError(
            f"conformance pack {name!r} not found",
            code=PACKS.not_found_code,
            operation=PACKS.describe,
            region=self.region,
        )

    def list(self, names: Iterable[str] | None = None) -> Listing[ConformancePackInfo]:
        """Return an iterator over every pack (or those in ``names``, 25 per call).

        Lazy, page by page, one ListTagsForResource per pack; it shows as a table in a
        notebook, without being consumed. ``names`` is a list of names, never a single string;
        it is checked at once, before any call.

        Raises:
            ValidationError: ``names`` is not a list of valid names.
        """
        return listing.packs(self._api, self._names(names))


class OrgConfigRules(_Collection[OrgConfigRule, OrgConfigRule]):
    """Organization config rules in one region: ``org.rules``.

    Example::

        rule = OrgConfigRule.managed("s3-versioning", "S3_BUCKET_VERSIONING_ENABLED")
        org.rules.put(rule).wait()
        assert org.rules.get("s3-versioning") == rule
    """

    _kind = RULES
    _name_checks = _RULE_NAME

    def put(
        self,
        rule: OrgConfigRule,
        *,
        targets: Targets | None = None,
        wait_if_busy: bool | None = None,
    ) -> Deployment:
        """Create or update ``rule`` in every member account; return the deployment to wait on.

        ``targets`` (:class:`~orgconfig.Targets`) say which accounts to deploy to: resolved now
        into ``ExcludedAccounts`` and recorded in the rule's tags.

        Raises:
            InvalidRequestError: the service rejected the request.
            AccessDeniedError, OrganizationNotReadyError, LimitExceededError: see the error guide.
            ResourceInUseError: still busy after the allowed attempts, or ``wait_if_busy=False``.
        """
        checks.run((checks.is_a(OrgConfigRule, "an OrgConfigRule"),), rule, "rule")
        _flag(wait_if_busy, "wait_if_busy", optional=True)
        rule = self._targeted(rule, targets)
        request = _wire.put_config_rule_request(rule)
        return self._put(rule.name, request, wait_if_busy)

    def get(self, name: str) -> OrgConfigRule:
        """Return rule ``name`` as an :class:`~orgconfig.OrgConfigRule` equal to what was put.

        A Guard rule's policy text comes from GetOrganizationCustomRulePolicy and the tags
        from ListTagsForResource: up to three calls. The inputs known secret in this process
        show as ``'***'`` in its repr (see :mod:`orgconfig.redaction`).

        Raises:
            ValidationError: ``name`` is not a valid name (before any call).
            NotFoundError: no such rule in this region for this caller.
        """
        self._name(name)
        with self._naming(name):
            for rule in self.list([name]):
                return rule
        raise errors.NotFoundError(
            f"organization config rule {name!r} not found",
            code=RULES.not_found_code,
            operation=RULES.describe,
            region=self.region,
        )

    def list(self, names: Iterable[str] | None = None) -> Listing[OrgConfigRule]:
        """Return an iterator over every rule (or those in ``names``, 25 per call), lazily.

        Each rule costs one ListTagsForResource call, and a Guard rule one more for its policy.
        It shows as a table in a notebook, without being consumed. ``names`` is a list of
        names, never a single string; it is checked at once, before any call.

        Raises:
            ValidationError: ``names`` is not a list of valid names.
        """
        return listing.rules(self._api, self._names(names), self.policy_text)

    def policy_text(self, name: str) -> str:
        """Return the Guard policy text of custom policy rule ``name``.

        Raises:
            ValidationError: ``name`` is not a valid name (before any call).
            NotFoundError: no such rule in this region for this caller.
        """
        self._name(name)
        with self._naming(name):
            response = self._api.call("GetOrganizationCustomRulePolicy", {RULES.name_param: name})
        return str(response.get("PolicyText", ""))


class Region:
    """One region of the organization: ``org.in_region("eu-west-1")``.

    The AWS Config organization APIs are regional: a pack or rule deployed in one region is
    unknown in the others. A :class:`Region` shares its :class:`~orgconfig.Organization`'s
    session, clients and policies.

    Attributes:
        name: the region, such as ``"eu-west-1"``.
        organization: the :class:`~orgconfig.Organization` it belongs to.
        conformance_packs: the organization conformance packs in this region
            (:class:`~orgconfig.ConformancePacks`).
        rules: the organization config rules in this region (:class:`~orgconfig.OrgConfigRules`).

    Example::

        ireland = org.in_region("eu-west-1")
        ireland.rules.put(OrgConfigRule.managed("s3-versioning", "S3_BUCKET_VERSIONING_ENABLED"))
    """

    def __init__(self, organization: Organization, name: str) -> None:
        self.organization = organization
        self.name = name
        api = ConfigApi(organization.clients.client("config", name), name)
        self.conformance_packs = ConformancePacks(
            api, polling=organization.polling, busy=organization.busy, organization=organization
        )
        self.rules = OrgConfigRules(
            api, polling=organization.polling, busy=organization.busy, organization=organization
        )

    # The attributes of the one-region object this view replaces, so that code written for it
    # keeps working.
    @property
    def region(self) -> str:
        """The region's name (same as :attr:`name`)."""
        return self.name

    @property
    def session(self) -> boto3.Session:
        """The organization's boto3 session."""
        return self.organization.session

    @property
    def polling(self) -> PollingPolicy:
        """The organization's polling policy."""
        return self.organization.polling

    @property
    def busy(self) -> BusyPolicy:
        """The organization's busy policy."""
        return self.organization.busy

    @property
    def retries(self) -> CallRetryPolicy:
        """The organization's per-call retry policy."""
        return self.organization.retries

    def in_region(self, region: str) -> Region:
        """Return another region of the same organization."""
        return self.organization.in_region(region)

    def __repr__(self) -> str:
        return f"<Region {self.name}>"
