"""The sandbox's one adapter to moto: every moto import and every moto internal lives here.

The rest of :mod:`orgconfig.testing` talks to moto only through this module, so that a moto
upgrade that moves an internal breaks one file. What it offers:

* :func:`patched`: the context the sandbox runs in: ``moto.mock_aws``, AWS Config's second
  delegation principal, and an account lookup by access key that costs the same with 5 or 5,000
  accounts (see :func:`account_of_key`);
* :class:`MotoWorld`: what the simulated service reads from moto at request time (the caller's
  organization, its accounts, the delegated administrators, configuration recorders, S3
  templates) and the side effects of a put (trusted access, the service-linked role);
* :func:`build_organization`: the organization, its accounts and OUs, created in moto's
  Organizations backend in time linear in the number of accounts;
* recorders (:func:`add_recorder`, :func:`remove_recorders`), moto's seeded random generator
  (:func:`seed`), and moto's botocore stubber (:data:`STUBBER`), which the seam must run before.

Importing this module without moto installed raises :class:`ImportError` naming the extra to
install: ``pip install "orgconfig[sandbox]"``.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from unittest import mock

try:
    import moto
except ImportError as e:
    raise ImportError(
        "orgconfig.testing needs moto: install the sandbox extra with "
        'pip install "orgconfig[sandbox]"',
        name=getattr(e, "name", None) or "moto",
    ) from e

from botocore.exceptions import ClientError
from moto.config.models import config_backends
from moto.core import base_backend
from moto.core.models import DEFAULT_ACCOUNT_ID, botocore_stubber
from moto.iam import models as iam_models
from moto.iam.models import iam_backends
from moto.iam.utils import ACCOUNT_OFFSET, AWS_ROLE_ALPHABET
from moto.moto_api._internal import mock_random
from moto.organizations import utils as org_utils
from moto.organizations.exceptions import AWSOrganizationsNotInUseException
from moto.organizations.models import (
    FakeAccount,
    FakeDelegatedAdministrator,
    organizations_backends,
)
from moto.organizations.responses import OrganizationsResponse
from moto.s3.models import s3_backends

from orgconfig.testing._errors import ServiceError
from orgconfig.testing._kinds import CONFIG_SERVICE_PRINCIPAL, OrgView
from orgconfig.testing._policies import Access, allowed
from orgconfig.testing._timeline import Check

__all__ = [
    "DEFAULT_ACCOUNT_ID",
    "STUBBER",
    "MotoWorld",
    "account_of_key",
    "account_parents",
    "add_recorder",
    "bucket",
    "build_organization",
    "is_delegated_admin",
    "management_of",
    "patched",
    "remove_recorders",
    "role_trust_policy",
    "seed",
]

STUBBER: Any = botocore_stubber
"""moto's ``before-send`` handler; the seam registers its own just before it."""

_RECORDER_ROLE = (
    "arn:aws:iam::{account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
)
_CONFORMS_ROLE = (
    "arn:aws:iam::{account}:role/aws-service-role/config-conforms.amazonaws.com/"
    "AWSServiceRoleForConfigConforms"
)
_NO_TEMPLATE_ACCESS = (
    "You do not have permission to read Amazon S3 bucket: account {account} may not read {uri} "
    "(the bucket policy does not allow s3:GetObject)."
)
_NO_DELIVERY = (
    "AWS Config could not deliver to Amazon S3 bucket {bucket} from account {account}: access "
    "denied. Allow s3:PutObject for the AWSServiceRoleForConfigConforms role of the "
    "organization's accounts in the bucket policy."
)
_SLR_PATH = f"/aws-service-role/{CONFIG_SERVICE_PRINCIPAL}/"
_SLR_NAME = "AWSServiceRoleForConfigMultiAccountSetup"
_SLR_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": CONFIG_SERVICE_PRINCIPAL},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
# Principals AWS lets an organization delegate for AWS Config: the organization APIs' own, and
# config.amazonaws.com (aggregators), which AWS's setup guide registers too; moto knows only
# the first, so the sandbox extends moto's list while it runs.
_CONFIG_DELEGATION_PRINCIPALS = (CONFIG_SERVICE_PRINCIPAL, "config.amazonaws.com")
_PARTITIONS: tuple[str, ...] = tuple(getattr(iam_models, "PARTITION_NAMES", ("aws",)))


def _backend(backends: Any, account_id: str) -> Any:
    """Return moto's per-account backend without creating it (None when the account has none).

    ``BackendDict.__getitem__`` copies its keys on every lookup (linear in the number of accounts)
    and creates missing accounts; reading the dictionary itself is constant time.
    """
    return dict.get(backends, account_id)


def account_of_key(access_key: str) -> str:
    """Return the account an access key belongs to in moto (moto's default account if none).

    moto's own lookup (``moto.iam.models.get_account_id_from``) scans every account's IAM
    backend on every request, which makes a large organization quadratic. moto encodes the
    account in every key id it generates (``generate_access_key_id_from_account_id``): this reads
    it back and checks that account alone. Keys moto did not generate (the sandbox's own
    management key, ``FOOBARKEY``) belong to the default account, as with moto.

    Example::

        account_of_key("AKIAORGCONFIGSANDBOX0")   # '123456789012'
    """
    account_id = _decoded_account(access_key)
    if account_id is not None:
        accounts = _backend(iam_backends, account_id)
        if accounts is not None:
            for partition in _PARTITIONS:
                backend = dict.get(accounts, partition)
                if backend is not None and access_key in backend.access_keys:
                    return account_id
    return str(DEFAULT_ACCOUNT_ID)


def _decoded_account(access_key: str) -> str | None:
    if len(access_key) < 13:
        return None
    try:
        raw = base64.b32decode(access_key[4:12])
    except (binascii.Error, ValueError):
        return None
    half = int.from_bytes(raw, byteorder="big") - ACCOUNT_OFFSET
    odd = access_key[12] in AWS_ROLE_ALPHABET[16:]
    number = half * 2 + (1 if odd else 0)
    if not 0 <= number < 10**12:
        return None
    return f"{number:012d}"


@contextlib.contextmanager
def patched() -> Iterator[None]:
    """Run moto for the block, with the sandbox's changes to it undone afterwards.

    ``mock_aws``; ``config.amazonaws.com`` accepted as a delegation principal; moto's account
    lookup by access key replaced by :func:`account_of_key` (moto imports its lookup at call
    time, so replacing the module's name is enough); moto's creation of per-account
    backends made constant time (:func:`_create_account_specific_backend`); and the
    Organizations calls of a member account answered from the management account's backend
    (:func:`_organizations_backend`: the seam has refused those AWS refuses).
    """
    supported = FakeDelegatedAdministrator.SUPPORTED_SERVICES
    extra = [p for p in _CONFIG_DELEGATION_PRINCIPALS if p not in supported]
    with contextlib.ExitStack() as stack:
        stack.enter_context(moto.mock_aws())
        stack.enter_context(
            mock.patch.object(
                FakeDelegatedAdministrator, "SUPPORTED_SERVICES", [*supported, *extra]
            )
        )
        stack.enter_context(mock.patch.object(iam_models, "get_account_id_from", account_of_key))
        stack.enter_context(
            mock.patch.object(
                base_backend.BackendDict,
                "_create_account_specific_backend",
                _create_account_specific_backend,
            )
        )
        stack.enter_context(
            mock.patch.object(
                OrganizationsResponse,
                "organizations_backend",
                property(_organizations_backend),
            )
        )
        yield


def _organizations_backend(response: Any) -> Any:
    """The backend an Organizations request is answered from: the organization's.

    moto answers a member account from an empty backend of its own (but for
    ``DescribeOrganization`` and ``ListRoots``); AWS answers the calls it allows a member (a
    delegated administrator's reads) from the organization. The seam refuses the others first.
    """
    from orgconfig.testing._access import DELEGATED_READS  # noqa: PLC0415 - it imports us

    account_id: str = response.current_account
    owner = organizations_backends.master_accounts.get(account_id)
    if owner is not None and response._get_action() in DELEGATED_READS:
        return organizations_backends[owner[0]][owner[1]]
    return organizations_backends[account_id][response.partition]


def _create_account_specific_backend(backends: Any, account_id: str) -> None:
    """Moto's ``BackendDict._create_account_specific_backend``, in constant time.

    moto's own tests membership in a copy of the keys (``account_id not in list(self.keys())``),
    which makes every lookup of a per-account backend linear in the number of accounts, and
    building an organization quadratic. This does the same with a dictionary lookup.
    """
    with base_backend.backend_lock:
        if not dict.__contains__(backends, account_id):
            backends[account_id] = base_backend.AccountSpecificBackend(
                service_name=backends.service_name,
                account_id=account_id,
                backend=backends.backend,
                use_boto3_regions=backends._use_boto3_regions,
                additional_regions=backends._additional_regions,
            )
        instances: list[Any] = getattr(base_backend.BackendDict, "_instances")  # noqa: B009
        if backends not in instances:
            instances.append(backends)


def seed(value: int) -> None:
    """Seed moto's one random generator (account ids, OU ids, request ids...)."""
    mock_random.seed(value)


# -- the organization ------------------------------------------------------------------------


def build_organization(
    organizations: Any, account_names: Sequence[str], ous: Sequence[tuple[str, int]]
) -> tuple[list[str], dict[str, str]]:
    """Create member accounts and OUs in the organization ``organizations`` manages.

    ``organizations`` is the management account's Organizations client (the organization was
    created through it). Accounts are created in moto's backend directly, as moto's
    ``CreateAccount`` would (the same ids for the same seed, the member role, the default
    policies), but without its per-account scans of every account; ``ous`` are created through
    the client and the first accounts moved into them without moto's linear lookups.
    Returns the member ids in creation order and the OU ids by name.
    """
    described = organizations.describe_organization()["Organization"]
    backend: Any = organizations_backends[described["MasterAccountId"]]["aws"]
    org = backend.org
    policies = [backend.get_policy_by_id(p) for p in _default_policy_ids()]
    members: list[str] = []
    for name in account_names:
        account = FakeAccount(org, AccountName=name, Email=f"{name}@example.com")
        backend.accounts.append(account)
        for policy in policies:
            if policy not in account.attached_policies:
                account.attached_policies.append(policy)
                policy.attachments.append(account)
        organizations_backends.master_accounts[account.id] = (backend.account_id, backend.partition)
        members.append(account.id)
    by_id = {a.id: a for a in backend.accounts}
    ou_ids: dict[str, str] = {}
    placed = 0
    for ou_name, count in ous:
        created = organizations.create_organizational_unit(ParentId=org.root_id, Name=ou_name)
        ou_id = created["OrganizationalUnit"]["Id"]
        ou_ids[ou_name] = ou_id
        for account_id in members[placed : placed + count]:
            by_id[account_id].parent_id = ou_id
        placed += count
    return members, ou_ids


def _default_policy_ids() -> tuple[str, ...]:
    return tuple(
        getattr(org_utils, name)
        for name in ("DEFAULT_SCP_POLICY_ID", "DEFAULT_RCP_POLICY_ID")
        if hasattr(org_utils, name)
    )


def account_parents(management_account_id: str) -> list[tuple[str, str]]:
    """Return ``(account id, parent id)`` for every account of the organization, in join order."""
    backend: Any = organizations_backends[management_account_id]["aws"]
    return [(a.id, a.parent_id) for a in backend.accounts]


def management_of(account_id: str) -> str | None:
    """Return the management account of ``account_id``'s organization (None: in none)."""
    owner = organizations_backends.master_accounts.get(account_id)
    if owner is not None:
        return owner[0]
    accounts = _backend(organizations_backends, account_id)
    backend = None if accounts is None else dict.get(accounts, "aws")
    if backend is not None and backend.org is not None:
        return account_id
    return None


def is_delegated_admin(management_account_id: str, account_id: str) -> bool:
    """Tell whether ``account_id`` is a delegated administrator of any service."""
    backend: Any = organizations_backends[management_account_id]["aws"]
    return any(admin.account.id == account_id and admin.services for admin in backend.admins)


def role_trust_policy(account_id: str, role_name: str) -> str | None:
    """Return the trust policy of the IAM role ``role_name`` in ``account_id`` (None: no role)."""
    accounts = _backend(iam_backends, account_id)
    if accounts is None:
        return None
    for partition in _PARTITIONS:
        backend = dict.get(accounts, partition)
        if backend is None:
            continue
        for role in backend.roles.values():
            if role.name == role_name:
                document: str = role.assume_role_policy_document
                return document
    return None


# -- S3 --------------------------------------------------------------------------------------


def bucket(name: str) -> tuple[str, bytes | None] | None:
    """Return ``(owner account, bucket policy)`` of the bucket ``name``, or None if none exists."""
    found = s3_backends.bucket_accounts.get(name)
    if found is None:
        return None
    partition, owner = found
    fake: Any = s3_backends[owner][partition].buckets.get(name)
    if fake is None:
        return None
    policy: bytes | None = fake.policy
    return owner, policy


# -- recorders -------------------------------------------------------------------------------


def add_recorder(account_id: str, region: str) -> None:
    """Give ``account_id`` a configuration recorder in ``region`` unless it has one."""
    config = config_backends[account_id][region]
    if not config.recorders:
        config.put_configuration_recorder(
            {"name": "default", "roleARN": _RECORDER_ROLE.format(account=account_id)}
        )


def remove_recorders(account_id: str, region: str) -> None:
    """Delete every configuration recorder of ``account_id`` in ``region``."""
    config = config_backends[account_id][region]
    for recorder_name in list(config.recorders):
        config.delete_configuration_recorder(recorder_name)


# -- what the simulated service reads --------------------------------------------------------


class MotoWorld:
    """The simulated service's view of moto: organization, accounts, recorders, S3, IAM.

    ``client(service, region, account_id)`` returns a boto3 client acting as an account (the
    sandbox's :meth:`~orgconfig.testing.Sandbox.client`); S3 reads and the side effects of a
    put go through it, so that they behave as the caller's own calls would.
    """

    def __init__(self, client: Callable[..., Any]) -> None:
        self._client = client

    def organization_of(self, account_id: str) -> OrgView | None:
        """Return the organization ``account_id`` belongs to, or None."""
        try:
            described = organizations_backends[account_id]["aws"].describe_organization()
        except AWSOrganizationsNotInUseException:
            return None
        org = described["Organization"]
        return OrgView(org["Id"], org["MasterAccountId"], org["FeatureSet"])

    @staticmethod
    def _management_backend(org: OrgView) -> Any:
        return organizations_backends[org.management_account_id]["aws"]

    def delegated_admins(self, org: OrgView) -> frozenset[str]:
        """Return the accounts registered as delegated administrators for AWS Config."""
        listed = self._management_backend(org).list_delegated_administrators(
            ServicePrincipal=CONFIG_SERVICE_PRINCIPAL
        )
        return frozenset(admin["Id"] for admin in listed["DelegatedAdministrators"])

    def accounts(self, org: OrgView) -> list[tuple[str, str]]:
        """Return ``(account id, state)`` for every account of the organization, in join order."""
        return [
            (a.id, getattr(a, "state", None) or a.status)
            for a in self._management_backend(org).accounts
        ]

    def has_recorder(self, account_id: str, region: str) -> bool:
        """Tell whether ``account_id`` has a configuration recorder in ``region``."""
        regions = _backend(config_backends, account_id)
        if regions is None:
            return False
        config = dict.get(regions, region)
        return config is not None and bool(config.recorders)

    def read_s3_object(self, account_id: str, region: str, uri: str) -> bytes:
        """Read ``s3://bucket/key`` as ``account_id``; raise ServiceError when it cannot be read.

        The bucket's policy decides whether the caller may read it (see
        :mod:`orgconfig.testing._policies`): a bucket of another account lets the caller in only
        through its policy. A refusal is ``InsufficientPermissionsException``.
        """
        name, _, key = uri[len("s3://") :].partition("/")
        found = bucket(name)
        if found is not None:
            owner, policy = found
            org = self.organization_of(account_id)
            access = Access(
                account_id,
                "s3:GetObject",
                f"arn:aws:s3:::{name}/{key}",
                org_id=org.organization_id if org else None,
            )
            if not allowed(policy, access, owner=owner):
                raise ServiceError(
                    "InsufficientPermissionsException",
                    _NO_TEMPLATE_ACCESS.format(account=account_id, uri=uri),
                )
        s3 = self._client("s3", region=region, account_id=account_id)
        try:
            body: bytes = s3.get_object(Bucket=name, Key=key)["Body"].read()
        except ClientError as e:
            error = e.response.get("Error", {})
            raise ServiceError(
                "OrganizationConformancePackTemplateValidationException",
                f"Unable to read the template from {uri}: {error.get('Code', 'Error')}: "
                f"{error.get('Message', '')}".rstrip(": "),
            ) from e
        return body

    def delivery_check(self, org: OrgView, bucket_name: str, prefix: str | None) -> Check:
        """Return the check that fails accounts the delivery bucket's policy does not let write.

        Each account writes as its ``AWSServiceRoleForConfigConforms`` role, in the caller's
        organization, ``s3:PutObject`` under ``prefix``. A bucket that does not exist in moto is
        not checked (tests often name one they never create).
        """
        found = bucket(bucket_name)
        folder = f"{prefix.strip('/')}/" if prefix else ""

        def check(account_id: str) -> tuple[str, str] | None:
            if found is None:
                return None  # a bucket the test never created is not checked
            owner, policy = found
            access = Access(
                account_id,
                "s3:PutObject",
                f"arn:aws:s3:::{bucket_name}/{folder}AWSLogs/{account_id}/Config",
                principal_arn=_CONFORMS_ROLE.format(account=account_id),
                org_id=org.organization_id,
            )
            if allowed(policy, access, owner=owner):
                return None
            message = _NO_DELIVERY.format(bucket=bucket_name, account=account_id)
            return "InsufficientPermissionsException", message

        return check

    def enable_trusted_access(self, org: OrgView, caller: str, region: str) -> None:
        """Enable trusted access for AWS Config and create the caller's service-linked role."""
        organizations = self._client("organizations", account_id=org.management_account_id)
        organizations.enable_aws_service_access(ServicePrincipal=CONFIG_SERVICE_PRINCIPAL)
        iam = self._client("iam", account_id=caller)
        if not iam.list_roles(PathPrefix=_SLR_PATH)["Roles"]:
            # Created under AWS's own name for this role (moto would name it after the
            # principal), so that prerequisite checks looking it up by name find it.
            iam.create_role(
                Path=_SLR_PATH,
                RoleName=_SLR_NAME,
                AssumeRolePolicyDocument=_SLR_TRUST,
                Description="Service-linked role for AWS Config multi-account setup",
            )
