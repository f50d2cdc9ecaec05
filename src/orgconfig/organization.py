"""The entry point: :class:`Organization`, an AWS Organization seen by its administrator.

An :class:`Organization` holds what every region shares: the caller's session, the one
:class:`~orgconfig._aws.clients.ClientFactory` that creates every client (Config, Organizations,
S3, STS; in any region; in member accounts by assuming a role), and the policies. The AWS Config
organization APIs are regional: :meth:`Organization.in_region` gives one region's packs and rules,
and ``org.conformance_packs`` / ``org.rules`` are those of the home region.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal

import boto3
import botocore.exceptions

from orgconfig import __version__, errors
from orgconfig import _checks as checks
from orgconfig import _limits as limits
from orgconfig._aws import configuration_error
from orgconfig._aws.clients import (
    DEFAULT_MEMBER_ROLE,
    ClientFactory,
    check_region,
    partition_regions,
)
from orgconfig._aws.organizations import OrganizationsApi
from orgconfig._uploads import TEMPLATE_PREFIX
from orgconfig.directory import (
    Account,
    Accounts,
    Caller,
    Directory,
    OrganizationalUnits,
    OrganizationInfo,
)
from orgconfig.multiregion import Regions
from orgconfig.regional import ConformancePacks, OrgConfigRules, Region
from orgconfig.resolution import Resolution, resolve_targets
from orgconfig.retries import BusyPolicy, CallRetryPolicy, PollingPolicy
from orgconfig.targets import Targets

if TYPE_CHECKING:
    from orgconfig.desired import DesiredState
    from orgconfig.plan import Plan
    from orgconfig.preflight import PreflightReport

__all__ = ["ALL_REGIONS", "Organization"]

ALL_REGIONS: Final = "all"
"""``Organization.connect(regions="all")``: every region AWS Config runs in, in the partition."""

_PREFLIGHT_OPTIONS = frozenset(
    {"template_bucket", "template_prefix", "delivery_buckets", "limits", "max_workers"}
)
_REGION_NAME_MAX = 64  # longer than any region name: refused before it is compared or shown


def _region(value: object) -> str:
    """``value`` if it names a region where AWS Config runs; else a ValidationError."""
    if isinstance(value, str) and len(value) > _REGION_NAME_MAX:
        raise checks.fail("region", f"{checks.show(value)} is not a region name (too long)")
    return check_region(value)


def _policy(value: object, kind: type, label: str) -> None:
    if value is not None and not isinstance(value, kind):
        raise checks.fail(
            label,
            f"must be a {kind.__name__} or None, not {type(value).__name__} {checks.show(value)}",
        )


@contextlib.contextmanager
def _setup_errors() -> Iterator[None]:
    """Botocore's configuration errors (profile, config file, region, credentials) as ours."""
    try:
        yield
    except botocore.exceptions.BotoCoreError as e:
        typed = configuration_error(e)
        if typed is None:
            typed = errors.ConfigurationError(
                f"cannot set up the AWS session: {e}: check the profile, region and "
                "credentials configured for it",
                field="session",
            )
        raise typed from e


_MEMBER_ROLE = (
    checks.is_a(str, "a string"),
    checks.satisfies(
        lambda x: re.fullmatch(limits.MEMBER_ROLE_PATTERN, x) is not None,
        lambda x: (
            f"{checks.show(x)} is not an IAM role name (1 to 64 of letters, digits and "
            "+=,.@_-, after an optional path)"
        ),
    ),
)


class Organization:
    """An AWS Organization, seen from its management account or a delegated administrator.

    Build it with :meth:`connect`.

    Attributes:
        session: the caller's boto3 session.
        home_region: the region :attr:`conformance_packs` and :attr:`rules` work in.
        regions: the regions :meth:`in_regions` covers by default.
        template_bucket: where templates too large for a request body are uploaded (or None).
        template_prefix: the key prefix of uploaded templates.
        clients: the factory of every boto3 client orgconfig uses here.
        polling: how deployments are polled (:class:`~orgconfig.PollingPolicy`).
        busy: what a put or delete does when the pack or rule is busy.
        retries: per-call retries and timeouts handed to botocore.
        conformance_packs: the home region's organization conformance packs
            (:class:`~orgconfig.ConformancePacks`).
        rules: the home region's organization config rules (:class:`~orgconfig.OrgConfigRules`).

    Example::

        from orgconfig import ConformancePack, Organization, Template

        org = Organization.connect(region="eu-west-1")
        pack = ConformancePack("s3-baseline", Template.from_file("s3.yaml"))
        result = org.conformance_packs.put(pack).wait()
        org.in_region("us-east-1").conformance_packs.put(pack).wait()
    """

    def __init__(
        self,
        session: boto3.Session,
        home_region: str,
        *,
        polling: PollingPolicy,
        busy: BusyPolicy,
        retries: CallRetryPolicy,
        member_role: str = DEFAULT_MEMBER_ROLE,
        regions: Iterable[str] = (),
        template_bucket: str | None = None,
        template_prefix: str = TEMPLATE_PREFIX,
    ) -> None:
        self.session = session
        self.home_region = check_region(home_region)
        self.polling = polling
        self.busy = busy
        self.retries = retries
        self.regions: tuple[str, ...] = tuple(regions) or (self.home_region,)
        self.template_bucket = template_bucket
        self.template_prefix = template_prefix
        self.clients = ClientFactory(
            session,
            retries=retries,
            member_role=member_role,
            user_agent_extra=f"orgconfig/{__version__}",
            home_region=self.home_region,
        )
        self._regions: dict[str, Region] = {}
        self._lock = threading.Lock()
        self._directory = Directory(OrganizationsApi(self.clients, self.home_region))
        home = self.in_region(self.home_region)
        self.conformance_packs: ConformancePacks = home.conformance_packs
        self.rules: OrgConfigRules = home.rules

    @property
    def region(self) -> str:
        """The home region (kept from when an Organization was one region)."""
        return self.home_region

    @classmethod
    def connect(
        cls,
        session: boto3.Session | None = None,
        region: str | None = None,
        *,
        polling: PollingPolicy | None = None,
        busy: BusyPolicy | None = None,
        retries: CallRetryPolicy | None = None,
        member_role: str = DEFAULT_MEMBER_ROLE,
        regions: Iterable[str] | Literal["all"] | None = None,
        excluded_regions: Iterable[str] = (),
        template_bucket: str | None = None,
        template_prefix: str = TEMPLATE_PREFIX,
    ) -> Organization:
        """Connect to the organization that ``session``'s credentials belong to.

        No API call is made: errors such as access denied surface on the first real call.

        Args:
            session: the boto3 session to use; a new default ``boto3.Session()`` when None.
            region: the home region; the session's region when None.
            polling: how deployments are polled (:class:`~orgconfig.PollingPolicy`).
            busy: what to do when a pack or rule is busy (:class:`~orgconfig.BusyPolicy`).
            retries: per-call retries handed to botocore (:class:`~orgconfig.CallRetryPolicy`).
            member_role: the role assumed in member accounts when orgconfig needs to look into
                them (``OrganizationAccountAccessRole``, the role AWS Organizations creates, by
                default).
            regions: the regions :meth:`in_regions` (and ``preflight``) cover by default; the
                home region alone when None; ``"all"`` for every region where botocore's
                endpoint data lists AWS Config in the home region's partition (regions an
                account has not opted in to answer with an error there, reported per region).
            excluded_regions: regions left out of ``regions`` (also of ``"all"``).
            template_bucket: an S3 bucket templates over 51,200 bytes are uploaded to, under
                ``template_prefix`` and a key derived from their SHA-256 (see
                ``docs/large-templates.md``; :func:`orgconfig.buckets.ensure_bucket` makes one
                with the policy members need).
            template_prefix: where in ``template_bucket`` templates go.

        Raises:
            ValidationError: an argument of the wrong type (``field`` names it); no region
                was given and the session has none; or the region is not one where AWS Config
                runs (the message names the closest ones).
            ConfigurationError: the AWS setup cannot be read: an unknown profile, a malformed
                config file, partial credentials (``field="session"``), or no region
                (``field="region"``); the message says what to do.
        """
        given: object = session  # untyped callers pass profile names here
        if given is not None and not isinstance(given, boto3.Session):
            hint = (
                f"; for a profile, pass boto3.Session(profile_name={checks.show(given)})"
                if isinstance(given, str)
                else ""
            )
            raise errors.ValidationError(
                f"session must be a boto3.Session, not {type(given).__name__}{hint}",
                field="session",
            )
        if region is not None and region != "":  # "" is no region, as before
            _region(region)
        _policy(polling, PollingPolicy, "polling")
        _policy(busy, BusyPolicy, "busy")
        _policy(retries, CallRetryPolicy, "retries")
        checks.run(_MEMBER_ROLE, member_role, "member_role")
        if template_bucket is not None:
            checks.run((checks.is_a(str, "a bucket name"),), template_bucket, "template_bucket")
        checks.run((checks.is_a(str, "a key prefix"),), template_prefix, "template_prefix")
        if isinstance(regions, str) and regions != ALL_REGIONS:
            raise errors.ValidationError(
                f"regions must be a list of region names or {ALL_REGIONS!r}, not the string "
                f"{checks.show(regions)}",
                field="regions",
            )
        if isinstance(excluded_regions, str):
            raise errors.ValidationError(
                "excluded_regions must be a list of region names, not a string",
                field="excluded_regions",
            )
        left_out = {_region(r) for r in excluded_regions}
        names: tuple[str, ...] = ()
        if regions is not None and regions != ALL_REGIONS:
            given = tuple(dict.fromkeys(_region(r) for r in regions))
            if not given:
                raise errors.ValidationError(
                    "regions is empty: name at least one region, or leave it out for the home "
                    "region alone",
                    field="regions",
                )
            if left_out - set(given):
                raise errors.ValidationError(
                    f"excluded_regions names {', '.join(sorted(left_out - set(given)))}, which "
                    "regions does not list",
                    field="excluded_regions",
                )
            names = tuple(r for r in given if r not in left_out)
            if not names:
                raise errors.ValidationError(
                    "excluded_regions leaves no region", field="excluded_regions"
                )
        with _setup_errors():
            if session is None:
                session = boto3.Session()
            region = region or session.region_name
            if not region:
                raise errors.ValidationError(
                    "no region: pass region='...' or configure one for the session "
                    "(AWS_DEFAULT_REGION or the profile's region)",
                    field="region",
                )
            if regions == ALL_REGIONS:
                names = tuple(r for r in partition_regions(region) if r not in left_out)
            return cls(
                session,
                region,
                polling=polling or PollingPolicy(),
                busy=busy or BusyPolicy(),
                retries=retries or CallRetryPolicy(),
                member_role=member_role,
                regions=names,
                template_bucket=template_bucket,
                template_prefix=template_prefix,
            )

    def in_regions(self, regions: Iterable[str] | None = None) -> Regions:
        """Return the organization's packs and rules in several regions at once.

        ``regions`` defaults to :attr:`regions` (those given to :meth:`connect`). Puts, deletes
        and resumes there return one :class:`~orgconfig.MultiRegionDeployment`.

        Example::

            org.in_regions(["us-east-1", "eu-west-1"]).conformance_packs.put(pack).wait()

        Raises:
            ValidationError: no region, or one that AWS Config does not run in.
        """
        if isinstance(regions, str):
            raise errors.ValidationError(
                f"regions must be a list of region names, not the string {checks.show(regions)}",
                field="regions",
            )
        return Regions(self, self.regions if regions is None else regions)

    def in_region(self, region: str) -> Region:
        """Return the organization's packs and rules in ``region`` (one view per region, reused).

        Raises:
            ValidationError: ``region`` is not one where AWS Config runs; the message names the
                closest valid names.
            ConfigurationError: the session's configuration cannot be read to make the client.
        """
        _region(region)
        with self._lock:
            view = self._regions.get(region)
            if view is None:
                with _setup_errors():
                    view = Region(self, region)
                self._regions[region] = view
            return view

    # -- discovery -------------------------------------------------------------------------------
    #
    # Nothing is read at connect: each question reads on first use (AWS Organizations, from the
    # home region's client) and keeps the answer for the life of the Organization; refresh=True,
    # or refresh(), reads again.

    def describe(self, refresh: bool = False) -> OrganizationInfo:
        """Return the organization: id, ARN, management account, feature set.

        One ``DescribeOrganization`` on first use, then cached.

        Raises:
            OrganizationNotReadyError: the caller belongs to no organization.
            AccessDeniedError: the caller may not describe the organization.
        """
        return self._directory.describe(refresh)

    def caller(self, refresh: bool = False) -> Caller:
        """Return the calling account and its part: management, delegated administrator, ...

        ``STS GetCallerIdentity`` and ``DescribeOrganization``; for a member account also
        ``ListDelegatedServicesForAccount``. A caller that may not list its delegations gets
        ``delegated_services=None`` (unknown, never guessed) with the reason. A caller in no
        organization is reported as such (``role == "outside"``), not raised.

        Example::

            caller = org.caller()
            caller.role         # "management", "delegated_administrator", ...
            caller.may_deploy   # True, False, or None when unknown
        """
        return self._directory.caller(refresh)

    def accounts(self, refresh: bool = False, *, tags: bool = False) -> Accounts:
        """Return every account of the organization (the management account too), with its OU.

        The tree is walked once, parent by parent (``ListOrganizationalUnitsForParent`` and
        ``ListAccountsForParent``, paginated): about ``2 x (number of OUs + 1)`` calls,
        whatever the number of accounts. Tags cost one ``ListTagsForResource`` per account:
        they are read only with ``tags=True`` (else :attr:`Account.tags` is None), then cached.

        Raises:
            OrganizationNotReadyError: the caller belongs to no organization.
            AccessDeniedError: the caller may not list the organization (a member account that
                is not a delegated administrator, or IAM).
        """
        return self._directory.accounts(refresh, tags=tags)

    def account(self, account_id: str, *, tags: bool = False) -> Account:
        """Return the account ``account_id`` (from the cached tree; with its tags if asked).

        Raises:
            ValidationError: ``account_id`` is not an account of the organization
                (``field="account_id"``; the message names the closest id).
        """
        return self._directory.account(account_id, tags=tags)

    def account_tags(self, account_id: str, refresh: bool = False) -> Mapping[str, str]:
        """Return the tags of ``account_id`` (one call, then cached)."""
        self._directory.account(account_id)
        return self._directory.tags_of([account_id], refresh=refresh)[account_id]

    def organizational_units(self, refresh: bool = False) -> OrganizationalUnits:
        """Return every OU, nested ones included, parents first, each with its path.

        Read with the accounts (one walk of the tree): see :meth:`accounts`.
        """
        return self._directory.tree(refresh).units

    def account_names(self, refresh: bool = False) -> Mapping[str, str]:
        """Return account id -> account name for every account (from the cached tree)."""
        return self._directory.account_names(refresh)

    def resolve(self, targets: Targets, refresh: bool = False) -> Resolution:
        """Resolve ``targets`` into the included and excluded accounts of the organization.

        Uses the cached tree (``refresh=True`` reads it again); reads the accounts' tags only
        when the targets select by tag.

        Raises:
            ValidationError: an OU or account the organization does not have (``field`` names
                the selector, the message the closest ones), or more than 1,000 accounts to
                exclude (``field="targets"``, the message gives the count).

        Example::

            from orgconfig import Targets

            resolution = org.resolve(Targets(ous=["Root/Workloads"]))
            resolution.excluded_accounts     # for ExcludedAccounts
        """
        tree = self._directory.tree(refresh)
        info = self._directory.describe(refresh)

        def read_tags(account_ids: Iterable[str]) -> Mapping[str, Mapping[str, str]]:
            return self._directory.tags_of(account_ids, refresh=refresh)

        return resolve_targets(targets, tree, read_tags, info.id)

    def ensure_template_bucket(self, region: str | None = None) -> str:
        """Create :attr:`template_bucket` if needed, with the policy members need; return it.

        Idempotent: an existing bucket of the caller's keeps its other policy statements and
        gets orgconfig's (see :func:`orgconfig.buckets.ensure_bucket` and
        ``docs/large-templates.md``). ``region`` defaults to the home region.

        Raises:
            ValidationError: no ``template_bucket`` was given to :meth:`connect`, or the name is
                taken by another account.
        """
        from orgconfig.buckets import ensure_bucket  # noqa: PLC0415  (on use)

        if self.template_bucket is None:
            raise errors.ValidationError(
                "no template_bucket: pass template_bucket='...' to Organization.connect",
                field="template_bucket",
            )
        where = _region(region) if region is not None else self.home_region
        ensure_bucket(
            self.clients.client("s3", where),
            self.template_bucket,
            where,
            organization_id=self.describe().id,
            purpose="template",
            prefix=self.template_prefix,
        )
        return self.template_bucket

    def plan(self, desired: DesiredState, prune: bool | Literal["all"] = False) -> Plan:
        """Compare ``desired`` with what is deployed, per pack and rule and region.

        Returns a :class:`~orgconfig.Plan` of creates, updates (with a field-level diff),
        retries, deletes (only with ``prune``: orgconfig-managed items, or every item with
        ``prune="all"``) and unchanged items; ``plan.apply()`` makes the changes. See
        ``docs/desired-state.md``.

        Example::

            plan = org.plan(orgconfig.load_desired("org.yaml"))
            print(plan.summary())
            result = plan.apply()
        """
        from orgconfig.plan import make_plan  # noqa: PLC0415  (on use)

        return make_plan(self, desired, prune)

    def preflight(
        self,
        targets: Targets | None = None,
        regions: Iterable[str] | None = None,
        **options: Any,
    ) -> PreflightReport:
        """Check every prerequisite of a deployment: ok, problem or unknown, with the remedy.

        ``regions`` default to :attr:`regions`, and ``template_bucket`` to the one given to
        :meth:`connect`. It only reads; see ``docs/prerequisites.md`` and
        :func:`orgconfig.preflight.run_preflight` for the checks and the ``options``
        (``delivery_buckets=``, ``limits=``, ``max_workers=``...).

        Example::

            report = org.preflight(targets=Targets(ous=["Root/Workloads"]))
            if not report.ok:
                print(report.summary())
        """
        from orgconfig.preflight import run_preflight  # noqa: PLC0415  (on use)

        unknown = set(options) - _PREFLIGHT_OPTIONS
        if unknown:
            raise errors.ValidationError(
                f"preflight() takes no option {', '.join(sorted(unknown))}; it takes "
                f"{', '.join(sorted(_PREFLIGHT_OPTIONS))}",
                field=sorted(unknown)[0],
            )
        options.setdefault("template_bucket", self.template_bucket)
        if self.template_bucket is not None:
            options.setdefault("template_prefix", self.template_prefix)
        return run_preflight(self, targets, self.regions if regions is None else regions, **options)

    def enable_prerequisites(self, delegated_admin: str | None = None) -> list[str]:
        """Fix what the management account can, idempotently; return what it did.

        Enables trusted access for AWS Config's organization principals and registers
        ``delegated_admin`` (an account id) as delegated administrator for them. Run twice,
        the second run does nothing and returns an empty list. See
        :func:`orgconfig.preflight.enable_prerequisites`.

        Raises:
            AccessDeniedError: the caller is not the management account.
            OrganizationNotReadyError: no organization, or not all features enabled.
            ValidationError: ``delegated_admin`` is not a member account that can be one.
        """
        from orgconfig.preflight import enable_prerequisites  # noqa: PLC0415  (on use)

        return enable_prerequisites(self, delegated_admin)

    def refresh(self) -> None:
        """Forget what was read about the organization and the caller: the next question reads."""
        self._directory.refresh()

    def __repr__(self) -> str:
        return f"<Organization home_region={self.home_region!r}>"
