"""Applying a plan: each change's put or delete, waited on, a bounded number at a time.

:func:`apply_plan` is :meth:`orgconfig.plan.Plan.apply`'s work. Each change runs in a worker
(threads that take part in the clock in force, as every region's wait does in
:mod:`orgconfig.multiregion`); a change that fails is reported and the others go on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from orgconfig import errors
from orgconfig._plan_records import AccountResult, ApplyResult, ItemResult, PlannedChange
from orgconfig._tagging import arn_of, is_own, sync_tags
from orgconfig.models import AccountStatus
from orgconfig.multiregion import _run_together

if TYPE_CHECKING:
    from orgconfig.deployments import DeploymentResult, _Default
    from orgconfig.plan import Plan
    from orgconfig.regional import ConformancePacks, OrgConfigRules

__all__ = ["apply_plan"]


def _accounts(statuses: Iterable[AccountStatus]) -> tuple[AccountResult, ...]:
    results = [
        AccountResult(
            account_id=a.account_id,
            status=a.status.value if a.unknown_status is None else a.unknown_status,
            account_name=a.account_name,
            error_code=a.error_code,
            error_message=a.error_message,
        )
        for a in statuses
    ]
    return tuple(sorted(results, key=lambda a: (a.ok, a.account_id)))


def _sync_user_tags(
    collection: ConformancePacks | OrgConfigRules, name: str, wanted: Mapping[str, str]
) -> None:
    """Make the user's tags (not orgconfig's) on ``name`` exactly ``wanted``.

    AWS applies a put's tags only when it creates; orgconfig's own tags are kept by the put
    itself, the user's are brought in line here, after an update that changes them.
    """
    api, kind = collection._api, collection._kind  # the collection's own calls
    found = list(api.items(kind.describe, kind.describe_key, {kind.names_param: [name]}))
    arn = next(filter(None, map(arn_of, found)), None)
    if arn is None:
        return
    sync_tags(api, arn, wanted, keys=lambda key: not is_own(key))


def _run(
    plan: Plan,
    change: PlannedChange,
    timeout: float | _Default | None,
    on_progress: Callable[[PlannedChange, int, int], None] | None = None,
) -> ItemResult:
    region = plan.organization.in_region(change.region)
    collection: ConformancePacks | OrgConfigRules = (
        region.conformance_packs if change.kind == "conformance_pack" else region.rules
    )
    common = {"kind": change.kind, "name": change.name, "region": change.region}
    try:
        if change.action == "delete":
            deployment = collection.delete(change.name, missing_ok=True)
        else:
            assert change.item is not None, "a put without its item"
            deployment = collection.put(change.item)  # type: ignore[arg-type]  # kind matches
        report = (lambda done, total: on_progress(change, done, total)) if on_progress else None
        result: DeploymentResult = deployment.wait(timeout, report, raise_on_failure=False)
        if change.action == "update" and any(c.field.startswith("tags[") for c in change.changes):
            assert change.item is not None
            _sync_user_tags(collection, change.name, change.item.tags)
    except errors.OrgConfigError as err:
        last = getattr(err, "last_result", None)
        return ItemResult(
            action=change.action,
            ok=False,
            status=last.status.value if last is not None else None,
            error_type=type(err).__name__,
            error=str(err),
            accounts=_accounts(last.accounts) if last is not None else (),
            **common,
        )
    return ItemResult(
        action=change.action,
        ok=result.ok,
        status=result.status.value,
        accounts=_accounts(result.accounts),
        **common,
    )


def apply_plan(
    plan: Plan,
    *,
    max_concurrency: int,
    timeout: float | _Default | None,
    on_progress: Callable[[PlannedChange, int, int], None] | None = None,
) -> ApplyResult:
    """Run every change of ``plan``, ``max_concurrency`` at a time; see ``Plan.apply``."""
    changes = list(plan.changes)
    results: dict[int, ItemResult] = {}
    pending = list(range(len(changes)))
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if not pending:
                    return
                index = pending.pop(0)
            results[index] = _run(plan, changes[index], timeout, on_progress)

    _run_together(work, min(max_concurrency, len(changes)))
    return ApplyResult(
        items=tuple(results[i] for i in range(len(changes))),
        unchanged=len(plan.items) - len(changes),
    )
