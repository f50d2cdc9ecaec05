"""Secrets kept secret: masked in reprs and error messages, and a logging filter for the rest.

What is secret:

* a conformance pack parameter that the template declares with ``NoEcho: true``;
* a conformance pack parameter marked by the caller:
  ``ConformancePack(name, template, parameters={...}, sensitive=("DbPassword",))``;
* a rule input marked by the caller:
  ``OrgConfigRule.managed(name, identifier, input_parameters={...}, sensitive_inputs=("apiKey",))``
  (every constructor takes ``sensitive_inputs``; ``from_template_rule`` also marks the inputs
  whose value refers to a ``NoEcho`` parameter of the template).

Their values show as ``'***'`` in ``repr()`` and ``str()`` of the models, in the messages of the
:class:`~orgconfig.errors.ValidationError` raised about them, and in orgconfig's own log
records. Equality and the requests are unchanged: AWS receives the real values.

What AWS returns: the AWS Config API reference documents no masking of conformance pack
parameters, ``NoEcho`` or not (``NoEcho`` masking is a CloudFormation stack feature), so treat
what ``DescribeOrganizationConformancePacks`` returns as the values put (the sandbox returns
them so). orgconfig masks, in what ``get()`` and ``list()`` return, the parameters and rule
inputs it knows to be secret: those marked or ``NoEcho`` in a pack or rule built in this process
under the same name (:func:`sensitive_names`); you can mark others with ``attrs.evolve(info,
sensitive=...)``.

botocore logs request and response bodies at DEBUG, secrets included. :class:`RedactingFilter`
replaces every secret value orgconfig knows (those of the packs and rules alive in this process)
in a record's message. Add it to a handler, or call :func:`install` once to have it applied to
every log record as it is made::

    import logging
    from orgconfig import redaction

    redaction.install()                         # every record, every handler
    logging.getLogger("botocore").setLevel(logging.DEBUG)

    handler = logging.StreamHandler()           # or: on one handler only
    handler.addFilter(redaction.RedactingFilter())

The registry of secret values holds the strings only, never the models, and forgets a model's
values when the model is garbage collected; it never logs them. Values shorter than
:data:`MIN_SECRET_LENGTH` characters are replaced in log records only where they appear quoted
(``"ab"``), since bare they would match everywhere.
"""

from __future__ import annotations

import functools
import inspect
import itertools
import json
import logging
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from orgconfig._checks import show
from orgconfig._frozen import FrozenDict
from orgconfig.errors import OrgConfigError

if TYPE_CHECKING:
    from orgconfig.templates import Template

__all__ = [
    "MASK",
    "MIN_SECRET_LENGTH",
    "RedactingFilter",
    "install",
    "installed",
    "mask",
    "redact",
    "register",
    "sensitive_names",
    "uninstall",
]

MASK = "***"
"""What a secret value is replaced by (shown as ``'***'`` in reprs)."""

MIN_SECRET_LENGTH = 4
"""Secret values shorter than this are replaced in log text only where they appear quoted."""


# -- masking in reprs ---------------------------------------------------------------------------


def mask(values: Mapping[str, Any], names: Iterable[str]) -> Mapping[str, Any]:
    """``values`` with the value of every name in ``names`` replaced by :data:`MASK`.

    Example::

        mask({"User": "admin", "Password": "hunter22"}, {"Password"})
        # {'User': 'admin', 'Password': '***'}
    """
    hidden = frozenset(names)
    if not hidden.intersection(values):
        return values
    return FrozenDict({k: MASK if k in hidden else v for k, v in values.items()})


# -- the registry of secret values --------------------------------------------------------------


def _variants(value: str) -> list[str]:
    """The forms ``value`` takes in log text: raw, JSON-escaped (once or twice), repr-escaped."""
    forms = {value}
    for ascii_only in (True, False):
        once = json.dumps(value, ensure_ascii=ascii_only)[1:-1]
        twice = json.dumps(once, ensure_ascii=ascii_only)[1:-1]  # JSON text inside JSON
        forms.update((once, twice))
    forms.update([f.replace("\\", "\\\\") for f in forms])  # inside the repr of bytes or str
    forms.update([repr(value)[1:-1], ascii(value)[1:-1]])
    if len(value) < MIN_SECRET_LENGTH:
        forms = {f"{q}{f}{q}" for f in forms for q in ('"', "'", '\\"', '\\\\"')}
    return sorted(forms, key=len, reverse=True)


class _Registry:
    """The secret values of the models alive in this process, and the secret names by pack."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[int, frozenset[str]] = {}
        self._forms: list[str] | None = []
        self._names: dict[tuple[str, str], frozenset[str]] = {}
        self._tokens = itertools.count()

    def register(self, owner: object, values: Iterable[str]) -> None:
        secret = frozenset(v for v in values if isinstance(v, str) and v)
        if not secret:
            return
        with self._lock:
            token = next(self._tokens)
            self._values[token] = secret
            self._forms = None
        weakref.finalize(owner, self._forget, token)

    def _forget(self, token: int) -> None:
        with self._lock:
            if self._values.pop(token, None) is not None:
                self._forms = None

    def forms(self) -> list[str]:
        with self._lock:
            if self._forms is None:
                every = {
                    f for values in self._values.values() for v in values for f in _variants(v)
                }
                self._forms = sorted(every, key=len, reverse=True)
            return self._forms

    def remember(self, kind: str, name: str, names: Iterable[str]) -> None:
        secret = frozenset(names)
        if secret:
            with self._lock:
                self._names[kind, name] = self._names.get((kind, name), frozenset()) | secret

    def names(self, kind: str, name: str) -> frozenset[str]:
        with self._lock:
            return self._names.get((kind, name), frozenset())


_REGISTRY = _Registry()


def register(owner: object, values: Iterable[str]) -> None:
    """Know ``values`` as secret for as long as ``owner`` lives (it is not kept alive).

    The models register their secret values themselves; call this for other secrets that
    should be hidden from log records.
    """
    _REGISTRY.register(owner, values)


def sensitive_names(kind: str, name: str) -> frozenset[str]:
    """The parameter (``kind="conformance_pack"``) or input (``"rule"``) names known secret.

    They are those marked or ``NoEcho`` in the packs and rules named ``name`` built in this
    process; what ``get()`` and ``list()`` mask.
    """
    return _REGISTRY.names(kind, name)


def remember(kind: str, name: str, names: Iterable[str]) -> None:
    """Record that ``names`` are secret in the pack or rule ``name``: :func:`sensitive_names`."""
    _REGISTRY.remember(kind, name, names)


def redact(text: str, values: Iterable[str] | None = None) -> str:
    """``text`` with every known secret value (or each of ``values``) replaced by :data:`MASK`.

    Example::

        redact("password=hunter22", ["hunter22"])  # 'password=***'
    """
    if values is None:
        forms = _REGISTRY.forms()
    else:
        forms = sorted(
            {f for v in values if isinstance(v, str) and v for f in _variants(v)},
            key=len,
            reverse=True,
        )
    for form in forms:
        if form in text:
            text = text.replace(form, MASK)
    return text


_PREFIX = 8  # a secret whose first characters survive in a message hides the whole message


def scrub_error(error: OrgConfigError, values: Iterable[str]) -> None:
    """Replace ``values`` in an orgconfig error's message, in place (its type and field stay).

    A value is replaced in every form a message may show it (``repr``, cut short by
    :func:`orgconfig._checks.show`); should a part of it remain, the message says only that the
    value is hidden.
    """
    secrets = [v for v in values if isinstance(v, str) and v]
    if not secrets:
        return
    message = str(error)
    hidden = message
    for value in sorted(secrets, key=len, reverse=True):
        hidden = hidden.replace(show(value), f"'{MASK}'")
    hidden = redact(hidden, secrets)
    if any(len(v) >= _PREFIX and v[:_PREFIX] in hidden for v in secrets):
        field = getattr(error, "field", None)
        hidden = f"{field or 'a value'}: invalid, and not shown: it is sensitive"
    if hidden != message:
        error.args = (hidden, *error.args[1:])
        error.message = hidden


def secret_texts(value: object, budget: int = 10_000) -> list[str]:
    """Every string in ``value`` and its scalars as text (bounded walk): what to hide of it."""
    found: list[str] = []
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack and budget > 0:
        item, depth = stack.pop()
        budget -= 1
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, bool):
            found.append("true" if item else "false")
        elif (isinstance(item, int) and item.bit_length() < 128) or isinstance(item, float):
            found.append(str(item))
        elif depth < 64 and isinstance(item, Mapping):
            stack.extend((x, depth + 1) for x in list(item.values())[:budget])
        elif depth < 64 and isinstance(item, (list, tuple)):
            stack.extend((x, depth + 1) for x in item[:budget])
    return found


def hide_in_errors(cls: type, secrets: Callable[[Mapping[str, Any]], Iterable[str]]) -> None:
    """Make ``cls``'s constructor hide ``secrets(arguments)`` in the errors it raises.

    ``secrets`` receives the constructor's arguments by name (as given, not yet checked) and
    returns the secret texts among them; it is called only when construction fails.
    """
    init = cls.__init__  # type: ignore[misc]  # the attrs-generated constructor
    signature = inspect.signature(init)

    @functools.wraps(init)
    def hiding_init(self: object, *args: Any, **kwargs: Any) -> None:
        try:
            init(self, *args, **kwargs)
        except OrgConfigError as error:
            try:
                bound = signature.bind(self, *args, **kwargs)
                bound.apply_defaults()
                values = list(secrets(bound.arguments))
            except (TypeError, ValueError, AttributeError):
                # Arguments bind() refuses, or that secrets() cannot read: the constructor's
                # own error (typed, raised below) says what is wrong with them.
                values = []
            scrub_error(error, values)
            raise

    cls.__init__ = hiding_init  # type: ignore[misc]  # wrapping the attrs-generated constructor


# -- NoEcho -------------------------------------------------------------------------------------

_NO_ECHO: weakref.WeakKeyDictionary[Template, frozenset[str]] = weakref.WeakKeyDictionary()
_NO_ECHO_LOCK = threading.Lock()


def no_echo_parameters(template: Template) -> frozenset[str]:
    """The names of the parameters ``template`` declares with ``NoEcho: true``."""
    declared = template.parameters
    if not declared or "NoEcho" not in template.body:
        return frozenset()
    flags = {name: getattr(p, "no_echo", None) for name, p in declared.items()}
    if all(isinstance(flag, bool) for flag in flags.values()):
        return frozenset(name for name, flag in flags.items() if flag)
    with _NO_ECHO_LOCK:
        known = _NO_ECHO.get(template)
    if known is None:
        known = _parse_no_echo(template)
        with _NO_ECHO_LOCK:
            _NO_ECHO[template] = known
    return known


def _parse_no_echo(template: Template) -> frozenset[str]:
    """Read ``NoEcho`` from the template's text (its records do not carry it)."""
    from orgconfig.templates._yaml import parse  # noqa: PLC0415  (only for NoEcho templates)

    document = parse(template.body.removeprefix("\ufeff"), template.source)
    parameters = document.get("Parameters") if isinstance(document, Mapping) else None
    if not isinstance(parameters, Mapping):
        return frozenset()
    return frozenset(
        name
        for name, declaration in parameters.items()
        if isinstance(declaration, Mapping) and str(declaration.get("NoEcho", "")).lower() == "true"
    )


# -- logging ------------------------------------------------------------------------------------


class RedactingFilter(logging.Filter):
    """A logging filter that replaces every known secret value in a record's message.

    It never drops a record. Add it to a handler (``handler.addFilter(RedactingFilter())``),
    or use :func:`install` to apply it to every record.

    Example::

        handler = logging.StreamHandler()
        handler.addFilter(RedactingFilter())
        logging.getLogger("botocore").addHandler(handler)
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record`` in place; always keep it."""
        _redact_record(record)
        return True


def _redact_record(record: logging.LogRecord) -> None:
    forms = _REGISTRY.forms()
    if not forms:
        return
    try:
        message = record.getMessage()
    except (TypeError, ValueError):
        return  # arguments that do not fit the format: logging itself reports that record
    hidden = message
    for form in forms:
        if form in hidden:
            hidden = hidden.replace(form, MASK)
    if hidden != message:
        record.msg = hidden
        record.args = None


_INSTALL_LOCK = threading.Lock()
_previous_factory: Callable[..., logging.LogRecord] | None = None


def install() -> None:
    """Redact every log record as it is made, whatever logger or handler it goes to.

    Idempotent; :func:`uninstall` undoes it. It wraps the log record factory
    (:func:`logging.setLogRecordFactory`): records are redacted when they are made, which
    only happens for enabled levels, so it costs nothing while DEBUG is off.
    """
    global _previous_factory  # noqa: PLW0603  (one process-wide hook, as logging's own)
    with _INSTALL_LOCK:
        if _previous_factory is not None:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            _redact_record(record)
            return record

        _previous_factory = previous
        logging.setLogRecordFactory(factory)


def uninstall() -> None:
    """Undo :func:`install` (nothing if it is not installed)."""
    global _previous_factory  # noqa: PLW0603
    with _INSTALL_LOCK:
        if _previous_factory is not None:
            logging.setLogRecordFactory(_previous_factory)
            _previous_factory = None


def installed() -> bool:
    """Whether :func:`install` is in force."""
    return _previous_factory is not None


# orgconfig's own records (logged on the "orgconfig" logger) are always redacted.
logging.getLogger("orgconfig").addFilter(RedactingFilter())
