"""Waiting on a deployment in every region, with finished/total accounts shown per region."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from orgconfig.deployments import POLICY_TIMEOUT, Deployment, DeploymentResult, ProgressCallback
from orgconfig.multiregion import MultiRegionDeployment, MultiRegionResult

if TYPE_CHECKING:
    from orgconfig.cli._output import Progress
    from orgconfig.deployments import _Default

__all__ = ["wait_everywhere", "wait_timeout"]


class _Shown:
    """One region's :class:`~orgconfig.Deployment`, whose progress also reaches the display.

    :meth:`MultiRegionDeployment.wait <orgconfig.MultiRegionDeployment.wait>` reports sums over
    the regions; wrapping each region's deployment shows every region's own counts, while the
    library keeps waiting on them concurrently.
    """

    def __init__(self, deployment: Deployment, report: ProgressCallback) -> None:
        self._deployment = deployment
        self._report = report

    def done(self) -> bool:
        return self._deployment.done()

    def wait(
        self,
        timeout: float | _Default | None = POLICY_TIMEOUT,
        on_progress: ProgressCallback | None = None,
        *,
        raise_on_failure: bool = True,
    ) -> DeploymentResult:
        def both(finished: int, total: int) -> None:
            self._report(finished, total)
            if on_progress is not None:
                on_progress(finished, total)

        return self._deployment.wait(timeout, both, raise_on_failure=raise_on_failure)


def wait_timeout(seconds: float | None) -> float | _Default:
    """``--timeout`` as a wait's ``timeout``: the polling policy's when not given."""
    return POLICY_TIMEOUT if seconds is None else seconds


def wait_everywhere(
    multi: MultiRegionDeployment, progress: Progress, timeout: float | None = None
) -> MultiRegionResult:
    """Wait on every region of ``multi``, showing each region's counts on ``progress``.

    Raises:
        MultiRegionError: a region failed, timed out or refused the call (``.result`` has all).
    """
    shown = {
        region: cast("Deployment", _Shown(deployment, progress.callback(region)))
        for region, deployment in multi.deployments.items()
    }
    tracked = MultiRegionDeployment(multi.name, multi.kind, shown, multi.errors)
    with progress:
        return tracked.wait(wait_timeout(timeout))
