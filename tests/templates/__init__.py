"""Tests of orgconfig.templates, one module per module of the package."""
