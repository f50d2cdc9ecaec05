"""``org.conformance_packs`` and ``org.rules``: the verbs on organization packs and rules.

Both collections share one implementation (:class:`_Collection`); what differs between the kinds
is data in :mod:`orgconfig._kinds` plus the conversion of a ``get``.
"""

from __future__ import annotations

import contextlib
import logging
import random
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from orgconfig import _converters, errors
from orgconfig._client import ConfigApi
from orgconfig._kinds import PACKS, RULES, Kind
from orgconfig.deployments import Deployment, DeploymentResult
from orgconfig.models import (
    AccountStatus,
    ConformancePack,
    ConformancePackInfo,
    DeploymentStatus,
    OrgConfigRule,
    Status,
)
from orgconfig.retries import BusyPolicy, PollingPolicy
from orgconfig.templates import TEMPLATE_BODY_MAX_BYTES

__all__ = ["ConformancePacks", "OrgConfigRules"]

_NAMES_PER_CALL = 25
_log = logging.getLogger("orgconfig")
_T = TypeVar("_T")
_Info = TypeVar("_Info")


def _batches(names: Iterable[str], size: int) -> Iterator[list[str]]:
    batch: list[str] = []
    for name in names:
        batch.append(name)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _status_filter(status: Status | str) -> str:
    known = [s.value for s in Status if s is not Status.UNKNOWN]
    value = status.value if isinstance(status, Status) else status
    if value not in known:
        raise errors.ValidationError(
            f"status {status!r} is not one of {', '.join(known)}", field="status"
        )
    return value


class _Collection(Generic[_T, _Info]):
    """The verbs shared by conformance packs and rules."""

    _kind: Kind

    def __init__(
        self,
        api: ConfigApi,
        *,
        polling: PollingPolicy,
        busy: BusyPolicy,
        rng: random.Random | None = None,
    ) -> None:
        self._api = api
        self._polling = polling
        self._busy = busy
        self._rng = rng

    @property
    def region(self) -> str:
        """The region this collection works in."""
        return self._api.region

    def __repr__(self) -> str:
        return f"<{type(self).__name__} in {self.region}>"

    @contextlib.contextmanager
    def _naming(self, name: str) -> Iterator[None]:
        """Put the pack or rule's name into a NotFoundError (AWS's message does not say it)."""
        try:
            yield
        except errors.NotFoundError as err:
            raise self._kind.named(err, name) from err.__cause__

    # -- deployments --------------------------------------------------------------------

    def deployment(self, name: str) -> Deployment:
        """Return a :class:`~orgconfig.Deployment` following ``name``'s current deployment.

        Use it to resume waiting on a deployment started earlier, from this process or another
        (for example after a crash). No API call is made until you ask the deployment something.
        """
        return self._deployment(name, "resume")

    def _deployment(self, name: str, operation: Any) -> Deployment:
        return Deployment(
            self._api, self._kind, name, operation=operation, polling=self._polling, rng=self._rng
        )

    def _busy_call(
        self,
        operation: str,
        params: Mapping[str, Any],
        name: str,
        wait_if_busy: bool | None,
        *,
        settled_enough: Callable[[DeploymentResult], bool] = lambda _: False,
    ) -> dict[str, Any] | None:
        """Call ``operation``, waiting out a busy resource per the busy policy.

        Returns None, without calling again, when the deployment it waited for already did
        what the caller wanted (``settled_enough``), e.g. a delete waiting on another delete.
        """
        wait = self._busy.wait if wait_if_busy is None else wait_if_busy
        attempts = self._busy.max_attempts if wait else 1
        for attempt in range(1, attempts + 1):
            try:
                return self._api.call(operation, params)
            except errors.ResourceInUseError as busy:
                if attempt == attempts:
                    raise
                # Let the running deployment settle, whatever its outcome, then try again. If
                # it does not settle in time, the caller's problem is still the busy resource.
                _log.info(
                    "%s %r in %s is busy (attempt %d of %d): waiting for it to settle",
                    self._kind.label,
                    name,
                    self.region,
                    attempt,
                    attempts,
                )
                try:
                    settled = self._deployment(name, "resume").wait(raise_on_failure=False)
                except errors.DeploymentTimeoutError as timeout:
                    message = (
                        f"{busy.message} (still busy: its running deployment did not settle "
                        f"within {timeout.timeout:.0f}s)"
                    )
                    raise busy.with_message(message) from busy.__cause__
                if settled_enough(settled):
                    return None
        raise AssertionError("unreachable")  # pragma: no cover

    def delete(self, name: str, *, wait_if_busy: bool | None = None) -> Deployment:
        """Delete ``name`` from every member account; return the deletion to wait on.

        If a deployment of ``name`` is running, wait for it to settle and try again (per the
        organization's :class:`~orgconfig.BusyPolicy`, or ``wait_if_busy``).

        Raises:
            NotFoundError: no such pack or rule in this region for this caller.
            ResourceInUseError: still busy after the allowed attempts, or ``wait_if_busy=False``.
        """
        with self._naming(name):
            self._busy_call(
                self._kind.delete,
                {self._kind.name_param: name},
                name,
                wait_if_busy,
                # A delete already running, which this one waited for, did the job.
                settled_enough=lambda result: result.status is Status.DELETE_SUCCESSFUL,
            )
        return self._deployment(name, "delete")

    def _put(self, name: str, request: Mapping[str, Any], wait_if_busy: bool | None) -> Deployment:
        self._busy_call(self._kind.put, request, name, wait_if_busy)
        return self._deployment(name, "put")

    # -- reading ------------------------------------------------------------------------

    def status(self, name: str) -> DeploymentStatus:
        """Return the aggregate deployment status of ``name`` (one API call).

        Raises:
            NotFoundError: no such pack or rule in this region for this caller.
        """
        return self._deployment(name, "resume").status()

    def statuses(self, names: Iterable[str] | None = None) -> Iterator[DeploymentStatus]:
        """Yield the aggregate status of every pack or rule (or of ``names``), lazily."""
        for item in self._describe_items(self._kind.statuses, self._kind.statuses_key, names):
            yield self._kind.status_from_api(item)

    def account_statuses(
        self, name: str, status: Status | str | None = None, account_id: str | None = None
    ) -> Iterator[AccountStatus]:
        """Return an iterator over the per-account status of ``name``, lazily, page by page.

        ``status`` and ``account_id`` filter on the service side; a status that is not one of
        the nine states raises at once, before any call.

        Raises:
            ValidationError: ``status`` is not a known state (``field="status"``).
            NotFoundError: no such pack or rule in this region for this caller (on iterating).
        """
        params: dict[str, Any] = {self._kind.name_param: name}
        filters: dict[str, str] = {}
        if status is not None:
            filters[self._kind.detailed_status_filter] = _status_filter(status)
        if account_id is not None:
            filters["AccountId"] = account_id
        if filters:
            params["Filters"] = filters
        return self._account_status_items(name, params)

    def _account_status_items(self, name: str, params: dict[str, Any]) -> Iterator[AccountStatus]:
        with self._naming(name):
            for item in self._api.items(self._kind.detailed, self._kind.detailed_key, params):
                yield self._kind.account_status_from_api(item)

    def _describe_items(
        self, operation: str, key: str, names: Iterable[str] | None
    ) -> Iterator[dict[str, Any]]:
        if names is None:
            yield from self._api.items(operation, key, {})
            return
        for batch in _batches(dict.fromkeys(names), _NAMES_PER_CALL):
            yield from self._api.items(operation, key, {self._kind.names_param: batch})

    def names(self) -> Iterator[str]:
        """Yield the name of every pack or rule this caller deployed in this region."""
        for item in self._api.items(self._kind.describe, self._kind.describe_key, {}):
            yield str(item[self._kind.name_param])


class ConformancePacks(_Collection[ConformancePack, ConformancePackInfo]):
    """Organization conformance packs in one region: ``org.conformance_packs``.

    Example::

        pack = ConformancePack("s3-baseline", Template.from_file("s3.yaml"))
        result = org.conformance_packs.put(pack).wait()
        print(result.summary())
    """

    _kind = PACKS

    def put(self, pack: ConformancePack, *, wait_if_busy: bool | None = None) -> Deployment:
        """Create or update ``pack`` in every member account; return the deployment to wait on.

        Raises:
            ValidationError: the template is over the 51,200 bytes a request body may carry and
                was not loaded from S3 (load it with ``Template.from_s3_uri``).
            TemplateValidationError, InvalidRequestError: the service rejected the request.
            AccessDeniedError, OrganizationNotReadyError, LimitExceededError: see the error guide.
            ResourceInUseError: still busy after the allowed attempts, or ``wait_if_busy=False``.
        """
        template = pack.template
        if template.s3_uri is None and template.needs_s3:
            raise errors.ValidationError(
                f"the template is {template.size_bytes:,} bytes, over the "
                f"{TEMPLATE_BODY_MAX_BYTES:,} bytes TemplateBody allows: upload it to S3 and "
                "load it with Template.from_s3_uri('s3://bucket/key')",
                field="template",
            )
        request = _converters.put_conformance_pack_request(pack)
        return self._put(pack.name, request, wait_if_busy)

    def get(self, name: str) -> ConformancePackInfo:
        """Return what the service knows of pack ``name`` (the template is not returned by AWS).

        Raises:
            NotFoundError: no such pack in this region for this caller.
        """
        with self._naming(name):
            for info in self.list([name]):
                return info
        raise errors.NotFoundError(
            f"conformance pack {name!r} not found",
            code=PACKS.not_found_code,
            operation=PACKS.describe,
            region=self.region,
        )

    def list(self, names: Iterable[str] | None = None) -> Iterator[ConformancePackInfo]:
        """Yield every pack (or those in ``names``, 25 per call), lazily, page by page."""
        for item in self._describe_items(PACKS.describe, PACKS.describe_key, names):
            yield _converters.conformance_pack_info(item)


class OrgConfigRules(_Collection[OrgConfigRule, OrgConfigRule]):
    """Organization config rules in one region: ``org.rules``.

    Example::

        rule = OrgConfigRule.managed("s3-versioning", "S3_BUCKET_VERSIONING_ENABLED")
        org.rules.put(rule).wait()
        assert org.rules.get("s3-versioning") == rule
    """

    _kind = RULES

    def put(self, rule: OrgConfigRule, *, wait_if_busy: bool | None = None) -> Deployment:
        """Create or update ``rule`` in every member account; return the deployment to wait on.

        Raises:
            InvalidRequestError: the service rejected the request.
            AccessDeniedError, OrganizationNotReadyError, LimitExceededError: see the error guide.
            ResourceInUseError: still busy after the allowed attempts, or ``wait_if_busy=False``.
        """
        request = _converters.put_config_rule_request(rule)
        return self._put(rule.name, request, wait_if_busy)

    def get(self, name: str) -> OrgConfigRule:
        """Return rule ``name`` as an :class:`~orgconfig.OrgConfigRule` equal to what was put.

        A Guard rule's policy text comes from GetOrganizationCustomRulePolicy and the tags
        from ListTagsForResource: up to three calls.

        Raises:
            NotFoundError: no such rule in this region for this caller.
        """
        with self._naming(name):
            for rule in self.list([name]):
                return rule
        raise errors.NotFoundError(
            f"organization config rule {name!r} not found",
            code=RULES.not_found_code,
            operation=RULES.describe,
            region=self.region,
        )

    def list(self, names: Iterable[str] | None = None) -> Iterator[OrgConfigRule]:
        """Yield every rule (or those in ``names``, 25 per call), lazily.

        Each rule costs one ListTagsForResource call, and a Guard rule one more for its policy.
        """
        for item in self._describe_items(RULES.describe, RULES.describe_key, names):
            policy = None
            if "OrganizationCustomPolicyRuleMetadata" in item:
                policy = self.policy_text(item[RULES.name_param])
            tags = self._tags(item["OrganizationConfigRuleArn"])
            try:
                rule = _converters.config_rule(item, policy_text=policy, tags=tags)
            except errors.ValidationError as err:
                # Something put by another tool that orgconfig's model cannot represent: say
                # which rule, rather than fail the whole listing with an anonymous error.
                name = item[RULES.name_param]
                raise errors.ValidationError(
                    f"rule {name!r} as AWS holds it is not a valid OrgConfigRule: {err}",
                    field=err.field,
                ) from err
            yield rule

    def policy_text(self, name: str) -> str:
        """Return the Guard policy text of custom policy rule ``name``.

        Raises:
            NotFoundError: no such rule in this region for this caller.
        """
        with self._naming(name):
            response = self._api.call("GetOrganizationCustomRulePolicy", {RULES.name_param: name})
        return str(response.get("PolicyText", ""))

    def _tags(self, arn: str) -> dict[str, str]:
        tags = self._api.items("ListTagsForResource", "Tags", {"ResourceArn": arn})
        return _converters.tags_from_api(list(tags))
