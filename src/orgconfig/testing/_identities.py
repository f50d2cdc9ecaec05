"""Who calls: the sandbox's credentials, sessions and clients per account and region.

The management account signs with the sandbox's own keys; every other account gets STS
credentials for its ``OrganizationAccountAccessRole``, assumed once from the management account
(the way orgconfig's client factory reaches member accounts). :class:`Identities` remembers which
account every key it handed out belongs to, so the seam attributes a request to its account
without asking moto; keys it did not hand out (a test's own ``sts.assume_role``) are resolved
by :func:`orgconfig.testing._moto.account_of_key`.

The sandbox may act as any account, in the organization or not: its own ``AssumeRole`` calls are
made inside :func:`orgconfig.testing._seam.internal`, so they are neither counted in
``api_calls`` nor refused as a test's or the SDK's own ``AssumeRole`` into an account without
the role is.
"""

from __future__ import annotations

import threading
from typing import Any

import boto3
import botocore.loaders
import botocore.session

from orgconfig.testing import _moto, _seam

__all__ = ["MANAGEMENT_ACCESS_KEY", "MEMBER_ROLE", "Identities", "new_session"]

MANAGEMENT_ACCESS_KEY = "AKIAORGCONFIGSANDBOX0"
"""The access key the management account's sessions sign with."""
MEMBER_ROLE = "OrganizationAccountAccessRole"
"""The role assumed into member accounts (the one AWS Organizations creates)."""
_SECRET = "orgconfig-sandbox-secret-key"

_LOADER = botocore.loaders.create_loader()


def new_session(key: str, secret: str, token: str | None, region: str) -> boto3.Session:
    """Return a boto3 Session with these credentials, sharing one loader of botocore's models.

    Every session otherwise reads and parses the service models again (tens of milliseconds a
    client); sharing the loader makes sandboxes cheap to start.
    """
    core = botocore.session.get_session()
    core.register_component("data_loader", _LOADER)
    return boto3.Session(
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        region_name=region,
        botocore_session=core,
    )


class Identities:
    """Sessions and clients per (account, region), and the account behind every key.

    ``default_region`` is the sandbox's first region. Thread-safe.

    Example::

        identities = Identities("us-east-1")
        identities.set_management("123456789012")
        identities.client("sts", None, None).get_caller_identity()
    """

    def __init__(self, default_region: str) -> None:
        self._region = default_region
        self._lock = threading.Lock()
        # boto3 sessions are not safe to create clients from in several threads at once.
        self._client_lock = threading.RLock()
        self._management = ""
        self._credentials: dict[str, tuple[str, str, str | None]] = {}
        self._sessions: dict[tuple[str, str], boto3.Session] = {}
        self._clients: dict[tuple[str, str, str], Any] = {}
        self._key_accounts: dict[str, str] = {}

    @property
    def management_account_id(self) -> str:
        """The management account (empty until :meth:`set_management`)."""
        return self._management

    def management_session(self, region: str | None = None) -> boto3.Session:
        """Return a new management-account session (usable before the account is known)."""
        return new_session(MANAGEMENT_ACCESS_KEY, _SECRET, None, region or self._region)

    def set_management(self, account_id: str, session: boto3.Session | None = None) -> None:
        """Record the management account (and a session of it in the default region)."""
        with self._lock:
            self._management = account_id
            self._key_accounts[MANAGEMENT_ACCESS_KEY] = account_id
            if session is not None:
                self._sessions[(account_id, self._region)] = session

    def account_of_key(self, access_key: str) -> str:
        """Return the account that ``access_key`` signs for."""
        with self._lock:
            known = self._key_accounts.get(access_key)
        return known if known is not None else _moto.account_of_key(access_key)

    def session_for(self, account_id: str, region: str | None = None) -> boto3.Session:
        """Return the (cached) session acting as ``account_id`` in ``region``."""
        region = region or self._region
        with self._lock:
            cached = self._sessions.get((account_id, region))
        if cached is not None:
            return cached
        if account_id == self._management:
            session = self.management_session(region)
        else:
            session = new_session(*self._assume(account_id, region), region)
        with self._lock:
            return self._sessions.setdefault((account_id, region), session)

    def _assume(self, account_id: str, region: str) -> tuple[str, str, str | None]:
        with self._lock:
            credentials = self._credentials.get(account_id)
        if credentials is not None:
            return credentials
        with _seam.internal():
            assumed = self.client("sts", region, None).assume_role(
                RoleArn=f"arn:aws:iam::{account_id}:role/{MEMBER_ROLE}",
                RoleSessionName="orgconfig-sandbox",
            )["Credentials"]
        credentials = (
            assumed["AccessKeyId"],
            assumed["SecretAccessKey"],
            assumed.get("SessionToken"),
        )
        with self._lock:
            self._key_accounts[credentials[0]] = account_id
            return self._credentials.setdefault(account_id, credentials)

    def client(self, service: str, region: str | None, account_id: str | None) -> Any:
        """Return the (cached) client of ``service`` acting as ``account_id`` in ``region``."""
        account_id = account_id or self._management
        key = (service, account_id, region or self._region)
        with self._client_lock:
            client = self._clients.get(key)
            if client is None:
                session = self.session_for(account_id, region)
                client = session.client(service)  # type: ignore[call-overload]  # any service
                self._clients[key] = client
            return client
