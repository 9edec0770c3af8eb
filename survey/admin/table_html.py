"""A table of figures as HTML, written in Python: the dashboard's tables have up to a few thousand cells,
and a template loop with a filter and an escape per cell cost more than the figures behind them.

On a phone each row becomes a card: every cell carries its column's header (``data-label``), which
the stylesheet shows beside the value when the header row is hidden. With ``primary`` (column keys),
a phone card shows those columns, and the others when the card is tapped (static/admin.js makes such
a card focusable; without the script every column shows). Cells print through the one formatter
(:func:`survey.figures.export.shown`, what the CSV export writes).
"""

from __future__ import annotations

from markupsafe import Markup, escape

from survey.figures.export import Table, shown

#: what an empty table says
NO_DATA = "Chưa có dữ liệu trong kỳ và phạm vi đã chọn."


def data_table(table: Table, primary: tuple[str, ...] | None = None) -> Markup:
    columns = table.columns
    heads = [escape(c.header) for c in columns]
    cells = [(c.key, c.kind, f'<td data-label="{head}" class="{"num" if c.kind not in ("text", "datetime") else ""}',
              " secondary" if primary is not None and c.key not in primary else "")
             for c, head in zip(columns, heads, strict=True)]  # fmt: skip
    out = [f'<div class="table-wrap">\n<table class="data cards{" has-more" if primary is not None else ""}">\n'
           f"  <caption>{escape(table.title)}</caption>\n  <thead><tr>",
           *(f'<th scope="col">{head}</th>' for head in heads), "</tr></thead>\n  <tbody>\n"]  # fmt: skip
    for row in table.rows:
        out.append("  <tr>")
        for key, kind, opening, secondary in cells:
            value = row.get(key)
            text = ("" if value is None else value) if kind == "text" else shown(value, kind)
            out.append(f'{opening}{" empty" if text == "" else ""}{secondary}">{escape(text)}</td>')
        out.append("</tr>\n")
    if not table.rows:
        out.append(f'  <tr><td colspan="{len(columns)}">{NO_DATA}</td></tr>\n')
    out.append("  </tbody>\n</table>\n</div>")
    return Markup("".join(out))  # noqa: S704 (every header, title and cell escaped above)
