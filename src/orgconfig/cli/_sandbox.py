"""The organization ``--sandbox`` (and ``orgconfig demo``) runs against, in-process.

An organization like the demo's, on :mod:`orgconfig.testing`: a management account and eight
members, five in the ``Workloads`` OU and three in ``Sandbox``, in two regions (``us-east-1``, the
home region, and ``eu-west-1``). Members take 6 to 27 simulated minutes to deploy; the virtual
clock makes that instant. One Workloads member has no configuration recorder in ``eu-west-1``, so
a deployment to Workloads fails there (a failure to look at).

With ``seeded=True`` (what ``--sandbox`` uses) it already holds, like an organization in use:

* the conformance pack ``s3-baseline`` (Workloads, both regions; failed in ``eu-west-1`` in the
  member without a recorder),
* the managed rule ``s3-versioning`` (every account, both regions).

Every run builds the same organization (same ids, same times), so a plan saved by one command
can be applied by the next.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from orgconfig import Organization
    from orgconfig.testing import Sandbox

__all__ = [
    "HOME_REGION",
    "REGIONS",
    "data_file",
    "open_sandbox",
    "sandbox_organization",
    "seed",
]

HOME_REGION: Final = "us-east-1"
REGIONS: Final = ("us-east-1", "eu-west-1")
SEEDED_PACK: Final = "s3-baseline"
SEEDED_RULE: Final = "s3-versioning"
SEED_SETTLE: Final = 3600.0
"""Simulated seconds the seeded deployments are given to finish (the slowest takes 30 min)."""


@contextlib.contextmanager
def data_file(name: str) -> Iterator[Path]:
    """Yield a path to one of the files shipped with the CLI (templates, Guard policies)."""
    with resources.as_file(resources.files("orgconfig.cli") / "_data" / name) as path:
        yield path


@contextlib.contextmanager
def open_sandbox() -> Iterator[Sandbox]:
    """Run the sandbox organization (not seeded) for the ``with`` block."""
    from orgconfig.testing import sandbox  # noqa: PLC0415  (the sandbox extra, on use)

    with sandbox(accounts=8, regions=REGIONS, seed=0, ous={"Workloads": 5, "Sandbox": 3}) as sb:
        for i, account in enumerate(sb.member_account_ids):
            sb.set_deploy_duration((6 + 3 * i) * 60, account_id=account)
        sb.set_deploy_duration(10 * 60, account_id=sb.management_account_id)
        sb.remove_recorder(sb.ou_members["Workloads"][2], region="eu-west-1")
        yield sb


def sandbox_organization(
    sb: Sandbox, region: str | None, regions: tuple[str, ...] | str | None
) -> Organization:
    """Connect to the sandbox's organization (home region and regions as the options say)."""
    from orgconfig import Organization, PollingPolicy  # noqa: PLC0415

    return Organization.connect(
        sb.session,
        region or HOME_REGION,
        regions=regions or REGIONS,
        polling=PollingPolicy(initial_delay=30, max_delay=120, jitter=0),
    )


def seed(sb: Sandbox, org: Organization) -> None:
    """Deploy what the seeded sandbox holds (see the module docstring), and let it finish.

    The puts are made at once and the virtual clock moved past the slowest member: nothing
    polls, so seeding costs a few requests.
    """
    from orgconfig import (  # noqa: PLC0415
        ConformancePack,
        OrgConfigRule,
        Targets,
        Template,
    )

    with data_file("s3-baseline.yaml") as path:
        template = Template.from_file(path)
    pack = ConformancePack(
        SEEDED_PACK,
        template,
        parameters={"S3BucketVersioningEnabledParamIsMfaDeleteEnabled": "false"},
    )
    everywhere = org.in_regions(REGIONS)
    everywhere.conformance_packs.put(pack, targets=Targets(ous=["Root/Workloads"]))
    rule = OrgConfigRule.managed(
        SEEDED_RULE, "S3_BUCKET_VERSIONING_ENABLED", resource_types=["AWS::S3::Bucket"]
    )
    everywhere.rules.put(rule, targets=Targets())
    sb.clock.advance(SEED_SETTLE)
