"""The largest organizations: sandbox start-up, and the calls a 30-minute wait makes.

Start-up is timed for 500, 2,000 and 5,000 member accounts (it must grow linearly); a
30-minute deployment to 5,000 accounts is waited on with and without ``on_progress``, and the
calls are counted (what costs money and throttling quota against AWS). Terraform's aggregate-only
schedule is the reference for the calls; orgconfig also reads every account once at the end.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from orgconfig import ConformancePack, Organization, PollingPolicy, Template
from orgconfig.testing import sandbox

ONE_RULE = (
    "Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties:\n"
    "      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}\n"
)
CALL_LIMIT = 400


@pytest.mark.parametrize("accounts", [500, 2000, 5000])
def test_sandbox_start_up(benchmark: Any, accounts: int) -> None:
    benchmark.group = "sandbox start-up"

    def start() -> int:
        with sandbox(accounts=accounts, seed=0) as sb:
            return len(sb.member_account_ids)

    assert benchmark.pedantic(start, rounds=1, iterations=1) == accounts


@pytest.mark.parametrize("progress", [False, True], ids=["no-progress", "on_progress"])
def test_wait_calls_on_5000_accounts(benchmark: Any, progress: bool) -> None:
    benchmark.group = "30-minute wait on 5,000 accounts"
    with sandbox(accounts=5000, seed=0, deploy_duration=30 * 60) as sb:
        org = Organization.connect(sb.session, "us-east-1", polling=PollingPolicy())
        pack = ConformancePack("everywhere", Template.from_string(ONE_RULE))
        seen: list[tuple[int, int]] = []

        def config_calls() -> int:
            # AWS Config's calls (the throttled, paid-for ones); the result's account names
            # come from one walk of AWS Organizations, counted apart (prefixed names)
            return sum(n for op, n in sb.api_calls.items() if ":" not in op)

        def wait() -> int:
            before = config_calls()
            callback = (lambda d, t: seen.append((d, t))) if progress else None
            result = org.conformance_packs.put(pack).wait(on_progress=callback)
            assert len(result.accounts) == 5001
            return config_calls() - before

        started = time.perf_counter()
        calls = benchmark.pedantic(wait, rounds=1, iterations=1)
        benchmark.extra_info["api_calls"] = calls
        benchmark.extra_info["organizations_calls"] = sum(
            n for op, n in sb.api_calls.items() if op.startswith("organizations:")
        )
        benchmark.extra_info["progress_reports"] = len(seen)
        benchmark.extra_info["real_seconds"] = round(time.perf_counter() - started, 2)
        print(f"{calls} calls, {len(seen)} progress reports")
        assert calls <= CALL_LIMIT
