"""The global options of a run, and the organization they lead to.

:class:`Settings` holds ``--profile``, ``--region``, ``--regions``, ``--json``, ``--sandbox`` and
``--quiet`` (given before the command or after it) and connects on first use: to AWS through a
boto3 session, or to the embedded sandbox (:mod:`orgconfig.cli._sandbox`), which then lives until
the command ends.
"""

from __future__ import annotations

import contextlib
import dataclasses
from typing import TYPE_CHECKING, Literal

from orgconfig import errors
from orgconfig.cli._output import Output

if TYPE_CHECKING:
    from orgconfig import Organization
    from orgconfig.testing import Sandbox

__all__ = ["Settings", "parse_regions"]


def parse_regions(text: str | None) -> tuple[str, ...] | Literal["all"] | None:
    """Return ``--regions`` as region names, ``"all"``, or None when not given.

    Raises:
        ValidationError: the list names no region (``field="--regions"``).
    """
    if text is None:
        return None
    if text.strip() == "all":
        return "all"
    names = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    if not names:
        raise errors.ValidationError(
            "--regions names no region: give a comma-separated list, or 'all'", field="--regions"
        )
    return names


@dataclasses.dataclass
class Settings:
    """The global options, and what they connect to (made on first use, closed at the end).

    Attributes:
        profile: ``--profile``: the AWS profile (None: the default credentials chain).
        region: ``--region``: the home region (None: the profile's; ``us-east-1`` on the sandbox).
        regions: ``--regions``: a comma-separated list or ``all`` (None: the home region; both
            sandbox regions on the sandbox).
        json: ``--json``: results as JSON.
        sandbox: ``--sandbox``: run against the embedded sandbox.
        quiet: ``--quiet``: no progress, no notes.
        template_bucket: ``--template-bucket``: where templates over 51,200 bytes are uploaded.
    """

    profile: str | None = None
    region: str | None = None
    regions: str | None = None
    json: bool = False
    sandbox: bool = False
    quiet: bool = False
    template_bucket: str | None = None
    stack: contextlib.ExitStack = dataclasses.field(default_factory=contextlib.ExitStack)
    _organization: Organization | None = None
    _sandbox: Sandbox | None = None

    @property
    def output(self) -> Output:
        """How this run prints."""
        return Output(json=self.json, quiet=self.quiet)

    def region_names(self) -> tuple[str, ...] | Literal["all"] | None:
        """``--regions`` parsed (see :func:`parse_regions`)."""
        return parse_regions(self.regions)

    def organization(self) -> Organization:
        """Connect (once) to the organization: AWS, or the seeded sandbox with ``--sandbox``.

        Raises:
            ValidationError: a region option names no region where AWS Config runs, or
                ``--sandbox`` is combined with ``--profile``.
            ConfigurationError: the profile or the AWS configuration cannot be used.
        """
        if self._organization is None:
            self._organization = self._connect()
        return self._organization

    def open_sandbox(self, *, seeded: bool) -> Sandbox:
        """Start the sandbox organization for the rest of the run (see ``_sandbox``)."""
        from orgconfig.cli._sandbox import open_sandbox  # noqa: PLC0415  (moto, on use)

        if self._sandbox is None:
            self._sandbox = self.stack.enter_context(open_sandbox())
            if seeded:
                from orgconfig.cli._sandbox import sandbox_organization, seed  # noqa: PLC0415

                seed(self._sandbox, sandbox_organization(self._sandbox, None, None))
        return self._sandbox

    def _connect(self) -> Organization:
        regions = self.region_names()
        if self.sandbox:
            if self.profile is not None:
                raise errors.ValidationError(
                    "--sandbox runs without AWS: leave --profile out", field="--profile"
                )
            from orgconfig.cli._sandbox import sandbox_organization  # noqa: PLC0415

            org = sandbox_organization(self.open_sandbox(seeded=True), self.region, regions)
            org.template_bucket = self.template_bucket
            return org
        import boto3  # noqa: PLC0415  (on use: --help stays fast)
        import botocore.exceptions  # noqa: PLC0415

        from orgconfig import Organization  # noqa: PLC0415

        try:
            session = boto3.Session(profile_name=self.profile)
        except botocore.exceptions.BotoCoreError as e:
            raise errors.ConfigurationError(
                f"cannot use the AWS profile {self.profile!r}: {e}", field="--profile"
            ) from e
        return Organization.connect(
            session, self.region, regions=regions, template_bucket=self.template_bucket
        )

    def close(self) -> None:
        """Stop what the run started (the sandbox)."""
        self.stack.close()
