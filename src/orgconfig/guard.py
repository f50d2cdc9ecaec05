"""AWS CloudFormation Guard, locally: parse a policy, run it against a configuration item.

Both need the optional ``guard`` extra (``pip install 'orgconfig[guard]'``), which installs
``guardpycfn``, a Python binding of Guard 3 (abi3 wheels: one wheel serves every CPython from 3.9
on, for Linux x86_64, macOS arm64 and Windows x86_64). Without it orgconfig works as before:
:func:`available` is False, policies are not parsed locally (one
:class:`~orgconfig.GuardNotCheckedWarning` per process says so), and :func:`evaluate` raises
:class:`GuardUnavailableError`.

:func:`check_policy` raises :class:`GuardSyntaxError` (a
:class:`~orgconfig.errors.ValidationError` for ``policy_text``) with Guard's line and column;
:class:`~orgconfig.OrgConfigRule` calls it on construction. :func:`evaluate` runs a policy as
AWS Config would against one configuration item and returns a :class:`GuardEvaluation`.

Example::

    from orgconfig import guard

    result = guard.evaluate(
        'rule versioned { configuration.versioningConfiguration.status == "Enabled" }',
        {"resourceType": "AWS::S3::Bucket",
         "configuration": {"versioningConfiguration": {"status": "Suspended"}}},
    )
    assert not result.compliant
    print(result.reasons[0].message)
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from types import ModuleType
from typing import Any, Final, Literal

import attrs

from orgconfig import _checks as checks
from orgconfig.errors import OrgConfigError, ValidationError

__all__ = [
    "BINDING",
    "EXTRA",
    "Compliance",
    "GuardEvaluation",
    "GuardReason",
    "GuardSyntaxError",
    "GuardUnavailableError",
    "available",
    "check_policy",
    "evaluate",
]

BINDING: Final = "guardpycfn"
"""The module of the Guard binding the ``guard`` extra installs."""

EXTRA: Final = "orgconfig[guard]"
"""The extra that installs it."""

Compliance = Literal["COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"]
"""An evaluation's outcome, in AWS Config's words (``ComplianceType``)."""

_STATUS: Final[Mapping[str, Compliance]] = {
    "PASS": "COMPLIANT",
    "FAIL": "NON_COMPLIANT",
    "SKIP": "NOT_APPLICABLE",
}
_WHERE = re.compile(r"at line (\d+) at column (\d+)")
_PARSE_ERROR = "Parser Error"


class GuardUnavailableError(OrgConfigError):
    """Guard cannot run here: the ``orgconfig[guard]`` extra is not installed."""


class GuardSyntaxError(ValidationError):
    """A Guard policy that does not parse; ``field`` is ``"policy_text"``.

    Attributes:
        line: the line Guard reports (1 is the first), or None when it gives none.
        column: the column Guard reports (1 is the first), or None.
        detail: Guard's own message, as it gave it (its wording may change between releases).
    """

    def __init__(
        self,
        message: str,
        *,
        line: int | None,
        column: int | None,
        detail: str,
        field: str = "policy_text",
    ) -> None:
        super().__init__(message, field=field)
        self.line = line
        self.column = column
        self.detail = detail


@attrs.frozen
class GuardReason:
    """Why a Guard rule found a configuration item non-compliant: one failed clause.

    Attributes:
        rule: the name of the Guard rule (``rule <name> { ... }``) the clause belongs to.
        message: Guard's explanation of the failed check.
        custom_message: the clause's own message (``<<...>>`` in the policy), if it has one.
        path: where in the configuration item the check looked (``/configuration/sse``), if
            Guard says.
    """

    rule: str
    message: str | None
    custom_message: str | None = None
    path: str | None = None


@attrs.frozen
class GuardEvaluation:
    """The outcome of a Guard policy run against one configuration item.

    Attributes:
        compliance: ``COMPLIANT``, ``NON_COMPLIANT`` or ``NOT_APPLICABLE`` (every rule was
            skipped by its ``when`` condition, or the item is outside the rule's scope).
        compliant_rules: the Guard rules that passed.
        non_compliant_rules: the Guard rules that failed.
        not_applicable_rules: the Guard rules that were skipped.
        reasons: one record per failed clause, in Guard's order.
    """

    compliance: Compliance
    compliant_rules: tuple[str, ...] = ()
    non_compliant_rules: tuple[str, ...] = ()
    not_applicable_rules: tuple[str, ...] = ()
    reasons: tuple[GuardReason, ...] = ()

    @property
    def compliant(self) -> bool:
        """Whether the item is compliant (``NOT_APPLICABLE`` is not)."""
        return self.compliance == "COMPLIANT"


def _binding() -> ModuleType | None:
    try:
        return importlib.import_module(BINDING)
    except ImportError:
        return None


def available() -> bool:
    """Whether Guard can run here (the ``orgconfig[guard]`` extra is installed)."""
    return _binding() is not None


def _require() -> ModuleType:
    module = _binding()
    if module is None:
        raise GuardUnavailableError(
            f"running a Guard policy locally needs the {BINDING} package: pip install '{EXTRA}'"
        )
    return module


def _run(module: ModuleType, data: str, policy_text: str) -> dict[str, Any]:
    answer: Any = module.validate_with_guard(data, policy_text, False)
    if not isinstance(answer, dict):
        raise GuardUnavailableError(
            f"{BINDING} answered {type(answer).__name__}, not the report orgconfig reads; "
            f"install a supported version: pip install '{EXTRA}'"
        )
    return answer


def _syntax_error(detail: str, field: str) -> GuardSyntaxError:
    found = _WHERE.search(detail)
    line = int(found.group(1)) if found else None
    column = int(found.group(2)) if found else None
    where = f" at line {line}, column {column}" if found else ""
    fragment = detail.rpartition("fragment ")[2].strip("` \n") if "fragment " in detail else ""
    near = f" near {fragment[:60]!r}" if fragment else ""
    return GuardSyntaxError(
        f"{field}: Guard cannot parse the policy{where}{near}",
        line=line,
        column=column,
        detail=detail,
        field=field,
    )


def check_policy(policy_text: str, *, field: str = "policy_text") -> bool:
    """Parse ``policy_text`` with Guard; raise :class:`GuardSyntaxError` when it does not parse.

    Returns True when the policy was parsed, False when it could not be (the extra is absent).
    Empty text is left to the caller (:class:`~orgconfig.OrgConfigRule` refuses it).

    Example::

        try:
            guard.check_policy("this is not guard {{{")
        except guard.GuardSyntaxError as e:
            print(e.line, e.column)
    """
    module = _binding()
    if module is None or not policy_text.strip():
        return False
    answer = _run(module, "{}", policy_text)
    error = answer.get("error")
    if not answer.get("success") and isinstance(error, str) and _PARSE_ERROR in error:
        raise _syntax_error(error, field)
    return True


def _json_default(value: object) -> object:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _item_json(item: object) -> str:
    if not isinstance(item, Mapping):
        raise ValidationError(
            f"configuration_item: expected a mapping (a configuration item as AWS Config "
            f"records it), not {type(item).__name__}",
            field="configuration_item",
        )
    try:
        text = json.dumps(item, default=_json_default, ensure_ascii=False)
    except (TypeError, ValueError) as e:
        raise ValidationError(
            f"configuration_item: cannot be written as JSON: {e}", field="configuration_item"
        ) from e
    if checks.surrogate_at(text) is not None:
        where = _surrogate_path(item)  # a key or value: json.dumps wrote only those
        raise ValidationError(
            f"configuration_item: {where} holds a lone surrogate, which no "
            "configuration item AWS Config records can hold (it cannot be encoded as UTF-8); "
            "fix the item, not the policy",
            field="configuration_item",
        )
    return text


def _surrogate_path(item: Mapping[str, Any]) -> str:
    """Where the first lone surrogate of ``item`` is: ``configuration['a'][0]``, say."""
    pending: list[tuple[str, Any]] = [("", item)]
    while pending:
        path, node = pending.pop()
        if isinstance(node, str) and checks.surrogate_at(node) is not None:
            return f"the value at {path}"
        children: list[tuple[str, Any]] = []
        if isinstance(node, Mapping):
            for k, v in node.items():
                if isinstance(k, str) and checks.surrogate_at(k) is not None:
                    return f"a key of {path or 'the item'} ({checks.subscript(k)})"
                name = k if not path and isinstance(k, str) and k.isidentifier() else None
                children.append((name or f"{path}[{checks.subscript(k)}]", v))
        elif isinstance(node, (list, tuple)):
            children = [(f"{path}[{i}]", v) for i, v in enumerate(node)]
        pending.extend(reversed(children))
    return "a string"


def _first_path(node: Any) -> str | None:
    """The first non-empty ``path`` in a check's data (where the failed value was found)."""
    if isinstance(node, dict):
        path = node.get("path")
        if isinstance(path, str) and path:
            return path
        children = [v for k, v in node.items() if k not in ("messages", "checks")]
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = _first_path(child)
        if found:
            return found
    return None


def _reasons(rule: str, node: Any, out: list[GuardReason]) -> None:
    if isinstance(node, list):
        for child in node:
            _reasons(rule, child, out)
        return
    if not isinstance(node, dict):
        return
    if isinstance(node.get("Rule"), dict):  # a rule, or a named rule a clause refers to
        inner = node["Rule"]
        _reasons(str(inner.get("name") or rule), inner.get("checks"), out)
        return
    messages = node.get("messages")
    if isinstance(messages, dict) and (
        messages.get("error_message") or messages.get("custom_message")
    ):
        out.append(
            GuardReason(
                rule=rule,
                message=messages.get("error_message") or None,
                custom_message=messages.get("custom_message") or None,
                path=_first_path(node),
            )
        )
    for key, child in node.items():
        if key != "messages":
            _reasons(rule, child, out)


def _rule_name(entry: Any) -> str:
    name = entry.get("Rule", {}).get("name") if isinstance(entry, dict) else entry
    return str(name).rpartition("/")[2]


def evaluate(
    policy_text: str, configuration_item: Mapping[str, Any], *, field: str = "policy_text"
) -> GuardEvaluation:
    """Run a Guard policy against one configuration item, as AWS Config does, locally.

    ``configuration_item`` is the item as AWS Config gives it to Guard: ``resourceType``,
    ``resourceId``, ``configuration`` (an object, not JSON text), ``supplementaryConfiguration``,
    ``tags`` and so on; dates may be :class:`~datetime.datetime` objects. Raises
    :class:`GuardUnavailableError` without the ``guard`` extra, :class:`GuardSyntaxError` for a
    policy that does not parse, and :class:`~orgconfig.errors.ValidationError` for an item that
    is not a JSON object.

    Example::

        evaluation = guard.evaluate(policy, item)
        if not evaluation.compliant:
            for reason in evaluation.reasons:
                print(reason.rule, reason.path, reason.message)
    """
    module = _require()
    data = _item_json(configuration_item)
    answer = _run(module, data, policy_text)
    if not answer.get("success"):
        error = str(answer.get("error") or "Guard gave no reason")
        if _PARSE_ERROR in error:
            raise _syntax_error(error, field)
        raise ValidationError(f"{field}: Guard cannot run the policy: {error}", field=field)
    result = answer.get("result") or {}
    failed = result.get("not_compliant") or []
    reasons: list[GuardReason] = []
    for entry in failed:
        _reasons(_rule_name(entry), entry, reasons)
    return GuardEvaluation(
        compliance=_STATUS.get(str(result.get("status")), "NON_COMPLIANT"),
        compliant_rules=tuple(_rule_name(n) for n in result.get("compliant") or ()),
        non_compliant_rules=tuple(_rule_name(e) for e in failed),
        not_applicable_rules=tuple(_rule_name(n) for n in result.get("not_applicable") or ()),
        reasons=tuple(reasons),
    )
