"""Plan and apply on the sandbox: create, update, drift, retry, prune, saved plans, export."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from orgconfig import Organization, OrgConfigRule, Targets
from orgconfig.desired import DesiredRule, DesiredState, load_desired
from orgconfig.plan import Plan, PlanStaleError, export_desired, make_plan
from orgconfig.testing import Sandbox, sandbox
from tests.conftest import PACK_TEMPLATE, POLLING

GUARD = 'rule pitr { configuration.x == "y" }\n'


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with sandbox(accounts=4, ous={"Workloads": 2, "Other": 1}, seed=0) as running:
        yield running


@pytest.fixture
def org(sb: Sandbox) -> Organization:
    return Organization.connect(sb.session, "us-east-1", polling=POLLING)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "pack.yaml").write_text(PACK_TEMPLATE)
    (tmp_path / "pitr.guard").write_text(GUARD)
    return tmp_path


def desired(folder: Path, *, parameter: str = "my-bucket", extra: str = "") -> DesiredState:
    text = f"""\
version: 1
conformance_packs:
  - name: keys
    template: pack.yaml
    parameters: {{BucketParam: {parameter}}}
    targets: {{ous: [Root/Workloads]}}
    tags: {{team: sec}}
rules:
  - name: versioning
    kind: managed
    identifier: S3_BUCKET_VERSIONING_ENABLED
  - name: pitr
    kind: custom_policy
    policy_file: pitr.guard
{extra}"""
    path = folder / "desired.yaml"
    path.write_text(text)
    return load_desired(path)


def actions(plan: Plan) -> dict[str, str]:
    return {f"{i.kind}:{i.name}": i.action for i in plan.items}


def applied(org: Organization, state: DesiredState) -> None:
    result = make_plan(org, state).apply()
    assert result.ok, result.summary()


def test_create_then_a_second_plan_is_all_unchanged(org: Organization, folder: Path) -> None:
    """A first plan creates everything; after a successful apply, nothing is left to do."""
    state = desired(folder)
    plan = make_plan(org, state)
    assert set(actions(plan).values()) == {"create"}
    result = plan.apply()
    assert result.ok, result.summary()
    assert {i.action for i in result.items} == {"create"}
    assert all(a.ok for i in result.items for a in i.accounts)
    again = make_plan(org, state)
    assert not again.has_changes
    assert set(actions(again).values()) == {"unchanged"}


def test_apply_never_touches_what_is_unchanged(
    org: Organization, sb: Sandbox, folder: Path
) -> None:
    """Applying an all-unchanged plan starts no deployment."""
    state = desired(folder)
    applied(org, state)
    started = sum(sb.deployments_started.values())
    result = make_plan(org, state).apply()
    assert result.items == ()
    assert result.unchanged == 3
    assert sum(sb.deployments_started.values()) == started


def test_a_changed_parameter_is_an_update_with_its_field(org: Organization, folder: Path) -> None:
    """A parameter's new value shows as a field-level change, and apply makes it."""
    applied(org, desired(folder))
    plan = make_plan(org, desired(folder, parameter="other-bucket"))
    (item,) = plan.changes
    assert (item.name, item.action) == ("keys", "update")
    assert [c.to_dict() for c in item.changes] == [
        {"field": "parameters['BucketParam']", "before": "my-bucket", "after": "other-bucket"}
    ]
    assert plan.apply().ok
    assert not make_plan(org, desired(folder, parameter="other-bucket")).has_changes


def test_template_drift_is_seen_but_line_endings_are_not(org: Organization, folder: Path) -> None:
    """An edited template is an update (template_sha256); the same one with CRLF is not."""
    applied(org, desired(folder))
    (folder / "pack.yaml").write_bytes(PACK_TEMPLATE.replace("\n", "\r\n").encode())
    assert not make_plan(org, desired(folder)).has_changes
    (folder / "pack.yaml").write_text(PACK_TEMPLATE.replace('"90"', '"60"'))
    plan = make_plan(org, desired(folder))
    (item,) = plan.changes
    assert [c.field for c in item.changes] == ["template_sha256"]
    assert plan.apply().ok
    assert not make_plan(org, desired(folder)).has_changes


def test_guard_policy_text_is_read_back_and_compared(org: Organization, folder: Path) -> None:
    """A changed Guard policy file is an update of the rule's policy."""
    applied(org, desired(folder))
    (folder / "pitr.guard").write_text(GUARD.replace('"y"', '"z"'))
    (item,) = make_plan(org, desired(folder)).changes
    assert (item.name, [c.field for c in item.changes]) == ("pitr", ["policy"])


def test_an_account_moving_into_an_included_ou_is_target_drift(
    org: Organization, sb: Sandbox, folder: Path
) -> None:
    """An account that joins a targeted OU is added; one that joins elsewhere is removed."""
    applied(org, desired(folder))
    mover = sb.ou_members["Other"][0]
    sb.move_account(mover, "Workloads")
    newcomer = sb.add_account("newcomer")
    sb.clock.advance(3600)
    plan = make_plan(org, desired(folder))
    (item,) = plan.changes
    assert (item.name, item.action) == ("keys", "update")
    assert item.accounts_added == (mover,)
    assert item.accounts_removed == (newcomer,)
    assert "excluded_accounts" in [c.field for c in item.changes]
    assert plan.apply().ok
    assert not make_plan(org, desired(folder)).has_changes


def test_a_failed_deployment_is_retried_with_nothing_else_changed(
    org: Organization, sb: Sandbox, folder: Path
) -> None:
    """A deployment that failed in one account plans as retry until a put succeeds."""
    sb.fail_account(sb.ou_members["Workloads"][0], times=1)
    result = make_plan(org, desired(folder)).apply(max_concurrency=1)  # the pack goes first
    assert not result.ok
    (bad,) = result.failed
    assert bad.name == "keys"
    assert [a.account_id for a in bad.failed_accounts] == [sb.ou_members["Workloads"][0]]
    assert result.items[-1].ok  # the other items went on
    plan = make_plan(org, desired(folder))
    (item,) = plan.changes
    assert (item.name, item.action, item.changes) == ("keys", "retry", ())
    assert item.reason is not None
    assert "FAILED" in item.reason
    assert plan.apply().ok
    assert not make_plan(org, desired(folder)).has_changes


def test_prune_deletes_only_what_orgconfig_manages(org: Organization, folder: Path) -> None:
    """Without prune nothing is deleted; prune=True deletes managed items; 'all' the others too."""
    extra = "  - name: old\n    kind: managed\n    identifier: S3_BUCKET_VERSIONING_ENABLED\n"
    applied(org, desired(folder, extra=extra))
    org.rules.put(OrgConfigRule.managed("by-hand", "S3_BUCKET_VERSIONING_ENABLED")).wait()
    state = desired(folder)
    assert not make_plan(org, state).has_changes
    pruned = make_plan(org, state, prune=True)
    assert [(i.name, i.action) for i in pruned.changes] == [("old", "delete")]
    everything = make_plan(org, state, prune="all")
    assert sorted(i.name for i in everything.changes) == ["by-hand", "old"]
    assert pruned.apply().ok
    assert not make_plan(org, state, prune=True).has_changes


def test_user_tags_follow_the_desired_state(org: Organization, folder: Path) -> None:
    """A changed tag is an update, and after apply the pack carries exactly the new tags."""
    applied(org, desired(folder))
    path = folder / "desired.yaml"
    path.write_text(path.read_text().replace("{team: sec}", "{owner: me}"))
    plan = make_plan(org, load_desired(path))
    (item,) = plan.changes
    assert sorted(c.field for c in item.changes) == ["tags['owner']", "tags['team']"]
    assert plan.apply().ok
    assert org.conformance_packs.get("keys").tags["owner"] == "me"
    assert not make_plan(org, load_desired(path)).has_changes


def test_a_saved_plan_applies_as_reviewed(org: Organization, folder: Path, tmp_path: Path) -> None:
    """A plan saved and loaded again applies what was planned, even after the files changed."""
    plan = make_plan(org, desired(folder))
    plan.save(tmp_path / "plan.json")
    (folder / "pack.yaml").write_text("not: a template\n")
    loaded = Plan.load(tmp_path / "plan.json", org)
    assert loaded.to_dict() == plan.to_dict()
    assert loaded.apply().ok
    (folder / "pack.yaml").write_text(PACK_TEMPLATE)
    assert not make_plan(org, desired(folder)).has_changes


def test_a_saved_plan_is_refused_after_the_organization_changed(
    org: Organization, sb: Sandbox, folder: Path, tmp_path: Path
) -> None:
    """A deployment or an account that changed since the plan makes apply raise PlanStaleError."""
    applied(org, desired(folder))
    make_plan(org, desired(folder, parameter="other")).save(tmp_path / "plan.json")
    sb.move_account(sb.ou_members["Other"][0], "Workloads")
    started = sum(sb.deployments_started.values())
    with pytest.raises(PlanStaleError):
        Plan.load(tmp_path / "plan.json", org).apply()
    assert sum(sb.deployments_started.values()) == started


def test_to_dict_shapes_are_stable(org: Organization, folder: Path) -> None:
    """Plan.to_dict and ApplyResult.to_dict carry the documented keys."""
    plan = make_plan(org, desired(folder))
    data = plan.to_dict()
    assert set(data) == {
        "format",
        "organization_id",
        "fingerprint",
        "prune",
        "has_changes",
        "counts",
        "items",
    }
    assert set(data["items"][0]) == {
        "kind",
        "name",
        "region",
        "action",
        "reason",
        "status",
        "managed",
        "changes",
        "accounts_added",
        "accounts_removed",
    }
    result = plan.apply().to_dict()
    assert set(result) == {"format", "ok", "unchanged", "failed", "items"}
    assert set(result["items"][0]) == {
        "kind",
        "name",
        "region",
        "action",
        "ok",
        "status",
        "error_type",
        "error",
        "accounts",
    }
    assert set(result["items"][0]["accounts"][0]) == {
        "account_id",
        "account_name",
        "status",
        "error_code",
        "error_message",
    }


def test_export_then_load_round_trips(org: Organization, folder: Path, tmp_path: Path) -> None:
    """What export writes loads again (templates put in place) and plans as all unchanged."""
    state = desired(folder)
    applied(org, state)
    text = export_desired(org)
    assert "AWS does not return templates" in text
    out = tmp_path / "exported"
    (out / "templates").mkdir(parents=True)
    (out / "templates" / "keys.yaml").write_text(PACK_TEMPLATE)
    (out / "orgconfig.yaml").write_text(text)
    again = load_desired(out / "orgconfig.yaml")
    assert [p.targets for p in again.conformance_packs] == [
        p.targets for p in state.conformance_packs
    ]
    assert not make_plan(org, again).has_changes


def test_a_saved_plan_with_nothing_to_do_is_still_checked(tmp_path: Path) -> None:
    """A saved all-unchanged plan applied after the organization changed is refused too."""
    with sandbox(accounts=3, regions=("us-east-1",), seed=1, ous={"Workloads": 2}) as sb:
        org = Organization.connect(sb.session, "us-east-1")
        rule = OrgConfigRule.managed("r", "S3_BUCKET_VERSIONING_ENABLED")
        desired = DesiredState(
            conformance_packs=(),
            rules=(DesiredRule(rule, targets=Targets(ous=["Root/Workloads"])),),
            regions=("us-east-1",),
        )
        org.plan(desired).apply()
        saved = tmp_path / "plan.json"
        org.plan(desired).save(saved)
        sb.add_account("outsider")  # joins the root, outside the targets
        with pytest.raises(PlanStaleError):
            Plan.load(saved, org).apply()


def test_apply_reports_each_changes_progress() -> None:
    """Plan.apply's on_progress hears each change's counts, ending at every account finished."""
    with sandbox(accounts=3, regions=("us-east-1",), seed=1) as sb:
        org = Organization.connect(sb.session, "us-east-1", polling=POLLING)
        rule = OrgConfigRule.managed("r", "S3_BUCKET_VERSIONING_ENABLED")
        desired = DesiredState(
            conformance_packs=(), rules=(DesiredRule(rule),), regions=("us-east-1",)
        )
        seen: list[tuple[str, int, int]] = []
        result = org.plan(desired).apply(
            on_progress=lambda change, done, total: seen.append((change.name, done, total))
        )
        assert result.ok
        assert seen[-1] == ("r", 4, 4)
        assert {name for name, _, _ in seen} == {"r"}
