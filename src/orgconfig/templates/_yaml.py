"""Loading a template's text: size, UTF-8, then CloudFormation YAML or JSON, within bounds.

What comes out is plain data (dicts, lists, strings, numbers, booleans, None) with the short-form
tags in their long form; whether the data is a template the service accepts is
:mod:`orgconfig.templates._checks`' business. Every problem is raised as
:class:`orgconfig.errors.TemplateError` carrying the template's ``path`` (the file or S3 URI).

Two YAML backends share one composer and one constructor: libyaml's event parser when PyYAML has
it (:class:`_CLoader`), else the pure-Python one (:class:`_PyLoader`). Both give the same
orgconfig messages. The nesting bound (:data:`MAX_NESTING_DEPTH`) is checked by the composer;
libyaml (as PyYAML 6.0.4's wheels bundle it) also refuses deep nesting itself, at a depth of its
own (1,000) and in its own words, and its scanner reads so far ahead that it refuses before the
composer has seen :data:`MAX_NESTING_DEPTH` levels. So when the libyaml backend fails, the text
is composed again with the pure-Python backend, whose only bound is ours: if that finds the text
too deep, the error is orgconfig's nesting error, whichever backend refused first (see
:func:`_raise_if_too_deep`). Only a failed parse pays for the second look.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Final, NoReturn, Protocol, cast

import yaml
from yaml.composer import Composer
from yaml.constructor import BaseConstructor, ConstructorError, SafeConstructor
from yaml.events import Event
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader, ReaderError
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from orgconfig import errors
from orgconfig._limits import TEMPLATE_S3_MAX_BYTES

__all__ = [
    "MAX_EXPANDED_NODES",
    "MAX_NESTING_DEPTH",
    "check_size",
    "decode",
    "parse",
    "raise_too_large",
]

MAX_EXPANDED_NODES: Final = 250_000
"""Most YAML nodes a template may hold once its aliases are expanded.

No alias-free document under :data:`~orgconfig.templates.TEMPLATE_S3_MAX_BYTES` comes near it
(every node takes at least two bytes), so the bound only stops documents that multiply themselves
through aliases.
"""

MAX_NESTING_DEPTH: Final = 100
"""Deepest nesting of mappings and sequences a template may use."""

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


class _ParseError(Exception):
    """A parse problem found by the loader; turned into a TemplateError with the source."""

    def __init__(self, message: str, location: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location


_TIMESTAMP_TAG: Final = "tag:yaml.org,2002:timestamp"
_MERGE_TAG: Final = "tag:yaml.org,2002:merge"

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


def _where(node: Node) -> str:
    mark = node.start_mark
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else "unknown"


def _node_kind(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return _SCALAR
    if isinstance(node, SequenceNode):
        return _SEQUENCE
    return _MAPPING


class _CfnResolver(Resolver):
    """YAML 1.1 implicit types without timestamps: CloudFormation reads dates as strings."""


_CfnResolver.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP_TAG]
    for first, resolvers in Resolver.yaml_implicit_resolvers.items()
}


class _TooDeepError(_ParseError):
    """The composer's nesting bound: the one depth error, whichever backend reads the text."""

    def __init__(self, location: str | None) -> None:
        super().__init__(
            f"The template nests mappings and sequences more than {MAX_NESTING_DEPTH} levels deep",
            location=location,
        )


class _EventSource(Protocol):
    def peek_event(self) -> Event: ...


class _CfnComposer(Composer):
    """The PyYAML composer, bounded in nesting depth so that it never recurses too far."""

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_NESTING_DEPTH:
                mark = cast("_EventSource", self).peek_event().start_mark
                where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
                raise _TooDeepError(where)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _CfnConstructor(SafeConstructor):
    """Safe construction, refusing duplicate keys, with CloudFormation's short-form tags."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: dict[Hashable, Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG or not isinstance(key_node, ScalarNode):
                continue
            key = self.construct_object(key_node)
            if not isinstance(key, Hashable):
                continue
            if key in seen:
                first = seen[key].start_mark
                where = _where(key_node).split(",")[0]
                raise _ParseError(
                    f"The template repeats the key {key!r} at {where} (first at line "
                    f"{first.line + 1 if first is not None else '?'}); a key may appear only once "
                    "in a mapping",
                    location=where,
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


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
                    f"!GetAtt {value!r} is not of the form Resource.Attribute",
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
        f"unknown tag !{suffix}: CloudFormation templates may use only the short forms of the "
        f"intrinsic functions ({', '.join(sorted(_SHORT_FORMS))})",
        node.start_mark,
    )


# What add_constructor() does, without the stubs' bound on the loader type.
_CfnConstructor.yaml_constructors = {
    **SafeConstructor.yaml_constructors,
    **dict.fromkeys(_SHORT_FORMS, _construct_short_form),
}
_CfnConstructor.yaml_multi_constructors = {
    **SafeConstructor.yaml_multi_constructors,
    "!": _construct_unknown_tag,
}


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


def _children(node: Node) -> Sequence[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return ()


def _check_expansion(root: Node) -> None:
    """Refuse a node graph that expands too far through aliases, or that refers to itself."""
    sizes: dict[int, int] = {}
    heights: dict[int, int] = {}
    entered: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        key = id(node)
        if leaving:
            entered.discard(key)
            children = _children(node)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            heights[key] = 1 + max((heights[id(child)] for child in children), default=0)
            if sizes[key] > MAX_EXPANDED_NODES:
                raise _ParseError(
                    f"The template expands to more than {MAX_EXPANDED_NODES:,} YAML nodes "
                    "through anchors and aliases (&name / *name); refusing to expand it",
                    location=_where(node),
                )
            if heights[key] > MAX_NESTING_DEPTH:
                raise _ParseError(
                    f"The template nests mappings and sequences more than {MAX_NESTING_DEPTH} "
                    "levels deep once its aliases are expanded",
                    location=_where(node),
                )
            continue
        if key in sizes:
            continue
        if key in entered:
            raise _ParseError(
                "The template holds a recursive alias (an alias inside the node it refers to)",
                location=_where(node),
            )
        entered.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def _raise_if_too_deep(text: str) -> None:
    """Raise orgconfig's nesting error if the pure-Python composer finds ``text`` too deep.

    Called when another backend failed to compose ``text``: libyaml refuses nesting deeper than a
    limit of its own (1,000 levels in PyYAML 6.0.4), in its own words and possibly before our
    composer saw the 101st level. The pure-Python backend has no limit but ours, so composing
    again with it tells whether the text is too deep without reading the backend's words. Any
    other outcome returns, and the backend's own error stands.
    """
    loader: _PyLoader | None = None
    try:
        loader = _PyLoader(text)
        loader.get_single_node()
    except yaml.YAMLError:
        return
    finally:
        if loader is not None:
            loader.dispose()


def _parse_yaml(text: str) -> Any:
    loader: _LoaderLike | None = None
    try:
        try:
            loader = _Loader(text)  # the pure-Python reader checks characters here
            node = loader.get_single_node()
        except yaml.YAMLError:
            if _Loader is not _PyLoader:
                _raise_if_too_deep(text)
            raise
        if node is None:
            raise _ParseError("The template is empty (it holds only comments or whitespace)")
        _check_expansion(node)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else None
        detail = e.problem or "invalid YAML"
        if e.context:
            detail = f"{detail} ({e.context})"
        raise _ParseError(
            f"The template is not valid YAML: {detail}" + (f" at {where}" if where else ""),
            location=where,
        ) from e
    except ReaderError as e:
        line = text.count("\n", 0, int(e.position)) + 1
        code = e.character if isinstance(e.character, int) else ord(e.character)
        raise _ParseError(
            f"The template is not valid YAML: the control character U+{code:04X} at line {line} "
            "is not allowed in YAML",
            location=f"line {line}",
        ) from e
    finally:
        if loader is not None:
            loader.dispose()


class _DuplicateJsonKeyError(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateJsonKeyError(key)
        result[key] = value
    return result


def _json_constant(name: str) -> NoReturn:
    raise _ParseError(f"The template is not valid JSON: {name} is not a JSON number")


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


class _JsonKeyFinder:
    """Find where a JSON object repeats a given key (json reports duplicates without lines)."""

    def __init__(self, text: str, key: str) -> None:
        self.text = text
        self.key = key
        self.decoder = json.JSONDecoder()

    def find(self) -> tuple[int, int] | None:
        """Return the lines of the first and the repeated key, or None."""
        try:
            self._value(self._space(0))
        except _KeyFoundError as found:
            return found.first, found.again
        except RecursionError:  # nested deeper than this finder can follow: report no line
            return None
        return None

    def _line(self, index: int) -> int:
        return self.text.count("\n", 0, index) + 1

    def _space(self, index: int) -> int:
        match = _JSON_SPACE.match(self.text, index)
        return match.end() if match else index

    def _value(self, index: int) -> int:
        opener = self.text[index]
        if opener == "{":
            return self._object(self._space(index + 1))
        if opener == "[":
            return self._array(self._space(index + 1))
        _, end = self.decoder.raw_decode(self.text, index)
        return end

    def _object(self, index: int) -> int:
        seen: dict[str, int] = {}
        while self.text[index] != "}":
            key, index = self.decoder.raw_decode(self.text, index)
            if key == self.key and key in seen:
                raise _KeyFoundError(self._line(seen[key]), self._line(index))
            seen[key] = index
            index = self._space(self._space(index) + 1)  # past the colon
            index = self._space(self._value(index))
            if self.text[index] == ",":
                index = self._space(index + 1)
        return index + 1

    def _array(self, index: int) -> int:
        while self.text[index] != "]":
            index = self._space(self._value(index))
            if self.text[index] == ",":
                index = self._space(index + 1)
        return index + 1


class _KeyFoundError(Exception):
    def __init__(self, first: int, again: int) -> None:
        super().__init__(first, again)
        self.first = first
        self.again = again


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_json_pairs, parse_constant=_json_constant)
    except _DuplicateJsonKeyError as e:
        lines = _JsonKeyFinder(text, e.key).find()
        where = f"line {lines[1]}" if lines else None
        first = f" (first at line {lines[0]})" if lines else ""
        raise _ParseError(
            f"The template repeats the key {e.key!r}"
            + (f" at {where}" if where else "")
            + f"{first}; a key may appear only once in a mapping",
            location=where,
        ) from e
    except RecursionError as e:
        raise _ParseError(
            f"The template nests objects and arrays more than {MAX_NESTING_DEPTH} levels deep"
        ) from e


def _json_depth_ok(document: Any) -> bool:
    stack: list[tuple[Any, int]] = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_NESTING_DEPTH:
            return False
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)
    return True


def parse(text: str, source: str | None) -> Any:
    """Parse a template's text (without its byte order mark) as JSON or CloudFormation YAML.

    ``source`` is the file or S3 URI, for :attr:`orgconfig.errors.TemplateError.path`.
    """
    try:
        if text.lstrip(" \t\r\n").startswith("{"):
            try:
                document = _parse_json(text)
            except json.JSONDecodeError as json_error:
                try:
                    return _parse_yaml(text)
                except _ParseError:
                    raise _ParseError(
                        f"The template is not valid JSON: {json_error.msg} at line "
                        f"{json_error.lineno}, column {json_error.colno}",
                        location=f"line {json_error.lineno}, column {json_error.colno}",
                    ) from json_error
            if not _json_depth_ok(document):
                raise _ParseError(
                    f"The template nests objects and arrays more than {MAX_NESTING_DEPTH} "
                    "levels deep"
                )
            return document
        return _parse_yaml(text)
    except _ParseError as problem:
        raise errors.TemplateError(
            problem.message, path=source, location=problem.location
        ) from problem.__cause__
