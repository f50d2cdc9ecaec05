"""orgconfig demo: check, then deploy a conformance pack and two rules across an organization.

Runs entirely in-process against orgconfig's sandbox (no AWS account, no network). The
organization has a management account and eight members in two OUs (Workloads, Sandbox), in
two regions. The demo discovers the organization, runs the preflight checks for the Workloads
OU in both regions (one member has no configuration recorder in eu-west-1, which preflight
names), deploys a conformance pack to that OU in both regions at once, shows every account by
name, fixes the recorder and deploys again, then deploys two rules, and shows how a new account
joining the OU changes the targeted set. Members take 6 to 27 simulated minutes each; the
virtual clock makes that instant.

Run it with README's first command::

    python3 -m venv .venv && .venv/bin/python -m pip install -q nox && .venv/bin/nox -s demo
"""

from __future__ import annotations

import sys
from pathlib import Path

from orgconfig import (
    ConformancePack,
    Deployment,
    DeploymentFailedError,
    DeploymentResult,
    MultiRegionResult,
    Organization,
    OrgConfigRule,
    PollingPolicy,
    ProgressCallback,
    Targets,
    Template,
)
from orgconfig.testing import sandbox

HERE = Path(__file__).resolve().parent
REGIONS = ("us-east-1", "eu-west-1")


def show_progress(label: str) -> ProgressCallback:
    """Return an on_progress callback printing one line per change."""

    def report(finished: int, total: int) -> None:
        print(f"  {label}: {finished}/{total} accounts finished")

    return report


def show(result: DeploymentResult) -> None:
    """Print one line per account, with its name."""
    for account in result.accounts:
        name = account.account_name or ""
        line = f"    {account.account_id}  {name:<12} {account.status.value:<18}".rstrip()
        if account.error_code:
            line += f"  {account.error_code}"
        print(line)
    print(f"  => {result.summary()}  ({result.elapsed / 60:.0f} simulated minutes)")


def show_regions(result: MultiRegionResult) -> None:
    """Print every region's accounts."""
    for region in result.regions:
        if region in result.errors:
            print(f"  {region}: {type(result.errors[region]).__name__}: {result.errors[region]}")
        else:
            show(result.results[region])


def wait(label: str, deployment: Deployment) -> DeploymentResult:
    """Wait on a deployment, print its accounts, and return its result even when it failed."""
    try:
        result = deployment.wait(on_progress=show_progress(label))
    except DeploymentFailedError as e:
        print(f"  DeploymentFailedError: {len(e.failures)} account(s) failed")
        result = e.result
    show(result)
    return result


def main() -> int:
    """Run the demo; return the process exit code."""
    with sandbox(accounts=8, regions=REGIONS, seed=0, ous={"Workloads": 5, "Sandbox": 3}) as sb:
        for i, account in enumerate(sb.member_account_ids):
            sb.set_deploy_duration((6 + 3 * i) * 60, account_id=account)
        sb.set_deploy_duration(10 * 60, account_id=sb.management_account_id)
        workloads = sb.ou_members["Workloads"]
        sb.remove_recorder(workloads[2], region="eu-west-1")

        org = Organization.connect(
            sb.session,
            "us-east-1",
            regions=REGIONS,
            polling=PollingPolicy(initial_delay=30, max_delay=120, jitter=0),
        )
        info, caller = org.describe(), org.caller()
        print(f"Organization {info.id}: management account {info.management_account_id}")
        print(f"  the caller {caller.account_id} is the {caller.role} account")
        for ou in org.organizational_units():
            members = [a.name for a in org.accounts() if a.parent_id == ou.id]
            print(f"  {ou.path:<16} {', '.join(members)}")

        targets = Targets(ous=["Root/Workloads"])
        print(f"\nPreflight for the Workloads OU in {', '.join(REGIONS)}:")
        report = org.preflight(targets=targets)
        print("  " + report.summary().replace("\n", "\n  "))

        print("\nFixing what the management account can fix:")
        for action in org.enable_prerequisites():
            print(f"  {action}")
        report = org.preflight(targets=targets)
        print(f"Preflight again: {len(report.problems)} problem(s) left:")
        for check in report.problems:
            print(f"  {check.title}: {check.detail}")

        template = Template.from_file(HERE / "templates" / "s3-baseline.yaml")
        pack = ConformancePack(
            "s3-baseline",
            template,
            parameters={"S3BucketVersioningEnabledParamIsMfaDeleteEnabled": "false"},
        )
        print(f"\nDeploying {pack.name!r} to the Workloads OU in {' and '.join(REGIONS)}")
        multi = org.in_regions().conformance_packs.put(pack, targets=targets)
        show_regions(multi.wait(on_progress=show_progress("both regions"), raise_on_failure=False))

        print(f"\nGiving {workloads[2]} a recorder in eu-west-1, and deploying again")
        sb.add_recorder(workloads[2], region="eu-west-1")
        again = org.in_regions().conformance_packs.put(pack, targets=targets).wait()
        print(f"  => {'every account succeeded' if again.ok else again.failed_regions}")

        managed = OrgConfigRule.managed(
            "s3-versioning",
            "S3_BUCKET_VERSIONING_ENABLED",
            description="S3 buckets keep every version",
            resource_types=["AWS::S3::Bucket"],
        )
        print(f"\nDeploying managed rule {managed.name!r} (home region, every account)")
        wait("s3-versioning", org.rules.put(managed))

        guard = OrgConfigRule.custom_policy_from_file(
            "dynamodb-encrypted",
            HERE / "templates" / "dynamodb-encrypted.guard",
            resource_types=["AWS::DynamoDB::Table"],
        )
        print(f"\nDeploying Guard rule {guard.name!r}")
        wait("dynamodb-encrypted", org.rules.put(guard))
        assert org.rules.get(guard.name) == guard, "the Guard rule reads back as it was put"

        before = org.resolve(targets)
        joined = sb.add_account("newcomer", ou="Workloads")
        after = org.resolve(targets, refresh=True)
        print(f"\nAccount {joined} joined the Workloads OU; the targets now select it too:")
        print("  " + after.changes_since(before).summary())
        print(f"\nConfig API calls made: {sum(sb.api_calls.values())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
