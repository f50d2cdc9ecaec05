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
from collections.abc import Iterator

import boto3
import botocore.exceptions

from orgconfig import __version__, errors
from orgconfig import _checks as checks
from orgconfig import _limits as limits
from orgconfig._aws import configuration_error
from orgconfig._aws.clients import DEFAULT_MEMBER_ROLE, ClientFactory, check_region
from orgconfig.regional import ConformancePacks, OrgConfigRules, Region
from orgconfig.retries import BusyPolicy, CallRetryPolicy, PollingPolicy

__all__ = ["Organization"]

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
            home_region=self.home_region,
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

    def __repr__(self) -> str:
        return f"<Organization home_region={self.home_region!r}>"
