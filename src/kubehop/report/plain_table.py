"""A plain text table: left-aligned columns two spaces apart, each line ending in a newline."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def text_table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    table = [tuple(headers)] + [tuple(r) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(headers))]
    return "".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() + "\n"
                   for row in table)
