"""The checks of :func:`orgconfig.preflight.run_preflight`, one function per prerequisite.

Each function reads what it needs (through the organization's client factory, so every error is
an :mod:`orgconfig.errors` one) and returns one :class:`~orgconfig.preflight.Check`. A read that
fails for any reason makes the check ``unknown``, with the error: never a guess. The remedies are
the exact commands (AWS CLI) or console steps that fix the problem.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from orgconfig import _checks as checks
from orgconfig import errors
from orgconfig._aws import s3 as _s3
from orgconfig._aws import translate_errors
from orgconfig._aws.organizations import OrganizationsApi
from orgconfig._bucket_access import decide, problem_of, reader_request, statements_of
from orgconfig._uploads import TEMPLATE_PREFIX
from orgconfig.buckets import (
    CONFORMS_ROLE_PATTERN,
    Purpose,
    check_bucket_policy,
    partition_for_region,
    template_object_arn,
)
from orgconfig.directory import CONFIG_MULTIACCOUNT_SETUP, CONFIG_SERVICE, Account, Caller
from orgconfig.preflight import MAX_DELEGATED_ADMINISTRATORS, Check, CheckStatus, QuotaLimits

if TYPE_CHECKING:
    from orgconfig.organization import Organization
    from orgconfig.targets import Targets

__all__ = ["ALL_FEATURES_REMEDY", "CallerRead", "Context", "caller_reads", "checks_of"]

ALL_FEATURES_REMEDY = (
    "From the management account: aws organizations enable-all-features (console: AWS "
    "Organizations > Settings > Begin process to enable all features). Every invited member "
    "account must approve the handshake (aws organizations accept-handshake --handshake-id <id>, "
    "or AWS Organizations > Invitations in that account); accounts the organization created "
    "approve automatically. Then finish the process in the management account's console."
)
_TRUSTED_REMEDY = (
    "From the management account: aws organizations enable-aws-service-access "
    "--service-principal {principal} (or orgconfig: org.enable_prerequisites())"
)
_REGISTER = (
    "aws organizations register-delegated-administrator --account-id {account} "
    f"--service-principal {CONFIG_MULTIACCOUNT_SETUP}"
)
_LIST_ADMINS_REMEDY = (
    "Allow organizations:ListDelegatedAdministrators (and organizations:DescribeOrganization) "
    "in the IAM policy of the principal that deploys: AWS Config lists the delegated "
    "administrators when a delegated administrator puts an organization pack or rule"
)
_RECORDER_REMEDY = (
    "In each account and region listed, create and start a configuration recorder: "
    "aws configservice put-configuration-recorder --region <region> --configuration-recorder "
    "name=default,roleARN=arn:aws:iam::<account>:role/aws-service-role/config.amazonaws.com/"
    "AWSServiceRoleForConfig --recording-group allSupported=true; aws configservice "
    "put-delivery-channel --region <region> --delivery-channel name=default,s3BucketName=<bucket>; "
    "aws configservice start-configuration-recorder --region <region> "
    "--configuration-recorder-name default (or the console: AWS Config > Get started, or a "
    "CloudFormation StackSet for every account). Or leave those accounts out of the targets: "
    "Targets(exclude_accounts=[...])"
)
_UNREACHABLE_REMEDY = (
    "orgconfig reads recorders by assuming the role {role} in each member account: create it "
    "there (AWS Organizations creates OrganizationAccountAccessRole only in accounts it "
    "creates; invited accounts need it), trusting the caller's account and allowing "
    "config:DescribeConfigurationRecorders, or connect with member_role= naming a role that "
    "exists in every member account"
)
_SUSPENDED_REMEDY = (
    "Leave them out of the targets: Targets(exclude_accounts=[...]) (the API's "
    "ExcludedAccounts). A suspended account takes no deployment, and a delete that includes it "
    "ends DELETE_FAILED until it is excluded or has left the organization (AWS removes closed "
    "accounts 90 days after closure)"
)
_QUOTA_REMEDY = {
    "pack": (
        "Delete organization conformance packs no longer needed (org.conformance_packs.delete"
        "(name), or aws configservice delete-organization-conformance-pack "
        "--organization-conformance-pack-name <name> --region <region>), or ask AWS Support "
        "for a higher limit (AWS Config service limits)"
    ),
    "rule": (
        "Delete organization Config rules no longer needed (org.rules.delete(name), or aws "
        "configservice delete-organization-config-rule --organization-config-rule-name <name> "
        "--region <region>), or ask AWS Support for a higher limit (AWS Config service limits)"
    ),
}
_CALLER_READS_REMEDY = (
    "From the bucket's owner, add the caller to the readers of the template bucket policy: "
    "orgconfig.buckets.apply_bucket_policy(s3, {bucket!r}, orgconfig.buckets."
    "template_bucket_policy({bucket!r}, organization_id={organization!r}, prefix={prefix!r}, "
    "readers=[{caller!r}])) (AWS Config reads TemplateS3Uri as the caller: without it every put "
    "of a pack from S3 is refused with InsufficientPermissionsException)"
)
_BUCKET_REMEDY = (
    "Apply the policy orgconfig generates: orgconfig.buckets.apply_bucket_policy(s3, "
    "{bucket!r}, orgconfig.buckets.{purpose}_bucket_policy({bucket!r}, organization_id="
    "{organization!r}...)), or aws s3api put-bucket-policy --bucket {bucket} --policy "
    "file://policy.json with the statements of docs/large-templates.md"
)


def _unknown(name: str, title: str, error: Exception, remedy: str | None = None) -> Check:
    return Check(
        name,
        title,
        "unknown",
        f"could not be checked: {error}",
        remedy=remedy or "Fix the error above (permissions, credentials), then run preflight again",
    )


class Context:
    """What the checks share: the organization, the regions, and each read done once.

    Args:
        org: the organization.
        regions: the regions checked.
        targets: the targets, or None for the whole organization.
    """

    def __init__(self, org: Organization, regions: Sequence[str], targets: Targets | None) -> None:
        self.org = org
        self.regions = tuple(regions)
        self.targets = targets
        self.api = OrganizationsApi(org.clients, org.home_region)
        self._admins: frozenset[str] | Exception | None = None
        self._targeted: tuple[Account, ...] | Exception | None = None

    def caller(self) -> Caller | Exception:
        """The caller, or the error that kept it from being read."""
        try:
            return self.org.caller(refresh=True)
        except errors.OrgConfigError as e:
            return e

    def admins(self) -> frozenset[str] | Exception:
        """The delegated administrators for config-multiaccountsetup, read once."""
        if self._admins is None:
            try:
                self._admins = self.api.delegated_administrators(CONFIG_MULTIACCOUNT_SETUP)
            except errors.OrgConfigError as e:
                self._admins = e
        return self._admins

    def targeted(self) -> tuple[Account, ...] | Exception:
        """The accounts the targets select (every account without targets), read once."""
        if self._targeted is None:
            try:
                accounts: tuple[Account, ...] = self.org.accounts(refresh=True)
                if self.targets is not None:
                    included = self.org.resolve(self.targets).included
                    accounts = tuple(a for a in accounts if a.id in included)
                self._targeted = accounts
            except errors.ValidationError:
                raise  # targets naming an OU or account the organization does not have
            except errors.OrgConfigError as e:
                self._targeted = e
        return self._targeted

    def label(self, account_ids: Iterable[str]) -> str:
        """Account ids with their names, as ``"111122223333 (prod), ..."``."""
        try:
            names = self.org.account_names()
        except errors.OrgConfigError:
            names = {}
        return ", ".join(f"{a} ({names[a]})" if names.get(a) else a for a in account_ids)


# -- the organization --------------------------------------------------------------------------


def all_features(ctx: Context) -> Check:
    """All features enabled: ``DescribeOrganization``'s ``FeatureSet`` is ``ALL``."""
    title = "All features enabled"
    try:
        info = ctx.org.describe(refresh=True)
    except errors.OrganizationNotReadyError as e:
        return Check(
            "all_features",
            title,
            "problem",
            f"the caller is in no organization ({e})",
            remedy="Run from an account of an AWS Organization with all features enabled",
        )
    except errors.OrgConfigError as e:
        return _unknown("all_features", title, e)
    if info.all_features:
        return Check("all_features", title, "ok", f"organization {info.id} has all features")
    return Check(
        "all_features",
        title,
        "problem",
        f"organization {info.id} has feature set {info.feature_set}: AWS Config's organization "
        "APIs refuse it (OrganizationAllFeaturesNotEnabledException); orgconfig cannot enable "
        "all features for you, since every invited account must approve",
        remedy=ALL_FEATURES_REMEDY,
    )


def trusted_access(ctx: Context) -> Check:
    """Trusted access for config-multiaccountsetup (config.amazonaws.com is reported too)."""
    title = f"Trusted access for {CONFIG_MULTIACCOUNT_SETUP}"
    try:
        enabled = {
            str(item["ServicePrincipal"])
            for item in ctx.api.items(
                "ListAWSServiceAccessForOrganization", "EnabledServicePrincipals"
            )
        }
    except errors.OrgConfigError as e:
        return _unknown("trusted_access", title, e)
    aggregators = (
        f"{CONFIG_SERVICE} is enabled too"
        if CONFIG_SERVICE in enabled
        else f"{CONFIG_SERVICE} is not (needed only for organization aggregators)"
    )
    if CONFIG_MULTIACCOUNT_SETUP in enabled:
        return Check("trusted_access", title, "ok", f"enabled; {aggregators}")
    return Check(
        "trusted_access",
        title,
        "problem",
        f"not enabled: member accounts cannot get organization packs and rules; {aggregators}",
        remedy=_TRUSTED_REMEDY.format(principal=CONFIG_MULTIACCOUNT_SETUP),
    )


def caller_may_deploy(ctx: Context) -> Check:
    """The caller is the management account, or one of at most 3 delegated administrators."""
    title = "The caller may deploy"
    caller = ctx.caller()
    if isinstance(caller, Exception):
        return _unknown("caller_may_deploy", title, caller)
    if caller.is_management:
        return Check(
            "caller_may_deploy", title, "ok", f"{caller.account_id} is the management account"
        )
    if caller.may_deploy:
        return Check(
            "caller_may_deploy",
            title,
            "ok",
            f"{caller.account_id} is a delegated administrator for {CONFIG_MULTIACCOUNT_SETUP}",
        )
    if not caller.in_organization:
        return Check(
            "caller_may_deploy",
            title,
            "problem",
            f"{caller.account_id} is in no organization",
            remedy="Run from the management account of an AWS Organization, or from a "
            "delegated administrator it registered",
        )
    register = _REGISTER.format(account=caller.account_id)
    admins = ctx.admins()
    full = ""
    if not isinstance(admins, Exception) and len(admins) >= MAX_DELEGATED_ADMINISTRATORS:
        full = (
            f"; the organization already has {len(admins)} delegated administrators "
            f"({', '.join(sorted(admins))}), the most AWS Config allows: deregister one first "
            "(aws organizations deregister-delegated-administrator --account-id <id> "
            f"--service-principal {CONFIG_MULTIACCOUNT_SETUP})"
        )
    remedy = (
        f"Run from the management account ({caller.management_account_id}), or register this "
        f"account from it: {register} (or orgconfig, from the management account: "
        f"org.enable_prerequisites(delegated_admin={caller.account_id!r})){full}"
    )
    if caller.may_deploy is None:
        return Check(
            "caller_may_deploy",
            title,
            "unknown",
            f"{caller.account_id} is a member account whose delegations could not be read: "
            f"{caller.unknown_reason}",
            remedy=remedy,
        )
    what = (
        f"a delegated administrator for {CONFIG_SERVICE} only (aggregators), not for "
        f"{CONFIG_MULTIACCOUNT_SETUP}"
        if caller.is_config_delegated_admin
        else "neither the management account nor a delegated administrator for "
        f"{CONFIG_MULTIACCOUNT_SETUP}"
    )
    return Check(
        "caller_may_deploy", title, "problem", f"{caller.account_id} is {what}", remedy=remedy
    )


def lists_delegated_admins(ctx: Context) -> Check:
    """The caller may call ``ListDelegatedAdministrators`` (AWS Config needs it of an admin)."""
    title = "The caller may list delegated administrators"
    admins = ctx.admins()
    if isinstance(admins, errors.AccessDeniedError):
        return Check(
            "list_delegated_administrators",
            title,
            "problem",
            f"ListDelegatedAdministrators was refused: {admins}",
            remedy=_LIST_ADMINS_REMEDY,
        )
    if isinstance(admins, Exception):
        return _unknown("list_delegated_administrators", title, admins)
    listed = ", ".join(sorted(admins)) or "none"
    return Check(
        "list_delegated_administrators",
        title,
        "ok",
        f"{len(admins)} delegated administrator(s) for {CONFIG_MULTIACCOUNT_SETUP}: {listed}",
    )


# -- the targeted accounts ---------------------------------------------------------------------


def suspended_accounts(ctx: Context) -> Check:
    """No targeted account is suspended (or otherwise not ``ACTIVE``)."""
    title = "No suspended account among the targets"
    targeted = ctx.targeted()
    if isinstance(targeted, Exception):
        return _unknown("suspended_accounts", title, targeted)
    inactive = tuple(sorted(a.id for a in targeted if not a.is_active))
    if not inactive:
        return Check(
            "suspended_accounts", title, "ok", f"all {len(targeted)} targeted accounts are active"
        )
    states = {a.id: a.status for a in targeted}
    shown = ", ".join(f"{ctx.label([a])}: {states[a]}" for a in inactive)
    return Check(
        "suspended_accounts",
        title,
        "problem",
        f"{len(inactive)} targeted account(s) are not active: {shown}",
        remedy=_SUSPENDED_REMEDY,
        accounts=inactive,
    )


def _recorders_of(ctx: Context, account_id: str) -> dict[str, bool] | str:
    """Region -> has a recorder, for one account; or why it could not be read."""
    found: dict[str, bool] = {}
    try:
        for region in ctx.regions:
            client: Any = ctx.org.clients.client("config", region, account_id=account_id)
            with translate_errors(
                "DescribeConfigurationRecorders", region, service="config", doing=account_id
            ):
                answer = client.describe_configuration_recorders()
            found[region] = bool(answer.get("ConfigurationRecorders"))
    except errors.OrgConfigError as e:
        return str(e)
    return found


def recorders(ctx: Context, max_workers: int) -> Check:
    """Each targeted active account has a configuration recorder in each region."""
    title = "Configuration recorders in every targeted account and region"
    targeted = ctx.targeted()
    if isinstance(targeted, Exception):
        return _unknown("configuration_recorders", title, targeted)
    accounts = sorted(a.id for a in targeted if a.is_active)
    found: dict[str, dict[str, bool]] = {}  # account -> region -> has a recorder
    reasons: dict[str, str] = {}  # account -> why it could not be checked
    if accounts:
        workers = max(1, min(max_workers, len(accounts)))
        with concurrent.futures.ThreadPoolExecutor(workers, "orgconfig-preflight") as pool:
            for account_id, answer in zip(
                accounts, pool.map(lambda a: _recorders_of(ctx, a), accounts), strict=True
            ):
                if isinstance(answer, str):
                    reasons[account_id] = answer
                else:
                    found[account_id] = answer
    missing = {
        region: tuple(a for a in accounts if a in found and not found[a][region])
        for region in ctx.regions
    }
    missing = {region: ids for region, ids in missing.items() if ids}
    unreachable = tuple(a for a in accounts if a in reasons)
    lacking = tuple(sorted({a for ids in missing.values() for a in ids}))
    parts = [
        f"{len(ids)} account(s) without a recorder in {region}: {ctx.label(ids)}"
        for region, ids in missing.items()
    ]
    if unreachable:
        first = reasons[unreachable[0]]
        parts.append(
            f"{len(unreachable)} account(s) could not be checked (unknown): "
            f"{ctx.label(unreachable)}; for example: {first}"
        )
    remedies = []
    if lacking:
        remedies.append(_RECORDER_REMEDY)
    if unreachable:
        remedies.append(_UNREACHABLE_REMEDY.format(role=ctx.org.clients.member_role))
    status: CheckStatus = "problem" if lacking else "unknown" if unreachable else "ok"
    detail = (
        "; ".join(parts)
        if parts
        else f"all {len(accounts)} active targeted account(s) have one in {', '.join(ctx.regions)}"
    )
    return Check(
        "configuration_recorders",
        title,
        status,
        detail,
        remedy=". ".join(remedies) or None,
        accounts=lacking,
        unknown_accounts=unreachable,
        by_region=missing,
    )


# -- quotas ------------------------------------------------------------------------------------


def quota(ctx: Context, kind: str, limits: QuotaLimits) -> Check:
    """Room for ``limits.headroom`` more organization packs (or rules) in every region."""
    noun = "conformance packs" if kind == "pack" else "Config rules"
    name = "conformance_pack_quota" if kind == "pack" else "config_rule_quota"
    limit = limits.conformance_packs if kind == "pack" else limits.config_rules
    title = f"Room for organization {noun}"
    counts: dict[str, int] = {}
    try:
        for region in ctx.regions:
            view = ctx.org.in_region(region)
            collection: Any = view.conformance_packs if kind == "pack" else view.rules
            counts[region] = sum(1 for _ in collection.names())
    except errors.OrgConfigError as e:
        return _unknown(name, title, e)
    full = [r for r, n in counts.items() if n + limits.headroom > limit]
    shown = ", ".join(f"{r}: {n}/{limit}" for r, n in counts.items())
    if not full:
        return Check(name, title, "ok", f"organization {noun} deployed by the caller: {shown}")
    return Check(
        name,
        title,
        "problem",
        f"no room for {limits.headroom} more organization {noun} in {', '.join(full)} "
        f"({shown}; the limit is {limit} per account and region)",
        remedy=_QUOTA_REMEDY[kind],
    )


# -- buckets -----------------------------------------------------------------------------------


def bucket(
    ctx: Context,
    name: str,
    purpose: Purpose,
    prefix: str | None,
    organization_id: Callable[[], str],
) -> Check:
    """The bucket policy of ``name`` lets the organization's member accounts in."""
    check_name = f"{purpose}_bucket"
    title = f"The {purpose} bucket {name} lets member accounts in"
    try:
        organization = organization_id()
        s3: Any = ctx.org.clients.client("s3", ctx.org.home_region)
        policy = _s3.get_bucket_policy(s3, name, doing=f"reading the policy of bucket {name}")
    except errors.NotFoundError as e:
        return Check(
            check_name,
            title,
            "problem",
            f"the bucket cannot be found: {e}",
            remedy=f"Create it: orgconfig.buckets.ensure_bucket(s3, {name!r}, region, "
            "organization_id=..., "
            f"purpose={purpose!r}) (it also applies the policy)",
            subject=name,
        )
    except errors.OrgConfigError as e:
        return Check(
            check_name,
            title,
            "unknown",
            f"the bucket policy could not be read: {e}",
            remedy=f"Allow s3:GetBucketPolicy on {name} to the caller, or run preflight from "
            "the bucket's owner",
            subject=name,
        )
    partition = partition_for_region(ctx.org.home_region)
    problems = check_bucket_policy(
        policy,
        organization_id=organization,
        purpose=purpose,
        bucket=name,
        prefix=prefix,
        partition=partition,
    )
    remedies = (
        [_BUCKET_REMEDY.format(bucket=name, purpose=purpose, organization=organization)]
        if problems
        else []
    )
    unknown: str | None = None
    if purpose == "template":
        read = caller_reads(
            ctx,
            s3,
            name,
            prefix=prefix,
            organization=organization,
            policy=policy,
            partition=partition,
        )
        if read.problem is not None:
            problems.append(read.problem)
        unknown = read.unknown
        if read.problem is not None or unknown is not None:
            remedies.append(read.remedy)
    if problems:
        detail = " ".join(problems) + (f" Also: {unknown}" if unknown else "")
        status: CheckStatus = "problem"
    elif unknown is not None:
        detail, status = unknown, "unknown"
    else:
        detail, status = _BUCKET_OK[purpose], "ok"
    remedy = " ".join(remedies) or None
    return Check(check_name, title, status, detail, remedy=remedy, subject=name)


_BUCKET_OK = {
    "template": "the policy lets member accounts, and the caller, read the templates",
    "delivery": "the policy lets member accounts in",
}


@attrs.frozen
class CallerRead:
    """Whether the caller itself may read templates from the bucket: a problem, unknown, or ok."""

    problem: str | None = None
    unknown: str | None = None
    remedy: str = ""


def caller_reads(
    ctx: Context,
    s3: Any,
    name: str,
    *,
    prefix: str | None,
    organization: str,
    policy: str | None,
    partition: str,
) -> CallerRead:
    """Whether the caller may ``s3:GetObject`` the templates under ``prefix``.

    AWS Config reads a ``TemplateS3Uri`` as the caller, so a delegated administrator using the
    management account's bucket needs a statement of the bucket policy (``readers=``).

    The bucket owner's principals read through their identity policies (only an explicit
    ``Deny`` stops them); any other account needs an ``Allow`` of the bucket policy, decided by
    :func:`orgconfig._bucket_access.decide`.
    """
    caller = ctx.caller()
    if isinstance(caller, Exception):
        return CallerRead(
            unknown=f"whether the caller may read the templates is unknown: {caller}",
            remedy="Fix the error above (permissions, credentials), then run preflight again",
        )
    account = caller.account_id
    resource = template_object_arn(name, prefix, partition)
    remedy = _CALLER_READS_REMEDY.format(
        bucket=name,
        organization=organization,
        prefix=TEMPLATE_PREFIX if prefix is None else prefix,
        caller=account,
    )
    statements = _statements(policy)
    if statements is None:
        return CallerRead()  # not a usable policy: check_bucket_policy reports it
    request = reader_request(
        f"arn:{partition}:iam::{account}:root",
        organization,
        resource,
        # AWS Config's conforms role is assumed by AWS Config only: never the caller of a put
        not_arns=frozenset({CONFORMS_ROLE_PATTERN.format(partition=partition)}),
    )
    decision = decide(statements, request, owner=None, partition=partition)
    if decision.outcome in ("allowed", "denied"):
        problem = problem_of(decision, f"the caller {account}", "s3:GetObject", resource)
        return CallerRead(problem=problem, remedy=remedy)
    owned = _owns(s3, name, account)
    if isinstance(owned, Exception):
        return CallerRead(
            unknown=f"no statement of the bucket policy surely lets the caller {account} "
            f"s3:GetObject on {resource}, and whether {account} owns the bucket (and reads "
            f"through its own IAM policies) could not be read: {owned}",
            remedy=remedy,
        )
    if owned:
        decision = decide(statements, request, owner=account, partition=partition)
    problem = problem_of(decision, f"the caller {account}", "s3:GetObject", resource)
    if problem is not None and not owned:
        problem += (
            f": {account} does not own the bucket, and AWS Config reads TemplateS3Uri as the "
            "caller, so its puts of packs from this bucket are refused "
            "(InsufficientPermissionsException)"
        )
    return CallerRead(problem=problem, remedy=remedy)


def _statements(policy: str | None) -> list[Any] | None:
    if policy is None or not policy.strip():
        return []
    try:
        document = checks.parse_json(policy, "policy")
    except errors.ValidationError:
        return None
    found = statements_of(document)
    return None if found is None else list(found)


def _owns(s3: Any, bucket: str, account: str) -> bool | Exception:
    """Whether ``bucket`` is one of the caller's own (``ListBuckets`` lists only those)."""
    doing = f"listing the buckets of {account}"
    token: str | None = None
    try:
        while True:
            with translate_errors("ListBuckets", None, service="s3", doing=doing):
                answer = s3.list_buckets(**({"ContinuationToken": token} if token else {}))
            if any(b.get("Name") == bucket for b in answer.get("Buckets", ())):
                return True
            token = answer.get("ContinuationToken")
            if not token:
                return False
    except errors.OrgConfigError as e:
        return e


def organization_reader(ctx: Context) -> Callable[[], str]:
    """Return a function giving the organization's id (raising when it cannot be read)."""
    return lambda: ctx.org.describe().id


def checks_of(
    ctx: Context,
    *,
    limits: QuotaLimits,
    template_bucket: str | None,
    template_prefix: str | None,
    delivery_buckets: Mapping[str, str | None],
    max_workers: int,
) -> tuple[Check, ...]:
    """Run every check, in the order they are reported."""
    found = [
        all_features(ctx),
        trusted_access(ctx),
        caller_may_deploy(ctx),
        lists_delegated_admins(ctx),
        suspended_accounts(ctx),
        recorders(ctx, max_workers),
        quota(ctx, "pack", limits),
        quota(ctx, "rule", limits),
    ]
    org_id = organization_reader(ctx)
    if template_bucket is not None:
        found.append(bucket(ctx, template_bucket, "template", template_prefix, org_id))
    for name, prefix in delivery_buckets.items():
        found.append(bucket(ctx, name, "delivery", prefix, org_id))
    return tuple(found)
