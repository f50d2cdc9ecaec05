"""The entry point: :class:`Organization`, one region of an AWS Organization's Config."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import boto3

from orgconfig import __version__, errors
from orgconfig._client import ConfigApi
from orgconfig._resources import ConformancePacks, OrgConfigRules
from orgconfig.retries import BusyPolicy, CallRetryPolicy, PollingPolicy

if TYPE_CHECKING:
    from mypy_boto3_config import ConfigServiceClient

__all__ = ["Organization"]


class Organization:
    """An AWS Organization, seen from its management account or a delegated administrator.

    Build it with :meth:`connect`. It holds one region's AWS Config client; the organization
    APIs are regional, so use :meth:`in_region` for another region.

    Attributes:
        conformance_packs: the organization conformance packs
            (:class:`~orgconfig.ConformancePacks`).
        rules: the organization config rules (:class:`~orgconfig.OrgConfigRules`).

    Example::

        from orgconfig import ConformancePack, Organization, Template

        org = Organization.connect(region="eu-west-1")
        pack = ConformancePack("s3-baseline", Template.from_file("s3.yaml"))
        result = org.conformance_packs.put(pack).wait()
    """

    def __init__(
        self,
        session: boto3.Session,
        region: str,
        *,
        polling: PollingPolicy,
        busy: BusyPolicy,
        retries: CallRetryPolicy,
        client: ConfigServiceClient | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.session = session
        self.region = region
        self.polling = polling
        self.busy = busy
        self.retries = retries
        self._rng = rng
        config_client: ConfigServiceClient = client or session.client(
            "config",
            region_name=region,
            config=retries.botocore_config(user_agent_extra=f"orgconfig/{__version__}"),
        )
        api = ConfigApi(config_client, region)
        self.conformance_packs = ConformancePacks(api, polling=polling, busy=busy, rng=rng)
        self.rules = OrgConfigRules(api, polling=polling, busy=busy, rng=rng)

    @classmethod
    def connect(
        cls,
        session: boto3.Session | None = None,
        region: str | None = None,
        *,
        polling: PollingPolicy | None = None,
        busy: BusyPolicy | None = None,
        retries: CallRetryPolicy | None = None,
    ) -> Organization:
        """Connect to the organization that ``session``'s credentials belong to, in ``region``.

        No API call is made: errors such as access denied surface on the first real call.

        Args:
            session: the boto3 session to use; a new default ``boto3.Session()`` when None.
            region: the region; the session's region when None.
            polling: how deployments are polled (:class:`~orgconfig.PollingPolicy`).
            busy: what to do when a pack or rule is busy (:class:`~orgconfig.BusyPolicy`).
            retries: per-call retries handed to botocore (:class:`~orgconfig.CallRetryPolicy`).

        Raises:
            ValidationError: ``session`` is not a ``boto3.Session``, or no region was given and
                the session has none.
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
        session = session or boto3.Session()
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
        )

    def in_region(self, region: str) -> Organization:
        """Return the same organization, with the same session and policies, in ``region``."""
        return type(self)(
            self.session,
            region,
            polling=self.polling,
            busy=self.busy,
            retries=self.retries,
            rng=self._rng,
        )

    def __repr__(self) -> str:
        return f"<Organization region={self.region!r}>"
