"""Sphinx configuration for the orgconfig documentation site."""

from __future__ import annotations

import orgconfig

project = "orgconfig"
author = "orgconfig maintainers"
copyright = "2026, orgconfig maintainers"
release = orgconfig.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_ivar = True
nitpicky = False

html_theme = "furo"
html_title = f"orgconfig {release}"
suppress_warnings = ["myst.xref_missing", "config.cache"]
