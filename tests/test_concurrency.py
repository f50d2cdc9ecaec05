"""Concurrent waits in one sandbox: each sees the time, and makes the polls, it would alone."""

from __future__ import annotations

import threading

import botocore.session

from orgconfig import ConformancePack, DeploymentResult, Organization, PollingPolicy, Template
from orgconfig.testing import Sandbox, sandbox

ONE_RULE = (
    "Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties:\n"
    "      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}\n"
)
POLLING = PollingPolicy(initial_delay=30, max_delay=30, multiplier=1, jitter=0, timeout=None)
REGIONS = tuple(sorted(botocore.session.get_session().get_available_regions("config"))[:16])


def _deploy(sb: Sandbox, region: str) -> tuple[int, float, tuple[str, ...], str]:
    org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
    pack = ConformancePack("everywhere", Template.from_string(ONE_RULE))
    result: DeploymentResult = org.in_region(region).conformance_packs.put(pack).wait()
    accounts = tuple(f"{a.account_id}:{a.status.value}" for a in result.accounts)
    return result.polls, result.elapsed, accounts, result.status.value


def _box() -> Sandbox:
    # The seeded jitter (up to 50% here) differs per region, so the waits interleave.
    return sandbox(accounts=4, regions=REGIONS, seed=3, deploy_duration=600, deploy_jitter=0.5)


def test_16_waits_in_16_threads_make_the_polls_they_make_alone() -> None:
    """Sixteen regions waited on concurrently each give exactly their result when run alone."""
    assert len(REGIONS) == 16
    with _box() as sb:
        alone = {region: _deploy(sb, region) for region in REGIONS}
    together: dict[str, tuple[int, float, tuple[str, ...], str]] = {}
    errors: list[BaseException] = []
    with _box() as sb:
        ready = threading.Barrier(len(REGIONS))

        def run(region: str) -> None:
            # Each thread takes part in the clock before any of them calls, so that time cannot
            # move on while a thread has not started yet (the recipe in docs/sandbox.md).
            with sb.clock.participating():
                ready.wait(timeout=60)
                try:
                    together[region] = _deploy(sb, region)
                except BaseException as err:  # reported below, in the test's thread
                    errors.append(err)

        threads = [threading.Thread(target=run, args=(r,)) for r in REGIONS]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    assert errors == []
    assert together == alone
    assert {polls for polls, *_ in alone.values()} != {alone[REGIONS[0]][0]}  # they differ
