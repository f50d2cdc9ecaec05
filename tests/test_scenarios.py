"""End-to-end scenarios at organization scale, on the sandbox's virtual clock."""

from __future__ import annotations

import time

import pytest

from orgconfig import ConformancePack, Organization, OrgConfigRule, Status, Template
from orgconfig import errors as e
from orgconfig.testing import sandbox
from tests.conftest import POLLING

ONE_RULE = (
    "Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties:\n"
    "      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}\n"
)


def test_300_accounts_30_minutes_3_failures() -> None:
    """300 members taking 30 simulated minutes with 3 failing: exactly those 3 are named."""
    with sandbox(accounts=300, seed=7) as sb:
        sb.set_deploy_duration(30 * 60)
        members = sb.member_account_ids
        bad = [members[10], members[150], members[299]]
        sb.fail_account(bad[0], error_code="InsufficientPermissionsException")
        sb.remove_recorder(bad[1])
        sb.suspend_account(bad[2])
        org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
        pack = ConformancePack("org-wide", Template.from_string(ONE_RULE))
        started = sb.clock.monotonic()
        real = time.perf_counter()
        with pytest.raises(e.DeploymentFailedError) as info:
            org.conformance_packs.put(pack).wait()
        real = time.perf_counter() - real
        err = info.value
        assert sorted(a.account_id for a in err.failures) == sorted(bad)
        assert len(err.result.accounts) == 301
        assert len(err.result.succeeded) == 298
        assert sb.clock.monotonic() - started >= 30 * 60
        for account_id in bad:
            assert account_id in str(err)
        # Printed for the closing note; a timing is never asserted.
        print(f"\n300-account wait: {real:.3f}s real for {err.result.elapsed:.0f}s simulated")


def test_multi_region_deployments_are_independent() -> None:
    """The same rule is deployed region by region; each region reports its own accounts."""
    with sandbox(accounts=5, regions=("us-east-1", "eu-west-1"), seed=3) as sb:
        sb.remove_recorder(sb.member_account_ids[0], region="eu-west-1")
        rule = OrgConfigRule.managed("s3-versioning", "S3_BUCKET_VERSIONING_ENABLED")
        org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
        east = org.rules.put(rule).wait()
        with pytest.raises(e.DeploymentFailedError) as info:
            org.in_region("eu-west-1").rules.put(rule).wait()
        assert east.status is Status.CREATE_SUCCESSFUL
        assert [a.account_id for a in info.value.failures] == [sb.member_account_ids[0]]
        assert info.value.region == "eu-west-1"


def test_a_mass_failure_message_stays_readable() -> None:
    """With 60 failed accounts the message lists 20 and counts the rest; .failures has all."""
    with sandbox(accounts=60, seed=2) as sb:
        for account in sb.member_account_ids:
            sb.fail_account(account)
        org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
        with pytest.raises(e.DeploymentFailedError) as info:
            org.rules.put(OrgConfigRule.managed("r", "S3_BUCKET_VERSIONING_ENABLED")).wait()
        text = str(info.value)
        assert len(info.value.failures) == 60
        assert text.count("\n") == 21
        assert text.endswith("... and 40 more (see .failures)")
        assert len(text) < 5000
