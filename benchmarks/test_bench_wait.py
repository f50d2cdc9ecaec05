"""Waiting on a 200-account deployment: orgconfig against a hand-written boto3 polling loop.

Both run on the same sandbox backend, in the same process and run, so the ratio between them is
what to read (pytest-benchmark's group table), never an absolute time. ``extra_info`` records
the API calls each made, the figure that costs money and throttling quota against AWS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orgconfig import ConformancePack, Organization, PollingPolicy, Template
from orgconfig.testing import Sandbox, sandbox

ACCOUNTS = 200
ONE_RULE = (
    "Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties:\n"
    "      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}\n"
)
POLLING = PollingPolicy(initial_delay=30, max_delay=30, multiplier=1, jitter=0, timeout=None)


def raw_boto3_wait(sb: Sandbox, name: str) -> int:
    """What users write without orgconfig: put, then poll the full per-account list."""
    config = sb.session.client("config", region_name="us-east-1")
    config.put_organization_conformance_pack(
        OrganizationConformancePackName=name, TemplateBody=ONE_RULE
    )
    paginator = config.get_paginator("get_organization_conformance_pack_detailed_status")
    while True:
        status = config.describe_organization_conformance_pack_statuses(
            OrganizationConformancePackNames=[name]
        )["OrganizationConformancePackStatuses"][0]["Status"]
        accounts: list[Any] = []
        for page in paginator.paginate(OrganizationConformancePackName=name):
            accounts.extend(page["OrganizationConformancePackDetailedStatuses"])
        if not status.endswith("IN_PROGRESS"):
            return len(accounts)
        sb.clock.sleep(30)


def orgconfig_wait(sb: Sandbox, name: str) -> int:
    """The same with orgconfig."""
    org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
    result = org.conformance_packs.put(ConformancePack(name, Template.from_string(ONE_RULE))).wait()
    return len(result.accounts)


@pytest.fixture(scope="module")
def sb() -> Any:
    with sandbox(accounts=ACCOUNTS, seed=0) as box:
        # Accounts finish at different times, as they do in AWS: 5 to 30 minutes.
        for i, account in enumerate(box.member_account_ids):
            box.set_deploy_duration(5 * 60 + (i * 7919) % (25 * 60), account_id=account)
        yield box


@pytest.mark.parametrize("how", [raw_boto3_wait, orgconfig_wait], ids=["raw-boto3", "orgconfig"])
def test_wait_for_deployment(
    benchmark: Any, sb: Sandbox, how: Callable[[Sandbox, str], int]
) -> None:
    benchmark.group = f"wait on a {ACCOUNTS}-account deployment"
    counter = iter(range(10**6))
    calls_before = sum(sb.api_calls.values())
    rounds = 5

    def run() -> int:
        return how(sb, f"bench-{how.__name__.replace('_', '-')}-{next(counter)}")

    accounts = benchmark.pedantic(run, rounds=rounds, iterations=1)
    assert accounts == ACCOUNTS + 1
    benchmark.extra_info["api_calls_per_wait"] = (
        sum(sb.api_calls.values()) - calls_before
    ) / rounds
