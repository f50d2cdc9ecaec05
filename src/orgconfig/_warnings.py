"""The warnings orgconfig issues: input AWS may accept or refuse, and checks it could not run.

The tree::

    OrgConfigWarning            base of every orgconfig warning (a UserWarning)
    ├── UnknownNameWarning      a resource type or managed rule identifier orgconfig does not
    │                           know: ``.field``, ``.name``, ``.suggestion``
    └── GuardNotCheckedWarning  a Guard policy not parsed locally: the ``guard`` extra is absent

Warnings point at the caller's line (the first frame outside orgconfig). Turn them into errors
in tests with ``-W error::orgconfig.UnknownNameWarning``, or silence one with
:func:`warnings.filterwarnings`.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from types import FrameType

__all__ = ["GuardNotCheckedWarning", "OrgConfigWarning", "UnknownNameWarning", "warn"]

_PACKAGE = str(Path(__file__).resolve().parent)


class OrgConfigWarning(UserWarning):
    """Base of every warning orgconfig issues."""


class UnknownNameWarning(OrgConfigWarning):
    """A name orgconfig does not know, which AWS may refuse: at the put, or in each member account.

    An unknown managed rule identifier makes AWS refuse an organization rule's put
    (``InvalidParameterValueException``); in a conformance pack template it fails in each
    member account instead.

    Raised (as a warning) for a resource type missing from botocore's list of AWS Config
    resource types, and for a managed rule identifier missing from orgconfig's list of AWS
    managed rules. Either list may be older than AWS: a name AWS added since is right, so this
    is a warning, not an error.

    Attributes:
        field: the field, in orgconfig's terms (``"identifier"``, ``"resource_types[1]"``).
        name: the unknown name.
        suggestion: the closest known name, or None when nothing is close.
    """

    def __init__(self, message: str, *, field: str, name: str, suggestion: str | None) -> None:
        super().__init__(message)
        self.field = field
        self.name = name
        self.suggestion = suggestion


class GuardNotCheckedWarning(OrgConfigWarning):
    """A Guard policy was not parsed locally because the ``orgconfig[guard]`` extra is absent.

    Issued once per process; a syntax error then shows only when AWS Config evaluates the rule.
    """


def _caller_level() -> int | None:
    """The ``stacklevel`` of the first frame outside orgconfig and attrs' generated code.

    None when the model is being read from AWS (built by the wire converter's generated code):
    AWS accepted what it holds, so reads never warn.
    """
    frame: FrameType | None = sys._getframe(2)
    level = 2
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith(_READ):
            return None
        if not name.startswith((_PACKAGE, "<attrs generated")):
            return level
        frame = frame.f_back
        level += 1
    return 2


_READ = "<cattrs generated structure"


def warn(warning: OrgConfigWarning) -> None:
    """Issue ``warning`` at the caller's line (the first frame outside orgconfig), unless read."""
    level = _caller_level()
    if level is not None:
        warnings.warn(warning, stacklevel=level)
