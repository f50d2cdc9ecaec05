"""Every public entry point, fed arbitrary input, raises only orgconfig errors and calls nothing.

Hypothesis draws wrong types, huge integers, long and unicode strings and single strings where
lists of names are expected; each property checks that only an
:class:`~orgconfig.errors.OrgConfigError` escapes and that an invalid input made no API call
(the sandbox counts every request).
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgconfig import (
    ConformancePack,
    ConformancePackInfo,
    Organization,
    OrgConfigRule,
    Template,
    _limits,
)
from orgconfig.errors import OrgConfigError, ValidationError
from orgconfig.testing import Sandbox, sandbox
from tests.conftest import PACK_TEMPLATE

FAST = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

HUGE = 10**5000
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(["huge", "-huge", "big"]).map(
        lambda k: {"huge": HUGE, "-huge": -HUGE}.get(k, 2**64)
    ),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=80),
    st.text(alphabet="ab[{\"'\\é😀\x00 ", max_size=20).map(lambda s: s * 5000),
    st.binary(max_size=40),
    st.sampled_from(["p1", "a", "", "bad name!", "ä", "[[", "s3-versioning"]).map(
        lambda s: "[" * 100_000 if s == "[[" else s
    ),
)
ANYTHING = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.one_of(st.text(max_size=10), st.integers()), inner, max_size=4),
    ),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def box() -> Iterator[Sandbox]:
    """One sandbox for the module: the properties count its requests."""
    with sandbox(accounts=2, seed=0) as sb:
        yield sb


@pytest.fixture(scope="module")
def org(box: Sandbox) -> Organization:
    """The sandbox's organization in us-east-1."""
    return Organization.connect(box.session, "us-east-1")


@pytest.fixture(scope="module")
def template() -> Template:
    """A small valid template."""
    return Template.from_string(PACK_TEMPLATE, source="t.yaml")


def calls(sb: Sandbox) -> int:
    """Every request the sandbox has received."""
    return sum(sb.api_calls.values())


def only_typed(sb: Sandbox, call: Callable[[], Any]) -> None:
    """Run ``call``: only orgconfig errors escape, and a ValidationError made no call."""
    before = calls(sb)
    try:
        result = call()
        if isinstance(result, Iterator):
            list(result)
    except ValidationError:
        assert calls(sb) == before
    except OrgConfigError:
        pass


# -- models ---------------------------------------------------------------------------------


@FAST
@given(
    name=st.one_of(st.just("p"), ANYTHING),
    use_template=st.booleans(),
    other=ANYTHING,
    field=st.sampled_from(
        [
            "parameters",
            "excluded_accounts",
            "delivery_bucket",
            "delivery_prefix",
            "tags",
            "sensitive",
        ]
    ),
)
def test_conformance_pack(
    box: Sandbox, template: Template, *, name: Any, use_template: bool, other: Any, field: str
) -> None:
    """ConformancePack refuses any wrong argument with an orgconfig error, and calls nothing."""
    only_typed(
        box,
        lambda: ConformancePack(name, template if use_template else other, **{field: other}),
    )


@FAST
@given(name=st.one_of(st.just("p"), ANYTHING), arn=ANYTHING, parameters=ANYTHING)
def test_conformance_pack_info(box: Sandbox, name: Any, arn: Any, parameters: Any) -> None:
    """ConformancePackInfo refuses any wrong argument with an orgconfig error."""
    only_typed(box, lambda: ConformancePackInfo(name, arn, parameters=parameters))


RULE_FIELDS = [
    "description",
    "input_parameters",
    "max_frequency",
    "resource_types",
    "resource_id",
    "tag_key",
    "tag_value",
    "excluded_accounts",
    "tags",
    "sensitive_inputs",
]


@FAST
@given(
    name=st.one_of(st.just("r"), ANYTHING),
    first=ANYTHING,
    other=ANYTHING,
    field=st.sampled_from(RULE_FIELDS),
    kind=st.sampled_from(["managed", "custom_lambda", "custom_policy"]),
)
def test_rule_constructors(
    box: Sandbox, *, name: Any, first: Any, other: Any, field: str, kind: str
) -> None:
    """Each named constructor refuses any wrong argument with an orgconfig error."""
    if kind == "custom_lambda":
        only_typed(box, lambda: OrgConfigRule.custom_lambda(name, first, other, **{field: other}))
    else:
        only_typed(box, lambda: getattr(OrgConfigRule, kind)(name, first, **{field: other}))


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    """Paths that are not policy files: a directory, binary, too large, missing, odd types."""
    root = tmp_path_factory.mktemp("policies")
    (root / "latin1.guard").write_bytes("r\xe9gle".encode("latin-1"))
    (root / "huge.guard").write_text("x" * 50_000)
    (root / "ok.guard").write_text("rule ok { }")
    return [
        root,
        root / "latin1.guard",
        root / "huge.guard",
        root / "missing.guard",
        root / "ok.guard",
        str(root / "ok.guard") + "\x00",
        b"/etc/hostname",
        "x" * 10_000,
    ]


@FAST
@given(data=st.data())
def test_custom_policy_from_file(box: Sandbox, files: list[Any], data: st.DataObject) -> None:
    """custom_policy_from_file refuses directories, binary, huge or missing files, odd paths."""
    path = data.draw(st.one_of(st.sampled_from(files), ANYTHING))
    name = data.draw(st.one_of(st.just("r"), ANYTHING))
    only_typed(box, lambda: OrgConfigRule.custom_policy_from_file(name, path))


@FAST
@given(rule=ANYTHING, name=ANYTHING, parameters=ANYTHING, use=st.booleans())
def test_from_template_rule(
    box: Sandbox, template: Template, *, rule: Any, name: Any, parameters: Any, use: bool
) -> None:
    """from_template_rule refuses any wrong argument with an orgconfig error."""
    real = template.rules[0] if use else rule
    only_typed(
        box,
        lambda: OrgConfigRule.from_template_rule(
            real, name=name, parameters=parameters, template=template
        ),
    )


def test_a_deep_json_text_from_the_service_is_refused() -> None:
    """100,000 '[' as a rule's InputParameters answer is a ValidationError, not a RecursionError."""
    from orgconfig import _wire

    item = {
        "OrganizationConfigRuleName": "r",
        "OrganizationConfigRuleArn": "arn:aws:config:us-east-1:111122223333:x",
        "OrganizationManagedRuleMetadata": {
            "RuleIdentifier": "X",
            "InputParameters": "[" * 100_000,
        },
    }
    with pytest.raises(ValidationError, match="deeper than 64") as info:
        _wire.config_rule(item, policy_text=None, tags={})
    assert info.value.field == "input_parameters"


# -- the organization -----------------------------------------------------------------------


@FAST
@given(
    session=st.one_of(st.none(), ANYTHING),
    region=st.one_of(st.just("us-east-1"), ANYTHING),
    policy=ANYTHING,
    which=st.sampled_from(["polling", "busy", "retries", "member_role"]),
)
def test_connect(box: Sandbox, session: Any, region: Any, policy: Any, which: str) -> None:
    """Organization.connect refuses any wrong argument with an orgconfig error."""
    real = box.session if session is None else session
    only_typed(box, lambda: Organization.connect(real, region, **{which: policy}))


@FAST
@given(region=ANYTHING)
def test_in_region(box: Sandbox, org: Organization, region: Any) -> None:
    """in_region refuses anything that is not a Config region with an orgconfig error."""
    only_typed(box, lambda: org.in_region(region))


# -- the verbs ------------------------------------------------------------------------------

NAMES = st.one_of(
    ANYTHING,
    st.lists(st.one_of(st.text(max_size=70), ANYTHING), max_size=4),
    st.text(alphabet=string.ascii_letters, min_size=1, max_size=5),
)


@FAST
@given(
    arg=NAMES,
    extra=ANYTHING,
    kind=st.sampled_from(["conformance_packs", "rules"]),
    verb=st.sampled_from(
        [
            "put",
            "get",
            "list",
            "statuses",
            "status",
            "deployment",
            "delete",
            "account_statuses",
            "policy_text",
        ]
    ),
)
def test_verbs(
    box: Sandbox, org: Organization, *, arg: Any, extra: Any, kind: str, verb: str
) -> None:
    """Every verb refuses wrong arguments with an orgconfig error, before any call."""
    collection = getattr(org, kind)
    if not hasattr(collection, verb):
        return
    method = getattr(collection, verb)
    only_typed(box, lambda: method(arg))
    keyword = {
        "deployment": "operation",
        "delete": "missing_ok",
        "put": "wait_if_busy",
        "account_statuses": "account_id",
    }.get(verb)
    if keyword is not None:
        only_typed(box, lambda: method("p", **{keyword: extra}))
    if verb == "account_statuses":
        only_typed(box, lambda: method("p", status=extra))


def test_a_single_string_of_names_is_refused(box: Sandbox, org: Organization) -> None:
    """list("p1") raises naming the parameter, instead of querying 'p' and '1'."""
    before = calls(box)
    for collection in (org.conformance_packs, org.rules):
        for verb in (collection.list, collection.statuses):
            with pytest.raises(ValidationError, match=r"single string 'p1'") as info:
                verb("p1")  # a str is an Iterable[str]: only the check catches it
            assert info.value.field == "names"
    assert calls(box) == before


def _invalid_names(count: int, pattern: str, longest: int, seed: int) -> list[str]:
    """``count`` names the API refuses: bad characters, too long, empty, unicode, blanks."""
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + "-_ !./:é😀\t\n\x00"
    names: list[str] = []
    while len(names) < count:
        style = rng.randrange(4)
        if style == 0:
            name = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        elif style == 1:
            name = rng.choice(string.ascii_letters) * (longest + 1 + rng.randrange(200))
        elif style == 2:
            name = rng.choice(["", " ", "bad name!", "1abc", "-x", "a_b.c", "ünïcode"])
        else:
            name = f"{rng.choice(string.ascii_letters)}{rng.choice(' !@#$%^&*()+=')}x"
        if len(name) > longest or not re.fullmatch(pattern, name):
            names.append(name)
    return names


def test_a_thousand_invalid_names_make_no_call(box: Sandbox, org: Organization) -> None:
    """1,000 invalid names through every verb that takes a name: all refused, zero calls."""
    before = calls(box)
    refused = 0
    for collection, pattern, longest in (
        (org.conformance_packs, _limits.PACK_NAME_PATTERN, _limits.PACK_NAME_MAX),
        (org.rules, _limits.RULE_NAME_PATTERN, _limits.RULE_NAME_MAX),
    ):
        for name in _invalid_names(1000, pattern, longest, seed=len(pattern)):
            attempts: list[Callable[[Any, str], object]] = [
                lambda c, n: c.get(n),
                lambda c, n: c.delete(n),
                lambda c, n: c.status(n),
                lambda c, n: c.deployment(n).status(),
                lambda c, n: list(c.list([n])),
                lambda c, n: list(c.account_statuses(n)),
            ]
            for attempt in attempts:
                with pytest.raises(ValidationError):
                    attempt(collection, name)
                refused += 1
    assert refused == 2 * 1000 * 6
    assert calls(box) - before == 0


def test_a_bad_name_is_refused_before_the_call(box: Sandbox, org: Organization) -> None:
    """delete("bad name!") names the field and the pattern, and makes no call."""
    before = calls(box)
    with pytest.raises(ValidationError, match=re.escape(_limits.RULE_NAME_PATTERN)) as info:
        org.rules.delete("bad name!")
    assert info.value.field == "name"
    assert calls(box) == before


def test_valid_input_still_reaches_the_service(box: Sandbox, org: Organization) -> None:
    """A valid but unknown name is asked of the service (the properties do not refuse all)."""
    before = calls(box)
    with pytest.raises(OrgConfigError):
        org.conformance_packs.get("no-such-pack")
    assert calls(box) > before


def test_policy_file_paths_name_the_field(tmp_path: Path) -> None:
    """A directory, a non-UTF-8 file and a non-path each name the field with the reason."""
    (tmp_path / "latin1.guard").write_bytes(b"r\xe9gle")
    cases = [
        (tmp_path, "policy_text", "cannot read the policy file"),
        (tmp_path / "latin1.guard", "policy_text", "not UTF-8"),
        (42, "path", "must be a file path"),
    ]
    for path, field, fragment in cases:
        with pytest.raises(ValidationError, match=fragment) as info:
            OrgConfigRule.custom_policy_from_file("r", path)  # type: ignore[arg-type]  # wrong types on purpose
        assert info.value.field == field
