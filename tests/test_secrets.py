"""Secrets: NoEcho and marked parameters and rule inputs never show in reprs, errors or logs."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from orgconfig import (
    ConformancePack,
    ConformancePackInfo,
    Organization,
    OrgConfigRule,
    Template,
    ValidationError,
    redaction,
)
from orgconfig.testing import Sandbox

PASSWORD = "Tr0ub4dor-and-3-horses"
API_KEY = "key-5f9a1c0e-7d2b-4e11"

NO_ECHO_TEMPLATE = """\
Parameters:
  DbPassword:
    Type: String
    NoEcho: true
  DbUser:
    Type: String
    Default: admin
  Token:
    Type: String
    Default: none
Resources:
  Rotated:
    Type: AWS::Config::ConfigRule
    Properties:
      InputParameters:
        secret: !Ref DbPassword
        user: !Ref DbUser
        token: !Ref Token
      Source: {Owner: AWS, SourceIdentifier: ACCESS_KEYS_ROTATED}
"""


@pytest.fixture
def secret_template() -> Template:
    """A template declaring DbPassword with NoEcho: true."""
    return Template.from_string(NO_ECHO_TEMPLATE, source="secret.yaml")


@pytest.fixture
def redacting() -> Iterator[None]:
    """The redaction hook installed for the test, removed afterwards."""
    was = redaction.installed()
    redaction.install()
    yield
    if not was:
        redaction.uninstall()


def _pack(template: Template, **kwargs: Any) -> ConformancePack:
    parameters = {"DbPassword": PASSWORD, "Token": API_KEY}
    return ConformancePack("secret-pack", template, parameters=parameters, **kwargs)


def test_no_echo_parameter_is_masked_in_repr_and_str(secret_template: Template) -> None:
    """A parameter the template declares NoEcho shows as '***' in repr() and str()."""
    pack = _pack(secret_template)
    assert pack.secret_parameters == {"DbPassword"}
    for text in (repr(pack), str(pack)):
        assert PASSWORD not in text
        assert "'DbPassword': '***'" in text
        assert API_KEY in text  # not secret: not marked, not NoEcho


def test_marked_parameter_is_masked_and_merged_with_no_echo(secret_template: Template) -> None:
    """sensitive= adds to the template's NoEcho parameters; the marks do not change equality."""
    pack = _pack(secret_template, sensitive=["Token"])
    assert pack.sensitive == {"Token"}
    assert pack.secret_parameters == {"DbPassword", "Token"}
    assert PASSWORD not in repr(pack)
    assert API_KEY not in repr(pack)
    assert pack == _pack(secret_template)
    assert pack.parameters["Token"] == API_KEY  # the real value is kept, and sent


def test_marking_an_undeclared_parameter_is_refused(secret_template: Template) -> None:
    """A misspelt mark is refused (it would silently leak), naming the closest parameter."""
    with pytest.raises(ValidationError, match="did you mean 'Token'") as info:
        _pack(secret_template, sensitive=["Tokn"])
    assert info.value.field == "sensitive[0]"


def test_a_single_string_as_marks_is_refused(secret_template: Template) -> None:
    """sensitive='Token' is refused rather than read as five one-letter names."""
    with pytest.raises(ValidationError, match="expected a list") as info:
        _pack(secret_template, sensitive="Token")
    assert info.value.field == "sensitive"


def test_secret_values_do_not_appear_in_validation_errors(secret_template: Template) -> None:
    """An invalid secret value is reported without showing it, even in part."""
    long_secret = PASSWORD * 200
    with pytest.raises(ValidationError) as info:
        ConformancePack("p", secret_template, parameters={"DbPassword": long_secret})
    assert info.value.field == "parameters['DbPassword']"
    assert PASSWORD[:8] not in str(info.value)
    assert "'***'" in str(info.value)
    assert "limit is 4,096" in str(info.value)


def test_marked_rule_input_is_masked_in_repr_and_errors() -> None:
    """A rule input marked sensitive shows as '***', and an error about it hides it too."""
    rule = OrgConfigRule.managed(
        "with-key",
        "ACCESS_KEYS_ROTATED",
        input_parameters={"apiKey": API_KEY, "age": "90"},
        sensitive_inputs=["apiKey"],
    )
    assert API_KEY not in repr(rule)
    assert "'apiKey': '***'" in repr(rule)
    assert "'age': '90'" in repr(rule)
    assert rule == OrgConfigRule.managed(
        "with-key", "ACCESS_KEYS_ROTATED", input_parameters={"apiKey": API_KEY, "age": "90"}
    )
    with pytest.raises(ValidationError) as info:
        OrgConfigRule.managed(
            "with-key",
            "ACCESS_KEYS_ROTATED",
            input_parameters={"apiKey": API_KEY * 200},
            sensitive_inputs=["apiKey"],
        )
    assert API_KEY[:8] not in str(info.value)
    assert info.value.field == "input_parameters"


def test_an_unknown_sensitive_input_is_refused() -> None:
    """Marking an input that is not given is refused, naming the closest one."""
    with pytest.raises(ValidationError, match="did you mean 'apiKey'") as info:
        OrgConfigRule.managed(
            "n", "X", input_parameters={"apiKey": API_KEY}, sensitive_inputs=["apikey"]
        )
    assert info.value.field == "sensitive_inputs[0]"


def test_inputs_from_no_echo_parameters_are_sensitive(secret_template: Template) -> None:
    """from_template_rule marks the inputs that refer to a NoEcho parameter of the template."""
    rule = OrgConfigRule.from_template_rule(
        secret_template.rules[0],
        name="rotated",
        template=secret_template,
        parameters={"DbPassword": PASSWORD},
    )
    assert rule.sensitive_inputs == {"secret"}
    assert PASSWORD not in repr(rule)


def test_info_masks_its_sensitive_parameters() -> None:
    """ConformancePackInfo masks the parameters named in sensitive."""
    info = ConformancePackInfo(
        "p",
        "arn:aws:config:us-east-1:111122223333:organization-conformance-pack/p",
        parameters={"DbPassword": PASSWORD},
        sensitive=["DbPassword"],
    )
    assert PASSWORD not in repr(info)
    assert "'DbPassword': '***'" in repr(info)


def test_get_masks_what_is_known_secret(org: Organization, secret_template: Template) -> None:
    """What get() and list() return masks the parameters and inputs known secret here."""
    pack = _pack(secret_template, sensitive=["Token"])
    org.conformance_packs.put(pack).wait()
    info = org.conformance_packs.get(pack.name)
    assert info.parameters["DbPassword"] == PASSWORD  # AWS returns the value as put
    assert info.sensitive == {"DbPassword", "Token"}
    assert PASSWORD not in repr(info)
    assert API_KEY not in repr(list(org.conformance_packs.list()))
    rule = OrgConfigRule.managed(
        "with-key",
        "S3_BUCKET_VERSIONING_ENABLED",
        input_parameters={"apiKey": API_KEY},
        sensitive_inputs=["apiKey"],
    )
    org.rules.put(rule).wait()
    back = org.rules.get("with-key")
    assert back == rule
    assert back.sensitive_inputs == {"apiKey"}
    assert API_KEY not in repr(back)


@pytest.mark.usefixtures("redacting")
def test_botocore_debug_records_of_a_put_hide_the_secrets(
    sb: Sandbox, secret_template: Template, caplog: pytest.LogCaptureFixture
) -> None:
    """With the filter installed and botocore at DEBUG, no captured record holds a secret."""
    org = Organization.connect(sb.session, "us-east-1")
    pack = _pack(secret_template, sensitive=["Token"])
    rule = OrgConfigRule.managed(
        "with-key",
        "S3_BUCKET_VERSIONING_ENABLED",
        input_parameters={"apiKey": API_KEY},
        sensitive_inputs=["apiKey"],
    )
    with caplog.at_level(logging.DEBUG):
        org.conformance_packs.put(pack).wait()
        org.rules.put(rule)
        org.conformance_packs.get(pack.name)
    bodies = [r for r in caplog.records if r.name.startswith("botocore")]
    assert any("PutOrganizationConformancePack" in r.getMessage() for r in bodies)
    for record in caplog.records:
        message = record.getMessage()
        assert PASSWORD not in message, record.name
        assert API_KEY not in message, record.name
    assert any(redaction.MASK in r.getMessage() for r in bodies)


def test_the_filter_on_a_handler_redacts(secret_template: Template) -> None:
    """RedactingFilter on a handler replaces known secret values, escaped forms included."""
    pack = _pack(secret_template)
    record = logging.LogRecord(
        "botocore.endpoint",
        logging.DEBUG,
        __file__,
        1,
        "body: %r",
        (f'{{"v":"{PASSWORD}"}}',),
        None,
    )
    assert redaction.RedactingFilter().filter(record) is True
    assert PASSWORD not in record.getMessage()
    assert redaction.MASK in record.getMessage()
    del pack


def test_the_registry_does_not_keep_models_alive(secret_template: Template) -> None:
    """A model's secret values are forgotten once the model is garbage collected."""
    value = "a-secret-only-this-test-knows"
    rule = OrgConfigRule.managed(
        "n", "S3_BUCKET_VERSIONING_ENABLED", input_parameters={"k": value}, sensitive_inputs=["k"]
    )
    assert redaction.redact(f"x {value} y") == f"x {redaction.MASK} y"
    del rule
    gc.collect()
    assert redaction.redact(f"x {value} y") == f"x {value} y"


def test_short_secrets_are_replaced_only_where_quoted() -> None:
    """A secret under four characters is hidden where quoted, not inside other words."""
    assert redaction.redact('{"pin":"42"} 4242', ["42"]) == '{"pin":***} 4242'
