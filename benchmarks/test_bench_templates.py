"""Template parsing: the time to refuse each hostile input, as a ratio to a benign template.

For each hostile template of the catalogue (``tests/templates/test_hostile.py``) the time to
refuse it is divided by the time to parse a benign template of the same size (a mapping of
ordinary strings under a valid rule, what most of a real template is); the typical corpus template
and the densest valid 300 KB templates are compared the same way. Figures (seconds, ratio, peak
memory of one load under :mod:`tracemalloc`) go in ``extra_info`` and are printed; no time is
asserted.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from orgconfig import errors
from orgconfig.templates import TEMPLATE_S3_MAX_BYTES, Template

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "conformance-packs"
RULE = (
    "Resources:\n  Versioning:\n    Type: AWS::Config::ConfigRule\n    Properties:\n"
    "      Source: {Owner: AWS, SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED}\n"
)
FULL = TEMPLATE_S3_MAX_BYTES - 64


def benign(size: int) -> str:
    """A valid template of about ``size`` bytes: one rule and a mapping of plain strings."""
    lines = [RULE, "Metadata:\n"]
    total = sum(map(len, lines))
    index = 0
    while total < size - 60:
        line = f"  Key{index}: an ordinary description of setting number {index}\n"
        lines.append(line)
        total += len(line)
        index += 1
    return "".join(lines)


def dense(item: str, size: int = FULL) -> str:
    """A valid template of ``size`` bytes made of the smallest nodes ``item``."""
    room = size - len(RULE) - 20
    return "Metadata: [" + (item * (room // len(item)))[:-1] + "]\n" + RULE


def hostile() -> dict[str, str | bytes]:
    """The hostile inputs timed, by name."""
    laughs = ["Metadata:", "  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    laughs += [f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 9)]
    return {
        "billion-laughs": "\n".join(laughs) + "\n" + RULE,
        "string-alias-bomb": (
            f"Metadata:\n  s: &s {'x' * 150_000}\n  l: [{','.join(['*s'] * 7_000)}]\n" + RULE
        ),
        "python-tag": RULE + "Metadata: !!python/object/apply:os.system ['true']\n",
        "deep-yaml": "[" * 150_000 + "]" * 150_000,
        "deep-json": '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "deep-input-parameters": RULE + "      InputParameters: '" + "[" * 100_000 + "'\n",
        "huge-integer": RULE + "Metadata: " + "1" * 5_000 + "\n",
        "huge-float": RULE + "Metadata: 1.0e+999\n",
        "binary": bytes(range(256)) * 1_000,
        "utf-16": RULE.encode("utf-16") * 500,
        "10-MB": "#" * 10_000_000,
        "syntax-error-late": benign(FULL - 10) + "a: [\n",
    }


def _seconds(call: Callable[[], Any], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _load(text: str | bytes) -> str:
    try:
        Template.from_string(text)
    except errors.TemplateError as error:
        return error.message[:70]
    return "loaded"


def _peak(text: str | bytes) -> int:
    tracemalloc.start()
    try:
        _load(text)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _record(benchmark: Any, text: str | bytes, rounds: int) -> None:
    size = min(len(text), TEMPLATE_S3_MAX_BYTES)  # what is read: over the limit is refused first
    baseline = _seconds(lambda: _load(benign(size)), rounds)
    outcome = benchmark.pedantic(_load, args=(text,), rounds=rounds, iterations=1)
    seconds = benchmark.stats.stats.median
    peak = _peak(text)
    benchmark.extra_info.update(
        bytes=len(text),
        outcome=outcome,
        seconds=round(seconds, 5),
        benign_seconds=round(baseline, 5),
        ratio_to_benign=round(seconds / baseline, 3),
        peak_mb=round(peak / 2**20, 2),
        peak_per_byte=round(peak / max(len(text), 1), 1),
    )
    print(
        f"\n{benchmark.name}: {len(text):,} bytes, {seconds * 1000:.2f} ms, "
        f"{seconds / baseline:.3f}x benign, peak {peak / 2**20:.1f} MB: {outcome}"
    )


@pytest.mark.parametrize("name", list(hostile()))
def test_refuse_hostile(benchmark: Any, name: str) -> None:
    benchmark.group = "time to refuse, ratio to a benign template of the same size"
    _record(benchmark, hostile()[name], rounds=5)


def test_typical_corpus_template(benchmark: Any) -> None:
    benchmark.group = "corpus"
    files = sorted(CORPUS.glob("*.y*ml"), key=lambda f: f.stat().st_size) if CORPUS.is_dir() else []
    if not files:
        pytest.skip("the template corpus is absent")
    median = files[len(files) // 2]
    benchmark.extra_info["file"] = median.name
    _record(benchmark, median.read_text(encoding="utf-8"), rounds=20)


@pytest.mark.parametrize("item", ["a,", "[],", "{},"], ids=["scalars", "sequences", "mappings"])
def test_densest_valid_template(benchmark: Any, item: str) -> None:
    benchmark.group = "densest valid 300 KB templates"
    _record(benchmark, dense(item), rounds=3)


def test_benign_full_size(benchmark: Any) -> None:
    benchmark.group = "densest valid 300 KB templates"
    _record(benchmark, benign(FULL), rounds=5)
