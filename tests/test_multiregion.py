"""Every region at once: one handle over a deployment per region, each region's result kept."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from orgconfig import (
    ConformancePack,
    MultiRegionError,
    MultiRegionResult,
    Organization,
    OrgConfigRule,
    PollingPolicy,
    Regions,
    Status,
    Template,
)
from orgconfig import errors as e
from orgconfig.testing import Sandbox, sandbox

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
POLLING = PollingPolicy(initial_delay=30, max_delay=60, jitter=0, timeout=7200)
ONE_RULE = Template.from_string(
    "Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties:\n"
    "      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}\n"
)


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with sandbox(accounts=4, regions=REGIONS, seed=4, deploy_duration=600) as box:
        yield box


def _org(sb: Sandbox) -> Organization:
    return Organization.connect(sb.session, "us-east-1", polling=POLLING)


def test_three_regions_with_a_failure_in_one(sb: Sandbox) -> None:
    """A member without a recorder in one region fails there; the other regions' results stand."""
    member = sb.member_account_ids[1]
    sb.remove_recorder(member, region="eu-west-1")
    multi = Regions(_org(sb), REGIONS).conformance_packs.put(ConformancePack("p", ONE_RULE))
    with pytest.raises(MultiRegionError) as info:
        multi.wait()
    result = info.value.result
    assert isinstance(result, MultiRegionResult)
    assert info.value.failed_regions == ("eu-west-1",)
    assert result.results["us-east-1"].ok
    assert result.results["ap-southeast-2"].ok
    failed = result.results["eu-west-1"].failed
    assert [a.account_id for a in failed] == [member]
    assert result.accounts == 3 * 5
    assert result.summary().splitlines()[0].startswith("conformance_pack 'p' in eu-west-1")
    assert multi.result is result


def test_progress_counts_accounts_across_regions(sb: Sandbox) -> None:
    """on_progress sums every region's accounts, reported on change, ending at the full count."""
    seen: list[tuple[int, int]] = []
    multi = Regions(_org(sb), REGIONS).rules.put(
        OrgConfigRule.managed("r", "S3_BUCKET_VERSIONING_ENABLED")
    )
    result = multi.wait(on_progress=lambda done, total: seen.append((done, total)))
    assert result.ok
    assert seen[-1] == (15, 15)
    assert len(seen) == len(set(seen))  # each change once: never the same counts twice
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_region_that_refuses_the_call_is_reported_beside_the_others(sb: Sandbox) -> None:
    """A busy region (wait_if_busy=False) is an error in that region only."""
    org = _org(sb)
    org.in_region("eu-west-1").conformance_packs.put(ConformancePack("p", ONE_RULE))
    multi = Regions(org, REGIONS).conformance_packs.put(
        ConformancePack("p", ONE_RULE), wait_if_busy=False
    )
    assert set(multi.errors) == {"eu-west-1"}
    assert isinstance(multi.errors["eu-west-1"], e.ResourceInUseError)
    result = multi.wait(raise_on_failure=False)
    assert result.failed_regions == ("eu-west-1",)
    assert {r: x.status for r, x in result.results.items()} == {
        "us-east-1": Status.CREATE_SUCCESSFUL,
        "ap-southeast-2": Status.CREATE_SUCCESSFUL,
    }


def test_bad_input_raises_before_any_region_is_called(sb: Sandbox) -> None:
    """A ValidationError is the same everywhere: it raises, and no region is called."""
    before = sum(sb.api_calls.values())
    with pytest.raises(e.ValidationError):
        Regions(_org(sb), REGIONS).conformance_packs.delete("not a name!")
    assert sum(sb.api_calls.values()) == before


def test_a_timeout_is_reported_per_region_and_each_region_resumes_alone(sb: Sandbox) -> None:
    """Time running out gives each region its timeout; a region is then resumed on its own."""
    sb.set_deploy_duration(5000)
    org = _org(sb)
    multi = Regions(org, REGIONS).conformance_packs.put(ConformancePack("p", ONE_RULE))
    result = multi.wait(timeout=600, raise_on_failure=False)
    assert set(result.errors) == set(REGIONS)
    assert all(isinstance(err, e.DeploymentTimeoutError) for err in result.errors.values())
    alone = org.in_region("ap-southeast-2").conformance_packs.deployment("p").wait(timeout=None)
    assert alone.status is Status.CREATE_SUCCESSFUL


def test_bounded_concurrency_gives_what_one_region_at_a_time_gives() -> None:
    """Six regions two at a time end with the same results and elapsed times as alone."""
    regions = ("us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "sa-east-1")
    outcomes = []
    for concurrency in (1, 2):
        with sandbox(accounts=3, regions=regions, seed=9, deploy_jitter=0.5) as box:
            org = Organization.connect(box.session, "us-east-1", polling=POLLING)
            multi = Regions(org, regions).rules.put(
                OrgConfigRule.managed("r", "S3_BUCKET_VERSIONING_ENABLED")
            )
            result = multi.wait(max_concurrency=concurrency)
            outcomes.append({r: (x.status, len(x.accounts)) for r, x in result.results.items()})
    assert outcomes[0] == outcomes[1]
    assert len(outcomes[0]) == 6


def test_a_deletion_everywhere_and_a_resume_everywhere(sb: Sandbox) -> None:
    """delete() and deployment() work across regions like put()."""
    org = _org(sb)
    everywhere = Regions(org, REGIONS)
    everywhere.rules.put(OrgConfigRule.managed("r", "S3_BUCKET_VERSIONING_ENABLED")).wait()
    deletion = everywhere.rules.delete("r")
    resumed = everywhere.rules.deployment("r", operation="delete").wait()
    assert {x.status for x in resumed.results.values()} == {Status.DELETE_SUCCESSFUL}
    assert deletion.wait().ok
    assert repr(deletion).startswith("<MultiRegionDeployment rule 'r' in ")


@pytest.mark.parametrize("value", [0, -1, 2.5, True])
def test_max_concurrency_must_be_a_positive_whole_number(sb: Sandbox, value: object) -> None:
    """max_concurrency is checked before anything waits."""
    multi = Regions(_org(sb), REGIONS).rules.deployment("r")
    with pytest.raises(e.ValidationError) as info:
        multi.wait(max_concurrency=value)  # type: ignore[arg-type]  # wrong on purpose
    assert info.value.field == "max_concurrency"


def test_regions_refuse_an_empty_or_unknown_list(sb: Sandbox) -> None:
    """Regions() needs at least one known region."""
    org = _org(sb)
    with pytest.raises(e.ValidationError, match="at least one region"):
        Regions(org, [])
    with pytest.raises(e.ValidationError, match="did you mean 'eu-west-1'"):
        Regions(org, ["eu-west1"])


def test_connect_with_every_region_minus_some(sb: Sandbox) -> None:
    """regions='all' is every Config region of the partition; excluded_regions are left out."""
    org = Organization.connect(
        sb.session, "us-east-1", regions="all", excluded_regions=["eu-west-1"]
    )
    assert "us-east-1" in org.regions
    assert "eu-west-1" not in org.regions
    assert all(not r.startswith(("cn-", "us-gov-")) for r in org.regions)
    assert org.in_regions().names == org.regions
    with pytest.raises(e.ValidationError) as info:
        Organization.connect(sb.session, "us-east-1", regions="everywhere")
    assert info.value.field == "regions"


def test_the_template_bucket_is_made_on_request(sb: Sandbox) -> None:
    """ensure_template_bucket creates the bucket with its policy, once."""
    org = Organization.connect(sb.session, "us-east-1", template_bucket="org-templates-x")
    assert org.ensure_template_bucket() == "org-templates-x"
    assert org.ensure_template_bucket() == "org-templates-x"
    s3 = sb.session.client("s3", region_name="us-east-1")
    assert "OrgConfig" in s3.get_bucket_policy(Bucket="org-templates-x")["Policy"]
    with pytest.raises(e.ValidationError, match="no template_bucket"):
        Organization.connect(sb.session, "us-east-1").ensure_template_bucket()


def test_a_service_validation_error_in_one_region_keeps_the_others(sb: Sandbox) -> None:
    """The service refusing a put in one region is that region's error; the others go on."""
    org = _org(sb)

    def refuse(**kwargs: object) -> None:
        from botocore.exceptions import ClientError

        raise ClientError(
            {"Error": {"Code": "ValidationException", "Message": "no"}}, "PutOrganizationConfigRule"
        )

    org.clients.client("config", "eu-west-1").meta.events.register(
        "before-call.config-service.PutOrganizationConfigRule", refuse
    )
    multi = Regions(org, REGIONS).rules.put(
        OrgConfigRule.managed("r", "S3_BUCKET_VERSIONING_ENABLED")
    )
    assert set(multi.errors) == {"eu-west-1"}
    assert isinstance(multi.errors["eu-west-1"], e.InvalidRequestError)
    result = multi.wait(raise_on_failure=False)
    assert result.failed_regions == ("eu-west-1",)
    assert result.results["us-east-1"].ok


def test_connect_refuses_empty_and_inconsistent_regions(sb: Sandbox) -> None:
    """An empty region list, or an exclusion of a region not listed, is refused."""
    with pytest.raises(e.ValidationError) as empty:
        Organization.connect(sb.session, "us-east-1", regions=[])
    assert empty.value.field == "regions"
    with pytest.raises(e.ValidationError) as stray:
        Organization.connect(
            sb.session, "us-east-1", regions=["us-east-1"], excluded_regions=["eu-west-1"]
        )
    assert stray.value.field == "excluded_regions"
    with pytest.raises(e.ValidationError) as unknown:
        Organization.connect(sb.session, "us-east-1").preflight(bogus=1)
    assert unknown.value.field == "bogus"
