"""Organization.connect: sessions, regions and policies."""

from __future__ import annotations

import boto3
import pytest

from orgconfig import BusyPolicy, CallRetryPolicy, Organization, PollingPolicy, ValidationError
from orgconfig.testing import Sandbox


def test_connect_without_any_region_is_a_validation_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no region given or configured, connect refuses, naming the field."""
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    with pytest.raises(ValidationError, match="no region") as info:
        Organization.connect(boto3.Session())
    assert info.value.field == "region"


def test_connect_uses_the_session_region(sb: Sandbox) -> None:
    """The session's region is used when none is given, and no API call is made."""
    before = sum(sb.api_calls.values())
    org = Organization.connect(sb.session)
    assert org.region == sb.regions[0]
    assert repr(org) == f"<Organization region={sb.regions[0]!r}>"
    assert sum(sb.api_calls.values()) == before


def test_connect_applies_the_policies(sb: Sandbox) -> None:
    """Polling, busy and retry policies are kept and applied to the client."""
    polling = PollingPolicy(initial_delay=1)
    busy = BusyPolicy(wait=False)
    retries = CallRetryPolicy(max_attempts=3)
    org = Organization.connect(sb.session, "eu-west-1", polling=polling, busy=busy, retries=retries)
    assert (org.polling, org.busy, org.retries) == (polling, busy, retries)
    assert org.conformance_packs.region == "eu-west-1"
    assert repr(org.rules) == "<OrgConfigRules in eu-west-1>"
    other = org.in_region("us-east-1")
    assert (other.region, other.polling, other.session) == ("us-east-1", polling, sb.session)


def test_default_session(sb: Sandbox) -> None:
    """Without a session, a default boto3 session (the environment's credentials) is used."""
    org = Organization.connect(region="us-east-1")
    assert list(org.conformance_packs.list()) == []


def test_a_profile_name_instead_of_a_session_is_explained() -> None:
    """Passing a profile name as the session says how to make a session of it."""
    with pytest.raises(ValidationError, match=r"boto3.Session\(profile_name='prod'\)") as info:
        Organization.connect("prod", "us-east-1")  # type: ignore[arg-type]  # the mistake tested
    assert info.value.field == "session"


def test_public_names_cover_the_error_tree() -> None:
    """Every class of orgconfig.errors can be caught as orgconfig.<Name>."""
    import orgconfig
    from orgconfig import errors

    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type) and issubclass(obj, errors.OrgConfigError):
            assert getattr(orgconfig, name) is obj, name
