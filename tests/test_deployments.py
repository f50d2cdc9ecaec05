"""Deployment and DeploymentResult: the decision table, with a scripted API for the odd answers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from orgconfig import errors
from orgconfig._clock import use_clock
from orgconfig._kinds import PACKS, RULES
from orgconfig._readers import Reader as _Reader
from orgconfig.deployments import Deployment, DeploymentResult
from orgconfig.models import AccountStatus, Status
from orgconfig.retries import PollingPolicy
from tests.conftest import FakeClock

POLL = PollingPolicy(initial_delay=10, max_delay=10, multiplier=1, jitter=0, timeout=100)


class ScriptedApi:
    """Answers the aggregate and detailed status calls from scripted lists, one entry a poll.

    Each aggregate read starts a new poll; every detailed read of that poll sees the same
    accounts (the last entry repeats).
    """

    region = "us-east-1"
    uncertain = False  # what last_call_uncertain() says: an attempt may have been applied unseen

    def last_call_uncertain(self) -> bool:
        return self.uncertain

    def __init__(self, aggregates: list[Any], accounts: list[list[dict[str, Any]]]) -> None:
        self.aggregates = aggregates
        self.accounts = accounts
        self.polls = 0
        self.calls: list[tuple[str, Mapping[str, Any]]] = []

    def call(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        self.calls.append((operation, params))
        self.polls += 1
        answer = self.aggregates.pop(0) if len(self.aggregates) > 1 else self.aggregates[0]
        if isinstance(answer, Exception):
            raise answer
        return {PACKS.statuses_key: answer}

    def items(
        self, operation: str, key: str, params: Mapping[str, Any]
    ) -> Iterator[dict[str, Any]]:
        self.calls.append((operation, params))
        rows = self.accounts[min(max(self.polls - 1, 0), len(self.accounts) - 1)]
        wanted = params.get("Filters", {}).get("Status")
        yield from (r for r in rows if wanted is None or r["Status"] == wanted)

    def pages(self, operation: str, params: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        yield {PACKS.detailed_key: list(self.items(operation, PACKS.detailed_key, params))}

    def first_page(
        self, operation: str, key: str, params: Mapping[str, Any], *, limit: int
    ) -> list[dict[str, Any]]:
        return list(self.items(operation, key, params))[:limit]


def agg(status: str, **extra: Any) -> list[dict[str, Any]]:
    return [{"OrganizationConformancePackName": "p", "Status": status, **extra}]


def acct(account: str, status: str, **extra: Any) -> dict[str, Any]:
    return {"AccountId": account, "ConformancePackName": "m", "Status": status, **extra}


def deployment(api: ScriptedApi, operation: Any = "put") -> Deployment:
    reader = _Reader(api, PACKS, "p")  # type: ignore[arg-type]  # a scripted stand-in for ConfigApi
    return Deployment(reader, operation=operation, polling=POLL)


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
    with pytest.raises(errors.NotFoundError, match="conformance pack 'p' not found"):
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


class Busy(errors.ResourceInUseError):
    """A ResourceInUseError as botocore gives it, with its retry count."""

    def __init__(self, retries: int = 0) -> None:
        super().__init__(
            "busy",
            code="ResourceInUseException",
            response={"ResponseMetadata": {"RetryAttempts": retries}},
        )


def _busy_deployment(
    api: ScriptedApi, submits: list[Exception | None], operation: Any = "put", attempts: int = 3
) -> tuple[Deployment, list[int]]:
    from orgconfig.retries import BusyPolicy

    made: list[int] = []

    def submit() -> None:
        made.append(1)
        answer = submits.pop(0) if len(submits) > 1 else submits[0]
        if answer is not None:
            raise answer

    reader = _Reader(api, PACKS, "p")  # type: ignore[arg-type]  # a scripted stand-in
    d = Deployment(
        reader,
        operation=operation,
        polling=POLL,
        busy=BusyPolicy(max_attempts=attempts),
        submit=submit,
    )
    d._start(wait_if_busy=True)
    return d, made


def test_busy_attempts_are_bounded_by_the_policy() -> None:
    """A pack that is busy again after every settle gives up after max_attempts calls."""
    api = ScriptedApi([agg("CREATE_SUCCESSFUL")], [[acct("111111111111", "CREATE_SUCCESSFUL")]])
    with use_clock(FakeClock()):
        d, made = _busy_deployment(api, [Busy()], attempts=2)
        assert d.busy
        with pytest.raises(errors.ResourceInUseError, match=r"still busy after 2 attempts\)$"):
            d.wait()
    assert len(made) == 2


def test_busy_with_a_single_attempt_raises_at_once() -> None:
    """BusyPolicy(max_attempts=1) leaves no attempt to wait for: the put raises."""
    api = ScriptedApi([agg("CREATE_SUCCESSFUL")], [[]])
    with pytest.raises(errors.ResourceInUseError):
        _busy_deployment(api, [Busy()], attempts=1)


def test_a_lost_answer_is_recognised_and_not_repeated() -> None:
    """A retried put that meets a deployment started after the call follows it: one put only."""
    from datetime import datetime, timezone

    clock = FakeClock()
    now = datetime.fromtimestamp(1_000_000, tz=timezone.utc)
    api = ScriptedApi(
        [agg("UPDATE_IN_PROGRESS", LastUpdateTime=now), agg("UPDATE_SUCCESSFUL")],
        [[acct("111111111111", "UPDATE_SUCCESSFUL")]],
    )
    clock.timestamp = lambda: 1_000_000 - 1  # type: ignore[attr-defined]  # a wall time for the call
    api.uncertain = True  # an earlier attempt of the put got a 5xx
    with use_clock(clock):
        d, made = _busy_deployment(api, [Busy(retries=1)])
        assert not d.busy
        assert d.wait().status is Status.UPDATE_SUCCESSFUL
    assert len(made) == 1


def test_a_busy_answer_without_an_uncertain_attempt_is_never_taken_for_a_lost_answer() -> None:
    """Only a call with an attempt answered 5xx (or cut off) can have been applied unseen."""
    api = ScriptedApi([agg("UPDATE_IN_PROGRESS")], [[acct("111111111111", "UPDATE_IN_PROGRESS")]])
    d, _ = _busy_deployment(api, [Busy(retries=0)])
    assert d.busy


def test_a_delete_that_waited_for_another_delete_is_done_without_calling_again() -> None:
    """A busy delete whose blocking deployment was a delete that finished reports it deleted."""
    gone = errors.NotFoundError("gone", code="NoSuchOrganizationConformancePackException")
    api = ScriptedApi(
        [agg("DELETE_IN_PROGRESS"), gone], [[acct("111111111111", "DELETE_IN_PROGRESS")]]
    )
    with use_clock(FakeClock()):
        d, made = _busy_deployment(api, [Busy()], operation="delete")
        result = d.wait()
    assert result.status is Status.DELETE_SUCCESSFUL
    assert len(made) == 1


def test_progress_is_reported_on_change_not_on_every_poll() -> None:
    """on_progress fires at the start, when the counts change and at the end: not per poll."""
    rows_pending = [
        acct("111111111111", "CREATE_IN_PROGRESS"),
        acct("222222222222", "CREATE_IN_PROGRESS"),
    ]
    rows_half = [
        acct("111111111111", "CREATE_SUCCESSFUL"),
        acct("222222222222", "CREATE_IN_PROGRESS"),
    ]
    rows_done = [
        acct("111111111111", "CREATE_SUCCESSFUL"),
        acct("222222222222", "CREATE_SUCCESSFUL"),
    ]
    api = ScriptedApi(
        [agg("CREATE_IN_PROGRESS")] * 12 + [agg("CREATE_SUCCESSFUL")],
        [rows_pending] * 5 + [rows_half] * 7 + [rows_done],
    )
    seen: list[tuple[int, int]] = []
    with use_clock(FakeClock()):
        result = deployment(api).wait(None, on_progress=lambda d, t: seen.append((d, t)))
    assert result.polls == 13
    assert seen == [(0, 2), (1, 2), (2, 2)]


def test_timeout_none_waits_past_the_policy_timeout() -> None:
    """wait(timeout=None) has no limit; the default takes the policy's (100 s here)."""
    api = ScriptedApi(
        [agg("CREATE_IN_PROGRESS")] * 30 + [agg("CREATE_SUCCESSFUL")],
        [[acct("111111111111", "CREATE_IN_PROGRESS")]] * 30
        + [[acct("111111111111", "CREATE_SUCCESSFUL")]],
    )
    clock = FakeClock()
    with use_clock(clock):
        with pytest.raises(errors.DeploymentTimeoutError):
            deployment(api).wait()
        assert deployment(api).wait(timeout=None).status is Status.CREATE_SUCCESSFUL
    assert clock.t > 100


def test_a_stale_final_state_right_after_the_put_is_not_the_result() -> None:
    """A final aggregate older than the put (read lag) is waited past, not returned."""
    from datetime import datetime, timezone

    clock = FakeClock()
    clock.timestamp = lambda: 2_000_000 + clock.t  # type: ignore[attr-defined]  # a wall time for this test
    old = datetime.fromtimestamp(1_000_000, tz=timezone.utc)
    new = datetime.fromtimestamp(2_000_100, tz=timezone.utc)
    api = ScriptedApi(
        [agg("CREATE_SUCCESSFUL", LastUpdateTime=old)] * 2
        + [agg("UPDATE_SUCCESSFUL", LastUpdateTime=new)],
        [[acct("111111111111", "UPDATE_SUCCESSFUL")]],
    )
    with use_clock(clock):
        d, _ = _busy_deployment(api, [None])
        result = d.wait()
    assert result.status is Status.UPDATE_SUCCESSFUL
    assert result.polls == 3


def test_resuming_a_finished_delete_reports_it_deleted() -> None:
    """A resume with operation='delete' of a pack already gone is a finished delete, no error."""
    gone = errors.NotFoundError("gone", code="NoSuchOrganizationConformancePackException")
    api = ScriptedApi([gone], [[]])
    result = deployment(api, "delete").wait()
    assert result.status is Status.DELETE_SUCCESSFUL
    with pytest.raises(errors.NotFoundError):
        deployment(ScriptedApi([gone], [[]]), "resume").wait()


def test_a_new_pack_not_yet_visible_right_after_its_put_is_waited_for() -> None:
    """Right after a put, 'no such pack' is read lag, not NotFoundError."""
    clock = FakeClock()
    clock.timestamp = lambda: 3_000_000 + clock.t  # type: ignore[attr-defined]  # a wall time for this test
    gone = errors.NotFoundError("gone", code="NoSuchOrganizationConformancePackException")
    api = ScriptedApi(
        [gone, gone, agg("CREATE_SUCCESSFUL")], [[acct("111111111111", "CREATE_SUCCESSFUL")]]
    )
    with use_clock(clock):
        d, _ = _busy_deployment(api, [None])
        assert d.wait().status is Status.CREATE_SUCCESSFUL
