"""Organization.connect: sessions, regions and policies."""

from __future__ import annotations

from pathlib import Path

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
    assert repr(org) == f"<Organization home_region={sb.regions[0]!r}>"
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


def test_every_public_name_resolves_and_reports_the_public_path() -> None:
    """Each name of orgconfig.__all__ imports on first use; private-module classes say orgconfig."""
    import orgconfig

    for name in orgconfig.__all__:
        assert getattr(orgconfig, name) is not None, name
    for name in ("ConformancePacks", "OrgConfigRules", "Region"):
        assert getattr(orgconfig, name).__module__ == "orgconfig"
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        orgconfig.Nope  # noqa: B018  (the failing lookup is the test)


def test_importing_orgconfig_loads_no_aws_sdk() -> None:
    """`import orgconfig` alone imports neither boto3 nor YAML: names load on first use."""
    import subprocess
    import sys

    code = "import sys, orgconfig; print(sorted({'boto3', 'yaml', 'cattrs'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("region", ["us-east1", "mars-north-1", "EU-WEST-1"])
def test_an_unknown_region_is_refused_with_the_closest_names(sb: Sandbox, region: str) -> None:
    """A region botocore's endpoint data does not know is a ValidationError naming close ones."""
    with pytest.raises(
        ValidationError, match="is not a region where AWS Config is available"
    ) as info:
        Organization.connect(sb.session, region)
    assert info.value.field == "region"
    org = Organization.connect(sb.session, "us-east-1")
    with pytest.raises(ValidationError) as again:
        org.in_region(region)
    assert again.value.field == "region"


def test_the_close_names_are_suggested() -> None:
    """A near miss names the region that was meant."""
    from orgconfig._aws.clients import check_region

    with pytest.raises(ValidationError, match="did you mean 'us-east-1'"):
        check_region("us-east1")


def test_regions_are_views_of_one_organization(sb: Sandbox) -> None:
    """in_region gives one reused view per region, sharing the organization's clients."""
    org = Organization.connect(sb.session, "us-east-1")
    eu = org.in_region("eu-west-1")
    assert eu is org.in_region("eu-west-1")
    assert eu.organization is org
    assert (eu.name, eu.region, repr(eu)) == ("eu-west-1", "eu-west-1", "<Region eu-west-1>")
    assert eu.conformance_packs.region == "eu-west-1"
    assert org.conformance_packs.region == "us-east-1"
    assert org.in_region("us-east-1").rules is org.rules
    assert eu.in_region("us-east-1") is org.in_region("us-east-1")
    assert (eu.session, eu.polling, eu.busy, eu.retries) == (
        org.session,
        org.polling,
        org.busy,
        org.retries,
    )


def test_one_client_per_service_region_and_account(sb: Sandbox) -> None:
    """The client factory makes each (service, region, account) client once and reuses it."""
    org = Organization.connect(sb.session, "us-east-1")
    factory = org.clients
    assert factory.client("config", "eu-west-1") is factory.client("config", "eu-west-1")
    assert factory.client("s3", "eu-west-1") is not factory.client("config", "eu-west-1")
    assert factory.caller_account_id() == sb.management_account_id


def test_member_clients_assume_the_member_role(sb: Sandbox) -> None:
    """A client for a member account acts as that account, through the configured role."""
    org = Organization.connect(sb.session, "us-east-1")
    member = sb.member_account_ids[0]
    assert org.clients.role_arn(member) == (
        f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole"
    )
    sts = org.clients.client("sts", "us-east-1", account_id=member)
    assert sts.get_caller_identity()["Account"] == member
    own = org.clients.client("sts", "us-east-1", account_id=sb.management_account_id)
    assert own.get_caller_identity()["Account"] == sb.management_account_id


def test_an_unknown_profile_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """AWS_PROFILE naming no profile raises a ValidationError for session, with the remedy."""
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    with pytest.raises(ValidationError, match="list-profiles") as info:
        Organization.connect(region="us-east-1")
    assert info.value.field == "session"


def test_a_malformed_config_file_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A config file that does not parse raises a ValidationError for session."""
    config = tmp_path / "config"
    config.write_text("[default\nregion = us-east-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with pytest.raises(ValidationError, match="config") as info:
        Organization.connect()
    assert info.value.field == "session"


def test_partial_credentials_are_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """An access key without its secret raises a ValidationError for session with the remedy."""
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    with pytest.raises(ValidationError, match="AWS_SECRET_ACCESS_KEY") as info:
        Organization.connect(region="us-east-1")
    assert info.value.field == "session"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"region": 5}, "region"),
        ({"region": "x" * 10_000}, "region"),
        ({"polling": 3}, "polling"),
        ({"busy": "no"}, "busy"),
        ({"retries": {}}, "retries"),
        ({"member_role": "bad role!"}, "member_role"),
        ({"member_role": None}, "member_role"),
    ],
)
def test_connect_checks_every_argument(sb: Sandbox, kwargs: dict[str, object], field: str) -> None:
    """Each wrong argument raises a ValidationError naming it, before any call."""
    before = sum(sb.api_calls.values())
    with pytest.raises(ValidationError) as info:
        Organization.connect(sb.session, **kwargs)  # type: ignore[arg-type]  # wrong types on purpose
    assert info.value.field == field
    assert sum(sb.api_calls.values()) == before


def test_in_region_refuses_a_huge_name(sb: Sandbox) -> None:
    """A region name far too long is refused without echoing it."""
    org = Organization.connect(sb.session, "us-east-1")
    with pytest.raises(ValidationError, match="too long") as info:
        org.in_region("a" * 1_000_000)
    assert len(str(info.value)) < 200


def test_the_client_factory_uses_the_home_regions_partition() -> None:
    """A GovCloud or China home region gives role ARNs of its partition, whatever the session."""
    session = boto3.Session(aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x")
    gov = Organization.connect(session, "us-gov-west-1")
    assert gov.clients.role_arn("111122223333").startswith("arn:aws-us-gov:iam::111122223333:")
    china = Organization.connect(session, "cn-north-1")
    assert china.clients.role_arn("111122223333").startswith("arn:aws-cn:")


def test_the_client_factory_refuses_an_unknown_region(sb: Sandbox) -> None:
    """clients.client() checks the region like in_region does."""
    org = Organization.connect(sb.session, "us-east-1")
    with pytest.raises(ValidationError, match="did you mean 'us-east-1'"):
        org.clients.client("config", "us-east1")


def test_an_unknown_profile_in_the_environment_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """AWS_PROFILE naming no profile gives ConfigurationError with the remedy, not botocore's."""
    from orgconfig.errors import ConfigurationError

    monkeypatch.setenv("AWS_PROFILE", "no-such-profile-here")
    with pytest.raises(ConfigurationError, match="name a profile that exists") as info:
        Organization.connect(region="us-east-1")
    assert info.value.field == "session"
