"""Benchmarks compare orgconfig with raw boto3 on the same sandbox backend, in one run."""
