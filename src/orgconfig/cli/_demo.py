"""``orgconfig demo``: the main job, on the sandbox (the flow of ``examples/demo.py``).

The organization (see :mod:`orgconfig.cli._sandbox`) has a management account and eight
members in two OUs (Workloads, Sandbox), in two regions. The demo discovers the organization,
runs the preflight checks for the Workloads OU in both regions (one member has no configuration
recorder in eu-west-1, which preflight names), deploys a conformance pack to that OU in both
regions at once, shows every account by name, fixes the recorder and deploys again, then deploys
two rules, and shows how a new account joining the OU changes the targeted set. Members take 6 to
27 simulated minutes each; the virtual clock makes that instant.

It ships inside the package (templates in ``orgconfig/cli/_data``), so it runs from an installed
wheel: ``orgconfig demo`` (``--json`` for the results as data).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from orgconfig import errors
from orgconfig.cli._output import Output, pretty
from orgconfig.cli._sandbox import REGIONS, data_file, sandbox_organization

if TYPE_CHECKING:
    from orgconfig import (
        Deployment,
        DeploymentResult,
        Organization,
        OrganizationInfo,
        PreflightReport,
        Targets,
    )
    from orgconfig.testing import Sandbox

__all__ = ["run_demo"]


def _wait(out: Output, label: str, deployment: Deployment) -> DeploymentResult:
    """Wait on one region's deployment; show and return its result, even when it failed."""
    progress = out.progress(f"  {label}")
    with progress:
        try:
            result = deployment.wait(on_progress=progress.callback(deployment.region))
        except errors.DeploymentFailedError as e:
            result = e.result
    if not result.ok:
        out.say(f"  DeploymentFailedError: {len(result.failed)} account(s) failed")
    out.say(_indent(pretty(result)))
    return result


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" if line else "" for line in text.splitlines())


def _discover(
    org: Organization, targets: Targets, out: Output
) -> tuple[OrganizationInfo, PreflightReport, list[str], PreflightReport]:
    """Show the organization, run preflight, fix what can be fixed, run preflight again."""
    info, caller = org.describe(), org.caller()
    out.say(f"Organization {info.id}: management account {info.management_account_id}")
    out.say(f"  the caller {caller.account_id} is the {caller.role} account")
    for ou in org.organizational_units():
        members = [a.name for a in org.accounts() if a.parent_id == ou.id]
        out.say(f"  {ou.path:<16} {', '.join(members)}")
    out.say(f"\nPreflight for the Workloads OU in {', '.join(REGIONS)}:")
    first = org.preflight(targets=targets)
    out.say(_indent(first.summary()))
    out.say("\nFixing what the management account can fix:")
    actions = org.enable_prerequisites()
    for action in actions:
        out.say(f"  {action}")
    report = org.preflight(targets=targets)
    out.say(f"Preflight again: {len(report.problems)} problem(s) left:")
    for check in report.problems:
        out.say(f"  {check.title}: {check.detail}")
    return info, first, actions, report


def run_demo(sb: Sandbox, out: Output) -> dict[str, Any]:
    """Run the demo on ``sb`` (unseeded), printing for a person; return the results as data."""
    from orgconfig import ConformancePack, OrgConfigRule, Targets, Template  # noqa: PLC0415
    from orgconfig.cli._waiting import wait_everywhere  # noqa: PLC0415

    workloads = sb.ou_members["Workloads"]
    org = sandbox_organization(sb, None, None)
    targets = Targets(ous=["Root/Workloads"])
    info, first, actions, report = _discover(org, targets, out)

    with data_file("s3-baseline.yaml") as path:
        template = Template.from_file(path)
    pack = ConformancePack(
        "s3-baseline",
        template,
        parameters={"S3BucketVersioningEnabledParamIsMfaDeleteEnabled": "false"},
    )
    out.say(f"\nDeploying {pack.name!r} to the Workloads OU in {' and '.join(REGIONS)}")
    multi = org.in_regions().conformance_packs.put(pack, targets=targets)
    try:
        pack_result = wait_everywhere(multi, out.progress("  s3-baseline"))
    except errors.MultiRegionError as e:
        pack_result = e.result
    out.say(_indent(pretty(pack_result)))

    out.say(f"\nGiving {workloads[2]} a recorder in eu-west-1, and deploying again")
    sb.add_recorder(workloads[2], region="eu-west-1")
    again = wait_everywhere(
        org.in_regions().conformance_packs.put(pack, targets=targets),
        out.progress("  s3-baseline"),
    )
    out.say(f"  => {'every account succeeded' if again.ok else again.failed_regions}")

    managed = OrgConfigRule.managed(
        "s3-versioning",
        "S3_BUCKET_VERSIONING_ENABLED",
        description="S3 buckets keep every version",
        resource_types=["AWS::S3::Bucket"],
    )
    out.say(f"\nDeploying managed rule {managed.name!r} (home region, every account)")
    managed_result = _wait(out, "s3-versioning", org.rules.put(managed))

    with data_file("dynamodb-encrypted.guard") as path:
        guard = OrgConfigRule.custom_policy_from_file(
            "dynamodb-encrypted", path, resource_types=["AWS::DynamoDB::Table"]
        )
    out.say(f"\nDeploying Guard rule {guard.name!r}")
    guard_result = _wait(out, "dynamodb-encrypted", org.rules.put(guard))
    same = org.rules.get(guard.name) == guard
    out.say(f"  the Guard rule reads back as it was put: {same}")

    before = org.resolve(targets)
    joined = sb.add_account("newcomer", ou="Workloads")
    after = org.resolve(targets, refresh=True)
    changes = after.changes_since(before)
    out.say(f"\nAccount {joined} joined the Workloads OU; the targets now select it too:")
    out.say(_indent(changes.summary()))
    calls = sum(sb.api_calls.values())
    out.say(f"\nConfig API calls made: {calls}")
    return {
        "organization_id": info.id,
        "management_account_id": info.management_account_id,
        "preflight": first.to_dict(),
        "enabled": list(actions),
        "preflight_after": report.to_dict(),
        "conformance_pack": pack_result.to_dict(),
        "conformance_pack_again": again.to_dict(),
        "rules": {
            "s3-versioning": managed_result.to_dict(),
            "dynamodb-encrypted": guard_result.to_dict(),
        },
        "guard_rule_reads_back": same,
        "joined_account": joined,
        "targets_added": list(changes.added),
        "api_calls": calls,
    }
