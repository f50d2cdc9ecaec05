"""Reliability under faults: 50 deployments reach the right end, once each, and waits survive.

The faults are the sandbox's, seeded: 30% throttling, 5% server errors, 5% lost answers
(applied, then answered 5xx) and the delegated-administrator quirk of an aggregate status stuck in
progress. The same scenario runs without faults, and the two are compared.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from typing import Any, Literal

import pytest

from orgconfig import (
    ConformancePack,
    Organization,
    OrgConfigRule,
    PollingPolicy,
    Status,
    Template,
)
from orgconfig import errors as e
from orgconfig.testing import Sandbox, sandbox

PACK_TEMPLATE = Template.from_string(
    "Parameters:\n  Versioning:\n    Type: String\n    Default: 'true'\n"
    "Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties:\n"
    "      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}\n"
    "      InputParameters: {isMfaDeleteEnabled: !Ref Versioning}\n"
)
POLLING = PollingPolicy(initial_delay=30, max_delay=60, jitter=0, timeout=6 * 3600)
FAULTS: dict[str, Any] = {
    "throttle_rate": 0.3,
    "server_error_rate": 0.05,
    "lost_response_rate": 0.05,
    "stuck_aggregate_status": True,
}


@dataclass
class Outcome:
    """What one run of the scenario did."""

    results: dict[tuple[str, int], str] = field(default_factory=dict)
    started: collections.Counter[tuple[str, str, str]] = field(default_factory=collections.Counter)
    calls: int = 0
    packs: dict[str, dict[str, str]] = field(default_factory=dict)
    rules: dict[str, Any] = field(default_factory=dict)


def _pack(i: int, version: int) -> ConformancePack:
    return ConformancePack(
        f"pack-{i}", PACK_TEMPLATE, parameters={"Versioning": str(version % 2 == 0).lower()}
    )


def _rule(i: int, version: int) -> OrgConfigRule:
    return OrgConfigRule.managed(
        f"rule-{i}",
        "S3_BUCKET_VERSIONING_ENABLED",
        description=f"version {version}",
        input_parameters={"isMfaDeleteEnabled": str(version % 2 == 0).lower()},
    )


def _scenario(sb: Sandbox) -> Outcome:
    """10 packs and 10 rules: 20 creates, 15 updates, 15 deletes, interleaved: 50 deployments."""
    org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
    outcome = Outcome()
    before = sum(sb.api_calls.values())
    steps: list[tuple[str, int, str]] = []
    for i in range(10):
        steps += [("pack", i, "create"), ("rule", i, "create")]
    for i in range(8):
        steps.append(("pack", i, "update"))
    for i in range(7):
        steps.append(("rule", i, "update"))
    for i in range(2, 10):
        steps.append(("pack", i, "delete"))
    for i in range(3, 10):
        steps.append(("rule", i, "delete"))
    assert len(steps) == 50
    for n, (kind, i, verb) in enumerate(steps):
        collection: Any = org.conformance_packs if kind == "pack" else org.rules
        version = 2 if verb == "update" else 1
        if verb == "delete":
            deployment = collection.delete(f"{kind}-{i}")
        else:
            item = _pack(i, version) if kind == "pack" else _rule(i, version)
            deployment = collection.put(item)
        result = deployment.wait()  # any exception escaping fails the test
        outcome.results[(f"{kind}-{i}", n)] = result.status.value
    outcome.calls = sum(sb.api_calls.values()) - before
    outcome.started = collections.Counter(sb.deployments_started)
    sb.faults()  # read the end state without faults,
    sb.clock.advance(301)  # once AWS no longer shows the deleted ones as DELETE_SUCCESSFUL
    outcome.packs = {p.name: dict(p.parameters) for p in org.conformance_packs.list()}
    outcome.rules = {r.name: r for r in org.rules.list()}
    return outcome


@pytest.fixture(scope="module")
def runs() -> tuple[Outcome, Outcome]:
    """The scenario without faults, then with them, each in a fresh sandbox of the same seed."""
    with sandbox(accounts=8, seed=11, deploy_duration=600) as sb:
        calm = _scenario(sb)
    with sandbox(accounts=8, seed=11, deploy_duration=600) as sb:
        sb.faults(**FAULTS)
        stormy = _scenario(sb)
    return calm, stormy


def test_every_deployment_reaches_the_same_end_under_faults(runs: tuple[Outcome, Outcome]) -> None:
    """All 50 waits end, with the same statuses as without faults, and no error escapes."""
    calm, stormy = runs
    assert len(stormy.results) == 50
    assert stormy.results == calm.results
    assert set(calm.results.values()) == {
        "CREATE_SUCCESSFUL",
        "UPDATE_SUCCESSFUL",
        "DELETE_SUCCESSFUL",
    }


def test_nothing_is_applied_twice_under_faults(runs: tuple[Outcome, Outcome]) -> None:
    """Each pack and rule was deployed once per put or delete: lost answers were not repeated."""
    calm, stormy = runs
    assert stormy.started == calm.started
    assert sum(stormy.started.values()) == 50


def test_the_end_state_is_what_was_asked(runs: tuple[Outcome, Outcome]) -> None:
    """Deleted items are gone; the others hold their last version, with and without faults."""
    calm, stormy = runs
    assert sorted(stormy.packs) == ["pack-0", "pack-1"]
    assert sorted(stormy.rules) == ["rule-0", "rule-1", "rule-2"]
    assert (
        stormy.packs
        == calm.packs
        == {
            "pack-0": {"Versioning": "true"},
            "pack-1": {"Versioning": "true"},
        }
    )
    assert stormy.rules == calm.rules
    assert stormy.rules["rule-0"] == _rule(0, 2)


def test_faults_cost_at_most_twice_the_calls(runs: tuple[Outcome, Outcome]) -> None:
    """Retries under 30% throttling, 5% 5xx and 5% lost answers stay within 2x the calm calls."""
    calm, stormy = runs
    print(f"calls: {calm.calls} without faults, {stormy.calls} with")  # the figure, not a claim
    assert stormy.calls <= 2 * calm.calls


def test_a_wait_outlives_polls_that_fail() -> None:
    """Polls failing with throttling and 5xx past botocore's retries do not end the wait."""
    with sandbox(accounts=3, seed=5, deploy_duration=600) as sb:
        org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
        deployment = org.rules.put(_rule(0, 1))
        sb.faults(throttle_rate=0.9)  # 0.9**5: a quarter of the calls exhaust their retries
        result = deployment.wait()
        assert result.status is Status.CREATE_SUCCESSFUL


def test_a_put_that_failed_transiently_is_made_by_wait() -> None:
    """A put whose every retry was throttled returns a handle; wait() makes the call later."""
    with sandbox(accounts=3, seed=5) as sb:
        org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
        sb.faults(throttle_rate=1.0)
        deployment = org.rules.put(_rule(0, 1))
        assert deployment.busy
        assert sb.deployments_started == collections.Counter()
        sb.faults()
        assert deployment.wait().status is Status.CREATE_SUCCESSFUL
        assert sum(sb.deployments_started.values()) == 1


def test_a_fail_fast_put_raises_the_transient_error() -> None:
    """With wait_if_busy=False a put that could not be made raises at once, typed."""
    with sandbox(accounts=3, seed=5) as sb:
        org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
        sb.faults(throttle_rate=1.0)
        with pytest.raises(e.ThrottlingError):
            org.rules.put(_rule(0, 1), wait_if_busy=False)


def test_a_wait_that_times_out_while_polls_fail_names_the_failure() -> None:
    """When time runs out on a failing poll, the timeout's cause is that poll's error."""
    with sandbox(accounts=3, seed=5, deploy_duration=10_000) as sb:
        org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
        deployment = org.rules.put(_rule(0, 1))
        sb.faults(throttle_rate=1.0)
        with pytest.raises(e.DeploymentTimeoutError) as info:
            deployment.wait(timeout=300)
        assert isinstance(info.value.__cause__, e.ThrottlingError)


@pytest.mark.parametrize("interrupt_at", [10, 120, 450, 599])
@pytest.mark.parametrize("verb", ["create", "update", "delete"])
def test_an_interrupted_wait_resumed_by_name_reaches_the_same_end(
    verb: str, interrupt_at: int
) -> None:
    """A wait cut short at any point, resumed by name from a new object, ends as one uninterrupted.

    (A resume within the read lag of a put, 5 simulated seconds here, could see the previous
    deployment: it knows no time of a put to compare with.)
    """
    results: list[tuple[str, tuple[str, ...]]] = []
    for interrupted in (False, True):
        with sandbox(accounts=4, seed=2, deploy_duration=600, deploy_jitter=0) as sb:
            org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
            if verb != "create":
                org.rules.put(_rule(0, 1)).wait()
            if verb == "delete":
                deployment = org.rules.delete("rule-0")
            else:
                deployment = org.rules.put(_rule(0, 2 if verb == "update" else 1))
            if interrupted:
                with pytest.raises(e.DeploymentTimeoutError):
                    deployment.wait(timeout=interrupt_at)
                fresh = Organization.connect(sb.session, "us-east-1", polling=POLLING)
                operation: Literal["delete"] | None = "delete" if verb == "delete" else None
                result = fresh.rules.deployment("rule-0", operation=operation).wait()
            else:
                result = deployment.wait()
            results.append(
                (result.status.value, tuple(f"{a.account_id}:{a.status}" for a in result.accounts))
            )
    assert results[0] == results[1]
    assert results[0][0] == {"create": "CREATE", "update": "UPDATE", "delete": "DELETE"}[verb] + (
        "_SUCCESSFUL"
    )


def test_a_wait_cut_short_before_the_pack_is_visible_times_out() -> None:
    """Time running out while reads still lag behind the put is a timeout, not NotFoundError."""
    with sandbox(accounts=2, seed=2) as sb:
        org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
        deployment = org.rules.put(_rule(0, 1))
        with pytest.raises(e.DeploymentTimeoutError) as info:
            deployment.wait(timeout=1)
        assert info.value.last_result is not None
        assert deployment.wait().status is Status.CREATE_SUCCESSFUL
