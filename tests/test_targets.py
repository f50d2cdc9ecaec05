"""Targets: OUs (nested), accounts and tags resolved into ExcludedAccounts, recorded in tags."""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgconfig import Organization, ValidationError
from orgconfig.resolution import Resolution, TargetChanges
from orgconfig.targets import (
    TARGETS_TAG_KEY,
    Targets,
    targets_digest,
    targets_from_tags,
    targets_match_tags,
    targets_to_tag,
    targets_to_tags,
)
from orgconfig.testing import Sandbox, sandbox
from tests.test_directory import count_calls


@pytest.fixture
def tree() -> Iterator[Sandbox]:
    """8 members: 2 in Security, 2 in Workloads, 2 in Workloads/Prod, 2 at the root."""
    with sandbox(accounts=8, ous={"Security": 2, "Workloads": 4}) as box:
        orgs = box.client("organizations")
        created = orgs.create_organizational_unit(ParentId=box.ou_ids["Workloads"], Name="Prod")
        for account_id in box.ou_members["Workloads"][2:]:
            box.move_account(account_id, created["OrganizationalUnit"]["Id"])
        yield box


@pytest.fixture
def org(tree: Sandbox) -> Organization:
    """The management account's Organization over the ``tree`` sandbox."""
    return Organization.connect(tree.session, "us-east-1")


def _everyone(tree: Sandbox) -> set[str]:
    return {tree.management_account_id, *tree.member_account_ids}


def _prod(org: Organization) -> set[str]:
    return {a.id for a in org.accounts() if a.ou_path == "Root/Workloads/Prod"}


def test_no_targets_is_the_whole_organization(org: Organization, tree: Sandbox) -> None:
    """Targets() includes every account and excludes none."""
    resolution = org.resolve(Targets())
    assert Targets().is_everything
    assert resolution.included == _everyone(tree)
    assert resolution.excluded_accounts == ()
    assert resolution.organization_id == tree.organization_id


def test_an_ou_includes_its_nested_ous(org: Organization, tree: Sandbox) -> None:
    """An OU by path includes the accounts of the OUs nested under it; the rest is excluded."""
    resolution = org.resolve(Targets(ous=["Root/Workloads"]))
    workloads = set(tree.ou_members["Workloads"]) | _prod(org)
    assert len(workloads) == 4
    assert resolution.included == workloads
    assert set(resolution.excluded_accounts) == _everyone(tree) - workloads
    assert list(resolution.excluded_accounts) == sorted(resolution.excluded)


def test_an_ou_by_id_is_the_same_as_by_path(org: Organization, tree: Sandbox) -> None:
    """OUs can be named by id as well as by path; the root by 'Root' or its id."""
    by_id = org.resolve(Targets(ous=[tree.ou_ids["Workloads"]]))
    assert by_id.included == org.resolve(Targets(ous=["Root/Workloads"])).included
    assert org.resolve(Targets(ous=[tree.root_id or ""])).included == _everyone(tree)
    assert org.resolve(Targets(ous=["Root"])).included == _everyone(tree)


def test_excluded_ous_win(org: Organization, tree: Sandbox) -> None:
    """An excluded OU (nested in an included one) leaves its accounts out."""
    targets = Targets(ous=["Root/Workloads"], exclude_ous=["Root/Workloads/Prod"])
    assert org.resolve(targets).included == set(tree.ou_members["Workloads"])
    everything_but = org.resolve(Targets(exclude_ous=["Root/Security"]))
    assert everything_but.excluded == set(tree.ou_members["Security"])


def test_accounts_are_added_and_removed(org: Organization, tree: Sandbox) -> None:
    """Included accounts add to the OUs' accounts; excluded ones are taken away."""
    security = tree.ou_members["Security"]
    extra = tree.member_account_ids[-1]
    targets = Targets(ous=["Root/Security"], accounts=[extra], exclude_accounts=[security[0]])
    assert org.resolve(targets).included == {security[1], extra}


def test_tags_include_and_exclude(org: Organization, tree: Sandbox) -> None:
    """An account carrying any of the tags is included, or excluded for exclude_tags."""
    orgs = tree.client("organizations")
    members = tree.member_account_ids
    for account_id, value in ((members[0], "prod"), (members[1], "prod"), (members[2], "dev")):
        orgs.tag_resource(ResourceId=account_id, Tags=[{"Key": "env", "Value": value}])
    orgs.tag_resource(ResourceId=members[1], Tags=[{"Key": "lifecycle", "Value": "closing"}])
    calls = count_calls(org)
    assert org.resolve(Targets(tags={"env": "prod"})).included == {members[0], members[1]}
    assert calls["ListTagsForResource"] == len(_everyone(tree))
    targets = Targets(tags={"env": "prod"}, exclude_tags={"lifecycle": "closing"})
    assert org.resolve(targets).included == {members[0]}
    assert org.resolve(Targets(exclude_tags={"env": "prod"})).excluded == {members[0], members[1]}
    assert calls["ListTagsForResource"] == len(_everyone(tree))  # cached


def test_tags_are_not_read_without_tag_selectors(org: Organization) -> None:
    """Resolving OU and account targets reads no tags."""
    calls = count_calls(org)
    org.resolve(Targets(ous=["Root/Security"]))
    assert calls["ListTagsForResource"] == 0


def test_an_unknown_ou_path_names_the_closest(org: Organization) -> None:
    """An OU path the organization does not have is named, with the closest paths."""
    with pytest.raises(ValidationError, match="'Root/Workloads/Prod'") as info:
        org.resolve(Targets(ous=["Root/Security"], exclude_ous=["Root/Workloads/Prd"]))
    assert info.value.field == "targets.exclude_ous[0]"
    assert "no OU 'Root/Workloads/Prd'" in str(info.value)


def _slashed_ous(tree: Sandbox) -> tuple[str, str, str, str]:
    """Add an OU named 'A/B' and an OU A with a child B under Workloads; one account in each.

    Returns the two OU ids and the account moved into each.
    """
    orgs = tree.client("organizations")
    workloads = tree.ou_ids["Workloads"]

    def ou(parent: str, name: str) -> str:
        created = orgs.create_organizational_unit(ParentId=parent, Name=name)
        return str(created["OrganizationalUnit"]["Id"])

    slashed = ou(workloads, "A/B")
    nested = ou(ou(workloads, "A"), "B")
    first, second = tree.ou_members["Workloads"][:2]
    tree.move_account(first, slashed)
    tree.move_account(second, nested)
    return slashed, nested, first, second


def test_an_ambiguous_ou_path_is_refused(tree: Sandbox) -> None:
    """A path that an OU named 'A/B' and an OU B under A both have is refused: use the id."""
    slashed, nested, _, _ = _slashed_ous(tree)
    org = Organization.connect(tree.session, "us-east-1")
    with pytest.raises(ValidationError) as info:
        org.resolve(Targets(ous=["Root/Security", "Root/Workloads/A/B"]))
    assert info.value.field == "targets.ous[1]"
    assert "the path 'Root/Workloads/A/B' names 2 OUs" in str(info.value)
    assert slashed in str(info.value)
    assert nested in str(info.value)
    assert "give the OU by its id instead" in str(info.value)


def test_an_ou_named_with_a_slash_is_selected_by_id_alone(tree: Sandbox) -> None:
    """By id, an OU named 'A/B' and the OU B under A select their own accounts only."""
    slashed, nested, first, second = _slashed_ous(tree)
    org = Organization.connect(tree.session, "us-east-1")
    assert org.resolve(Targets(ous=[slashed])).included == {first}
    assert org.resolve(Targets(ous=[nested])).included == {second}
    assert org.resolve(Targets(ous=["Root/Workloads/A"])).included == {second}


def test_an_unknown_ou_id_or_account_is_refused(org: Organization, tree: Sandbox) -> None:
    """OU ids and accounts not in the organization are refused, naming the selector."""
    real = tree.ou_ids["Security"]
    with pytest.raises(ValidationError, match=f"the closest: '{real}'") as info:
        org.resolve(Targets(ous=[real[:-1] + ("a" if real[-1] != "a" else "b")]))
    assert info.value.field == "targets.ous[0]"
    with pytest.raises(ValidationError, match="not an account of organization") as info:
        org.resolve(Targets(accounts=["000000000000"]))
    assert info.value.field == "targets.accounts[0]"


def test_more_than_1000_excluded_is_refused() -> None:
    """Leaving more than 1,000 accounts out is a ValidationError naming the count."""
    with sandbox(accounts=1005, ous={"Small": 10}) as box:
        org = Organization.connect(box.session, "us-east-1")
        fits = org.resolve(Targets(ous=["Root/Small"]))
        assert len(fits.excluded_accounts) == 996
        small = box.ou_members["Small"]
        with pytest.raises(
            ValidationError, match="leave 1,001 of the organization's 1,006"
        ) as info:
            org.resolve(Targets(ous=["Root/Small"], exclude_accounts=small[:5]))
        assert info.value.field == "targets"
        assert "at most 1,000" in str(info.value)


def test_an_account_joining_an_included_ou_is_a_change(org: Organization, tree: Sandbox) -> None:
    """An account that joins or moves into an included OU shows as added on re-resolution."""
    targets = Targets(ous=["Root/Workloads"])
    first = org.resolve(targets)
    joined = tree.add_account("newcomer", ou="Workloads")
    outsider = tree.add_account("elsewhere")
    moved = tree.ou_members["Security"][0]
    tree.move_account(moved, "Workloads")
    assert org.resolve(targets) == first  # cached until refreshed
    again = org.resolve(targets, refresh=True)
    changes = again.changes_since(first)
    assert changes
    assert changes.added == tuple(sorted((joined, moved)))
    assert changes.removed == ()
    assert changes.joined == tuple(sorted((joined, outsider)))
    assert changes.moved == {moved: ("Root/Security", "Root/Workloads")}
    assert f"+ {joined} (newcomer)" in changes.summary()
    assert not again.changes_since(again)
    assert again.changes_since(again).summary() == "no change"


def test_drift_from_what_a_deployment_excluded(org: Organization, tree: Sandbox) -> None:
    """An account joining outside the targeted OUs is reached by the deployment: drift says so."""
    targets = Targets(ous=["Root/Workloads"])
    deployed = org.resolve(targets).excluded_accounts
    outsider = tree.add_account("elsewhere")
    joined = tree.add_account("inside", ou="Workloads")
    drift = org.resolve(targets, refresh=True).drift_from(deployed)
    assert drift.removed == (outsider,)
    assert drift.added == ()
    assert joined not in drift.removed


def test_targets_validate_their_fields() -> None:
    """Malformed selectors, strings for lists, and contradictions name the field."""
    cases: list[tuple[dict[str, object], str]] = [
        ({"ous": ["Workloads"]}, "ous[0]"),
        ({"ous": ["Root//Prod"]}, "ous[0]"),
        ({"ous": "Root/Prod"}, "ous"),
        ({"accounts": ["1234"]}, "accounts[0]"),
        ({"tags": {"aws:x": "y"}}, "tags['aws:x']"),
        ({"tags": ["env"]}, "tags"),
        ({"ous": ["Root/A"], "exclude_ous": ["Root/A"]}, "exclude_ous[0]"),
        (
            {"accounts": ["111122223333"], "exclude_accounts": ["111122223333"]},
            "exclude_accounts[0]",
        ),
        ({"tags": {"env": "prod"}, "exclude_tags": {"env": "prod"}}, "exclude_tags['env']"),
        ({"accounts": ["111122223333", "111122223333"]}, "accounts[1]"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as info:
            Targets(**kwargs)  # type: ignore[arg-type]  # wrong types are the point
        assert info.value.field == field, kwargs
    assert Targets(ous=("Root/A",)).ous == ("Root/A",)


def test_resolve_refuses_what_is_not_targets(org: Organization) -> None:
    """Passing something else than Targets is a ValidationError."""
    with pytest.raises(ValidationError) as info:
        org.resolve(["Root/Workloads"])  # type: ignore[arg-type]  # the mistake tested
    assert info.value.field == "targets"


# -- recording targets in tags --------------------------------------------------------------------


def test_targets_tag_is_compact_and_readable() -> None:
    """Targets become one short, readable tag value, fields in a fixed order, items sorted."""
    targets = Targets(
        ous=["Root/Workloads/Prod", "Root/Shared Services"],
        exclude_accounts=["222233334444", "111122223333"],
        tags={"env": "prod"},
    )
    key, value = targets_to_tag(targets)
    assert key == TARGETS_TAG_KEY
    assert value == (
        "v1 o:Root/Shared=20Services+Root/Workloads/Prod t:env:prod xa:111122223333+222233334444"
    )
    assert targets_from_tags({key: value}) == targets
    reordered = Targets(ous=targets.ous[::-1], exclude_accounts=targets.exclude_accounts[::-1])
    assert attrs.evolve(reordered, tags={"env": "prod"}) == targets
    assert hash(attrs.evolve(reordered, tags={"env": "prod"})) == hash(targets)
    assert targets_to_tag(Targets()) == (TARGETS_TAG_KEY, "v1")
    assert targets_from_tags({key: "v1"}) == Targets()


def test_no_tag_is_no_targets() -> None:
    """Tags without the targets tag record no targets."""
    assert targets_from_tags({"team": "a"}) is None
    assert targets_match_tags(Targets(), {}) is None


def test_long_targets_are_split_over_tags_with_a_digest() -> None:
    """Targets longer than 256 characters are recorded in parts, checked by their digest."""
    accounts = [f"{i:012d}" for i in range(1, 60)]
    targets = Targets(exclude_accounts=accounts)
    tags = targets_to_tags(targets)
    head = tags[TARGETS_TAG_KEY]
    assert head == f"v1 sha256:{targets_digest(targets)} parts:{len(tags) - 1}"
    assert all(len(v) <= 256 for v in tags.values())
    assert targets_from_tags(tags) == targets
    assert targets_match_tags(targets, tags) is True
    assert targets_match_tags(Targets(), tags) is False
    edited = {**tags, f"{TARGETS_TAG_KEY}:1": tags[f"{TARGETS_TAG_KEY}:1"].replace("1", "2", 1)}
    with pytest.raises(ValidationError, match="digest") as info:
        targets_from_tags(edited)
    assert info.value.field == f"tags[{TARGETS_TAG_KEY!r}]"
    missing = {k: v for k, v in tags.items() if not k.endswith(":2")}
    with pytest.raises(ValidationError, match=r"miss part\(s\) \[2\]"):
        targets_from_tags(missing)


def test_the_one_tag_falls_back_to_the_digest() -> None:
    """targets_to_tag gives the digest alone when the targets do not fit one tag."""
    targets = Targets(exclude_accounts=[f"{i:012d}" for i in range(1, 60)])
    key, value = targets_to_tag(targets)
    assert value == f"v1 sha256:{targets_digest(targets)} parts:0"
    assert targets_from_tags({key: value}) is None
    assert targets_match_tags(targets, {key: value}) is True
    huge = Targets(exclude_accounts=[f"{i:012d}" for i in range(1, 1000)])
    assert targets_to_tags(huge) == {TARGETS_TAG_KEY: f"v1 sha256:{targets_digest(huge)} parts:0"}


def test_unreadable_tags_are_validation_errors() -> None:
    """A tag that cannot be decoded names the tag; a newer format says so."""
    for value, message in (
        ("v2 o:Root", "unknown format 'v2'"),
        ("v1 q:x", "cannot read 'q:x'"),
        ("v1 o:Root/=ZZ", "bad escape"),
        ("v1 t:env", "malformed tag"),
        ("v1 o:Workloads", "not valid"),
        ("v1 sha256:abc parts:1", "cannot read"),
    ):
        with pytest.raises(ValidationError, match=message) as info:
            targets_from_tags({TARGETS_TAG_KEY: value})
        assert info.value.field == f"tags[{TARGETS_TAG_KEY!r}]"


_NAMES = st.text(min_size=1, max_size=20).filter(lambda s: "/" not in s)
_PATHS = st.lists(_NAMES, min_size=0, max_size=3).map(lambda names: "/".join(["Root", *names]))
_ACCOUNTS = st.from_regex(r"[0-9]{12}", fullmatch=True)
_TAG_KEYS = st.text(min_size=1, max_size=10).filter(lambda k: not k.lower().startswith("aws:"))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    ous=st.lists(_PATHS, max_size=3, unique=True),
    accounts=st.lists(_ACCOUNTS, max_size=30, unique=True),
    tags=st.dictionaries(_TAG_KEYS, st.text(max_size=10), max_size=3),
    exclude_ous=st.lists(_PATHS, max_size=2, unique=True),
)
def test_tags_round_trip(
    ous: list[str], accounts: list[str], tags: dict[str, str], exclude_ous: list[str]
) -> None:
    """Any targets written to tags read back the same, each tag value at most 256 characters."""
    exclude_ous = [o for o in exclude_ous if o not in ous]
    targets = Targets(ous=ous, exclude_accounts=accounts, tags=tags, exclude_ous=exclude_ous)
    written = targets_to_tags(targets, max_parts=50)
    assert all(len(value) <= 256 for value in written.values())
    read = targets_from_tags(written)
    assert read is not None
    assert (set(read.ous), set(read.exclude_accounts), dict(read.tags)) == (
        set(ous),
        set(accounts),
        tags,
    )
    assert targets_match_tags(targets, written) is True


def test_changes_summary_names_accounts() -> None:
    """A change summary lists added, removed, joined, left and moved accounts by name."""
    changes = TargetChanges(
        added=("111122223333",),
        removed=("222233334444",),
        left=("222233334444",),
        moved={"111122223333": ("Root/A", "Root/B")},
        names={"111122223333": "prod"},
    )
    assert changes.summary().splitlines() == [
        "+ 111122223333 (prod)",
        "- 222233334444",
        "  left: 222233334444",
        "  moved: 111122223333 (prod) Root/A -> Root/B",
    ]
    resolution = Resolution(Targets(), "o-abc", frozenset(), frozenset(), {}, {})
    assert resolution.included_accounts == ()


def test_the_targets_guide_runs() -> None:
    """Every code block of docs/targets.md runs on its own, given an ``org``, as written."""
    from tests.test_docs import python_blocks, run_blocks

    with sandbox(accounts=4, ous={"Workloads": 2}) as box:
        org = Organization.connect(box.session, "us-east-1")
        changes = []
        for block in python_blocks("targets.md"):
            namespace: dict[str, object] = {"org": org, "print": lambda *a, **k: None}
            run_blocks([block], namespace)  # its own imports: no name from an earlier block
            changes += [namespace["changes"]] if "changes" in namespace else []
        assert changes == [TargetChanges(names=org.account_names())]
