"""The entry point: :class:`Organization`, an AWS Organization seen by its administrator.

An :class:`Organization` holds what every region shares: the caller's session, the one
:class:`~orgconfig._aws.clients.ClientFactory` that creates every client (Config, Organizations,
S3, STS; in any region; in member accounts by assuming a role), and the policies. The AWS Config
organization APIs are regional: :meth:`Organization.in_region` gives one region's packs and rules,
and ``org.conformance_packs`` / ``org.rules`` are those of the home region.
"""

from __future__ import annotations

import threading

import boto3
import botocore.exceptions

from orgconfig import __version__, errors
from orgconfig._aws.clients import DEFAULT_MEMBER_ROLE, ClientFactory, check_region
from orgconfig.regional import ConformancePacks, OrgConfigRules, Region
from orgconfig.retries import BusyPolicy, CallRetryPolicy, PollingPolicy

__all__ = ["Organization"]


class Organization:
    """An AWS Organization, seen from its management account or a delegated administrator.

    Build it with :meth:`connect`.

    Attributes:
        session: the caller's boto3 session.
        home_region: the region :attr:`conformance_packs` and :attr:`rules` work in.
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
    ) -> None:
        self.session = session
        self.home_region = check_region(home_region)
        self.polling = polling
        self.busy = busy
        self.retries = retries
        self.clients = ClientFactory(
            session,
            retries=retries,
            member_role=member_role,
            user_agent_extra=f"orgconfig/{__version__}",
        )
        self._regions: dict[str, Region] = {}
        self._lock = threading.Lock()
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

        Raises:
            ValidationError: ``session`` is not a ``boto3.Session``; no region was given and
                the session has none; or the region is not one where AWS Config runs (the
                message names the closest ones).
        """
        given: object = session  # untyped callers pass profile names here
        if given is not None and not isinstance(given, boto3.Session):
            hint = (
                f"; for a profile, pass boto3.Session(profile_name={given!r})"
                if isinstance(given, str)
                else ""
            )
            raise errors.ValidationError(
                f"session must be a boto3.Session, not {type(given).__name__}{hint}",
                field="session",
            )
        if session is None:
            try:
                session = boto3.Session()
            except botocore.exceptions.BotoCoreError as e:
                raise errors.ValidationError(
                    f"cannot make a default boto3 session: {e}", field="session"
                ) from e
        region = region or session.region_name
        if not region:
            raise errors.ValidationError(
                "no region: pass region='...' or configure one for the session "
                "(AWS_DEFAULT_REGION or the profile's region)",
                field="region",
            )
        return cls(
            session,
            region,
            polling=polling or PollingPolicy(),
            busy=busy or BusyPolicy(),
            retries=retries or CallRetryPolicy(),
            member_role=member_role,
        )

    def in_region(self, region: str) -> Region:
        """Return the organization's packs and rules in ``region`` (one view per region, reused).

        Raises:
            ValidationError: ``region`` is not one where AWS Config runs; the message names the
                closest valid names.
        """
        check_region(region)
        with self._lock:
            view = self._regions.get(region)
            if view is None:
                view = self._regions[region] = Region(self, region)
            return view

    def __repr__(self) -> str:
        return f"<Organization home_region={self.home_region!r}>"
