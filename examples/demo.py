"""orgconfig demo: deploy a conformance pack and two rules across a simulated organization.

Runs entirely in-process against orgconfig's sandbox (no AWS account, no network). The
organization has a management account and eight members; one member has no configuration
recorder and another is told to fail, so the first report shows real per-account failures; the
demo then fixes both and deploys again. Members take 6 to 27 simulated minutes each; the
virtual clock makes that instant.

Run it with ``python3 -m pip install nox && python3 -m nox -s demo``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from orgconfig import (
    ConformancePack,
    Deployment,
    DeploymentFailedError,
    DeploymentResult,
    Organization,
    OrgConfigRule,
    PollingPolicy,
    ProgressCallback,
    Template,
)
from orgconfig.testing import sandbox

HERE = Path(__file__).resolve().parent


def show_progress(label: str) -> ProgressCallback:
    """Return an on_progress callback printing one line per change."""
    seen: list[tuple[int, int]] = []

    def report(finished: int, total: int) -> None:
        if not seen or seen[-1] != (finished, total):
            seen.append((finished, total))
            print(f"  {label}: {finished}/{total} accounts finished")

    return report


def show(result: DeploymentResult) -> None:
    """Print one line per account."""
    for account in result.accounts:
        line = f"    {account.account_id}  {account.status.value:<18}".rstrip()
        if account.error_code:
            line += f"  {account.error_code}: {account.error_message}"
        print(line)
    print(f"  => {result.summary()}  ({result.elapsed / 60:.0f} simulated minutes)")


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
    with sandbox(accounts=8, regions=("us-east-1",), seed=0) as sb:
        members = sb.member_account_ids
        for i, account in enumerate(members):
            sb.set_deploy_duration((6 + 3 * i) * 60, account_id=account)
        sb.set_deploy_duration(10 * 60, account_id=sb.management_account_id)
        sb.remove_recorder(members[2])
        sb.fail_account(members[5], error_code="InsufficientPermissionsException")
        print(f"Organization: management {sb.management_account_id}, {len(members)} members")
        print(f"  {members[2]} has no configuration recorder; {members[5]} will fail\n")

        org = Organization.connect(
            sb.session,
            "us-east-1",
            polling=PollingPolicy(initial_delay=30, max_delay=120, jitter=0),
        )

        template = Template.from_file(HERE / "templates" / "s3-baseline.yaml")
        print(f"Template: {template!r}")
        pack = ConformancePack(
            "s3-baseline",
            template,
            parameters={"S3BucketVersioningEnabledParamIsMfaDeleteEnabled": "false"},
            excluded_accounts=[members[7]],
        )
        print(f"\nDeploying conformance pack {pack.name!r} (excluding {members[7]})")
        wait("s3-baseline", org.conformance_packs.put(pack))

        print("\nFixing both accounts (a recorder for one, the failure cleared on the other)")
        sb.add_recorder(members[2])
        sb.clear_failures(members[5])
        print(f"Deploying {pack.name!r} again")
        wait("s3-baseline", org.conformance_packs.put(pack))

        managed = OrgConfigRule.managed(
            "s3-versioning",
            "S3_BUCKET_VERSIONING_ENABLED",
            description="S3 buckets keep every version",
            resource_types=["AWS::S3::Bucket"],
        )
        print(f"\nDeploying managed rule {managed.name!r}")
        wait("s3-versioning", org.rules.put(managed))

        guard = OrgConfigRule.custom_policy_from_file(
            "dynamodb-encrypted",
            HERE / "templates" / "dynamodb-encrypted.guard",
            resource_types=["AWS::DynamoDB::Table"],
        )
        print(f"\nDeploying Guard rule {guard.name!r}")
        wait("dynamodb-encrypted", org.rules.put(guard))
        assert org.rules.get(guard.name) == guard, "the Guard rule reads back as it was put"

        print("\nWhat the management account now has in us-east-1:")
        for info in org.conformance_packs.list():
            print(f"  pack  {info.name:<22} {org.conformance_packs.status(info.name).status.value}")
        for rule in org.rules.list():
            print(f"  rule  {rule.name:<22} {org.rules.status(rule.name).status.value}")
        print(
            f"\nAPI calls made: {sum(sb.api_calls.values())} {dict(sorted(sb.api_calls.items()))}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
