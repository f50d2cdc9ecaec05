"""The exit codes of the ``orgconfig`` command, and which error gives which.

=====  =========================  ==============================================================
code   name                       when
=====  =========================  ==============================================================
0      ``OK``                     the command did what it was asked; ``plan --detailed-exitcode``:
                                  nothing to change
1      ``ERROR``                  any other orgconfig error: an AWS error answer (throttling,
                                  5xx, busy, a quota), no answer at all (network), a stale plan
2      ``CHANGES``                ``plan --detailed-exitcode``: the plan has changes (as Terraform)
3      ``DEPLOYMENT_FAILED``      a deployment ended ``*_FAILED`` in an account or a region, or
                                  an apply had a failed change
4      ``INVALID_INPUT``          bad input: a usage error, ``ValidationError`` (a template, a
                                  desired-state file, a name, a target), or the service refused
                                  a parameter (``InvalidRequestError``, ``TemplateValidationError``)
5      ``ACCESS``                 access or organization problems: ``AccessDeniedError``,
                                  ``CredentialsError``, ``OrganizationNotReadyError``,
                                  ``ConfigurationError``; ``preflight`` found a problem
6      ``TIMEOUT``                a wait ran out of time (``DeploymentTimeoutError``); the
                                  deployment goes on
7      ``NOT_FOUND``              no such pack or rule (``NotFoundError``)
130    ``INTERRUPTED``            Ctrl-C
=====  =========================  ==============================================================

Only :mod:`orgconfig.errors` are mapped: anything else is a bug and shows its traceback.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from orgconfig import errors

__all__ = ["ExitCode", "code_for", "code_for_apply"]


class ExitCode(enum.IntEnum):
    """The documented exit codes (see the module's table and ``docs/cli.md``)."""

    OK = 0
    ERROR = 1
    CHANGES = 2
    DEPLOYMENT_FAILED = 3
    INVALID_INPUT = 4
    ACCESS = 5
    TIMEOUT = 6
    NOT_FOUND = 7
    INTERRUPTED = 130


# Most specific first: ConfigurationError is a ValidationError, CredentialsError an
# AccessDeniedError, TemplateValidationError an ApiError and a ValidationError.
_TABLE: tuple[tuple[type[errors.OrgConfigError], ExitCode], ...] = (
    (errors.ConfigurationError, ExitCode.ACCESS),
    (errors.AccessDeniedError, ExitCode.ACCESS),
    (errors.OrganizationNotReadyError, ExitCode.ACCESS),
    (errors.ValidationError, ExitCode.INVALID_INPUT),
    (errors.NotFoundError, ExitCode.NOT_FOUND),
    (errors.DeploymentTimeoutError, ExitCode.TIMEOUT),
    (errors.DeploymentFailedError, ExitCode.DEPLOYMENT_FAILED),
    (errors.DeploymentSupersededError, ExitCode.DEPLOYMENT_FAILED),
)


def _worst(codes: Iterable[ExitCode]) -> ExitCode:
    """The code that says most: a failed deployment over a timeout over the rest."""
    found = set(codes)
    for code in (
        ExitCode.DEPLOYMENT_FAILED,
        ExitCode.ACCESS,
        ExitCode.INVALID_INPUT,
        ExitCode.NOT_FOUND,
        ExitCode.ERROR,
        ExitCode.TIMEOUT,
    ):
        if code in found:
            return code
    return ExitCode.OK


def code_for(error: errors.OrgConfigError) -> ExitCode:
    """Return the exit code for ``error``.

    A :class:`~orgconfig.errors.MultiRegionError` gives the code of what went wrong in its
    regions: a failed deployment in any region wins, then an access problem, bad input, a
    missing pack or rule, any other error, and last a timeout (only when every failed region
    timed out).
    """
    if isinstance(error, errors.MultiRegionError):
        result = error.result
        codes = [code_for(err) for err in result.errors.values()]
        codes += [ExitCode.DEPLOYMENT_FAILED for r in result.results.values() if not r.ok]
        return _worst(codes) if codes else ExitCode.DEPLOYMENT_FAILED
    for kind, code in _TABLE:
        if isinstance(error, kind):
            return code
    return ExitCode.ERROR


_BY_NAME = {
    "DeploymentTimeoutError": ExitCode.TIMEOUT,
    "AccessDeniedError": ExitCode.ACCESS,
    "CredentialsError": ExitCode.ACCESS,
    "OrganizationNotReadyError": ExitCode.ACCESS,
}


def code_for_apply(failed_error_types: Iterable[str | None]) -> ExitCode:
    """Return the exit code of an apply whose failed changes had these error class names.

    A change that failed in some accounts, or whose error is not a timeout or an access
    problem, makes it a failed deployment; only timeouts make it a timeout.
    """
    codes = [
        _BY_NAME.get(name, ExitCode.DEPLOYMENT_FAILED) if name else ExitCode.DEPLOYMENT_FAILED
        for name in failed_error_types
    ]
    return _worst(codes) if codes else ExitCode.OK
