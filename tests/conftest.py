"""Shared fixtures: a sandboxed organization, an Organization connected to it, and a fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from orgconfig import Organization, PollingPolicy, Template
from orgconfig._clock import use_clock
from orgconfig.testing import Sandbox, sandbox

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"

#: Deterministic polling for tests: no jitter, quick first polls, capped at two minutes.
POLLING = PollingPolicy(initial_delay=30, max_delay=120, multiplier=2, jitter=0, timeout=4 * 3600)

PACK_TEMPLATE = """\
Parameters:
  MaxAgeParam:
    Type: String
    Default: "90"
  BucketParam:
    Type: String
Resources:
  AccessKeysRotated:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: access-keys-rotated
      InputParameters:
        maxAccessKeyAge: !Ref MaxAgeParam
      Source:
        Owner: AWS
        SourceIdentifier: ACCESS_KEYS_ROTATED
  S3Versioning:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: s3-versioning
      Scope:
        ComplianceResourceId: !Ref BucketParam
        ComplianceResourceTypes: [AWS::S3::Bucket]
      Source:
        Owner: AWS
        SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED
"""


class FakeClock:
    """The one fake clock of the unit tests: time moves only when something sleeps on it.

    Every sleep is recorded in ``sleeps`` (as asked, even zero or negative ones); ``t`` is the
    time, which moves by the positive sleeps only. Import it (``from tests.conftest import
    FakeClock``) or take the ``fake_clock`` fixture, which also puts it in force.
    """

    def __init__(self, start: float = 0.0) -> None:
        self.t = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        """Return the fake time."""
        return self.t

    def sleep(self, seconds: float) -> None:
        """Record the sleep and move the time forward by it (at once)."""
        self.sleeps.append(seconds)
        if seconds > 0:
            self.t += seconds

    def __repr__(self) -> str:
        return f"FakeClock(t={self.t!r})"


@pytest.fixture
def fake_clock() -> Iterator[FakeClock]:
    """A FakeClock at 0, the clock in force (use_clock) for the length of the test."""
    clock = FakeClock()
    with use_clock(clock):
        yield clock


def corpus_dir(sub: str = "") -> Path:
    """Return a folder of the shared corpus, skipping the test when ../shared is absent."""
    path = CORPUS / sub
    if not path.is_dir():
        pytest.skip(f"the shared corpus is not available at {path}")
    return path


@pytest.fixture
def template() -> Template:
    """A small two-rule conformance pack template with one required parameter."""
    return Template.from_string(PACK_TEMPLATE, source="test-pack.yaml")


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    """A sandboxed organization of 4 members whose deployments take 10 simulated minutes."""
    with sandbox(accounts=4, regions=("us-east-1", "eu-west-1"), seed=0) as box:
        box.set_deploy_duration(600)
        yield box


@pytest.fixture
def org(sb: Sandbox) -> Organization:
    """orgconfig's Organization, as the sandbox's management account, in us-east-1."""
    return Organization.connect(sb.session, "us-east-1", polling=POLLING)
