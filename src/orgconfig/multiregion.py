"""Every region at once: one handle over a deployment per region, waited on concurrently.

The AWS Config organization APIs are regional. :class:`Regions` (``org.in_regions([...])``) puts
or deletes a pack or rule in each region and returns one :class:`MultiRegionDeployment`, whose
:meth:`~MultiRegionDeployment.wait` follows every region's deployment concurrently (at most
``max_concurrency`` at a time, :data:`DEFAULT_MAX_CONCURRENCY` by default) and returns a
:class:`MultiRegionResult` with each region's result. One region's failure never hides another's
result: a region whose call or wait failed is reported with its error, beside the others.
Progress counts accounts across every region. A region can always be resumed alone, with
``org.in_region(name).conformance_packs.deployment(pack_name)``.

Example::

    everywhere = org.in_regions(["us-east-1", "eu-west-1", "ap-southeast-2"])
    result = everywhere.conformance_packs.put(pack).wait(
        on_progress=lambda done, total: print(f"{done}/{total} accounts")
    )
    for region, outcome in result.results.items():
        print(region, outcome.summary())
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal

import attrs

from orgconfig import _display as display
from orgconfig import errors
from orgconfig._clock import current_clock, participating
from orgconfig._frozen import FrozenDict
from orgconfig._results import account_table
from orgconfig.deployments import POLICY_TIMEOUT, Deployment, DeploymentResult, ProgressCallback
from orgconfig.redaction import redact
from orgconfig.retries import check_duration

if TYPE_CHECKING:
    from orgconfig.deployments import _Default
    from orgconfig.models import AccountStatus, ConformancePack, OrgConfigRule
    from orgconfig.organization import Organization
    from orgconfig.regional import ConformancePacks, OrgConfigRules
    from orgconfig.targets import Targets

__all__ = [
    "DEFAULT_MAX_CONCURRENCY",
    "MultiRegionDeployment",
    "MultiRegionResult",
    "Regions",
]

DEFAULT_MAX_CONCURRENCY: Final = 4
"""How many regions' deployments are waited on at once unless told otherwise."""


def _frozen(value: Mapping[str, object]) -> Mapping[str, object]:
    return FrozenDict(value)


@attrs.frozen
class MultiRegionResult:
    """How a deployment to several regions ended: each region's result, or its error.

    In IPython and Jupyter it shows as a table of its regions, failed ones first, then a table
    of the failed accounts of every region; :meth:`to_dict` gives it as plain data.

    Attributes:
        name: the conformance pack or rule.
        kind: ``"conformance_pack"`` or ``"rule"``.
        results: region -> :class:`~orgconfig.DeploymentResult`, for each region whose
            deployment finished (well or not).
        errors: region -> the error that kept a region from a result: its put or delete was
            refused, its wait timed out, access was denied...
    """

    name: str
    kind: str
    results: Mapping[str, DeploymentResult] = attrs.field(factory=dict, converter=_frozen)
    errors: Mapping[str, errors.OrgConfigError] = attrs.field(factory=dict, converter=_frozen)

    @property
    def regions(self) -> tuple[str, ...]:
        """Every region, sorted."""
        return tuple(sorted({*self.results, *self.errors}))

    @property
    def ok(self) -> bool:
        """True when every region finished and no account failed anywhere."""
        return not self.errors and all(r.ok for r in self.results.values())

    @property
    def failed_regions(self) -> tuple[str, ...]:
        """The regions with an error, or whose deployment did not end well, sorted."""
        bad = set(self.errors) | {r for r, result in self.results.items() if not result.ok}
        return tuple(sorted(bad))

    @property
    def accounts(self) -> int:
        """How many (account, region) deployments the results report."""
        return sum(len(r.accounts) for r in self.results.values())

    def summary(self) -> str:
        """Return one line per region, failures first."""
        lines = []
        for region in sorted(self.regions, key=lambda r: (r not in self.failed_regions, r)):
            if region in self.errors:
                err = self.errors[region]
                lines.append(f"{region}: {type(err).__name__}: {err}".splitlines()[0])
            else:
                lines.append(self.results[region].summary())
        return "\n".join(lines)

    def _headline(self) -> str:
        state = "ok" if self.ok else f"failed in {', '.join(self.failed_regions)}"
        return f"{self.kind} {self.name!r} in {len(self.regions)} regions: {state}"

    def __repr__(self) -> str:
        return f"<MultiRegionResult {display.clean(self._headline())}>"

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain data (JSON-ready), the shape of the CLI's ``--json``.

        ``counts`` sums the regions' results (``accounts``: (account, region) deployments).
        ``results`` maps each region with a result to its :meth:`DeploymentResult.to_dict
        <orgconfig.DeploymentResult.to_dict>`; ``errors`` each region without one to the error
        that kept it from one: its class name, AWS error code (or None), message, and, for a
        timeout, the progress seen before time ran out (``last_result``, else None). See
        ``docs/notebooks.md``.

        Example::

            {"name": "s3-baseline", "kind": "conformance_pack", "ok": False,
             "regions": ["eu-west-1", "us-east-1"], "failed_regions": ["eu-west-1"],
             "counts": {"regions": 2, "failed_regions": 1, "accounts": 5, "succeeded": 5,
                        "failed": 0},
             "results": {"us-east-1": {...}},
             "errors": {"eu-west-1": {"type": "AccessDeniedError", "code": "AccessDenied",
                                      "message": "...", "last_result": None}}}
        """
        return {
            "name": self.name,
            "kind": self.kind,
            "ok": self.ok,
            "regions": list(self.regions),
            "failed_regions": list(self.failed_regions),
            "counts": {
                "regions": len(self.regions),
                "failed_regions": len(self.failed_regions),
                "accounts": self.accounts,
                "succeeded": sum(len(r.succeeded) for r in self.results.values()),
                "failed": sum(len(r.failed) for r in self.results.values()),
            },
            "results": {region: self.results[region].to_dict() for region in sorted(self.results)},
            "errors": {region: _error_dict(self.errors[region]) for region in sorted(self.errors)},
        }

    _repr_pretty_ = display.repr_pretty
    _repr_html_ = display.repr_html

    def _view(self) -> display.View:
        rows = []
        for region in self.regions:
            err = self.errors.get(region)
            result = self.results.get(region)
            if result is None and err is not None:
                last = getattr(err, "last_result", None)
                result = last if isinstance(last, DeploymentResult) else None
            status, counts, count, what = "ERROR", "", "", ""
            if result is not None:
                status = result.status.value
                counts = f"{len(result.succeeded)}/{len(result.accounts)}"
                count = str(len(result.failed)) if result.failed else ""
            if err is not None:
                what = f"{type(err).__name__}: {display.first_line(err)}"
            rows.append(display.Row((region, status, counts, count, what), _tone(result, err)))
        regions = display.Table(
            (
                display.Column("region"),
                display.Column("status", toned=True),
                display.Column("succeeded"),
                display.Column("failed", optional=True),
                display.Column("error", width=60, optional=True),
            ),
            display.failures_first(rows),
            noun="regions",
        )
        failed = account_table(
            ((region, account) for region in self.regions for account in self._failed(region)),
            caption="failed accounts",
        )
        return display.View(self._headline(), (regions, failed))

    def _failed(self, region: str) -> tuple[AccountStatus, ...]:
        result = self.results.get(region)
        return () if result is None else result.failed


def _tone(result: DeploymentResult | None, err: errors.OrgConfigError | None) -> display.Tone:
    if result is not None and result.failed:
        return "bad"
    if err is not None or result is None or result.status.failed:
        return "bad"
    if result.ok:
        return "ok"
    return "busy" if result.status.in_progress else "other"


def _error_dict(err: errors.OrgConfigError) -> dict[str, Any]:
    last = getattr(err, "last_result", None)
    code = getattr(err, "code", None)
    return {
        "type": type(err).__name__,
        "code": code if isinstance(code, str) else None,
        "message": redact(str(err)),
        "last_result": last.to_dict() if isinstance(last, DeploymentResult) else None,
    }


class MultiRegionDeployment:
    """A put or delete of one pack or rule in several regions: one handle over them all.

    Get one from ``org.in_regions([...]).conformance_packs.put(pack)`` (or ``.delete(name)``,
    ``.deployment(name)``). :attr:`deployments` holds each region's
    :class:`~orgconfig.Deployment`; :attr:`errors` the regions whose call was refused.

    Example::

        multi = org.in_regions(["us-east-1", "eu-west-1"]).rules.put(rule)
        result = multi.wait(raise_on_failure=False)
        print(result.summary())
    """

    def __init__(
        self,
        name: str,
        kind: str,
        deployments: Mapping[str, Deployment],
        errors_: Mapping[str, errors.OrgConfigError] | None = None,
    ) -> None:
        self.name = name
        self.kind = kind
        self.deployments: Mapping[str, Deployment] = FrozenDict(deployments)
        self.errors: Mapping[str, errors.OrgConfigError] = FrozenDict(errors_ or {})
        self._final: MultiRegionResult | None = None

    @property
    def regions(self) -> tuple[str, ...]:
        """Every region of this deployment, sorted."""
        return tuple(sorted({*self.deployments, *self.errors}))

    @property
    def result(self) -> MultiRegionResult | None:
        """The final result once :meth:`wait` has seen every region end, else None."""
        return self._final

    def __repr__(self) -> str:
        state = "done" if self._final else "waiting"
        return (
            f"<MultiRegionDeployment {self.kind} {self.name!r} in "
            f"{', '.join(self.regions)}: {state}>"
        )

    def done(self) -> bool:
        """Look once in each unfinished region; True when every region has finished."""
        finished = True
        for region, deployment in self.deployments.items():
            if region in self.errors:
                continue
            try:
                finished = deployment.done() and finished
            except errors.OrgConfigError:
                continue  # wait() reports it
        return finished

    def wait(
        self,
        timeout: float | _Default | None = POLICY_TIMEOUT,
        on_progress: ProgressCallback | None = None,
        *,
        raise_on_failure: bool = True,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    ) -> MultiRegionResult:
        """Wait on every region's deployment, at most ``max_concurrency`` at a time.

        Args:
            timeout: seconds for the whole wait, every region included (``None``: no limit;
                by default each region's polling policy's timeout).
            on_progress: called with (accounts finished, accounts targeted) summed over the
                regions: at the start, whenever the sums change, and at the end.
            raise_on_failure: raise :class:`~orgconfig.errors.MultiRegionError` when a region
                failed; with False, return the result instead.
            max_concurrency: how many regions are waited on at once.

        Raises:
            MultiRegionError: a region's deployment failed, timed out or could not be made;
                ``result`` holds every region's result and error.
            ValidationError: ``timeout`` or ``max_concurrency`` is not usable.
        """
        if timeout is not POLICY_TIMEOUT:
            check_duration("timeout", timeout, optional=True)
        if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int):
            raise errors.ValidationError(
                f"max_concurrency must be a whole number, not {type(max_concurrency).__name__}",
                field="max_concurrency",
            )
        if max_concurrency < 1:
            raise errors.ValidationError(
                f"max_concurrency must be >= 1, got {max_concurrency}", field="max_concurrency"
            )
        results: dict[str, DeploymentResult] = {}
        failures: dict[str, errors.OrgConfigError] = dict(self.errors)
        pending = [r for r in sorted(self.deployments) if r not in failures]
        progress = _Progress(on_progress)
        clock = current_clock()
        start = clock.monotonic()

        def left() -> float | _Default | None:
            if timeout is POLICY_TIMEOUT or timeout is None:
                return timeout
            assert isinstance(timeout, int | float)
            return max(0.0, timeout - (clock.monotonic() - start))

        lock = threading.Lock()

        def work() -> None:
            while True:
                with lock:
                    if not pending:
                        return
                    region = pending.pop(0)
                try:
                    results[region] = self.deployments[region].wait(
                        left(), progress.for_region(region), raise_on_failure=False
                    )
                except errors.OrgConfigError as err:
                    failures[region] = err

        _run_together(work, min(max_concurrency, len(pending)))
        progress.finish()
        self._final = MultiRegionResult(self.name, self.kind, results, failures)
        if raise_on_failure and not self._final.ok:
            raise errors.MultiRegionError(
                f"{self.kind} {self.name!r} failed in {len(self._final.failed_regions)} of "
                f"{len(self._final.regions)} regions:\n  "
                + self._final.summary().replace("\n", "\n  "),
                name=self.name,
                kind=self.kind,
                result=self._final,
            )
        return self._final


def _run_together(work: Callable[[], None], workers: int) -> None:
    """Run ``work`` in ``workers`` threads that take part in the clock from before any starts.

    Each thread gets a copy of the caller's context (so a clock in force with ``use_clock``
    follows it) and joins the clock's participants, then all meet at a barrier: on a
    sandbox's virtual clock, time cannot move while one of them has not started waiting yet.
    """
    if workers <= 0:
        return
    if workers == 1:
        work()
        return
    ready = threading.Barrier(workers)
    crashed: list[BaseException] = []

    def run() -> None:
        try:
            with participating():
                ready.wait()
                work()
        except BaseException as err:  # surfaced in the caller's thread below
            crashed.append(err)

    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(run,), daemon=True)
        for _ in range(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if crashed:
        raise crashed[0]


class _Progress:
    """Sums each region's (finished, targeted) and reports the sums when they change."""

    def __init__(self, callback: ProgressCallback | None) -> None:
        self._callback = callback
        self._counts: dict[str, tuple[int, int]] = {}
        self._reported: tuple[int, int] | None = None
        self._lock = threading.Lock()

    def _total(self) -> tuple[int, int]:
        return (
            sum(done for done, _ in self._counts.values()),
            sum(total for _, total in self._counts.values()),
        )

    def for_region(self, region: str) -> ProgressCallback | None:
        if self._callback is None:
            return None

        def report(done: int, total: int) -> None:
            with self._lock:
                self._counts[region] = (done, total)
                sums = self._total()
                if sums == self._reported:
                    return
                self._reported = sums
                assert self._callback is not None
                self._callback(*sums)

        return report

    def finish(self) -> None:
        """Report the final sums, unless they were the last thing reported."""
        if self._callback is not None:
            with self._lock:
                sums = self._total()
                if sums != self._reported:
                    self._reported = sums
                    self._callback(*sums)


_Kind = Literal["conformance_packs", "rules"]


class _Everywhere:
    """One kind's verbs in several regions: ``org.in_regions([...]).conformance_packs``."""

    def __init__(self, regions: Regions, kind: _Kind) -> None:
        self._regions = regions
        self._kind = kind

    def __repr__(self) -> str:
        return f"<{self._kind} in {', '.join(self._regions.names)}>"

    def _collection(self, region: str) -> ConformancePacks | OrgConfigRules:
        view = self._regions.organization.in_region(region)
        return view.conformance_packs if self._kind == "conformance_packs" else view.rules

    def _each(
        self, name: str, call: Callable[[ConformancePacks | OrgConfigRules], Deployment]
    ) -> MultiRegionDeployment:
        started: dict[str, Deployment] = {}
        refused: dict[str, errors.OrgConfigError] = {}
        kind = "conformance_pack" if self._kind == "conformance_packs" else "rule"
        for region in self._regions.names:
            try:
                started[region] = call(self._collection(region))
            except errors.OrgConfigError as err:
                if isinstance(err, errors.ValidationError) and not isinstance(err, errors.ApiError):
                    # Bad input, found before any call, is bad everywhere: the first region
                    # raises it before it calls, so nothing has been called anywhere.
                    raise
                refused[region] = err  # the service's answer in this region alone
        if not started:
            raise next(iter(refused.values()))
        return MultiRegionDeployment(name, kind, started, refused)

    def put(
        self,
        item: ConformancePack | OrgConfigRule,
        *,
        targets: Targets | None = None,
        wait_if_busy: bool | None = None,
    ) -> MultiRegionDeployment:
        """Put ``item`` in every region, one call each at once; return the handle on them all.

        ``targets`` are resolved once against the organization (its directory is cached) and
        applied the same in every region.

        A region whose call is refused (access denied there, say) is reported in the handle's
        ``errors`` and in the result; only when every region refuses does this raise.

        Raises:
            ValidationError: bad input (the same in every region; nothing is called after it).
            OrgConfigError: every region refused the call (the first region's error).
        """
        return self._each(
            item.name,
            lambda c: c.put(item, targets=targets, wait_if_busy=wait_if_busy),  # type: ignore[arg-type]  # the collection matches the item's kind
        )

    def delete(
        self, name: str, *, wait_if_busy: bool | None = None, missing_ok: bool = False
    ) -> MultiRegionDeployment:
        """Delete ``name`` in every region; return the handle on every region's deletion."""
        return self._each(
            name, lambda c: c.delete(name, wait_if_busy=wait_if_busy, missing_ok=missing_ok)
        )

    def deployment(
        self, name: str, *, operation: Literal["put", "delete"] | None = None
    ) -> MultiRegionDeployment:
        """Resume following ``name``'s deployment in every region (no call until asked)."""
        return self._each(name, lambda c: c.deployment(name, operation=operation))


class Regions:
    """Several regions of the organization at once: ``org.in_regions([...])``.

    Attributes:
        organization: the :class:`~orgconfig.Organization`.
        names: the regions, in the order given, without duplicates.
        conformance_packs: put, delete and resume packs in every region at once.
        rules: the same for organization config rules.
    """

    def __init__(self, organization: Organization, names: Iterable[str]) -> None:
        self.organization = organization
        self.names: tuple[str, ...] = tuple(dict.fromkeys(names))
        if not self.names:
            raise errors.ValidationError("name at least one region", field="regions")
        for name in self.names:
            organization.in_region(name)  # checks the name
        self.conformance_packs = _Everywhere(self, "conformance_packs")
        self.rules = _Everywhere(self, "rules")

    def __repr__(self) -> str:
        return f"<Regions {', '.join(self.names)}>"
