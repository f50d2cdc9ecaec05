"""Tables for notebooks and terminals: what ``_repr_pretty_`` and ``_repr_html_`` show.

A displayable object builds a :class:`View` (a title line, one or more :class:`Table`, notes);
:func:`to_text` lays it out for IPython's pretty printer and :func:`to_html` for Jupyter. Rows
are ordered failures first by :func:`failures_first` (their :data:`Tone`), and at most
:data:`MAX_ROWS` rows of a table are shown (failures first, so what is cut is what went well).

Every cell goes through :func:`clean`: known secret values are masked
(:func:`orgconfig.redaction.redact`), line breaks become spaces and other control characters
are shown escaped (an account name from AWS cannot move a terminal's cursor). The HTML escapes
every text it writes, attributes included: account names and error messages come from AWS and
from users. IPython is never imported: the two methods are plain methods it looks for.
"""

from __future__ import annotations

import dataclasses
import html
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any, Literal, Protocol

from orgconfig.redaction import redact

__all__ = [
    "MAX_ROWS",
    "Column",
    "PrettyPrinter",
    "Row",
    "Table",
    "Tone",
    "View",
    "Viewable",
    "clean",
    "failures_first",
    "first_line",
    "iso",
    "repr_html",
    "repr_pretty",
    "shorten",
    "to_html",
    "to_text",
]

MAX_ROWS = 50
"""Rows shown per table; the rest are counted in a line below it."""

Tone = Literal["bad", "warn", "other", "busy", "ok", "plain"]
"""How a row went, in display order: ``bad`` (failed), ``warn`` (blocked, or not checked),
``other`` (a state orgconfig does not know), ``busy`` (in progress), ``ok``, ``plain`` (not an
outcome: an OU)."""

_RANK: dict[Tone, int] = {"bad": 0, "warn": 1, "other": 2, "busy": 3, "ok": 4, "plain": 5}
_COLOURS: dict[Tone, str] = {"bad": "#c62828", "warn": "#b26a00", "busy": "#1565c0"}
_ESCAPES = {"\n": " ", "\r": " ", "\t": " "}


class PrettyPrinter(Protocol):
    """The part of IPython's ``RepresentationPrinter`` that ``_repr_pretty_`` uses."""

    def text(self, obj: str) -> Any:
        """Add ``obj`` to the output."""


@dataclasses.dataclass(frozen=True)
class Column:
    """A column: its heading, where its text wraps, and whether it carries the row's tone.

    Attributes:
        title: the heading.
        width: the text wraps at spaces to this many characters (text output only; a longer
            word, such as a command's argument, is never cut); None: never.
        toned: its cells are coloured by the row's tone in HTML (the status column).
        optional: left out when every cell of it is empty.
    """

    title: str
    width: int | None = None
    toned: bool = False
    optional: bool = False


@dataclasses.dataclass(frozen=True)
class Row:
    """A row: one text per column, and how the thing it shows went."""

    cells: tuple[str, ...]
    tone: Tone = "plain"


@dataclasses.dataclass(frozen=True)
class Table:
    """Columns and rows (ordered by the builder: use :func:`failures_first`).

    Attributes:
        columns: the columns.
        rows: the rows, each with one cell per column.
        caption: a heading above the table, or None.
        noun: what a row is, plural, for the line counting rows not shown (``"accounts"``).
    """

    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    caption: str | None = None
    noun: str = "rows"

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row.cells) != len(self.columns):
                raise ValueError(f"{len(row.cells)} cells for {len(self.columns)} columns")

    def shown(self) -> Table:
        """Return the table without the optional columns that are empty in every row."""
        keep = [
            i
            for i, column in enumerate(self.columns)
            if not column.optional or any(row.cells[i] for row in self.rows)
        ]
        if len(keep) == len(self.columns):
            return self
        return dataclasses.replace(
            self,
            columns=tuple(self.columns[i] for i in keep),
            rows=tuple(Row(tuple(row.cells[i] for i in keep), row.tone) for row in self.rows),
        )


@dataclasses.dataclass(frozen=True)
class View:
    """What an object shows: a title line, its tables, and notes below them."""

    title: str
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = ()


def clean(value: object) -> str:
    """Return ``value`` as one printable line, known secret values masked."""
    text = redact(str(value))
    if text.isprintable():
        return text
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char.isprintable():
            out.append(char)
        else:
            out.append(char.encode("unicode_escape").decode("ascii"))
    return "".join(out)


def first_line(value: object) -> str:
    """Return the first line of ``str(value)``, cleaned."""
    lines = str(value).splitlines()
    return clean(lines[0] if lines else "")


def shorten(text: str, width: int) -> str:
    """Return ``text`` cut to ``width`` characters, with ``…`` when cut."""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def iso(value: Any) -> str | None:
    """Return a datetime (or date) as ISO 8601 text; None stays None."""
    return None if value is None else str(value.isoformat())


def failures_first(rows: Iterable[Row]) -> tuple[Row, ...]:
    """Return ``rows`` ordered by tone (failures first), keeping the order within a tone."""
    return tuple(sorted(rows, key=lambda row: _RANK[row.tone]))


def _more(table: Table, limit: int) -> str | None:
    hidden = len(table.rows) - limit
    return f"… and {hidden} more {table.noun}" if hidden > 0 else None


# -- text --------------------------------------------------------------------------------------


def _wrapped(cell: str, width: int | None) -> list[str]:
    if width is None or len(cell) <= width:
        return [cell]
    return textwrap.wrap(cell, width, break_long_words=False, break_on_hyphens=False) or [""]


def _text_table(table: Table, limit: int) -> list[str]:
    table = table.shown()
    columns = table.columns
    rows = [
        [
            _wrapped(clean(cell), column.width)
            for cell, column in zip(row.cells, columns, strict=True)
        ]
        for row in table.rows[:limit]
    ]
    widths = [
        max([len(column.title)] + [len(line) for row in rows for line in row[i]])
        for i, column in enumerate(columns)
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(width) for cell, width in zip(cells, widths, strict=True)
        ).rstrip()

    out = [] if table.caption is None else [clean(table.caption)]
    out.append(line([column.title for column in columns]))
    out.append(line(["-" * width for width in widths]))
    for row in rows:
        for i in range(max(len(cell) for cell in row)):
            out.append(line([cell[i] if i < len(cell) else "" for cell in row]))
    more = _more(table, limit)
    if more:
        out.append(more)
    return out


def to_text(view: View, max_rows: int = MAX_ROWS) -> str:
    """Return ``view`` as plain text: the title, each table, the notes."""
    out = [clean(view.title)]
    for table in view.tables:
        if table.rows:
            out.append("")
            out.extend(_text_table(table, max_rows))
    if view.notes:
        out.append("")
        out.extend(clean(note) for note in view.notes)
    return "\n".join(out)


# -- HTML --------------------------------------------------------------------------------------


def _e(value: object) -> str:
    return html.escape(clean(value), quote=True)


def _html_table(table: Table, limit: int) -> list[str]:
    table = table.shown()
    out = ['<table class="orgconfig-table">']
    if table.caption is not None:
        out.append(f'<caption style="text-align:left">{_e(table.caption)}</caption>')
    heads = "".join(f'<th style="text-align:left">{_e(c.title)}</th>' for c in table.columns)
    out.append(f"<thead><tr>{heads}</tr></thead>")
    out.append("<tbody>")
    for row in table.rows[:limit]:
        cells = []
        for cell, column in zip(row.cells, table.columns, strict=True):
            colour = _COLOURS.get(row.tone) if column.toned else None
            style = "text-align:left"
            if colour:
                style += f";color:{colour};font-weight:bold"
            cells.append(f'<td style="{style}">{_e(cell)}</td>')
        out.append(f'<tr class="orgconfig-{row.tone}">{"".join(cells)}</tr>')
    out.append("</tbody>")
    out.append("</table>")
    more = _more(table, limit)
    if more:
        out.append(f'<p class="orgconfig-more">{_e(more)}</p>')
    return out


def to_html(view: View, max_rows: int = MAX_ROWS) -> str:
    """Return ``view`` as an HTML fragment (every text escaped)."""
    out = ['<div class="orgconfig">', f'<p class="orgconfig-title"><b>{_e(view.title)}</b></p>']
    for table in view.tables:
        if table.rows:
            out.extend(_html_table(table, max_rows))
    out.extend(f'<p class="orgconfig-note">{_e(note)}</p>' for note in view.notes)
    out.append("</div>")
    return "\n".join(out)


class Viewable(Protocol):
    """An object that builds a :class:`View` of itself."""

    def _view(self) -> View: ...


def repr_pretty(self: Viewable, p: PrettyPrinter, cycle: bool) -> None:
    """Show the object as a text table in IPython (its ``repr`` within a cycle).

    Assign it in a class body: ``_repr_pretty_ = display.repr_pretty``.
    """
    p.text(repr(self) if cycle else to_text(self._view()))


def repr_html(self: Viewable) -> str:
    """Show the object as an HTML table in Jupyter: ``_repr_html_ = display.repr_html``."""
    return to_html(self._view())
