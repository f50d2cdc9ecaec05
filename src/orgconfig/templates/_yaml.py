"""Loading a template's text: size, UTF-8, then CloudFormation YAML or JSON, within bounds.

What comes out is plain data (dicts, lists, strings, numbers, booleans, None) with the short-form
tags in their long form; whether the data is a template the service accepts is
:mod:`orgconfig.templates._checks`' business. Every problem is raised as
:class:`orgconfig.errors.TemplateError` carrying the template's ``path`` (the file or S3 URI).

Two YAML backends share one composer and one constructor: libyaml's event parser when PyYAML has
it (:class:`_CLoader`), else the pure-Python one (:class:`_PyLoader`). Both give the same
orgconfig messages. The composer measures every node as it closes it: its nesting depth
(:data:`MAX_NESTING_DEPTH`), and for a node that holds aliases its size and node count once the
aliases are expanded (:data:`MAX_EXPANDED_SIZE`, :data:`MAX_EXPANDED_NODES`), so an alias bomb is
refused as soon as its first too-large node closes, before anything is constructed, in time and
memory proportional to the text. libyaml (as PyYAML 6.0.4's wheels bundle it) also refuses deep
nesting itself, at a depth of its own (1,000) and in its own words, and its scanner reads so far
ahead that it refuses before the composer has seen :data:`MAX_NESTING_DEPTH` levels. So when the
libyaml backend fails, the text's events are read again with the pure-Python parser (events only,
nothing kept), whose only bound is ours: if that finds the text too deep, the error is
orgconfig's nesting error, whichever backend refused first (see :func:`_raise_if_too_deep`).
Only a failed parse pays for the second look.

The constructor builds only what JSON can hold. The tags it knows are the short forms of the
intrinsic functions and the YAML 1.1 tags of JSON's types: ``!!str``, ``!!int``, ``!!float``,
``!!bool``, ``!!null``, ``!!seq`` and ``!!map`` (an explicit scalar tag on a value it cannot read,
``!!int x``, is an error), and the ``<<`` merge key. Every other tag (``!!binary``, ``!!timestamp``,
``!!set``, ``!!omap``, ``!!pairs``, ``!!value``, ``!!yaml``, ``!!merge`` on a value, the
``!!python/...`` tags, global ``!<tag:...>`` tags and unknown local ``!Tags``) is an error with
its line, as are integers of more than :data:`MAX_INTEGER_DIGITS` digits and numbers that overflow
a float (``1e999``; ``.inf`` and ``.nan`` are values). Plain scalars that YAML 1.1 would read as
timestamps or as the ``=`` value key stay strings, as in CloudFormation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Hashable, Mapping
from typing import Any, Final, NoReturn, Protocol, cast

import yaml
from yaml.composer import Composer
from yaml.constructor import BaseConstructor, ConstructorError, SafeConstructor
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    Event,
    NodeEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from orgconfig import errors
from orgconfig._limits import TEMPLATE_S3_MAX_BYTES
from orgconfig.templates import _json
from orgconfig.templates._bounds import (
    MAX_EXPANDED_NODES,
    MAX_EXPANDED_SIZE,
    MAX_INTEGER_DIGITS,
    MAX_NESTING_DEPTH,
    ParseError,
    check_float,
    check_integer_text,
    shorten,
)

__all__ = [
    "MAX_EXPANDED_NODES",
    "MAX_EXPANDED_SIZE",
    "MAX_INTEGER_DIGITS",
    "MAX_NESTING_DEPTH",
    "check_size",
    "decode",
    "parse",
    "raise_too_large",
]

# ---------------------------------------------------------------------------------------------
# Sizes and bytes
# ---------------------------------------------------------------------------------------------


def raise_too_large(size: int, source: str | None, *, at_least: bool = False) -> NoReturn:
    """Refuse a template of ``size`` bytes (or characters, ``at_least`` that many bytes)."""
    amount = f"at least {size:,}" if at_least else f"{size:,}"
    raise errors.TemplateError(
        f"The template is {amount} bytes; a conformance pack template may be at most "
        f"{TEMPLATE_S3_MAX_BYTES:,} bytes (300 KB) even through TemplateS3Uri",
        path=source,
    )


def check_size(size: int, source: str | None) -> None:
    """Refuse a template of ``size`` bytes when that is over :data:`TEMPLATE_S3_MAX_BYTES`."""
    if size > TEMPLATE_S3_MAX_BYTES:
        raise_too_large(size, source)


def decode(data: bytes, source: str | None) -> str:
    """Return the text of a template's bytes, which must be UTF-8 and within the size limit."""
    check_size(len(data), source)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise errors.TemplateError(
            f"The template is not UTF-8 text: byte 0x{data[e.start]:02x} at offset {e.start} "
            f"(line {line}) cannot be decoded",
            path=source,
            location=f"line {line}",
        ) from e


# ---------------------------------------------------------------------------------------------
# YAML
# ---------------------------------------------------------------------------------------------


_TAG: Final = "tag:yaml.org,2002:"
_MERGE_TAG: Final = _TAG + "merge"

# Short-form tag -> (long-form key, node kinds it may tag).
_SCALAR, _SEQUENCE, _MAPPING = "scalar", "sequence", "mapping"
_ANY: Final = (_SCALAR, _SEQUENCE, _MAPPING)
_SHORT_FORMS: Final[Mapping[str, tuple[str, tuple[str, ...]]]] = {
    "!Ref": ("Ref", (_SCALAR,)),
    "!Condition": ("Condition", (_SCALAR,)),
    "!GetAtt": ("Fn::GetAtt", (_SCALAR, _SEQUENCE)),
    "!Sub": ("Fn::Sub", (_SCALAR, _SEQUENCE)),
    "!GetAZs": ("Fn::GetAZs", (_SCALAR, _MAPPING)),
    "!ImportValue": ("Fn::ImportValue", _ANY),
    "!Base64": ("Fn::Base64", _ANY),
    "!Transform": ("Fn::Transform", (_MAPPING,)),
    "!If": ("Fn::If", (_SEQUENCE,)),
    "!Equals": ("Fn::Equals", (_SEQUENCE,)),
    "!Not": ("Fn::Not", (_SEQUENCE,)),
    "!And": ("Fn::And", (_SEQUENCE,)),
    "!Or": ("Fn::Or", (_SEQUENCE,)),
    "!FindInMap": ("Fn::FindInMap", (_SEQUENCE,)),
    "!Join": ("Fn::Join", (_SEQUENCE,)),
    "!Select": ("Fn::Select", (_SEQUENCE,)),
    "!Split": ("Fn::Split", (_SEQUENCE,)),
    "!Cidr": ("Fn::Cidr", (_SEQUENCE,)),
}


def _mark_text(mark: Any) -> str | None:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else None


def _where(node: Node) -> str:
    return _mark_text(node.start_mark) or "unknown"


def _node_kind(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return _SCALAR
    if isinstance(node, SequenceNode):
        return _SEQUENCE
    return _MAPPING


class _CfnResolver(Resolver):
    """YAML 1.1 implicit types without timestamps and the ``=`` value key: those stay strings."""


_NOT_IMPLICIT: Final = (_TAG + "timestamp", _TAG + "value")
_CfnResolver.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _NOT_IMPLICIT]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}


def _implicit_pattern(name: str) -> re.Pattern[str]:
    """The YAML 1.1 pattern of the scalar type ``name``: what ``!!name`` accepts too."""
    for resolvers in Resolver.yaml_implicit_resolvers.values():
        for tag, regexp in resolvers:
            if tag == _TAG + name:
                return cast("re.Pattern[str]", regexp)
    raise LookupError(name)  # pragma: no cover - PyYAML defines all four


_PATTERNS: Final = {name: _implicit_pattern(name) for name in ("int", "float", "bool", "null")}


class _TooDeepError(ParseError):
    """The composer's nesting bound: the one depth error, whichever backend reads the text."""

    def __init__(self, location: str | None) -> None:
        super().__init__(
            f"The template nests mappings and sequences more than {MAX_NESTING_DEPTH} levels deep",
            location=location,
        )


class _EventSource(Protocol):
    def peek_event(self) -> Event: ...


class _CfnComposer(Composer):
    """The PyYAML composer, measuring each node as it closes it.

    Depth is bounded as the composer descends, so that it never recurses too far. Each node's
    measure (its expanded size, its expanded node count and its height) is the sum of its
    children's, so aliases are expanded by arithmetic, never in memory: the measure of an
    anchored node is kept, and each alias to it adds it again. A node whose measure includes an
    alias is refused as soon as it is over a bound.
    """

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0
        # One accumulator per open node: [size, nodes, height, holds an alias]. The first
        # stands for the document, which receives the root's measure.
        self._open: list[list[int]] = [[0, 0, 0, 0]]
        self._anchored: dict[int, tuple[int, int, int]] = {}

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = cast("_EventSource", self).peek_event()
        if self._depth >= MAX_NESTING_DEPTH:
            raise _TooDeepError(_mark_text(event.start_mark))
        is_alias = isinstance(event, AliasEvent)
        anchor = None if is_alias else cast("NodeEvent", event).anchor
        children = [0, 0, 0, 0]
        self._open.append(children)
        self._depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
            self._open.pop()
        assert node is not None
        if is_alias:
            measure = self._anchored.get(id(node))
            if measure is None:
                raise ParseError(
                    "The template holds a recursive alias (an alias inside the node it refers to)",
                    location=_mark_text(event.start_mark),
                )
            size, nodes, height = measure
            aliased = 1
        else:
            own = len(node.value) if isinstance(node, ScalarNode) else 0
            size, nodes, height = children[0] + own + 1, children[1] + 1, children[2] + 1
            aliased = children[3]
            node.end_mark = None  # never read: a mark less per node is memory saved
            if anchor is not None:
                self._anchored[id(node)] = (size, nodes, height)
        if aliased:
            _check_expansion(size, nodes, height, _mark_text(event.start_mark))
        outer = self._open[-1]
        outer[0] += size
        outer[1] += nodes
        outer[2] = max(outer[2], height)
        outer[3] |= aliased
        return node


def _check_expansion(size: int, nodes: int, height: int, where: str | None) -> None:
    """Refuse a node that, its aliases expanded, is over a bound."""
    if nodes > MAX_EXPANDED_NODES:
        raise ParseError(
            f"The template expands to more than {MAX_EXPANDED_NODES:,} YAML nodes through anchors "
            "and aliases (&name / *name); refusing to expand it",
            location=where,
        )
    if size > MAX_EXPANDED_SIZE:
        raise ParseError(
            f"The template expands to more than {MAX_EXPANDED_SIZE:,} characters through anchors "
            "and aliases (&name / *name); refusing to expand it",
            location=where,
        )
    if height > MAX_NESTING_DEPTH:
        raise ParseError(
            f"The template nests mappings and sequences more than {MAX_NESTING_DEPTH} levels deep "
            "once its aliases are expanded",
            location=where,
        )


class _CfnConstructor(SafeConstructor):
    """Safe construction of JSON's types only, refusing duplicate keys, with the short forms."""

    def construct_document(self, node: Node) -> Any:
        # Depth first, each collection built whole before its parent: PyYAML's breadth-first
        # default keeps a suspended generator per collection (a third of the memory of a dense
        # document), and exists only for recursive aliases, which the composer refuses. The
        # recursion is bounded by MAX_NESTING_DEPTH.
        self.deep_construct = True
        return super().construct_document(node)

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Hashable, Any]:
        if not isinstance(node, MappingNode):
            raise ConstructorError(
                None, None, f"expected a mapping, but found a {_node_kind(node)}", node.start_mark
            )
        seen: dict[Hashable, Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG or not isinstance(key_node, ScalarNode):
                continue
            key = self.construct_object(key_node)
            if not isinstance(key, Hashable):  # pragma: no cover - scalars are hashable
                continue
            if key in seen:
                first = seen[key].start_mark
                where = _where(key_node).split(",")[0]
                raise ParseError(
                    f"The template repeats the key {key!r} at {where} (first at line "
                    f"{first.line + 1 if first is not None else '?'}); a key may appear only once "
                    "in a mapping",
                    location=where,
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


def _scalar_text(loader: BaseConstructor, node: Node, name: str) -> str:
    """The text of a node tagged (or resolved) as ``name``; it must be of that type."""
    text = loader.construct_scalar(cast("ScalarNode", node))
    if not isinstance(text, str) or not _PATTERNS[name].match(text):
        raise ConstructorError(
            None, None, f"!!{name} cannot read {shorten(str(text))}", node.start_mark
        )
    return text


def _construct_int(loader: BaseConstructor, node: Node) -> int:
    text = _scalar_text(loader, node, "int")
    if len(text) > 20:
        check_integer_text(text, _where(node))
    try:
        value: int = SafeConstructor.construct_yaml_int(
            cast("SafeConstructor", loader), cast("ScalarNode", node)
        )
    except ValueError as e:  # "0b_": the pattern allows digits made only of underscores
        raise ConstructorError(
            None, None, f"{shorten(text)} is not a valid integer", node.start_mark
        ) from e
    return value


def _construct_float(loader: BaseConstructor, node: Node) -> float:
    text = _scalar_text(loader, node, "float")
    try:
        value: float = SafeConstructor.construct_yaml_float(
            cast("SafeConstructor", loader), cast("ScalarNode", node)
        )
    except OverflowError:  # a sexagesimal float too large: 1:59:59:...:59.5
        value = float("inf")
    except ValueError as e:  # pragma: no cover - the pattern admits only what float() reads
        raise ConstructorError(
            None, None, f"{shorten(text)} is not a valid number", node.start_mark
        ) from e
    check_float(text, value, _where(node))
    return value


def _construct_bool(loader: BaseConstructor, node: Node) -> bool:
    return SafeConstructor.bool_values[_scalar_text(loader, node, "bool").lower()]


def _construct_null(loader: BaseConstructor, node: Node) -> None:
    _scalar_text(loader, node, "null")


def _construct_short_form(loader: BaseConstructor, node: Node) -> dict[str, Any]:
    name, kinds = _SHORT_FORMS[node.tag]
    kind = _node_kind(node)
    if kind not in kinds:
        raise ConstructorError(
            None,
            None,
            f"{node.tag} cannot tag a {kind}; it takes a {' or '.join(kinds)}",
            node.start_mark,
        )
    value: Any
    if isinstance(node, ScalarNode):
        value = loader.construct_scalar(node)
        if name == "Fn::GetAtt":
            resource, dot, attribute = value.partition(".")
            if not (resource and dot and attribute):
                raise ConstructorError(
                    None,
                    None,
                    f"!GetAtt {shorten(value)} is not of the form Resource.Attribute",
                    node.start_mark,
                )
            value = [resource, attribute]
    elif isinstance(node, SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, MappingNode)
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


def _construct_unknown_tag(loader: BaseConstructor, suffix: str, node: Node) -> NoReturn:
    raise ConstructorError(
        None,
        None,
        f"unknown tag !{shorten(suffix, 40)[1:-1]}: CloudFormation templates may use only the "
        f"short forms of the intrinsic functions ({', '.join(sorted(_SHORT_FORMS))})",
        node.start_mark,
    )


def _construct_unsupported(loader: BaseConstructor, node: Node) -> NoReturn:
    tag = node.tag
    shown = f"!!{tag.removeprefix(_TAG)}" if tag.startswith(_TAG) else f"!<{tag}>"
    if len(shown) > 60:
        shown = shown[:57] + "..."
    raise ConstructorError(
        None,
        None,
        f"the tag {shown} is not supported: a CloudFormation template holds only strings, "
        "numbers, booleans, nulls, lists and mappings, and the short forms of the intrinsic "
        "functions",
        node.start_mark,
    )


# What add_constructor() does, without the stubs' bound on the loader type: every tag that is
# not listed here is refused (the None entry).
_CfnConstructor.yaml_constructors = {
    _TAG + "str": SafeConstructor.construct_yaml_str,
    _TAG + "int": _construct_int,
    _TAG + "float": _construct_float,
    _TAG + "bool": _construct_bool,
    _TAG + "null": _construct_null,
    _TAG + "seq": SafeConstructor.construct_yaml_seq,
    _TAG + "map": SafeConstructor.construct_yaml_map,
    **dict.fromkeys(_SHORT_FORMS, _construct_short_form),
    None: _construct_unsupported,
}
_CfnConstructor.yaml_multi_constructors = {"!": _construct_unknown_tag}


class _LoaderBase(_CfnComposer, _CfnConstructor, _CfnResolver):
    """Composer, constructor and resolver; the concrete loaders add a parser."""


class _PyLoader(Reader, Scanner, Parser, _LoaderBase):
    """The pure-Python loader."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        _CfnComposer.__init__(self)
        _CfnConstructor.__init__(self)
        _CfnResolver.__init__(self)


class _PyEvents(Reader, Scanner, Parser):
    """The pure-Python parser alone: events, no nodes."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)


class _LoaderLike(Protocol):
    def get_single_node(self) -> Node | None: ...
    def construct_document(self, node: Node) -> Any: ...
    def dispose(self) -> None: ...


_Loader: Callable[[str], _LoaderLike] = _PyLoader
if yaml.__with_libyaml__:  # pragma: no branch - libyaml is present wherever the tests run
    from yaml._yaml import CParser

    class _CLoader(_LoaderBase, CParser):
        """libyaml's event parser under the Python composer: fast, and still depth-bounded."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _CfnComposer.__init__(self)
            _CfnConstructor.__init__(self)
            _CfnResolver.__init__(self)

    _Loader = _CLoader


def _raise_if_too_deep(text: str, error: yaml.YAMLError) -> None:
    """Raise orgconfig's nesting error if the pure-Python parser finds ``text`` too deep.

    Called when another backend failed to compose ``text``: libyaml refuses nesting deeper than a
    limit of its own (1,000 levels in PyYAML 6.0.4), in its own words and possibly before our
    composer saw the 101st level. The pure-Python parser has no limit but ours, so reading the
    text's events again with it tells whether the text is too deep without reading the backend's
    words; only events are read (nothing is kept), and the reading stops at the 101st level. The
    location is the composer's: the node that would be the 101st level. Any other outcome
    returns, and the backend's own error stands.

    Only the text up to where the backend failed is read again: a backend that refused the text
    as too deep did so after it had read more levels than ours, so a syntax error early in a long
    template costs little. (libyaml's mark counts characters; were it bytes, the cut would only
    be later.)
    """
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is not None:
        text = text[: mark.index + 1]
    events: _PyEvents | None = None
    depth = 0
    try:
        events = _PyEvents(text)
        while events.check_event():
            event: Event = events.get_event()  # type: ignore[no-untyped-call]  # PyYAML's parser is untyped
            if isinstance(event, NodeEvent):
                if depth >= MAX_NESTING_DEPTH:
                    raise _TooDeepError(_mark_text(event.start_mark))
                depth += isinstance(event, CollectionStartEvent)
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return
    finally:
        if events is not None:
            events.dispose()


def _parse_yaml(text: str) -> Any:
    loader: _LoaderLike | None = None
    try:
        try:
            loader = _Loader(text)  # the pure-Python reader checks characters here
            node = loader.get_single_node()
        except yaml.YAMLError as backend_error:
            if _Loader is not _PyLoader:
                _raise_if_too_deep(text, backend_error)
            raise
        if node is None:
            raise ParseError("The template is empty (it holds only comments or whitespace)")
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = _mark_text(mark)
        detail = e.problem or "invalid YAML"
        if e.context:
            detail = f"{detail} ({e.context})"
        raise ParseError(
            f"The template is not valid YAML: {detail}" + (f" at {where}" if where else ""),
            location=where,
        ) from e
    except ReaderError as e:
        line = text.count("\n", 0, int(e.position)) + 1
        code = e.character if isinstance(e.character, int) else ord(e.character)
        raise ParseError(
            f"The template is not valid YAML: the control character U+{code:04X} at line {line} "
            "is not allowed in YAML",
            location=f"line {line}",
        ) from e
    finally:
        if loader is not None:
            loader.dispose()


def parse(text: str, source: str | None) -> Any:
    """Parse a template's text (without its byte order mark) as JSON or CloudFormation YAML.

    ``source`` is the file or S3 URI, for :attr:`orgconfig.errors.TemplateError.path`.
    """
    try:
        if text.lstrip(" \t\r\n").startswith("{"):
            try:
                return _json.loads(text)
            except json.JSONDecodeError as json_error:
                try:
                    return _parse_yaml(text)
                except ParseError:
                    raise ParseError(
                        f"The template is not valid JSON: {json_error.msg} at line "
                        f"{json_error.lineno}, column {json_error.colno}",
                        location=f"line {json_error.lineno}, column {json_error.colno}",
                    ) from json_error
        return _parse_yaml(text)
    except ParseError as problem:
        raise errors.TemplateError(
            problem.message, path=source, location=problem.location
        ) from problem.__cause__
    except RecursionError as e:  # the caller's own stack was already deep
        raise errors.TemplateError(
            f"The template nests mappings and sequences too deeply to be read here (at most "
            f"{MAX_NESTING_DEPTH} levels)",
            path=source,
        ) from e
