"""Desired state: the conformance packs and rules an organization should have, from a YAML file.

:func:`load_desired` reads a desired-state file (the schema is in ``docs/desired-state.md``) into
a :class:`DesiredState`: :class:`DesiredPack` and :class:`DesiredRule` records, each holding the
validated domain object (:class:`~orgconfig.ConformancePack`, :class:`~orgconfig.OrgConfigRule`),
its :class:`~orgconfig.Targets` and its regions. :func:`orgconfig.plan.make_plan` compares it with
what is deployed.

Every problem raises :class:`DesiredStateError` (a :class:`~orgconfig.errors.ValidationError`)
naming the file, the line and the field (``conformance_packs[0].parameters['MaxAge']``); an
unknown key names the closest known one.

Example::

    from orgconfig import load_desired

    desired = load_desired("orgconfig.yaml")
    for item in desired.conformance_packs:
        print(item.name, item.regions, item.targets)
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs
import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from orgconfig import _checks as checks
from orgconfig import errors
from orgconfig._aws.clients import check_region
from orgconfig._fields import read_policy
from orgconfig._limits import GUARD_RUNTIME, POLICY_TRIGGER_TYPES
from orgconfig.models import ConformancePack, OrgConfigRule, RuleKind
from orgconfig.targets import Targets
from orgconfig.templates import Template
from orgconfig.templates import _yaml as template_yaml
from orgconfig.templates._bounds import ParseError

if TYPE_CHECKING:
    import boto3

__all__ = [
    "DESIRED_FILE_MAX_BYTES",
    "DesiredPack",
    "DesiredRule",
    "DesiredState",
    "DesiredStateError",
    "load_desired",
]

DESIRED_FILE_MAX_BYTES: Final = 4 * 1024 * 1024
"""A desired-state file may be at most this many bytes (4 MiB)."""

_VERSION: Final = 1
_Path = tuple[str | int, ...]


class DesiredStateError(errors.ValidationError):
    """A desired-state file that cannot be used: its ``path``, ``line`` and ``field``.

    ``field`` is the place in the file (``conformance_packs[0].parameters['MaxAge']``), ``line``
    the line it is on (1-based; None when the problem is the whole file), ``path`` the file.
    ``str(e)`` reads ``orgconfig.yaml, line 12: conformance_packs[0].name: ...``.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message, field=field)
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = self.path or "<desired state>"
        if self.line is not None:
            where += f", line {self.line}"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.message}"


@attrs.frozen
class DesiredPack:
    """A conformance pack of the desired state, with where it goes.

    Attributes:
        pack: the pack (its template loaded and checked).
        targets: the accounts it is deployed to (``Targets()``: the whole organization).
        regions: the regions it is deployed in; empty means the file's ``regions`` (else the
            organization's).
        template: the template as written in the file (a path relative to the file, or an S3
            URI).
    """

    pack: ConformancePack
    targets: Targets = attrs.field(factory=Targets)
    regions: tuple[str, ...] = ()
    template: str | None = None

    @property
    def name(self) -> str:
        """The pack's name."""
        return self.pack.name


@attrs.frozen
class DesiredRule:
    """An organization config rule of the desired state, with where it goes.

    Attributes:
        rule: the rule (a Guard rule's policy read from its file).
        targets: the accounts it is deployed to (``Targets()``: the whole organization).
        regions: the regions it is deployed in; empty means the file's ``regions`` (else the
            organization's).
        policy_file: the ``.guard`` file the policy came from, as written (or None).
    """

    rule: OrgConfigRule
    targets: Targets = attrs.field(factory=Targets)
    regions: tuple[str, ...] = ()
    policy_file: str | None = None

    @property
    def name(self) -> str:
        """The rule's name."""
        return self.rule.name


@attrs.frozen
class DesiredState:
    """What the organization should hold: packs and rules, each with targets and regions.

    Attributes:
        conformance_packs: the packs, in file order (names unique).
        rules: the rules, in file order (names unique).
        regions: the default regions of the items that name none (empty: the organization's
            ``regions``).
        source: the file it was read from, when it was.
    """

    conformance_packs: tuple[DesiredPack, ...] = ()
    rules: tuple[DesiredRule, ...] = ()
    regions: tuple[str, ...] = ()
    source: str | None = None

    def regions_of(
        self, item: DesiredPack | DesiredRule, default: Sequence[str]
    ) -> tuple[str, ...]:
        """Return the regions ``item`` goes to: its own, else the file's, else ``default``."""
        return item.regions or self.regions or tuple(default)

    @classmethod
    def from_yaml(
        cls,
        text: str,
        *,
        source: str | None = None,
        base_dir: str | os.PathLike[str] = ".",
        session: boto3.Session | None = None,
    ) -> DesiredState:
        """Read a desired state from YAML text; template and policy paths are under ``base_dir``.

        ``session`` reads templates given as S3 URIs (a default session when None).

        Raises:
            DesiredStateError: anything wrong in the text, with its line and field.
        """
        return _Loader(source, Path(base_dir), session).load(text)


def load_desired(
    path: str | os.PathLike[str], *, session: boto3.Session | None = None
) -> DesiredState:
    """Read the desired-state file ``path`` (YAML; the schema is in ``docs/desired-state.md``).

    Template and policy paths in it are relative to the file's directory; templates given as
    S3 URIs are read with ``session`` (a default boto3 session when None).

    Raises:
        DesiredStateError: the file cannot be read, is not valid YAML, or breaks the schema or
            a constraint of a pack, rule or target: the message names the file, the line and
            the field, and an unknown key the closest known one.

    Example::

        desired = load_desired("orgconfig.yaml")
        plan = org.plan(desired)
    """
    name = os.fspath(path)
    shown = str(name)
    try:
        with open(name, "rb") as stream:
            data = stream.read(DESIRED_FILE_MAX_BYTES + 1)
    except (OSError, ValueError) as e:
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise DesiredStateError(f"cannot read the file: {reason}", path=shown) from e
    if len(data) > DESIRED_FILE_MAX_BYTES:
        raise DesiredStateError(
            f"the file is over {DESIRED_FILE_MAX_BYTES:,} bytes, the most a desired state may be",
            path=shown,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise DesiredStateError("the file is not UTF-8 text", path=shown, line=line) from e
    return DesiredState.from_yaml(text, source=shown, base_dir=Path(name).parent, session=session)


# -- the schema --------------------------------------------------------------------------------

_TOP_KEYS = ("version", "regions", "conformance_packs", "rules")
_PACK_KEYS = (
    "name",
    "template",
    "parameters",
    "sensitive",
    "excluded_accounts",
    "targets",
    "regions",
    "delivery_bucket",
    "delivery_prefix",
    "tags",
)
_TARGET_KEYS = ("ous", "accounts", "tags", "exclude_ous", "exclude_accounts", "exclude_tags")
_RULE_COMMON = (
    "name",
    "kind",
    "description",
    "input_parameters",
    "sensitive_inputs",
    "max_frequency",
    "resource_types",
    "resource_id",
    "tag_key",
    "tag_value",
    "excluded_accounts",
    "tags",
    "targets",
    "regions",
)
_RULE_KEYS: Mapping[RuleKind, tuple[str, ...]] = {
    RuleKind.MANAGED: (*_RULE_COMMON, "identifier"),
    RuleKind.CUSTOM_LAMBDA: (*_RULE_COMMON, "lambda_arn", "trigger_types"),
    RuleKind.CUSTOM_POLICY: (
        *_RULE_COMMON,
        "policy",
        "policy_file",
        "runtime",
        "trigger_types",
        "debug_log_accounts",
    ),
}
# The model's field names that the file spells differently.
_RULE_FIELD_KEYS: Mapping[str, str] = {"policy_text": "policy", "policy_runtime": "runtime"}
_SUBSCRIPT = re.compile(r"\[(\d+)\]|\[('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\]")


_FREE_MAPPINGS = frozenset({"parameters", "tags", "input_parameters", "exclude_tags"})


def _label(path: _Path) -> str:
    """A path in the file as text: ``conformance_packs[0].parameters['X']``."""
    out = ""
    previous: str | int | None = None
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif previous in _FREE_MAPPINGS:
            out += f"[{part!r}]"
        else:
            out += f".{part}" if out else part
        previous = part
    return out


def _model_path(field: str | None, renames: Mapping[str, str]) -> _Path:
    """A model's error field (``parameters['X']``, ``ous[0]``) as a path in the file."""
    if not field:
        return ()
    head = re.match(r"[A-Za-z_]+", field)
    if head is None:
        return ()
    path: list[str | int] = [renames.get(head.group(0), head.group(0))]
    for match in _SUBSCRIPT.finditer(field, head.end()):
        if match.group(1) is not None:
            path.append(int(match.group(1)))
        else:
            path.append(match.group(2)[1:-1])
    return tuple(path)


class _Loader:
    """Reads one desired-state document, keeping the line of every node for errors."""

    def __init__(self, source: str | None, base: Path, session: boto3.Session | None) -> None:
        self.source = source
        self.base = base
        self.session = session
        self.lines: dict[_Path, int] = {}

    # -- errors -----------------------------------------------------------------------------

    def line_of(self, path: _Path) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())

    def fail(self, path: _Path, message: str) -> DesiredStateError:
        return DesiredStateError(
            message, path=self.source, line=self.line_of(path), field=_label(path) or None
        )

    def _wrapped(
        self, path: _Path, err: errors.ValidationError, renames: Mapping[str, str]
    ) -> DesiredStateError:
        inner = _model_path(err.field, renames)
        full = (*path, *inner)
        message = err.message
        if isinstance(err, errors.TemplateError):  # about the template file, named in its text
            full, message = path, str(err)
        elif err.field and message.startswith(f"{err.field}: "):
            message = message[len(err.field) + 2 :]
        return self.fail(full, message)

    # -- reading ----------------------------------------------------------------------------

    def parse(self, text: str) -> Any:
        loader: Any = None
        try:
            loader = template_yaml._Loader(text)  # bounded: depth, aliases, sizes
            node = loader.get_single_node()
            if node is None:
                raise DesiredStateError(
                    "the file is empty: it needs at least 'version: 1'", path=self.source
                )
            self._index(node, ())
            return loader.construct_document(node)
        except yaml.MarkedYAMLError as e:
            mark = e.problem_mark or e.context_mark
            detail = e.problem or "invalid YAML"
            raise DesiredStateError(
                f"not valid YAML: {detail}",
                path=self.source,
                line=mark.line + 1 if mark is not None else None,
            ) from e
        except (yaml.YAMLError, ParseError) as e:
            raise DesiredStateError(f"not valid YAML: {e}", path=self.source) from e
        except errors.TemplateError as e:
            raise DesiredStateError(e.message, path=self.source) from e
        finally:
            if loader is not None:
                loader.dispose()

    def _index(self, node: Node, path: _Path) -> None:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, MappingNode):
            for key, value in node.value:
                if isinstance(key, ScalarNode):
                    below = (*path, str(key.value))
                    self.lines[below] = key.start_mark.line + 1
                    self._index(value, below)
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                self._index(item, (*path, i))

    def load(self, text: str) -> DesiredState:
        document = self.parse(text)
        top = self.mapping(document, (), "the document")
        self.known_keys(top, (), _TOP_KEYS)
        if "version" not in top:
            raise self.fail((), "'version: 1' is missing (the first line of the file)")
        if top["version"] != _VERSION or isinstance(top["version"], bool):
            raise self.fail(
                ("version",),
                f"version {checks.show(top['version'])} is not one this orgconfig reads (1)",
            )
        regions = self.regions(top.get("regions"), ("regions",))
        packs = [
            self.pack(item, ("conformance_packs", i))
            for i, item in enumerate(
                self.sequence(top.get("conformance_packs"), ("conformance_packs",))
            )
        ]
        rules = [
            self.rule(item, ("rules", i))
            for i, item in enumerate(self.sequence(top.get("rules"), ("rules",)))
        ]
        self.unique([p.name for p in packs], "conformance_packs")
        self.unique([r.name for r in rules], "rules")
        return DesiredState(
            conformance_packs=tuple(packs), rules=tuple(rules), regions=regions, source=self.source
        )

    # -- shapes -----------------------------------------------------------------------------

    def mapping(self, value: object, path: _Path, what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"{what} must be a mapping, not {_kind(value)}")
        for key in value:
            if not isinstance(key, str):
                raise self.fail(path, f"the key {checks.show(key)} is not a string")
        return value

    def sequence(self, value: object, path: _Path) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(path, f"must be a list, not {_kind(value)}")
        return value

    def strings(self, value: object, path: _Path) -> list[str]:
        items = self.sequence(value, path)
        for i, item in enumerate(items):
            if isinstance(item, bool) or not isinstance(item, str | int):
                raise self.fail((*path, i), f"must be a string, not {_kind(item)}")
        return [str(item) for item in items]

    def text(self, value: object, path: _Path) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"must be a string, not {_kind(value)}")
        return value

    def known_keys(self, given: Mapping[str, Any], path: _Path, known: Sequence[str]) -> None:
        for key in given:
            if key not in known:
                near = checks.closest(key, known)
                hint = f"; did you mean {near!r}?" if near else ""
                raise self.fail(
                    (*path, key), f"unknown key {key!r}{hint} (known: {', '.join(known)})"
                )

    def unique(self, names: list[str], label: str) -> None:
        seen: dict[str, int] = {}
        for i, name in enumerate(names):
            if name in seen:
                raise self.fail(
                    (label, i, "name"), f"{name!r} is already the name of {label}[{seen[name]}]"
                )
            seen[name] = i

    def regions(self, value: object, path: _Path) -> tuple[str, ...]:
        names = self.strings(value, path)
        for i, name in enumerate(names):
            try:
                check_region(name)
            except errors.ValidationError as e:
                raise self.fail((*path, i), e.message) from e
        return tuple(dict.fromkeys(names))

    def targets(self, value: object, path: _Path) -> Targets:
        if value is None:
            return Targets()
        given = self.mapping(value, path, "targets")
        self.known_keys(given, path, _TARGET_KEYS)
        targets: Targets = self.build(path, {}, lambda: Targets(**given))
        return targets

    def build(self, path: _Path, renames: Mapping[str, str], make: Callable[[], Any]) -> Any:
        try:
            return make()
        except errors.ValidationError as e:
            raise self._wrapped(path, e, renames) from e

    # -- items ------------------------------------------------------------------------------

    def pack(self, value: object, path: _Path) -> DesiredPack:
        given = self.mapping(value, path, "a conformance pack")
        self.known_keys(given, path, _PACK_KEYS)
        for key in ("name", "template"):
            if key not in given:
                raise self.fail(path, f"a conformance pack needs {key!r}")
        self.text(given["name"], (*path, "name"))
        where = self.text(given["template"], (*path, "template"))
        template = self.build((*path, "template"), {}, lambda: self.template(where))
        options = {
            k: given[k]
            for k in (
                "parameters",
                "sensitive",
                "excluded_accounts",
                "delivery_bucket",
                "delivery_prefix",
                "tags",
            )
            if given.get(k) is not None
        }
        pack = self.build(path, {}, lambda: ConformancePack(given["name"], template, **options))
        return DesiredPack(
            pack=pack,
            targets=self.targets(given.get("targets"), (*path, "targets")),
            regions=self.regions(given.get("regions"), (*path, "regions")),
            template=where,
        )

    def template(self, where: str) -> Template:
        if where.startswith("s3://"):
            return Template.from_s3_uri(where, self.session)
        return Template.from_file(self.base / where)

    def rule(self, value: object, path: _Path) -> DesiredRule:
        given = self.mapping(value, path, "a rule")
        for key in ("name", "kind"):
            if key not in given:
                raise self.fail(path, f"a rule needs {key!r} (kinds: {', '.join(RuleKind)})")
        kind_text = given["kind"]
        try:
            kind = RuleKind(kind_text)
        except ValueError:
            near = checks.closest(str(kind_text), [k.value for k in RuleKind])
            hint = f"; did you mean {near!r}?" if near else ""
            raise self.fail(
                (*path, "kind"),
                f"{checks.show(kind_text)} is not a rule kind{hint} (kinds: {', '.join(RuleKind)})",
            ) from None
        known = _RULE_KEYS[kind]
        for key in given:
            if key not in known:
                owners = [str(k) for k, keys in _RULE_KEYS.items() if key in keys]
                if owners:
                    raise self.fail(
                        (*path, key),
                        f"only {' and '.join(owners)} rules take {key!r}; this is a {kind} rule",
                    )
        self.known_keys(given, path, known)
        self.text(given["name"], (*path, "name"))
        fields = {
            k: given[k]
            for k in known
            if k not in ("name", "kind", "targets", "regions", "policy", "policy_file", "runtime")
            and given.get(k) is not None
        }
        policy_file: str | None = None
        if kind is RuleKind.CUSTOM_POLICY:
            fields["policy_text"] = self.policy(given, path)
            if given.get("policy_file") is not None:
                policy_file = given["policy_file"]
            if given.get("runtime") is not None:
                fields["policy_runtime"] = given["runtime"]
            else:
                fields["policy_runtime"] = GUARD_RUNTIME
            if "trigger_types" not in fields:
                fields["trigger_types"] = POLICY_TRIGGER_TYPES
        rule = self.build(
            path, _RULE_FIELD_KEYS, lambda: OrgConfigRule(name=given["name"], kind=kind, **fields)
        )
        return DesiredRule(
            rule=rule,
            targets=self.targets(given.get("targets"), (*path, "targets")),
            regions=self.regions(given.get("regions"), (*path, "regions")),
            policy_file=policy_file,
        )

    def policy(self, given: Mapping[str, Any], path: _Path) -> str:
        inline, file = given.get("policy"), given.get("policy_file")
        if (inline is None) == (file is None):
            raise self.fail(
                path,
                "a custom_policy rule needs exactly one of 'policy' (the Guard text) "
                "and 'policy_file' (a .guard file, relative to this file)",
            )
        if inline is not None:
            return self.text(inline, (*path, "policy"))
        name = self.text(file, (*path, "policy_file"))
        try:
            return read_policy(self.base / name)
        except errors.ValidationError as e:
            raise self.fail((*path, "policy_file"), e.message) from e


def _kind(value: object) -> str:
    names = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "nothing (null)"
    return names.get(type(value), f"{type(value).__name__} {checks.show(value)}")


def iter_items(state: DesiredState) -> Iterator[DesiredPack | DesiredRule]:
    """Yield every pack, then every rule, of ``state`` (file order)."""
    yield from state.conformance_packs
    yield from state.rules
