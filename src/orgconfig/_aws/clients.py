"""The one factory of boto3 clients: keyed by (service, region, account).

Every client orgconfig creates comes from :class:`ClientFactory`, so the per-call retry policy,
the timeouts and the user agent are applied in one place, clients are reused, and a client in a
member account is made by assuming a configurable role there (``OrganizationAccountAccessRole`` by
default), with credentials that refresh themselves before they expire.
"""

from __future__ import annotations

import difflib
import functools
import threading
from datetime import datetime
from typing import Any

import boto3
import botocore.session
from botocore.credentials import DeferredRefreshableCredentials
from botocore.loaders import create_loader
from botocore.regions import EndpointResolver

from orgconfig import errors
from orgconfig._aws import translate_errors
from orgconfig.retries import CallRetryPolicy

__all__ = [
    "DEFAULT_MEMBER_ROLE",
    "ClientFactory",
    "check_region",
    "known_regions",
    "partition_regions",
]

DEFAULT_MEMBER_ROLE = "OrganizationAccountAccessRole"
"""The role assumed in member accounts unless told otherwise: the one AWS Organizations creates."""

_SESSION_NAME = "orgconfig"


@functools.cache
def _endpoints() -> EndpointResolver:
    """Botocore's endpoint data, read without a session (so no profile or config is read)."""
    return EndpointResolver(create_loader().load_data("endpoints"))


@functools.cache
def known_regions() -> frozenset[str]:
    """Return every region where botocore's endpoint data lists AWS Config, in every partition."""
    data = _endpoints()
    regions: set[str] = set()
    for partition in data.get_available_partitions():
        regions.update(data.get_available_endpoints("config", partition))
    return frozenset(regions)


def partition_regions(region: str) -> tuple[str, ...]:
    """Return every region where AWS Config runs in ``region``'s partition, sorted."""
    data = _endpoints()
    partition = data.get_partition_for_region(region)
    return tuple(sorted(data.get_available_endpoints("config", partition)))


def check_region(region: object, *, field: str = "region") -> str:
    """Return ``region`` if it names a region where AWS Config runs; else raise.

    Raises:
        ValidationError: not a string, or not a region in botocore's endpoint data; the message
            names the closest valid names.
    """
    if not isinstance(region, str):
        raise errors.ValidationError(
            f"{field} must be a region name such as 'eu-west-1', not {type(region).__name__}",
            field=field,
        )
    known = known_regions()
    if region in known:
        return region
    close = difflib.get_close_matches(region, sorted(known), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(map(repr, close))}?" if close else ""
    raise errors.ValidationError(
        f"{field} {region!r} is not a region where AWS Config is available{hint}", field=field
    )


class ClientFactory:
    """Creates and caches every boto3 client orgconfig uses.

    Args:
        session: the caller's boto3 session (management account or delegated administrator).
        retries: the per-call retry policy and timeouts applied to every client.
        member_role: the role name assumed in member accounts when a client for another account
            is asked for.
        user_agent_extra: appended to every request's user agent.
        home_region: where STS is called and whose partition role ARNs use (``aws-us-gov``,
            ``aws-cn``...); the session's region when None.

    Example::

        factory = ClientFactory(boto3.Session(), retries=CallRetryPolicy())
        config = factory.client("config", "eu-west-1")
        member_config = factory.client("config", "eu-west-1", account_id="111122223333")
    """

    def __init__(
        self,
        session: boto3.Session,
        *,
        retries: CallRetryPolicy,
        member_role: str = DEFAULT_MEMBER_ROLE,
        user_agent_extra: str | None = None,
        home_region: str | None = None,
    ) -> None:
        self.session = session
        self.home_region = home_region or session.region_name or "us-east-1"
        self.retries = retries
        self.member_role = member_role
        self._config = retries.botocore_config(user_agent_extra=user_agent_extra)
        self._clients: dict[tuple[str, str, str | None], Any] = {}
        self._sessions: dict[str, boto3.Session] = {}
        self._caller: str | None = None
        self._lock = threading.RLock()  # boto3 sessions are not thread-safe for client creation

    def __repr__(self) -> str:
        return f"<ClientFactory member_role={self.member_role!r}>"

    def client(self, service: str, region: str, account_id: str | None = None) -> Any:
        """Return the (cached) client of ``service`` in ``region``, as ``account_id``.

        ``account_id`` None (or the caller's own account) uses the caller's session; another
        account is reached by assuming :attr:`member_role` there.
        """
        check_region(region)
        key = (service, region, account_id)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                session: Any = self.session if account_id is None else self.session_for(account_id)
                client = session.client(service, region_name=region, config=self._config)
                self._clients[key] = client
            return client

    def caller_account_id(self) -> str:
        """Return the caller's account id (one STS call, then cached)."""
        with self._lock:
            if self._caller is None:
                sts = self.client("sts", self._home_region())
                with translate_errors("GetCallerIdentity", self._home_region(), service="sts"):
                    self._caller = str(sts.get_caller_identity()["Account"])
            return self._caller

    def session_for(self, account_id: str) -> boto3.Session:
        """Return a session in ``account_id``: the caller's own, or one that assumes the role."""
        with self._lock:
            if account_id == self.caller_account_id():
                return self.session
            session = self._sessions.get(account_id)
            if session is None:
                session = self._assumed_session(account_id)
                self._sessions[account_id] = session
            return session

    def role_arn(self, account_id: str) -> str:
        """Return the ARN of :attr:`member_role` in ``account_id``, in the caller's partition."""
        partition = self.session.get_partition_for_region(self._home_region())
        return f"arn:{partition}:iam::{account_id}:role/{self.member_role}"

    def _home_region(self) -> str:
        return self.home_region

    def _assumed_session(self, account_id: str) -> boto3.Session:
        arn = self.role_arn(account_id)
        region = self._home_region()

        def refresh() -> dict[str, str]:
            sts = self.client("sts", region)
            doing = f"assuming {arn}"
            with translate_errors("AssumeRole", region, service="sts", doing=doing):
                answer = sts.assume_role(RoleArn=arn, RoleSessionName=_SESSION_NAME)
            creds = answer["Credentials"]
            expiry: datetime = creds["Expiration"]
            return {
                "access_key": creds["AccessKeyId"],
                "secret_key": creds["SecretAccessKey"],
                "token": creds["SessionToken"],
                "expiry_time": expiry.isoformat(),
            }

        core = botocore.session.get_session()
        # botocore has no public setter for a session's credentials provider (the stubs do not
        # declare the attribute); refreshable credentials set this way are what botocore's own
        # assume-role provider produces.
        core._credentials = DeferredRefreshableCredentials(  # type: ignore[attr-defined]  # see above
            refresh_using=refresh, method="assume-role"
        )
        return boto3.Session(botocore_session=core, region_name=region)
