"""The public API pinned for the type checker: mypy --strict checks this file; pytest never runs it.

Changing a public name or signature breaks this file before it breaks a user.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import boto3

import orgconfig
from orgconfig import (
    POLICY_TIMEOUT,
    AccountStatus,
    BusyPolicy,
    CallRetryPolicy,
    ConformancePack,
    ConformancePackInfo,
    ConformancePacks,
    Deployment,
    DeploymentResult,
    DeploymentStatus,
    Organization,
    OrgConfigRule,
    OrgConfigRules,
    PollingPolicy,
    Region,
    Status,
    Template,
)
from orgconfig.errors import DeploymentFailedError, DeploymentTimeoutError
from orgconfig.testing import Sandbox, VirtualClock, sandbox


def organization(session: boto3.Session) -> None:
    org: Organization = Organization.connect()
    org = Organization.connect(session, "eu-west-1")
    org = Organization.connect(
        session=session,
        region="eu-west-1",
        polling=PollingPolicy(initial_delay=1, max_delay=2, multiplier=2, jitter=0, timeout=60),
        busy=BusyPolicy(wait=True, max_attempts=3),
        retries=CallRetryPolicy(mode="standard", max_attempts=5),
    )
    region: Region = org.in_region("us-east-1")
    packs: ConformancePacks = region.conformance_packs
    rules: OrgConfigRules = region.rules
    home: str = org.home_region
    del region, packs, rules, home


def packs(org: Organization) -> None:
    template: Template = Template.from_file("pack.yaml")
    template = Template.from_string("...")
    template = Template.from_s3_uri("s3://b/k", session=None)
    size: int = template.size_bytes
    digest: str = template.sha256
    needs_s3: bool = template.needs_s3
    required: frozenset[str] = template.required_parameters
    pack = ConformancePack(
        "name",
        template,
        parameters={"P": "v"},
        excluded_accounts=("111122223333",),
        delivery_bucket="awsconfigconforms-x",
        delivery_prefix="p",
        tags={"k": "v"},
    )
    deployment: Deployment = org.conformance_packs.put(pack)
    done: bool = deployment.done()
    status: DeploymentStatus = deployment.status()
    result: DeploymentResult = deployment.wait(timeout=60.0, on_progress=lambda d, t: None)
    accounts: tuple[AccountStatus, ...] = result.accounts
    failed: tuple[AccountStatus, ...] = result.failed
    succeeded: tuple[AccountStatus, ...] = result.succeeded
    info: ConformancePackInfo = org.conformance_packs.get("name")
    arn: str = info.arn
    when: datetime | None = info.last_update
    listing: Iterator[ConformancePackInfo] = org.conformance_packs.list()
    agg: DeploymentStatus = org.conformance_packs.status("name")
    per_account: Iterator[AccountStatus] = org.conformance_packs.account_statuses(
        "name", status=Status.CREATE_FAILED, account_id="111122223333"
    )
    deletion: Deployment = org.conformance_packs.delete("name")
    deletion = org.conformance_packs.delete("name", wait_if_busy=False, missing_ok=True)
    resumed: Deployment = org.conformance_packs.deployment("name")
    resumed = org.conformance_packs.deployment("name", operation="delete")
    busy: bool = resumed.busy
    result = resumed.wait(POLICY_TIMEOUT)
    result = resumed.wait(None)
    del busy
    del size, digest, needs_s3, required, done, status, accounts, failed, succeeded, arn, when
    del listing, agg, per_account, deletion, resumed


def rules(org: Organization) -> None:
    managed = OrgConfigRule.managed(
        "n",
        "S3_BUCKET_VERSIONING_ENABLED",
        description="d",
        input_parameters={"a": "b"},
        max_frequency="One_Hour",
        resource_types=("AWS::S3::Bucket",),
        resource_id=None,
        tag_key=None,
        tag_value=None,
        excluded_accounts=(),
        tags={},
    )
    lam = OrgConfigRule.custom_lambda(
        "n", "arn:aws:lambda:us-east-1:111122223333:function:f", ("ScheduledNotification",)
    )
    guard = OrgConfigRule.custom_policy("n", "rule x { a exists }", runtime="guard-2.x.x")
    guard = OrgConfigRule.custom_policy_from_file("n", "x.guard")
    for rule in (managed, lam, guard):
        deployment: Deployment = org.rules.put(rule)
        back: OrgConfigRule = org.rules.get(rule.name)
        del deployment, back
    listing: Iterator[OrgConfigRule] = org.rules.list()
    text: str = org.rules.policy_text("n")
    del listing, text


def errors(err: DeploymentFailedError, timeout: DeploymentTimeoutError) -> None:
    failures: tuple[AccountStatus, ...] = err.failures
    last: DeploymentResult | None = timeout.last_result
    base: orgconfig.OrgConfigError = err
    del failures, last, base


def testing() -> None:
    with sandbox(accounts=5, regions=("us-east-1", "eu-west-1"), seed=0) as sb:
        box: Sandbox = sb
        management: str = sb.management_account_id
        members: list[str] = sb.member_account_ids
        clock: VirtualClock = sb.clock
        now: datetime = clock.now()
        clock.advance(10)
        sb.set_deploy_duration(60, account_id=None)
        sb.fail_account(members[0], error_code="InsufficientPermissionsException")
        sb.remove_recorder(members[1])
        sb.faults(throttle_rate=0.0, server_error_rate=0.0, stuck_aggregate_status=False)
        calls: int = sb.api_calls["PutOrganizationConformancePack"]
        admin: boto3.Session = sb.as_delegated_admin(members[2])
        del box, management, now, calls, admin


def organization_wide(org: Organization, pack: ConformancePack, rule: OrgConfigRule) -> None:
    from collections.abc import Mapping

    from orgconfig import (
        Account,
        Caller,
        Check,
        MultiRegionDeployment,
        MultiRegionResult,
        OrganizationalUnit,
        OrganizationInfo,
        PreflightReport,
        Regions,
        Resolution,
        TargetChanges,
        Targets,
    )

    connected = Organization.connect(
        regions=["us-east-1", "eu-west-1"],
        excluded_regions=["eu-west-1"],
        template_bucket="bucket",
        template_prefix="orgconfig/templates/",
        member_role="OrganizationAccountAccessRole",
    )
    connected = Organization.connect(regions="all")
    regions: tuple[str, ...] = connected.regions
    targets = Targets(ous=["Root/Workloads"], accounts=[], tags={"env": "prod"})
    info: OrganizationInfo = org.describe()
    caller: Caller = org.caller(refresh=True)
    accounts: tuple[Account, ...] = org.accounts(tags=True)
    units: tuple[OrganizationalUnit, ...] = org.organizational_units()
    names: Mapping[str, str] = org.account_names()
    resolution: Resolution = org.resolve(targets)
    changes: TargetChanges = resolution.changes_since(resolution)
    report: PreflightReport = org.preflight(targets=targets, regions=["us-east-1"])
    checks: tuple[Check, ...] = report.checks
    done: list[str] = org.enable_prerequisites(delegated_admin="111122223333")
    bucket: str = org.ensure_template_bucket()
    everywhere: Regions = org.in_regions(["us-east-1", "eu-west-1"])
    multi: MultiRegionDeployment = everywhere.conformance_packs.put(pack, targets=targets)
    multi = everywhere.rules.put(rule, wait_if_busy=False)
    multi = everywhere.rules.delete("n", missing_ok=True)
    multi = everywhere.conformance_packs.deployment("n", operation="delete")
    result: MultiRegionResult = multi.wait(timeout=60, max_concurrency=2, raise_on_failure=False)
    failed: tuple[str, ...] = result.failed_regions
    single: Deployment = org.conformance_packs.put(pack, targets=targets, wait_if_busy=True)
    single = org.rules.put(rule, targets=targets)
    evaluation = rule.evaluate({"resourceType": "AWS::S3::Bucket"})
    ok: bool = evaluation.compliant
    del regions, info, caller, accounts, units, names, changes, checks, done, bucket
    del failed, single, ok
