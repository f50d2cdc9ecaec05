"""Deployment and DeploymentResult: the decision table, with a scripted API for the odd answers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from orgconfig import errors
from orgconfig._clock import use_clock
from orgconfig._kinds import PACKS, RULES
from orgconfig.deployments import Deployment, DeploymentResult
from orgconfig.models import AccountStatus, Status
from orgconfig.retries import PollingPolicy

POLL = PollingPolicy(initial_delay=10, max_delay=10, multiplier=1, jitter=0, timeout=100)


class FakeClock:
    def __init__(self) -> None:
        self.t = 0.0

    def monotonic(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds


class ScriptedApi:
    """Answers the aggregate and detailed status calls from scripted lists, one entry a poll."""

    region = "us-east-1"

    def __init__(self, aggregates: list[Any], accounts: list[list[dict[str, Any]]]) -> None:
        self.aggregates = aggregates
        self.accounts = accounts
        self.calls: list[tuple[str, Mapping[str, Any]]] = []

    def call(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        self.calls.append((operation, params))
        answer = self.aggregates.pop(0) if len(self.aggregates) > 1 else self.aggregates[0]
        if isinstance(answer, Exception):
            raise answer
        return {PACKS.statuses_key: answer}

    def items(
        self, operation: str, key: str, params: Mapping[str, Any]
    ) -> Iterator[dict[str, Any]]:
        self.calls.append((operation, params))
        rows = self.accounts.pop(0) if len(self.accounts) > 1 else self.accounts[0]
        wanted = params.get("Filters", {}).get("Status")
        yield from (r for r in rows if wanted is None or r["Status"] == wanted)


def agg(status: str, **extra: Any) -> list[dict[str, Any]]:
    return [{"OrganizationConformancePackName": "p", "Status": status, **extra}]


def acct(account: str, status: str, **extra: Any) -> dict[str, Any]:
    return {"AccountId": account, "ConformancePackName": "m", "Status": status, **extra}


def deployment(api: ScriptedApi, operation: Any = "put") -> Deployment:
    return Deployment(api, PACKS, "p", operation=operation, polling=POLL)  # type: ignore[arg-type]  # a scripted stand-in for ConfigApi


def test_aggregate_failure_without_failed_accounts_names_the_aggregate_error() -> None:
    """An aggregate *_FAILED with no failed account still raises, quoting the service's error."""
    api = ScriptedApi(
        [agg("CREATE_FAILED", ErrorCode="OrganizationAccessDenied", ErrorMessage="nope")],
        [[acct("111111111111", "CREATE_SUCCESSFUL")]],
    )
    with pytest.raises(errors.DeploymentFailedError) as info:
        deployment(api).wait()
    assert info.value.failures == ()
    assert "ended CREATE_FAILED: OrganizationAccessDenied: nope" in str(info.value)


def test_unknown_aggregate_status_keeps_waiting_with_full_reads() -> None:
    """A status this version does not know is not taken as the end; every account is re-read."""
    api = ScriptedApi(
        [agg("CREATE_QUEUED"), agg("CREATE_QUEUED"), agg("CREATE_SUCCESSFUL")],
        [[acct("111111111111", "CREATE_IN_PROGRESS")]] * 2
        + [[acct("111111111111", "CREATE_SUCCESSFUL")]],
    )
    with use_clock(FakeClock()):
        result = deployment(api).wait()
    assert result.status is Status.CREATE_SUCCESSFUL
    detailed = [p for op, p in api.calls if op == PACKS.detailed]
    assert all("Filters" not in p for p in detailed)


def test_accounts_still_showing_the_previous_action_are_not_done() -> None:
    """Right after an update, accounts still at CREATE_SUCCESSFUL do not count as finished."""
    api = ScriptedApi(
        [agg("UPDATE_IN_PROGRESS"), agg("UPDATE_IN_PROGRESS"), agg("UPDATE_SUCCESSFUL")],
        [
            [acct("111111111111", "CREATE_SUCCESSFUL")],
            [acct("111111111111", "UPDATE_IN_PROGRESS")],
            [acct("111111111111", "UPDATE_SUCCESSFUL")],
        ],
    )
    seen: list[tuple[int, int]] = []
    with use_clock(FakeClock()):
        deployment(api).wait(on_progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 1)
    assert seen[-1] == (1, 1)


def test_status_of_a_completed_delete_is_delete_successful() -> None:
    """Once a deleted pack is gone, status() says DELETE_SUCCESSFUL instead of raising."""
    gone = errors.NotFoundError("gone", code="NoSuchOrganizationConformancePackException")
    api = ScriptedApi([gone], [[]])
    d = deployment(api, "delete")
    assert d.status().status is Status.DELETE_SUCCESSFUL
    assert d.done()
    assert d.result is not None
    assert d.result.status is Status.DELETE_SUCCESSFUL
    calls = len(api.calls)
    assert d.done()  # cached: no more calls
    assert len(api.calls) == calls


def test_resume_of_an_unknown_name_names_it() -> None:
    """NotFoundError while resuming names the pack and the region."""
    gone = errors.NotFoundError("x", code="NoSuch", operation="Op", region="us-east-1")
    api = ScriptedApi([gone], [[]])
    with pytest.raises(errors.NotFoundError) as info:
        deployment(api, "resume").wait()
    assert str(info.value) == "Op in us-east-1: NoSuch: conformance pack 'p' not found: x"


def test_an_empty_status_answer_is_not_found() -> None:
    """An answer without the pack's status is reported as NotFoundError, not an IndexError."""
    api = ScriptedApi([[]], [[]])
    with pytest.raises(errors.NotFoundError, match="no status for conformance pack 'p'"):
        deployment(api).done()


def test_repr_shows_kind_name_operation_and_state() -> None:
    """The repr says what is deployed where, and its state once known."""
    api = ScriptedApi([agg("CREATE_SUCCESSFUL")], [[acct("111111111111", "CREATE_SUCCESSFUL")]])
    d = deployment(api)
    assert repr(d) == "<Deployment conformance_pack 'p' put in us-east-1: waiting>"
    d.wait()
    assert repr(d) == "<Deployment conformance_pack 'p' put in us-east-1: CREATE_SUCCESSFUL>"
    assert (d.kind, d.region, d.name) == ("conformance_pack", "us-east-1", "p")


def _status(account: str, status: Status) -> AccountStatus:
    return AccountStatus(account_id=account, status=status, member_name="m")


def test_result_summary_and_repr() -> None:
    """summary() counts successes, failures and accounts still in progress."""
    result = DeploymentResult(
        name="p",
        kind="conformance_pack",
        region="eu-west-1",
        status=Status.UPDATE_IN_PROGRESS,
        accounts=(
            _status("111111111111", Status.UPDATE_SUCCESSFUL),
            _status("222222222222", Status.UPDATE_FAILED),
            _status("333333333333", Status.UPDATE_IN_PROGRESS),
        ),
    )
    expected = (
        "conformance_pack 'p' in eu-west-1: UPDATE_IN_PROGRESS, "
        "1/3 succeeded, 1 failed, 1 in progress"
    )
    assert result.summary() == expected
    assert repr(result) == f"<DeploymentResult {expected}>"
    assert not result.ok
    assert [a.account_id for a in result.in_progress] == ["333333333333"]


def test_rules_use_their_own_status_filter() -> None:
    """A rule's in-progress filter is MemberAccountRuleStatus, a pack's is Status."""
    assert (PACKS.detailed_status_filter, RULES.detailed_status_filter) == (
        "Status",
        "MemberAccountRuleStatus",
    )


class VanishingApi(ScriptedApi):
    """Shows DELETE_SUCCESSFUL for the aggregate, then NotFound for the per-account list."""

    def items(
        self, operation: str, key: str, params: Mapping[str, Any]
    ) -> Iterator[dict[str, Any]]:
        if len(self.calls) > 2:
            self.calls.append((operation, params))
            raise errors.NotFoundError("gone", code="NoSuchOrganizationConformancePackException")
        yield from super().items(operation, key, params)


def test_a_delete_seen_successful_while_the_details_vanish_is_done() -> None:
    """DELETE_SUCCESSFUL then NotFound on the detail read ends the wait, every account deleted."""
    api = VanishingApi(
        [agg("DELETE_IN_PROGRESS"), agg("DELETE_SUCCESSFUL")],
        [[acct("111111111111", "DELETE_IN_PROGRESS"), acct("222222222222", "DELETE_IN_PROGRESS")]],
    )
    with use_clock(FakeClock()):
        result = deployment(api, "delete").wait()
    assert result.status is Status.DELETE_SUCCESSFUL
    assert {a.status for a in result.accounts} == {Status.DELETE_SUCCESSFUL}
    assert len(result.accounts) == 2
