"""org.conformance_packs end to end on the sandbox: every verb, error and way of waiting."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from orgconfig import (
    BusyPolicy,
    CallRetryPolicy,
    ConformancePack,
    ConformancePackInfo,
    Organization,
    PollingPolicy,
    Status,
    Template,
)
from orgconfig import errors as e
from orgconfig.testing import Quotas, Sandbox, sandbox
from tests.conftest import POLLING


def make_pack(template: Template, name: str = "baseline", **kwargs: Any) -> ConformancePack:
    kwargs.setdefault("parameters", {"BucketParam": "my-bucket"})
    return ConformancePack(name, template, **kwargs)


def test_put_get_list_status_and_delete(org: Organization, sb: Sandbox, template: Template) -> None:
    """A pack is deployed, read back, listed, reported per account and deleted."""
    members = sb.member_account_ids
    pack = make_pack(
        template,
        excluded_accounts=[members[0]],
        delivery_bucket="awsconfigconforms-reports",
        delivery_prefix="org",
    )
    result = org.conformance_packs.put(pack).wait()
    assert result.status is Status.CREATE_SUCCESSFUL
    assert result.ok
    targeted = {a.account_id for a in result.accounts}
    assert targeted == {sb.management_account_id, *members[1:]}
    assert all(a.status is Status.CREATE_SUCCESSFUL for a in result.accounts)

    info = org.conformance_packs.get("baseline")
    assert isinstance(info, ConformancePackInfo)
    assert info.name == "baseline"
    assert info.arn.startswith("arn:aws:config:us-east-1:")
    assert dict(info.parameters) == {"BucketParam": "my-bucket"}
    assert tuple(info.excluded_accounts) == (members[0],)
    assert (info.delivery_bucket, info.delivery_prefix) == ("awsconfigconforms-reports", "org")
    assert info.last_update is not None

    assert [i.name for i in org.conformance_packs.list()] == ["baseline"]
    assert list(org.conformance_packs.names()) == ["baseline"]
    assert org.conformance_packs.status("baseline").status is Status.CREATE_SUCCESSFUL
    statuses = list(org.conformance_packs.account_statuses("baseline"))
    assert {s.account_id for s in statuses} == targeted
    one = list(org.conformance_packs.account_statuses("baseline", account_id=members[1]))
    assert [s.account_id for s in one] == [members[1]]
    assert list(org.conformance_packs.account_statuses("baseline", status="CREATE_FAILED")) == []

    deletion = org.conformance_packs.delete("baseline")
    assert deletion.wait().status is Status.DELETE_SUCCESSFUL
    assert deletion.status().status is Status.DELETE_SUCCESSFUL
    sb.clock.advance(301)  # AWS shows DELETE_SUCCESSFUL for a while, then forgets the name
    assert deletion.status().status is Status.DELETE_SUCCESSFUL
    with pytest.raises(e.NotFoundError, match="baseline"):
        org.conformance_packs.get("baseline")
    assert list(org.conformance_packs.list()) == []


def test_update_reports_update_states(org: Organization, template: Template) -> None:
    """Putting an existing pack again is an update, waited on to UPDATE_SUCCESSFUL."""
    org.conformance_packs.put(make_pack(template)).wait()
    pack = make_pack(template, parameters={"BucketParam": "other", "MaxAgeParam": "30"})
    result = org.conformance_packs.put(pack).wait()
    assert result.status is Status.UPDATE_SUCCESSFUL
    assert {a.status for a in result.accounts} == {Status.UPDATE_SUCCESSFUL}
    assert dict(org.conformance_packs.get("baseline").parameters) == {
        "BucketParam": "other",
        "MaxAgeParam": "30",
    }


def test_partial_failure_names_every_failed_account(
    org: Organization, sb: Sandbox, template: Template
) -> None:
    """Accounts without a recorder or told to fail are reported with their code and message."""
    members = sb.member_account_ids
    sb.remove_recorder(members[1])
    sb.fail_account(members[2], error_code="InsufficientPermissionsException")
    deployment = org.conformance_packs.put(make_pack(template))
    with pytest.raises(e.DeploymentFailedError) as info:
        deployment.wait()
    err = info.value
    failed = {a.account_id: a for a in err.failures}
    assert set(failed) == {members[1], members[2]}
    assert failed[members[2]].error_code == "InsufficientPermissionsException"
    assert failed[members[1]].error_code
    assert failed[members[1]].error_message
    assert err.result.status is Status.CREATE_FAILED
    assert len(err.result.succeeded) == len(err.result.accounts) - 2
    assert (err.name, err.kind, err.region) == ("baseline", "conformance_pack", "us-east-1")
    assert f"2 of {len(err.result.accounts)} accounts failed" in str(err)
    for account_id in (members[1], members[2]):
        assert account_id in str(err)
    # Without raising, the same result comes back.
    result = deployment.wait(raise_on_failure=False)
    assert result is err.result
    assert not result.ok


def test_timeout_carries_progress_and_the_deployment_goes_on(
    org: Organization, sb: Sandbox, template: Template
) -> None:
    """Running out of time raises DeploymentTimeoutError with the progress; waiting again works."""
    sb.set_deploy_duration(3600)
    deployment = org.conformance_packs.put(make_pack(template))
    with pytest.raises(e.DeploymentTimeoutError) as info:
        deployment.wait(timeout=600)
    err = info.value
    assert err.timeout == 600
    assert err.last_result is not None
    assert err.last_result.status is Status.CREATE_IN_PROGRESS
    assert len(err.last_result.in_progress) == len(sb.member_account_ids) + 1
    assert "still CREATE_IN_PROGRESS after 600s" in str(err)
    assert deployment.wait().status is Status.CREATE_SUCCESSFUL


def test_resume_by_name_in_a_new_organization_object(
    sb: Sandbox, org: Organization, template: Template
) -> None:
    """A deployment started elsewhere is picked up by name and waited on to the end."""
    org.conformance_packs.put(make_pack(template))
    sb.clock.advance(10)  # reads lag a few seconds behind a put, as in AWS
    fresh = Organization.connect(sb.session, "us-east-1", polling=POLLING)
    resumed = fresh.conformance_packs.deployment("baseline")
    assert not resumed.done()
    assert resumed.status().status is Status.CREATE_IN_PROGRESS
    result = resumed.wait()
    assert result.status is Status.CREATE_SUCCESSFUL
    assert resumed.done()
    assert resumed.result is result


def test_resume_an_unknown_name_is_not_found(org: Organization) -> None:
    """Waiting on a pack that does not exist raises NotFoundError at the first poll."""
    with pytest.raises(e.NotFoundError) as info:
        org.conformance_packs.deployment("ghost").wait()
    assert info.value.code == "NoSuchOrganizationConformancePackException"


def test_busy_pack_waits_then_retries(org: Organization, sb: Sandbox, template: Template) -> None:
    """A put while a deployment runs waits for it to settle and then succeeds."""
    org.conformance_packs.put(make_pack(template))
    start = sb.clock.monotonic()
    pack = make_pack(template, parameters={"BucketParam": "b2"})
    result = org.conformance_packs.put(pack).wait()
    assert result.status is Status.UPDATE_SUCCESSFUL
    assert sb.clock.monotonic() - start >= 2 * 600
    assert sb.api_calls["PutOrganizationConformancePack"] == 3  # ok, in use, ok


def test_busy_pack_raises_when_told_not_to_wait(org: Organization, template: Template) -> None:
    """With wait_if_busy=False a busy pack raises ResourceInUseError at once."""
    org.conformance_packs.put(make_pack(template))
    with pytest.raises(e.ResourceInUseError) as info:
        org.conformance_packs.delete("baseline", wait_if_busy=False)
    assert info.value.code == "ResourceInUseException"
    assert info.value.operation == "DeleteOrganizationConformancePack"


def test_a_busy_put_returns_at_once_and_its_wait_is_bounded(
    sb: Sandbox, template: Template
) -> None:
    """A put on a busy pack returns a busy handle without waiting; its wait() keeps the timeout."""
    sb.set_deploy_duration(10**6)
    org = Organization.connect(
        sb.session,
        "us-east-1",
        polling=PollingPolicy(initial_delay=60, max_delay=60, jitter=0, timeout=600),
        busy=BusyPolicy(max_attempts=2),
    )
    org.conformance_packs.put(make_pack(template))
    before = sb.clock.monotonic()
    deployment = org.conformance_packs.put(make_pack(template))
    assert deployment.busy
    assert sb.clock.monotonic() == before
    assert repr(deployment) == "<Deployment conformance_pack 'baseline' put in us-east-1: busy>"
    with pytest.raises(e.DeploymentTimeoutError, match="has not been made: still waiting") as info:
        deployment.wait()
    assert info.value.timeout == 600
    assert sb.api_calls["PutOrganizationConformancePack"] == 2
    assert deployment.busy  # resumable: wait() again goes on waiting


def test_a_busy_put_is_made_once_the_running_deployment_settles(
    sb: Sandbox, template: Template
) -> None:
    """The busy phase waits out the running deployment, then puts, then follows its own."""
    org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
    org.conformance_packs.put(make_pack(template))
    deployment = org.conformance_packs.put(make_pack(template, parameters={"BucketParam": "other"}))
    busy_at_first = deployment.busy
    result = deployment.wait()
    assert (busy_at_first, deployment.busy) == (True, False)
    assert result.status is Status.UPDATE_SUCCESSFUL
    assert sb.api_calls["PutOrganizationConformancePack"] == 3


def test_busy_policy_off_by_default_switch(sb: Sandbox, template: Template) -> None:
    """BusyPolicy(wait=False) makes every busy put raise ResourceInUseError."""
    org = Organization.connect(sb.session, "us-east-1", busy=BusyPolicy(wait=False))
    org.conformance_packs.put(make_pack(template))
    with pytest.raises(e.ResourceInUseError):
        org.conformance_packs.put(make_pack(template))
    assert sb.api_calls["PutOrganizationConformancePack"] == 2


def test_delegated_admin_quirk_cannot_hang_the_wait(sb: Sandbox, template: Template) -> None:
    """With the aggregate stuck in progress, completion comes from the per-account status."""
    admin = sb.as_delegated_admin(sb.member_account_ids[0])
    sb.faults(stuck_aggregate_status=True)
    org = Organization.connect(admin, "us-east-1", polling=POLLING)
    result = org.conformance_packs.put(make_pack(template)).wait(timeout=3600)
    assert result.status is Status.CREATE_SUCCESSFUL
    assert org.conformance_packs.status("baseline").status is Status.CREATE_IN_PROGRESS
    assert all(a.status is Status.CREATE_SUCCESSFUL for a in result.accounts)


def test_delegated_admin_quirk_with_failures_still_fails(sb: Sandbox, template: Template) -> None:
    """A stuck aggregate with a failed account ends in DeploymentFailedError, not a hang."""
    sb.faults(stuck_aggregate_status=True)
    sb.fail_account(sb.member_account_ids[3])
    org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
    with pytest.raises(e.DeploymentFailedError) as info:
        org.conformance_packs.put(make_pack(template)).wait(timeout=3600)
    assert [a.account_id for a in info.value.failures] == [sb.member_account_ids[3]]
    assert info.value.result.status is Status.CREATE_FAILED


def test_on_progress_reports_finished_and_total(
    org: Organization, sb: Sandbox, template: Template
) -> None:
    """on_progress gets (finished, total) after every poll, ending at (total, total)."""
    for i, account in enumerate(sb.member_account_ids):
        sb.set_deploy_duration(300 * (i + 1), account_id=account)
    seen: list[tuple[int, int]] = []
    org.conformance_packs.put(make_pack(template)).wait(
        on_progress=lambda done, total: seen.append((done, total))
    )
    total = len(sb.member_account_ids) + 1
    assert seen[-1] == (total, total)
    assert all(t == total for _, t in seen)
    finished = [d for d, _ in seen]
    assert finished == sorted(finished)
    assert len(set(finished)) > 2


def test_polling_is_economical(org: Organization, sb: Sandbox, template: Template) -> None:
    """Per poll one aggregate call and at most one small detail call; the full report once."""
    deployment = org.conformance_packs.put(make_pack(template))
    before = sb.api_calls.copy()
    result = deployment.wait()
    calls = sb.api_calls - before
    assert calls["DescribeOrganizationConformancePackStatuses"] == result.polls
    # polls that saw the deployment in progress ask for one account still in progress (Limit=1);
    # the last reads the full report; polls that lag behind the put read nothing more
    assert 1 < calls["GetOrganizationConformancePackDetailedStatus"] <= result.polls


def test_more_than_a_page_of_accounts() -> None:
    """Over 100 member accounts are all reported: detailed status pages are followed."""
    with sandbox(accounts=140, seed=1) as box:
        org = Organization.connect(box.session, "us-east-1", polling=POLLING)
        box.fail_account(box.member_account_ids[120])
        tmpl = Template.from_string(
            "Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties:\n"
            "      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}\n"
        )
        with pytest.raises(e.DeploymentFailedError) as info:
            org.conformance_packs.put(ConformancePack("big", tmpl)).wait()
        assert len(info.value.result.accounts) == 141
        assert [a.account_id for a in info.value.failures] == [box.member_account_ids[120]]
        assert len(list(org.conformance_packs.account_statuses("big"))) == 141


def test_list_follows_pages_and_batches_names(sb: Sandbox, template: Template) -> None:
    """list() walks every page lazily, and names are asked 25 at a time."""
    org = Organization.connect(sb.session, "eu-west-1", polling=POLLING)
    names = [f"pack-{i:03d}" for i in range(30)]
    for name in names:
        org.conformance_packs.put(make_pack(template, name))
    sb.clock.advance(3600)
    assert sorted(i.name for i in org.conformance_packs.list()) == names
    before = sb.api_calls["DescribeOrganizationConformancePacks"]
    got = [i.name for i in org.conformance_packs.list(reversed(names))]
    assert sorted(got) == names
    assert sb.api_calls["DescribeOrganizationConformancePacks"] - before == 2
    statuses = list(org.conformance_packs.statuses(names[:3]))
    assert [s.status for s in statuses] == [Status.CREATE_SUCCESSFUL] * 3


def test_state_is_per_region(sb: Sandbox, org: Organization, template: Template) -> None:
    """A pack deployed in one region does not exist in another."""
    org.conformance_packs.put(make_pack(template)).wait()
    other = org.in_region("eu-west-1")
    assert other.region == "eu-west-1"
    with pytest.raises(e.NotFoundError) as info:
        other.conformance_packs.get("baseline")
    assert info.value.region == "eu-west-1"


def test_management_and_delegated_admin_do_not_see_each_other(
    sb: Sandbox, org: Organization, template: Template
) -> None:
    """Describe calls see only what the caller deployed."""
    org.conformance_packs.put(make_pack(template, "from-management")).wait()
    admin = Organization.connect(
        sb.as_delegated_admin(sb.member_account_ids[0]), "us-east-1", polling=POLLING
    )
    admin.conformance_packs.put(make_pack(template, "from-admin")).wait()
    assert [i.name for i in org.conformance_packs.list()] == ["from-management"]
    assert [i.name for i in admin.conformance_packs.list()] == ["from-admin"]
    with pytest.raises(e.NotFoundError):
        admin.conformance_packs.get("from-management")


# -- every error class from a real sandbox answer -------------------------------------------


def test_access_denied_for_a_member_that_is_not_an_admin(sb: Sandbox, template: Template) -> None:
    """A plain member account gets AccessDeniedError, never NotFoundError."""
    org = Organization.connect(sb.session_for(sb.member_account_ids[1]), "us-east-1")
    with pytest.raises(e.AccessDeniedError) as info:
        org.conformance_packs.get("anything")
    assert info.value.code == "OrganizationAccessDeniedException"
    assert not isinstance(info.value, e.NotFoundError)
    with pytest.raises(e.AccessDeniedError):
        org.conformance_packs.put(make_pack(template))


def test_not_ready_without_all_features(template: Template) -> None:
    """An organization with consolidated billing only gives OrganizationNotReadyError."""
    with sandbox(accounts=1, feature_set="CONSOLIDATED_BILLING") as box:
        org = Organization.connect(box.session, "us-east-1")
        with pytest.raises(e.OrganizationNotReadyError) as info:
            org.conformance_packs.put(make_pack(template))
        assert info.value.code == "OrganizationAllFeaturesNotEnabledException"


def test_not_ready_without_an_organization(template: Template) -> None:
    """A caller in no organization gets an orgconfig error, not a raw ClientError."""
    with sandbox(accounts=0, feature_set=None) as box:
        org = Organization.connect(box.session, "us-east-1")
        with pytest.raises((e.OrganizationNotReadyError, e.AccessDeniedError)) as info:
            org.conformance_packs.put(make_pack(template))
        assert info.value.code in {
            "NoAvailableOrganizationException",
            "OrganizationAccessDeniedException",
        }


def test_limit_exceeded(template: Template) -> None:
    """Past the quota of packs, LimitExceededError; re-putting an existing name still works."""
    with sandbox(accounts=1, quotas=Quotas(conformance_packs=2)) as box:
        org = Organization.connect(box.session, "us-east-1", polling=POLLING)
        org.conformance_packs.put(make_pack(template, "one")).wait()
        org.conformance_packs.put(make_pack(template, "two")).wait()
        with pytest.raises(e.LimitExceededError) as info:
            org.conformance_packs.put(make_pack(template, "three"))
        assert info.value.code == "MaxNumberOfOrganizationConformancePacksExceededException"
        org.conformance_packs.put(make_pack(template, "two")).wait()


def test_throttling_after_botocore_retries(sb: Sandbox, template: Template) -> None:
    """Throttling that outlasts botocore's retries arrives as ThrottlingError."""
    org = Organization.connect(sb.session, "us-east-1", retries=CallRetryPolicy(max_attempts=2))
    sb.faults(throttle_rate=1.0)
    with pytest.raises(e.ThrottlingError) as info:
        org.conformance_packs.status("baseline")
    assert info.value.code == "ThrottlingException"
    assert sb.api_calls["DescribeOrganizationConformancePackStatuses"] == 2


def test_throttling_is_absorbed_by_botocore(sb: Sandbox, template: Template) -> None:
    """Occasional throttling and 5xx answers are retried by botocore and never surface."""
    org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
    sb.faults(throttle_rate=0.2, server_error_rate=0.1)
    result = org.conformance_packs.put(make_pack(template)).wait()
    assert result.ok


def test_server_errors_after_botocore_retries(sb: Sandbox) -> None:
    """Server errors that outlast botocore's retries arrive as ServiceUnavailableError."""
    org = Organization.connect(sb.session, "us-east-1", retries=CallRetryPolicy(max_attempts=1))
    sb.faults(server_error_rate=1.0)
    with pytest.raises(e.ServiceUnavailableError) as info:
        list(org.conformance_packs.list())
    assert info.value.code in {"InternalFailure", "ServiceUnavailable"}
    assert info.value.http_status in {500, 503}


def test_an_oversize_template_without_a_bucket_is_refused(org: Organization, sb: Sandbox) -> None:
    """A template over 51,200 bytes, with no template_bucket configured, is refused at once."""
    body = PADDED_TEMPLATE + "#" * 52_000 + "\n"
    pack = ConformancePack("big", Template.from_string(body))
    before = sum(sb.api_calls.values())
    with pytest.raises(e.ValidationError, match="connect with template_bucket=") as info:
        org.conformance_packs.put(pack)
    assert info.value.field == "template"
    assert sum(sb.api_calls.values()) == before


def test_an_oversize_template_is_uploaded_once_and_deployed(sb: Sandbox) -> None:
    """With template_bucket set, a large template goes to S3 under its sha256, once."""
    from orgconfig.buckets import ensure_bucket

    org = Organization.connect(
        sb.session, "us-east-1", polling=POLLING, template_bucket="org-templates"
    )
    s3 = sb.session.client("s3", region_name="us-east-1")
    ensure_bucket(s3, "org-templates", "us-east-1", organization_id=sb.organization_id or "")
    puts: list[str] = []
    org.clients.client("s3", "us-east-1").meta.events.register(
        "before-parameter-build.s3.PutObject", lambda **kw: puts.append(kw["params"]["Key"])
    )
    template = Template.from_string(PADDED_TEMPLATE + "#" * 52_000 + "\n")
    for _ in range(2):
        result = org.conformance_packs.put(ConformancePack("big", template)).wait()
        assert result.ok
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="org-templates")["Contents"]]
    assert keys == [f"orgconfig/templates/{template.sha256}.yaml"]
    assert puts == keys  # uploaded once, not again for the second put


def test_template_from_s3_is_deployed_by_uri(sb: Sandbox, org: Organization) -> None:
    """A template loaded from S3 is sent as TemplateS3Uri, even when over 51,200 bytes."""
    body = PADDED_TEMPLATE + "#" * 52_000 + "\n"
    s3 = sb.session.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="templates")
    s3.put_object(Bucket="templates", Key="big.yaml", Body=body.encode())
    template = Template.from_s3_uri("s3://templates/big.yaml", session=sb.session)
    assert template.needs_s3
    result = org.conformance_packs.put(ConformancePack("big", template)).wait()
    assert result.ok


PADDED_TEMPLATE = (
    "Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties:\n"
    "      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}\n"
)


def test_configuration_error_without_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """No credentials at all is a ConfigurationError saying how to configure them."""
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    session = boto3.Session(region_name="us-east-1")
    org = Organization.connect(session)
    with pytest.raises(e.ConfigurationError, match="configure credentials") as info:
        list(org.conformance_packs.list())
    assert info.value.field == "session"
    assert info.value.__cause__ is not None


def test_busy_waits_and_polls_are_logged(
    org: Organization, template: Template, caplog: pytest.LogCaptureFixture
) -> None:
    """The busy wait is logged at INFO and every poll at DEBUG, on the 'orgconfig' logger."""
    caplog.set_level("DEBUG", logger="orgconfig")
    org.conformance_packs.put(make_pack(template))
    org.conformance_packs.put(make_pack(template)).wait()
    messages = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "orgconfig"]
    assert (
        "INFO",
        "conformance pack 'baseline' in us-east-1 is busy (attempt 1 of 3): "
        "waiting for its running deployment",
    ) in messages
    assert any(
        level == "DEBUG" and msg.endswith("UPDATE_SUCCESSFUL, 5/5 accounts finished")
        for level, msg in messages
    )


@pytest.mark.parametrize("status", ["bogus", "UNKNOWN", Status.UNKNOWN])
def test_account_statuses_refuses_an_unknown_status_filter(
    org: Organization, status: str | Status
) -> None:
    """A status filter that is not one of the nine states is a ValidationError naming 'status'."""
    with pytest.raises(e.ValidationError, match="is not one of CREATE_IN_PROGRESS, ") as info:
        org.conformance_packs.account_statuses("baseline", status=status)  # raises at once
    assert info.value.field == "status"


def test_stuck_aggregate_does_not_keep_a_deleted_pack(sb: Sandbox, template: Template) -> None:
    """With the quirk on, a completed delete still removes the pack; a new put creates it anew."""
    sb.faults(stuck_aggregate_status=True)
    org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
    org.conformance_packs.put(make_pack(template)).wait()
    assert org.conformance_packs.delete("baseline").wait().status is Status.DELETE_SUCCESSFUL
    sb.clock.advance(301)  # past the time AWS keeps showing DELETE_SUCCESSFUL
    with pytest.raises(e.NotFoundError):
        org.conformance_packs.get("baseline")
    result = org.conformance_packs.put(make_pack(template)).wait()
    assert {a.status for a in result.accounts} == {Status.CREATE_SUCCESSFUL}


def test_delete_while_a_delete_runs_waits_and_succeeds(
    org: Organization, sb: Sandbox, template: Template
) -> None:
    """A second delete waits for the running one and reports the pack deleted, not missing."""
    org.conformance_packs.put(make_pack(template)).wait()
    org.conformance_packs.delete("baseline")
    result = org.conformance_packs.delete("baseline").wait()
    assert result.status is Status.DELETE_SUCCESSFUL
    assert sb.api_calls["DeleteOrganizationConformancePack"] == 2  # ok, then in use: no third


def test_set_testing_does_not_take_over_the_sandbox_clock(
    org: Organization, sb: Sandbox, template: Template
) -> None:
    """With the test switch on inside a sandbox, waits still advance the sandbox's clock."""
    from orgconfig.retries import set_testing

    set_testing(True)
    try:
        start = sb.clock.monotonic()
        result = org.conformance_packs.put(make_pack(template)).wait()
    finally:
        set_testing(False)
    assert result.ok
    assert sb.clock.monotonic() - start >= 600


def test_wait_refuses_a_negative_timeout(org: Organization, template: Template) -> None:
    """wait(timeout=-5) is a ValidationError naming 'timeout', before any poll."""
    deployment = org.conformance_packs.put(make_pack(template))
    with pytest.raises(e.ValidationError, match="timeout must be >= 0, got -5") as info:
        deployment.wait(timeout=-5)
    assert info.value.field == "timeout"


def test_a_put_whose_answer_was_lost_is_not_made_twice(org: Organization, sb: Sandbox) -> None:
    """AWS applied the put, its answer was lost (5xx), botocore retried: one deployment only."""
    template = Template.from_string(
        "Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties:\n"
        "      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}\n"
    )
    sb.lose_next_response("PutOrganizationConformancePack")
    deployment = org.conformance_packs.put(ConformancePack("lost", template))
    assert sb.api_calls["PutOrganizationConformancePack"] == 2  # the call and botocore's retry
    # The retry met the put's own deployment; reads may not show it yet (read-after-write lag),
    # so the handle may look busy at first: either way it is never put a second time.
    result = deployment.wait()
    assert result.status is Status.CREATE_SUCCESSFUL
    assert sb.api_calls["PutOrganizationConformancePack"] == 2
    assert sb.deployments_started[("us-east-1", "pack", "lost")] == 1
    assert [p.name for p in org.conformance_packs.list()] == ["lost"]


def test_a_delete_whose_answer_was_lost_is_not_made_twice(
    org: Organization, sb: Sandbox, template: Template
) -> None:
    """A lost delete answer is recognised too: the retry meets the delete's own deployment."""
    org.conformance_packs.put(make_pack(template)).wait()
    sb.lose_next_response("DeleteOrganizationConformancePack")
    deletion = org.conformance_packs.delete("baseline")
    assert deletion.wait().status is Status.DELETE_SUCCESSFUL
    assert sb.api_calls["DeleteOrganizationConformancePack"] == 2
    assert sb.deployments_started[("us-east-1", "pack", "baseline")] == 2  # the put, the delete


def test_delete_missing_ok_is_idempotent(org: Organization, sb: Sandbox) -> None:
    """delete(missing_ok=True) of a pack that is not there is a finished delete, not an error."""
    with pytest.raises(e.NotFoundError, match="conformance pack 'ghost' not found"):
        org.conformance_packs.delete("ghost")
    gone = org.conformance_packs.delete("ghost", missing_ok=True)
    assert gone.done()
    assert gone.wait().status is Status.DELETE_SUCCESSFUL
    assert gone.wait().accounts == ()


def test_a_resumed_delete_that_already_finished_reports_it_deleted(
    org: Organization, sb: Sandbox, template: Template
) -> None:
    """Resuming a finished delete reports it deleted: while AWS shows it, and once it is gone."""
    org.conformance_packs.put(make_pack(template)).wait()
    org.conformance_packs.delete("baseline").wait()
    shown = org.conformance_packs.deployment("baseline", operation="delete").wait()
    assert shown.status is Status.DELETE_SUCCESSFUL
    assert len(shown.accounts) == len(sb.member_account_ids) + 1
    sb.clock.advance(301)  # AWS forgets the name
    resumed = org.conformance_packs.deployment("baseline", operation="delete")
    assert resumed.wait().status is Status.DELETE_SUCCESSFUL
    with pytest.raises(e.NotFoundError):
        org.conformance_packs.deployment("baseline").wait()


def test_a_throttled_put_is_not_taken_for_another_callers_deployment(sb: Sandbox) -> None:
    """A put throttled then retried into someone else's running deployment waits and puts."""
    template = Template.from_string(
        "Parameters:\n  P:\n    Type: String\n"
        "Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties:\n"
        "      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}\n"
    )
    sb.set_deploy_duration(600)
    ours = Organization.connect(sb.session, "us-east-1", polling=POLLING)
    theirs = Organization.connect(sb.session, "us-east-1", polling=POLLING)
    ours.conformance_packs.put(ConformancePack("shared", template, parameters={"P": "a"})).wait()
    theirs.conformance_packs.put(ConformancePack("shared", template, parameters={"P": "theirs"}))
    sb.clock.advance(10)
    sb.faults(throttle_rate=0.5)
    mine = ConformancePack("shared", template, parameters={"P": "mine"})
    for _ in range(20):  # until one first attempt is throttled and its retry served
        deployment = ours.conformance_packs.put(mine)
        if deployment.busy:
            break
    sb.faults()
    assert deployment.busy
    deployment.wait()
    assert dict(ours.conformance_packs.get("shared").parameters) == {"P": "mine"}


def test_a_delete_handle_never_reports_a_later_put(org: Organization, template: Template) -> None:
    """A delete waited on after a put re-created the pack reports the delete, not the put."""
    org.conformance_packs.put(make_pack(template)).wait()
    deletion = org.conformance_packs.delete("baseline")
    again = org.conformance_packs.put(make_pack(template))
    assert again.wait().status is Status.CREATE_SUCCESSFUL
    assert deletion.wait().status is Status.DELETE_SUCCESSFUL


def test_resuming_a_delete_that_never_happened_raises(
    org: Organization, template: Template
) -> None:
    """deployment(name, operation='delete') on a pack whose last deployment is a put is an error."""
    org.conformance_packs.put(make_pack(template)).wait()
    with pytest.raises(e.DeploymentSupersededError, match="there is no delete") as info:
        org.conformance_packs.deployment("baseline", operation="delete").wait()
    assert info.value.status == "CREATE_SUCCESSFUL"


def test_a_put_deleted_meanwhile_is_superseded(org: Organization, template: Template) -> None:
    """A put handle that sees its pack being deleted by someone else raises, never succeeds."""
    org.conformance_packs.put(make_pack(template)).wait()
    put = org.conformance_packs.put(make_pack(template, parameters={"BucketParam": "x"}))
    put.wait()
    org.conformance_packs.delete("baseline")
    fresh = org.conformance_packs.deployment("baseline")
    assert fresh.status().status.action == "delete"
    stale_put = org.conformance_packs.put(
        make_pack(template, parameters={"BucketParam": "y"}), wait_if_busy=True
    )
    assert stale_put.busy  # the delete runs: the put waits for it, then re-creates
    assert stale_put.wait().status is Status.CREATE_SUCCESSFUL


def test_the_busy_budget_spans_every_wait(sb: Sandbox, template: Template) -> None:
    """max_attempts counts busy answers over every wait() of one handle, not per wait()."""
    org = Organization.connect(
        sb.session, "us-east-1", polling=POLLING, busy=BusyPolicy(max_attempts=2)
    )
    other = Organization.connect(sb.session, "us-east-1", polling=POLLING)
    org.conformance_packs.put(make_pack(template)).wait()
    other.conformance_packs.put(make_pack(template, parameters={"BucketParam": "1"}))
    handle = org.conformance_packs.put(make_pack(template, parameters={"BucketParam": "2"}))

    def compete(done: int, total: int) -> None:
        if done == total:  # the running deployment ended: someone re-puts at once
            other.conformance_packs.put(make_pack(template, parameters={"BucketParam": "3"}))

    with pytest.raises(e.ResourceInUseError, match="still busy after 2 attempts"):
        handle.wait(on_progress=compete)
    puts = sb.api_calls["PutOrganizationConformancePack"]
    with pytest.raises(e.ResourceInUseError, match="still busy after 2 attempts"):
        handle.wait()
    assert sb.api_calls["PutOrganizationConformancePack"] == puts  # no third put


def test_targets_become_excluded_accounts_and_a_tag(sb: Sandbox, template: Template) -> None:
    """Targets are resolved at put time into ExcludedAccounts and recorded in the pack's tags."""
    from orgconfig import Targets
    from orgconfig.targets import targets_from_tags

    org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
    members = sb.member_account_ids
    targets = Targets(accounts=[members[0], members[1]])
    result = org.conformance_packs.put(make_pack(template), targets=targets).wait()
    assert {a.account_id for a in result.accounts} == {members[0], members[1]}
    info = org.conformance_packs.get("baseline")
    assert set(info.excluded_accounts) == {sb.management_account_id, *members[2:]}
    config = sb.session.client("config", region_name="us-east-1")
    tags = config.list_tags_for_resource(ResourceArn=info.arn)["Tags"]
    assert targets_from_tags({t["Key"]: t["Value"] for t in tags}) == targets


def test_targets_that_select_nobody_are_refused(sb: Sandbox, template: Template) -> None:
    """Targets leaving every account out would deploy nothing: refused before any call."""
    from orgconfig import Targets

    org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
    everyone = [sb.management_account_id, *sb.member_account_ids]
    with pytest.raises(e.ValidationError, match="select no account") as info:
        org.conformance_packs.put(make_pack(template), targets=Targets(exclude_accounts=everyone))
    assert info.value.field == "targets"


def test_results_carry_account_names_and_states(sb: Sandbox, template: Template) -> None:
    """Every account of a result has its name and its state in AWS Organizations."""
    org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
    result = org.conformance_packs.put(make_pack(template)).wait()
    names = org.account_names()
    assert all(a.account_name == names[a.account_id] for a in result.accounts)
    assert {a.account_state for a in result.accounts} == {"ACTIVE"}


def test_a_delete_blocked_by_a_suspended_account_says_so(sb: Sandbox, template: Template) -> None:
    """A suspended account failing a delete is reported apart from real failures, with a remedy."""
    org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
    org.conformance_packs.put(make_pack(template)).wait()
    suspended = sb.member_account_ids[0]
    sb.suspend_account(suspended)
    org.refresh()
    with pytest.raises(e.DeploymentFailedError) as info:
        org.conformance_packs.delete("baseline").wait()
    err = info.value
    assert [a.account_id for a in err.blocked] == [suspended]
    assert err.blocked[0].account_state == "SUSPENDED"
    assert [a.account_id for a in err.failures] == [suspended]
    assert "could not be deleted from, being suspended" in str(err)
    assert "remove suspended or closing accounts from the organization" in str(err)
    assert err.result.blocked == err.blocked


def test_a_re_put_with_new_targets_records_the_new_targets(sb: Sandbox, template: Template) -> None:
    """orgconfig's own tags follow each put (AWS applies Tags only at creation); others stay."""
    from orgconfig import Targets
    from orgconfig.targets import targets_from_tags

    org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
    members = sb.member_account_ids
    config = sb.session.client("config", region_name="us-east-1")

    def tags() -> dict[str, str]:
        arn = org.conformance_packs.get("baseline").arn
        answer = config.list_tags_for_resource(ResourceArn=arn)["Tags"]
        return {t["Key"]: t["Value"] for t in answer}

    first = Targets(accounts=[members[0]])
    org.conformance_packs.put(make_pack(template, tags={"team": "sec"}), targets=first).wait()
    second = Targets(accounts=[members[1], members[2]])
    org.conformance_packs.put(make_pack(template, tags={"team": "sec"}), targets=second).wait()
    assert targets_from_tags(tags()) == second
    org.conformance_packs.put(make_pack(template, tags={"team": "sec"})).wait()
    left = tags()  # no targets now: the recorded ones are gone, the user's tag stays
    assert left["team"] == "sec"
    assert not [k for k in left if k.startswith("orgconfig:targets")]


def test_targets_and_the_items_own_exclusions_that_leave_nobody_are_refused(
    sb: Sandbox, template: Template
) -> None:
    """Targets whose every account the pack itself excludes would deploy nothing: refused."""
    from orgconfig import Targets

    org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
    only = sb.member_account_ids[0]
    pack = make_pack(template, excluded_accounts=[only])
    with pytest.raises(e.ValidationError, match="select no account") as info:
        org.conformance_packs.put(pack, targets=Targets(accounts=[only]))
    assert info.value.field == "targets"


def test_a_long_lived_organization_sees_an_account_suspended_since(
    sb: Sandbox, template: Template
) -> None:
    """A failure in an account suspended after the directory was read is still told apart."""
    org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
    org.conformance_packs.put(make_pack(template)).wait()
    sb.suspend_account(sb.member_account_ids[0])
    with pytest.raises(e.DeploymentFailedError) as info:
        org.conformance_packs.delete("baseline").wait()  # no org.refresh(): results read again
    assert [a.account_state for a in info.value.blocked] == ["SUSPENDED"]
