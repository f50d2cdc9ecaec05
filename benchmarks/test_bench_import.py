"""Import time: ``import orgconfig`` and the everyday names against ``import boto3``.

Each figure is the median of fresh interpreters, run alternately in the same benchmark run, and
timed inside the child around the import alone (interpreter start-up excluded); what to read is
the ratio to ``import boto3``, recorded in ``extra_info`` and printed.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from typing import Any

ROUNDS = 15
LIMIT = 1.15  # `import orgconfig` may cost at most 1.15x `import boto3`

STATEMENTS = {
    "boto3": "import boto3",
    "orgconfig": "import orgconfig",
    "working set": ("from orgconfig import ConformancePack, Organization, OrgConfigRule, Template"),
}


def _time_import(statement: str) -> float:
    code = f"import time\nt = time.perf_counter()\n{statement}\nprint(time.perf_counter() - t)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def _medians() -> dict[str, float]:
    samples: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    for _ in range(ROUNDS):
        for name, statement in STATEMENTS.items():
            samples[name].append(_time_import(statement))
    return {name: statistics.median(values) for name, values in samples.items()}


def test_import_time_against_boto3(benchmark: Any) -> None:
    benchmark.group = "import time, ratio to import boto3"
    medians = benchmark.pedantic(_medians, rounds=1, iterations=1)
    base = medians["boto3"]
    for name, value in medians.items():
        benchmark.extra_info[f"{name} (ms)"] = round(value * 1000, 1)
        benchmark.extra_info[f"{name} / boto3"] = round(value / base, 2)
    print({name: f"{value * 1000:.0f} ms, {value / base:.2f}x" for name, value in medians.items()})
    assert medians["orgconfig"] / base <= LIMIT
