r"""Rebuild ``src/orgconfig/data/managed_rules.txt``, the AWS managed rule identifiers known.

The list is data, refreshed by this script and shipped in the wheel. It is built from conformance
pack templates (AWS's own, from awslabs/aws-config-rules): every ``Source.SourceIdentifier`` of an
``AWS::Config::ConfigRule`` whose ``Source.Owner`` is ``AWS``, written literally. Identifiers can be
added by hand too (one a line, below the header: the next run keeps them when given
``--keep-existing``).

Usage::

    python scripts/build_managed_rules.py ../shared/corpus
    python scripts/build_managed_rules.py path/to/aws-config-rules/aws-config-conformance-packs \\
        --keep-existing

Every ``*.yaml``, ``*.yml`` and ``*.json`` file under the folders given is read with orgconfig's own
template loader; files that do not parse are reported and skipped.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from orgconfig.templates import _yaml

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "orgconfig" / "data" / "managed_rules.txt"
SUFFIXES = (".yaml", ".yml", ".json", ".template")


def identifiers_in(document: object) -> list[str]:
    """The literal SourceIdentifier of every Owner: AWS rule of a parsed template."""
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        return []
    found: list[str] = []
    for resource in document["Resources"].values():
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::Config::ConfigRule":
            continue
        properties = resource.get("Properties")
        source = properties.get("Source") if isinstance(properties, dict) else None
        if not isinstance(source, dict) or source.get("Owner") != "AWS":
            continue
        identifier = source.get("SourceIdentifier")
        if isinstance(identifier, str) and identifier.strip():
            found.append(identifier.strip())
    return found


def read_existing(path: Path) -> set[str]:
    """The identifiers already listed in ``path`` (none when it does not exist)."""
    if not path.exists():
        return set()
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def main(argv: list[str] | None = None) -> int:
    """Scan the folders given and write the list; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path, help="folders of templates to scan")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--keep-existing", action="store_true", help="keep identifiers listed")
    parser.add_argument("--source", default=None, help="where the templates come from (header)")
    args = parser.parse_args(argv)

    identifiers = read_existing(args.output) if args.keep_existing else set()
    files = rules = 0
    for folder in args.folders:
        for path in sorted(p for p in folder.rglob("*") if p.suffix in SUFFIXES):
            try:
                document = _yaml.parse(path.read_text(encoding="utf-8-sig"), str(path))
            except Exception as e:  # report and go on: one bad file must not stop a refresh
                print(f"skipped {path}: {e}", file=sys.stderr)
                continue
            found = identifiers_in(document)
            files += 1
            rules += len(found)
            identifiers.update(found)
    if not identifiers:
        print("no identifiers found; nothing written", file=sys.stderr)
        return 1
    source = args.source or ", ".join(str(f) for f in args.folders)
    header = [
        "# AWS Config managed rule identifiers known to orgconfig (one a line).",
        "# Built by scripts/build_managed_rules.py from conformance pack templates:",
        f"# {source}",
        f"# {files} templates, {rules:,} managed rules, {len(identifiers)} distinct identifiers.",
        "# Refresh: python scripts/build_managed_rules.py <folders of templates> --keep-existing",
    ]
    text = "\n".join([*header, *sorted(identifiers)]) + "\n"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"{args.output}: {len(identifiers)} identifiers from {rules:,} rules in {files} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
