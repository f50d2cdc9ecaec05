"""Prerequisites: check them all before a deployment (preflight), fix what can be fixed.

:func:`run_preflight` (``org.preflight(...)``) reads, and changes nothing. It returns a
:class:`PreflightReport` of one :class:`Check` per prerequisite, each ``ok``, ``problem`` or
``unknown`` (it could not be read: the reason is given, and nothing is guessed), each not ``ok``
with the exact remedy:

=============================== ===============================================================
check                           what it reads
=============================== ===============================================================
``all_features``                ``DescribeOrganization``: feature set ``ALL``
``trusted_access``              ``ListAWSServiceAccessForOrganization``: config-multiaccountsetup
``caller_may_deploy``           STS and Organizations: management account or delegated admin
``list_delegated_administrators`` ``ListDelegatedAdministrators``, as the caller
``suspended_accounts``          the organization's accounts (the targeted ones): all ``ACTIVE``
``configuration_recorders``     ``DescribeConfigurationRecorders`` in every targeted account
                                and region, through ``org.clients.member_role``
``conformance_pack_quota``      the caller's organization packs per region, against the limit
``config_rule_quota``           the caller's organization rules per region, against the limit
``template_bucket``             the template bucket's policy (``check_bucket_policy``)
``delivery_bucket``             each delivery bucket's policy (``check_bucket_policy``)
=============================== ===============================================================

:func:`enable_prerequisites` (``org.enable_prerequisites(...)``) fixes, from the management
account and idempotently, what can be fixed without anyone else: trusted access, the delegated
administrator. See ``docs/prerequisites.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs

from orgconfig import _checks as checks
from orgconfig import _display as display
from orgconfig import errors
from orgconfig._aws.clients import check_region
from orgconfig._aws.organizations import OrganizationsApi
from orgconfig._frozen import FrozenDict
from orgconfig.directory import CONFIG_MULTIACCOUNT_SETUP, CONFIG_SERVICE
from orgconfig.targets import Targets

if TYPE_CHECKING:
    from orgconfig.directory import OrganizationInfo
    from orgconfig.organization import Organization

__all__ = [
    "CONFIG_RULES_MAX",
    "CONFORMANCE_PACKS_MAX",
    "DEFAULT_MAX_WORKERS",
    "MAX_DELEGATED_ADMINISTRATORS",
    "Check",
    "CheckStatus",
    "PreflightReport",
    "QuotaLimits",
    "enable_prerequisites",
    "run_preflight",
]

CONFORMANCE_PACKS_MAX = 50
"""AWS Config's published limit of organization conformance packs (per account and region)."""
CONFIG_RULES_MAX = 150
"""AWS Config's published limit of organization Config rules (per account and region)."""
DEFAULT_MAX_WORKERS = 8
"""How many member accounts preflight reads at once (their recorders)."""
MAX_DELEGATED_ADMINISTRATORS = 3
"""AWS Config accepts at most three delegated administrators per organization."""

CheckStatus = Literal["ok", "problem", "unknown"]
"""A check's outcome: ``ok``; ``problem`` (it fails, remedy given); ``unknown`` (not read)."""

_STATUSES = ("ok", "problem", "unknown")
_MARKS = {"ok": "ok     ", "problem": "PROBLEM", "unknown": "UNKNOWN"}


def _accounts(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _by_region(value: Mapping[str, Iterable[str]]) -> Mapping[str, tuple[str, ...]]:
    return FrozenDict({region: tuple(ids) for region, ids in value.items()})


@attrs.frozen
class Check:
    """One prerequisite, checked.

    Attributes:
        name: the check's stable name (``"all_features"``, ``"configuration_recorders"``...).
        title: what it checks, in words.
        status: ``"ok"``, ``"problem"`` or ``"unknown"`` (it could not be read; never guessed).
        detail: what was found, with the accounts and regions concerned.
        remedy: the exact fix (a command or a console step) when not ok; None when ok.
        accounts: the accounts the problem concerns (without a recorder, suspended), sorted.
        unknown_accounts: the accounts that could not be checked (the member role could not be
            assumed, say), sorted.
        by_region: region -> accounts concerned there (configuration recorders).
        subject: what the check is about when there are several of a kind (a bucket name).

    Example::

        for check in org.preflight().problems:
            print(check.title, check.detail, check.remedy)
    """

    name: str
    title: str
    status: CheckStatus = attrs.field(validator=attrs.validators.in_(_STATUSES))
    detail: str
    remedy: str | None = None
    accounts: tuple[str, ...] = attrs.field(default=(), converter=_accounts)
    unknown_accounts: tuple[str, ...] = attrs.field(default=(), converter=_accounts)
    by_region: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, converter=_by_region)
    subject: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the prerequisite is met."""
        return self.status == "ok"

    def __repr__(self) -> str:
        about = f" ({self.subject})" if self.subject else ""
        detail = "" if self.ok else f": {display.shorten(self.detail, 70)}"
        return display.clean(f"<Check {self.name}{about} {self.status}{detail}>")

    def to_dict(self) -> dict[str, Any]:
        """Return the check as plain data (JSON-ready)."""
        return {
            "name": self.name,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "remedy": self.remedy,
            "accounts": list(self.accounts),
            "unknown_accounts": list(self.unknown_accounts),
            "by_region": {region: list(ids) for region, ids in self.by_region.items()},
            "subject": self.subject,
        }


@attrs.frozen
class PreflightReport:
    """Every prerequisite of a deployment, checked: what :func:`run_preflight` returns.

    In IPython and Jupyter it shows as a table of its checks, problems first, then the unknown
    ones, each with what was found and the remedy.

    Attributes:
        checks: one :class:`Check` per prerequisite, in a fixed order.
        regions: the regions checked.

    Example::

        report = org.preflight(Targets(ous=["Root/Workloads"]), regions=["eu-west-1"])
        if not report.ok:
            print(report.summary())
    """

    checks: tuple[Check, ...]
    regions: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether every check is ok (an unknown one is not)."""
        return all(check.ok for check in self.checks)

    @property
    def problems(self) -> tuple[Check, ...]:
        """The checks that fail."""
        return tuple(c for c in self.checks if c.status == "problem")

    @property
    def unknown(self) -> tuple[Check, ...]:
        """The checks that could not be made."""
        return tuple(c for c in self.checks if c.status == "unknown")

    def __getitem__(self, name: str) -> Check:
        """Return the (first) check named ``name``; KeyError when there is none."""
        for check in self.checks:
            if check.name == name:
                return check
        raise KeyError(name)

    def summary(self) -> str:
        """Return the report as text: one line per check, then the detail and remedy of each."""
        lines = [self._headline()]
        for check in self.checks:
            lines.append(f"  [{_MARKS[check.status]}] {check.title}: {check.detail}")
            if check.remedy and not check.ok:
                lines.append(f"            remedy: {check.remedy}")
        return "\n".join(lines)

    def _headline(self) -> str:
        counts = f"{len(self.problems)} problem(s), {len(self.unknown)} unknown"
        return f"preflight in {', '.join(self.regions)}: {'ok' if self.ok else counts}"

    def __repr__(self) -> str:
        return display.clean(f"<PreflightReport {self._headline()}, {len(self.checks)} checks>")

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain data (JSON-ready), the shape of the CLI's ``--json``.

        ``checks`` holds each :meth:`Check.to_dict`, in the report's order; ``counts`` counts
        them by status. See ``docs/notebooks.md``.

        Example::

            {"ok": False, "regions": ["us-east-1"],
             "counts": {"checks": 8, "ok": 7, "problem": 1, "unknown": 0},
             "checks": [{"name": "all_features", "status": "ok", ...}, ...]}
        """
        return {
            "ok": self.ok,
            "regions": list(self.regions),
            "counts": {
                "checks": len(self.checks),
                "ok": sum(check.ok for check in self.checks),
                "problem": len(self.problems),
                "unknown": len(self.unknown),
            },
            "checks": [check.to_dict() for check in self.checks],
        }

    _repr_pretty_ = display.repr_pretty
    _repr_html_ = display.repr_html

    def _view(self) -> display.View:
        tones: dict[str, display.Tone] = {"problem": "bad", "unknown": "warn", "ok": "ok"}
        rows = display.failures_first(
            display.Row(
                (
                    _MARKS[check.status].strip(),
                    check.title + (f" ({check.subject})" if check.subject else ""),
                    check.detail,
                ),
                tones[check.status],
            )
            for check in self.checks
        )
        columns = (
            display.Column("status", toned=True),
            display.Column("check", width=36),
            display.Column("detail", width=60),
        )
        order = {"problem": 0, "unknown": 1}
        remedies = tuple(
            f"remedy for {check.title}{f' ({check.subject})' if check.subject else ''}: "
            f"{check.remedy}"
            for check in sorted(self.checks, key=lambda c: order.get(c.status, 2))
            if check.remedy and not check.ok
        )
        table = display.Table(columns, rows, noun="checks")
        return display.View(self._headline(), (table,), remedies)


@attrs.frozen
class QuotaLimits:
    """The limits preflight counts organization packs and rules against.

    Attributes:
        conformance_packs: organization conformance packs per account and region (AWS: 50).
        config_rules: organization Config rules per account and region (AWS: 150).
        headroom: how many more of each the deployment needs; a region with less room is a
            problem.
    """

    conformance_packs: int = attrs.field(
        default=CONFORMANCE_PACKS_MAX, validator=attrs.validators.ge(0)
    )
    config_rules: int = attrs.field(default=CONFIG_RULES_MAX, validator=attrs.validators.ge(0))
    headroom: int = attrs.field(default=1, validator=attrs.validators.ge(0))


def _regions(org: Organization, regions: object) -> tuple[str, ...]:
    if regions is None:
        return (org.home_region,)
    if isinstance(regions, str) or not isinstance(regions, Iterable):
        raise checks.fail("regions", "must be a list of region names, not a single string")
    found = tuple(dict.fromkeys(check_region(r, field="regions") for r in regions))
    if not found:
        raise checks.fail("regions", "must name at least one region (None: the home region)")
    return found


_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")


def _bucket(value: object, label: str) -> str:
    if not isinstance(value, str) or not _BUCKET.fullmatch(value):
        raise checks.fail(label, f"{checks.show(value)} is not an S3 bucket name")
    return value


def _delivery(value: object) -> Mapping[str, str | None]:
    if isinstance(value, str):
        raise checks.fail(
            "delivery_buckets", "must be a list of bucket names or a mapping bucket -> prefix"
        )
    if isinstance(value, Mapping):
        pairs = list(value.items())
    elif isinstance(value, Iterable):
        pairs = [(name, None) for name in value]
    else:
        raise checks.fail("delivery_buckets", f"not a list of bucket names: {checks.show(value)}")
    found: dict[str, str | None] = {}
    for name, prefix in pairs:
        if prefix is not None and not isinstance(prefix, str):
            raise checks.fail("delivery_buckets", f"prefix {checks.show(prefix)} is not a string")
        found[_bucket(name, "delivery_buckets")] = prefix
    return found


def run_preflight(
    org: Organization,
    targets: Targets | None = None,
    regions: Iterable[str] | None = None,
    *,
    template_bucket: str | None = None,
    template_prefix: str | None = None,
    delivery_buckets: Iterable[str] | Mapping[str, str | None] = (),
    limits: QuotaLimits | None = None,
    max_workers: int = DEFAULT_MAX_WORKERS,
) -> PreflightReport:
    """Check every prerequisite of deploying to ``targets`` in ``regions``; change nothing.

    Args:
        org: the organization, as the caller that will deploy.
        targets: the accounts the deployment is for (None: the whole organization).
        regions: the regions it is for (None: the home region).
        template_bucket: the bucket templates are read from (``TemplateS3Uri``), to check its
            policy.
        template_prefix: where the templates are under it (default ``orgconfig/templates/``),
            or one template's key.
        delivery_buckets: the packs' delivery buckets (``DeliveryS3Bucket``): names, or a
            mapping name -> ``DeliveryS3KeyPrefix``.
        limits: the limits packs and rules are counted against (AWS's published ones).
        max_workers: how many member accounts are read at once.

    Raises:
        ValidationError: an argument of the wrong type or value, or targets naming an OU or
            account the organization does not have. AWS errors never raise: they make the
            checks concerned ``unknown``.

    Example::

        report = org.preflight(Targets(ous=["Root/Workloads"]), regions=["us-east-1"])
        print(report.summary())
    """
    from orgconfig import _prerequisites  # noqa: PLC0415 - it imports the records above

    if targets is not None and not isinstance(targets, Targets):
        raise checks.fail("targets", f"must be a Targets or None, not {type(targets).__name__}")
    found_regions = _regions(org, regions)
    if template_bucket is not None:
        _bucket(template_bucket, "template_bucket")
    if template_prefix is not None and not isinstance(template_prefix, str):
        raise checks.fail("template_prefix", "must be a string or None")
    buckets = _delivery(delivery_buckets)
    if limits is not None and not isinstance(limits, QuotaLimits):
        raise checks.fail("limits", f"must be a QuotaLimits or None, not {type(limits).__name__}")
    if isinstance(max_workers, bool) or not isinstance(max_workers, int) or max_workers < 1:
        raise checks.fail("max_workers", f"must be a positive int, not {checks.show(max_workers)}")
    ctx = _prerequisites.Context(org, found_regions, targets)
    found = _prerequisites.checks_of(
        ctx,
        limits=limits or QuotaLimits(),
        template_bucket=template_bucket,
        template_prefix=template_prefix,
        delivery_buckets=buckets,
        max_workers=max_workers,
    )
    return PreflightReport(found, found_regions)


def enable_prerequisites(org: Organization, delegated_admin: str | None = None) -> list[str]:
    """Fix, from the management account, the prerequisites it can fix alone; say what it did.

    Enables trusted access for ``config-multiaccountsetup.amazonaws.com`` and
    ``config.amazonaws.com``, and registers ``delegated_admin`` (when given) as a delegated
    administrator for both, each only when not done yet: a second run does nothing and returns
    an empty list. All features cannot be enabled for you (every invited account must
    approve): an organization without them is reported as an error, and nothing is changed.

    Returns:
        One sentence per change made, in order; empty when there was nothing to do.

    Raises:
        ValidationError: ``delegated_admin`` is not an account of the organization, is the
            management account, or would be a fourth delegated administrator.
        AccessDeniedError: the caller is not the management account (only it may do this).
        OrganizationNotReadyError: the caller is in no organization, or the organization does
            not have all features enabled (the message says how to enable them).

    Example::

        org.enable_prerequisites(delegated_admin="111122223333")
        # ['enabled trusted access for config-multiaccountsetup.amazonaws.com', ...]
        org.enable_prerequisites(delegated_admin="111122223333")   # []
    """
    if delegated_admin is not None:
        checks.run(checks.ACCOUNT, delegated_admin, "delegated_admin")
    info = _from_management(org)
    api = OrganizationsApi(org.clients, org.home_region)
    principals = (CONFIG_MULTIACCOUNT_SETUP, CONFIG_SERVICE)
    register = _to_register(org, api, info, delegated_admin, principals)
    name = org.account(delegated_admin).name if delegated_admin is not None else ""
    actions: list[str] = []
    enabled = {
        str(item["ServicePrincipal"])
        for item in api.items("ListAWSServiceAccessForOrganization", "EnabledServicePrincipals")
    }
    for principal in principals:
        if principal not in enabled:
            api.call("EnableAWSServiceAccess", ServicePrincipal=principal)
            actions.append(f"enabled trusted access for {principal}")
    for principal in register:
        api.call(
            "RegisterDelegatedAdministrator", AccountId=delegated_admin, ServicePrincipal=principal
        )
        actions.append(
            f"registered {delegated_admin} ({name}) as a delegated administrator for {principal}"
        )
    if actions:
        org.refresh()
    return actions


def _from_management(org: Organization) -> OrganizationInfo:
    """The organization, when the caller is its management account and it has all features."""
    from orgconfig import _prerequisites  # noqa: PLC0415 - it imports the records above

    caller = org.caller(refresh=True)
    if not caller.in_organization:
        raise errors.OrganizationNotReadyError(
            f"{caller.account_id} is in no organization: enable_prerequisites runs from the "
            "management account of an AWS Organization",
            operation="enable_prerequisites",
        )
    if not caller.is_management:
        raise errors.AccessDeniedError(
            f"enable_prerequisites must run from the management account "
            f"({caller.management_account_id}); the caller is {caller.account_id} "
            f"({caller.role}). Connect with a session of the management account",
            operation="enable_prerequisites",
        )
    info = org.describe(refresh=True)
    if not info.all_features:
        raise errors.OrganizationNotReadyError(
            f"organization {info.id} has feature set {info.feature_set}, not ALL, and orgconfig "
            f"cannot enable all features for you: {_prerequisites.ALL_FEATURES_REMEDY}",
            operation="enable_prerequisites",
        )
    return info


def _to_register(
    org: Organization,
    api: OrganizationsApi,
    info: OrganizationInfo,
    delegated_admin: str | None,
    principals: tuple[str, ...],
) -> list[str]:
    """The principals to register ``delegated_admin`` for; a ValidationError when it cannot be."""
    register: list[str] = []
    if delegated_admin is not None:
        try:
            org.account(delegated_admin)  # a ValidationError naming the closest ids
        except errors.ValidationError as e:
            raise checks.fail("delegated_admin", str(e).partition(": ")[2]) from e
        if delegated_admin == info.management_account_id:
            raise checks.fail(
                "delegated_admin",
                f"{delegated_admin} is the management account: it deploys without being "
                "registered (AWS refuses to register it)",
            )
        for principal in principals:
            admins = api.delegated_administrators(principal)
            if delegated_admin in admins:
                continue
            if (
                principal == CONFIG_MULTIACCOUNT_SETUP
                and len(admins) >= MAX_DELEGATED_ADMINISTRATORS
            ):
                raise checks.fail(
                    "delegated_admin",
                    f"organization {info.id} already has {len(admins)} delegated "
                    f"administrators for {principal} ({', '.join(sorted(admins))}), the most "
                    "AWS Config allows: deregister one first (aws organizations "
                    "deregister-delegated-administrator --account-id <id> "
                    f"--service-principal {principal})",
                )
            register.append(principal)
    return register
