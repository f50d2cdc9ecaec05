"""orgconfig.guard: Guard policies parsed and evaluated locally, and life without the extra."""

from __future__ import annotations

import sys
import warnings
from datetime import datetime, timezone

import pytest

from orgconfig import OrgConfigRule, guard
from orgconfig import _fields as fields
from orgconfig._warnings import GuardNotCheckedWarning
from orgconfig.errors import ValidationError

POLICY = """\
rule s3_versioning when resourceType == "AWS::S3::Bucket" {
    configuration.versioningConfiguration.status == "Enabled" <<keep every version>>
}
"""


def bucket(status: str) -> dict[str, object]:
    """A configuration item of an S3 bucket whose versioning is ``status``."""
    return {
        "resourceType": "AWS::S3::Bucket",
        "resourceId": "my-bucket",
        "configurationItemCaptureTime": datetime(2026, 1, 1, tzinfo=timezone.utc),
        "configuration": {"versioningConfiguration": {"status": status}},
    }


@pytest.fixture
def without_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the binding's import fail, as where the guard extra is not installed."""
    monkeypatch.setitem(sys.modules, guard.BINDING, None)
    monkeypatch.setattr(fields, "_GUARD_NOTED", set())


needs_guard = pytest.mark.skipif(not guard.available(), reason="the guard extra is not installed")


@needs_guard
class TestWithGuard:
    def test_syntax_error_names_line_and_column(self) -> None:
        """A policy Guard cannot parse is a GuardSyntaxError (policy_text) at a line and column."""
        with pytest.raises(guard.GuardSyntaxError) as caught:
            OrgConfigRule.custom_policy("bad", "this is not guard {{{")
        assert isinstance(caught.value, ValidationError)
        assert caught.value.field == "policy_text"
        assert (caught.value.line, caught.value.column) == (1, 1)

    def test_syntax_error_on_a_later_line(self) -> None:
        """The line and column point into the policy where Guard stopped."""
        with pytest.raises(guard.GuardSyntaxError) as caught:
            guard.check_policy("rule ok { a == 1 }\nrule bad { a === 1 }")
        assert (caught.value.line, caught.value.column) == (2, 16)
        assert caught.value.detail

    def test_valid_policy_parses(self) -> None:
        """A valid policy passes check_policy, which says it was parsed."""
        assert guard.check_policy(POLICY) is True

    def test_evaluate_compliant(self) -> None:
        """A bucket with versioning enabled is compliant; the rule that passed is named."""
        rule = OrgConfigRule.custom_policy("versioning", POLICY)
        result = rule.evaluate(bucket("Enabled"))
        assert result.compliant
        assert result.compliance == "COMPLIANT"
        assert result.compliant_rules == ("s3_versioning",)
        assert result.reasons == ()

    def test_evaluate_non_compliant_with_reasons(self) -> None:
        """A suspended bucket is non-compliant, with the failed path and the custom message."""
        rule = OrgConfigRule.custom_policy("versioning", POLICY)
        result = rule.evaluate(bucket("Suspended"))
        assert not result.compliant
        assert result.compliance == "NON_COMPLIANT"
        assert result.non_compliant_rules == ("s3_versioning",)
        [reason] = result.reasons
        assert reason.rule == "s3_versioning"
        assert reason.path == "/configuration/versioningConfiguration/status"
        assert reason.custom_message == "keep every version"
        assert reason.message

    def test_evaluate_not_applicable(self) -> None:
        """An item the when-condition skips is NOT_APPLICABLE, which is not compliant."""
        result = guard.evaluate(POLICY, {"resourceType": "AWS::EC2::Instance"})
        assert result.compliance == "NOT_APPLICABLE"
        assert result.not_applicable_rules == ("s3_versioning",)
        assert not result.compliant

    def test_evaluate_outside_scope(self) -> None:
        """An item outside the rule's resource_types is NOT_APPLICABLE: AWS never evaluates it."""
        rule = OrgConfigRule.custom_policy(
            "any", "rule r { configuration exists }", resource_types=["AWS::S3::Bucket"]
        )
        assert rule.evaluate({"resourceType": "AWS::EC2::Instance"}).compliance == (
            "NOT_APPLICABLE"
        )
        assert rule.evaluate({"resourceType": "AWS::S3::Bucket"}).compliance == "NON_COMPLIANT"

    def test_evaluate_refuses_an_item_that_is_not_json(self) -> None:
        """A configuration item that is not a JSON object is a ValidationError for it."""
        rule = OrgConfigRule.custom_policy("versioning", POLICY)
        with pytest.raises(ValidationError) as caught:
            rule.evaluate({"configuration": object()})
        assert caught.value.field == "configuration_item"
        with pytest.raises(ValidationError):
            rule.evaluate(["not", "a", "mapping"])  # type: ignore[arg-type]  # a wrong type

    @pytest.mark.parametrize(
        ("item", "where"),
        [
            (
                bucket("En\ud800abled"),
                "the value at configuration['versioningConfiguration']['status'] holds",
            ),
            ({"resourceType": "AWS::S3::Bucket", "tags": [{"k\udc00": "v"}]}, "a key of tags[0]"),
        ],
    )
    def test_evaluate_refuses_a_lone_surrogate_in_the_item(
        self, item: dict[str, object], where: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A lone surrogate in the item is a ValidationError for it, found before Guard runs."""

        def never(*_args: object) -> object:
            raise AssertionError("Guard ran")

        rule = OrgConfigRule.custom_policy("versioning", POLICY)
        monkeypatch.setattr(guard, "_run", never)
        with pytest.raises(ValidationError) as caught:
            rule.evaluate(item)
        assert caught.value.field == "configuration_item"
        assert where in str(caught.value)
        assert "holds a lone surrogate" in str(caught.value)
        assert "fix the item, not the policy" in str(caught.value)
        assert str(caught.value).encode("utf-8")


def test_evaluate_needs_a_guard_rule() -> None:
    """Only Guard rules can be evaluated: others raise a ValidationError for kind."""
    rule = OrgConfigRule.managed("m", "S3_BUCKET_VERSIONING_ENABLED")
    with pytest.raises(ValidationError) as caught:
        rule.evaluate(bucket("Enabled"))
    assert caught.value.field == "kind"


@pytest.mark.parametrize("text", ["", "   \n\t"])
def test_blank_policy_is_refused_always(text: str, without_guard: None) -> None:
    """An empty or blank Guard policy is a ValidationError, with or without the extra."""
    with pytest.raises(ValidationError) as caught:
        OrgConfigRule.custom_policy("blank", text)
    assert caught.value.field == "policy_text"
    assert not isinstance(caught.value, guard.GuardSyntaxError)


class TestWithoutGuard:
    def test_available_is_false(self, without_guard: None) -> None:
        """Without the binding, Guard is reported unavailable."""
        assert not guard.available()

    def test_rules_still_build_with_one_note(self, without_guard: None) -> None:
        """Guard rules build unparsed; one GuardNotCheckedWarning per process says so."""
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            OrgConfigRule.custom_policy("a", "this is not guard {{{")
            OrgConfigRule.custom_policy("b", POLICY)
        notes = [w for w in seen if issubclass(w.category, GuardNotCheckedWarning)]
        assert len(notes) == 1
        assert guard.EXTRA in str(notes[0].message)
        assert notes[0].filename == __file__

    def test_check_policy_is_a_no_op(self, without_guard: None) -> None:
        """check_policy says it could not parse, and raises nothing."""
        assert guard.check_policy("this is not guard {{{") is False

    def test_evaluate_names_the_extra(self, without_guard: None) -> None:
        """evaluate() raises GuardUnavailableError naming orgconfig[guard]."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GuardNotCheckedWarning)
            rule = OrgConfigRule.custom_policy("versioning", POLICY)
        with pytest.raises(guard.GuardUnavailableError, match=r"orgconfig\[guard\]"):
            rule.evaluate(bucket("Enabled"))
        with pytest.raises(guard.GuardUnavailableError):
            guard.evaluate(POLICY, bucket("Enabled"))
