"""Desired-state files: the schema, and errors that name the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgconfig import ConformancePack, Targets
from orgconfig.desired import DesiredStateError, load_desired
from orgconfig.models import RuleKind
from tests.conftest import PACK_TEMPLATE, REPO


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "pack.yaml").write_text(PACK_TEMPLATE)
    (tmp_path / "pitr.guard").write_text('rule pitr { configuration.x == "y" }\n')
    return tmp_path


def write(folder: Path, text: str) -> Path:
    path = folder / "desired.yaml"
    path.write_text(text)
    return path


def fails(folder: Path, text: str) -> DesiredStateError:
    with pytest.raises(DesiredStateError) as info:
        load_desired(write(folder, text))
    return info.value


PACK = """\
version: 1
conformance_packs:
  - name: keys
    template: pack.yaml
    parameters:
      BucketParam: my-bucket
"""


def test_the_example_file_loads_into_domain_objects() -> None:
    """examples/desired.yaml gives packs and rules with their targets and regions."""
    desired = load_desired(REPO / "examples" / "desired.yaml")
    assert desired.regions == ("us-east-1",)
    (pack,) = desired.conformance_packs
    assert isinstance(pack.pack, ConformancePack)
    assert pack.targets == Targets(ous=["Root/Workloads"], exclude_tags={"lifecycle": "closing"})
    assert pack.template == "templates/s3-baseline.yaml"
    kinds = {r.name: r.rule.kind for r in desired.rules}
    assert kinds == {
        "s3-versioning": RuleKind.MANAGED,
        "dynamodb-encrypted": RuleKind.CUSTOM_POLICY,
    }
    assert desired.rules[0].targets == Targets()


def test_every_field_of_a_pack_and_each_rule_kind_is_read(folder: Path) -> None:
    """Packs take parameters, exclusions, delivery, tags, regions; rules of all three kinds load."""
    desired = load_desired(
        write(
            folder,
            PACK
            + """\
    excluded_accounts: ["111122223333"]
    delivery_bucket: awsconfigconforms-logs
    delivery_prefix: org
    tags: {team: sec}
    regions: [eu-west-1, us-east-1]
rules:
  - name: versioning
    kind: managed
    identifier: S3_BUCKET_VERSIONING_ENABLED
    input_parameters: {isMfaDeleteEnabled: "false"}
    targets: {accounts: ["111122223333"]}
  - name: hook
    kind: custom_lambda
    lambda_arn: arn:aws:lambda:us-east-1:111122223333:function:check
    trigger_types: [ConfigurationItemChangeNotification]
  - name: inline
    kind: custom_policy
    policy: 'rule x { configuration.a == "b" }'
  - name: from-file
    kind: custom_policy
    policy_file: pitr.guard
""",
        )
    )
    pack = desired.conformance_packs[0]
    assert pack.regions == ("eu-west-1", "us-east-1")
    assert pack.pack.delivery_prefix == "org"
    assert pack.pack.excluded_accounts == ("111122223333",)
    rules = {r.name: r for r in desired.rules}
    assert rules["versioning"].rule.input_parameters == {"isMfaDeleteEnabled": "false"}
    assert rules["versioning"].targets == Targets(accounts=["111122223333"])
    assert rules["hook"].rule.kind is RuleKind.CUSTOM_LAMBDA
    assert rules["from-file"].rule.policy_text == 'rule pitr { configuration.x == "y" }\n'
    assert rules["from-file"].policy_file == "pitr.guard"
    assert desired.regions_of(rules["hook"], ["ap-south-1"]) == ("ap-south-1",)


def test_an_unknown_key_names_the_closest_file_and_line(folder: Path) -> None:
    """A misspelt key is refused with the file, its line, its field and the closest key."""
    err = fails(folder, PACK + "    paramters: {}\n")
    assert err.line == 7
    assert err.field == "conformance_packs[0].paramters"
    assert "did you mean 'parameters'" in err.message
    assert str(err).startswith(f"{folder / 'desired.yaml'}, line 7: conformance_packs[0].paramters")


def test_a_model_error_points_at_the_offending_entry(folder: Path) -> None:
    """A parameter the template does not declare is named down to its key and line."""
    err = fails(folder, PACK + "      Nope: x\n")
    assert err.field == "conformance_packs[0].parameters['Nope']"
    assert err.line == 7


def test_a_bad_target_is_named_within_targets(folder: Path) -> None:
    """A malformed OU in targets names targets.ous[i] and its line."""
    err = fails(folder, PACK + "    targets:\n      ous: [Workloads]\n")
    assert err.field == "conformance_packs[0].targets.ous[0]"
    assert err.line == 8


def test_an_unknown_target_key_names_the_closest(folder: Path) -> None:
    """targets takes only the six selectors."""
    err = fails(folder, PACK + "    targets:\n      exclude_ou: [Root/X]\n")
    assert "did you mean 'exclude_ous'" in err.message


def test_the_version_is_required_and_checked(folder: Path) -> None:
    """A file without version 1 is refused."""
    assert "'version: 1' is missing" in fails(folder, "rules: []\n").message
    err = fails(folder, "version: 2\n")
    assert err.field == "version"
    assert err.line == 1


def test_invalid_yaml_gives_its_line(folder: Path) -> None:
    """A syntax error names the line where YAML found it."""
    err = fails(folder, "version: 1\nrules:\n  - name: [x\n")
    assert err.line is not None
    assert "not valid YAML" in err.message


def test_a_misspelt_rule_kind_names_the_closest(folder: Path) -> None:
    """kind is one of the three kinds."""
    err = fails(folder, "version: 1\nrules:\n  - name: r\n    kind: manged\n")
    assert err.field == "rules[0].kind"
    assert err.line == 4
    assert "did you mean 'managed'" in err.message


def test_a_key_of_another_kind_says_which_kinds_take_it(folder: Path) -> None:
    """A managed rule with a policy says only custom_policy rules take it."""
    err = fails(
        folder,
        "version: 1\nrules:\n  - name: r\n    kind: managed\n    identifier: X\n    policy: p\n",
    )
    assert err.field == "rules[0].policy"
    assert "only custom_policy rules take 'policy'" in err.message


def test_a_guard_rule_needs_exactly_one_policy_source(folder: Path) -> None:
    """policy and policy_file are alternatives; an unreadable file is named."""
    both = "version: 1\nrules:\n  - name: r\n    kind: custom_policy\n    policy: p\n"
    assert "exactly one of" in fails(folder, both + "    policy_file: pitr.guard\n").message
    err = fails(
        folder,
        "version: 1\nrules:\n  - name: r\n    kind: custom_policy\n"
        "    policy_file: missing.guard\n",
    )
    assert err.field == "rules[0].policy_file"
    assert err.line == 5


def test_names_are_unique(folder: Path) -> None:
    """A second pack of the same name is refused at its name."""
    err = fails(folder, PACK + PACK.split("conformance_packs:\n")[1])
    assert err.field == "conformance_packs[1].name"
    assert "already the name of conformance_packs[0]" in err.message


def test_a_misspelt_region_names_the_closest(folder: Path) -> None:
    """Regions are checked against where AWS Config runs."""
    err = fails(folder, "version: 1\nregions: [us-east1]\n")
    assert err.field == "regions[0]"
    assert "us-east-1" in err.message


def test_a_missing_template_names_the_template_field(folder: Path) -> None:
    """A template file that cannot be read is refused at the template key."""
    err = fails(folder, PACK.replace("pack.yaml", "nope.yaml"))
    assert err.field == "conformance_packs[0].template"
    assert err.line == 4


def test_a_file_that_cannot_be_read_is_a_desired_state_error(tmp_path: Path) -> None:
    """A missing file raises DesiredStateError naming it."""
    with pytest.raises(DesiredStateError) as info:
        load_desired(tmp_path / "absent.yaml")
    assert info.value.path == str(tmp_path / "absent.yaml")
