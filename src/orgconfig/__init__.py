"""orgconfig: a typed SDK for AWS Config organization rules and conformance packs."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
