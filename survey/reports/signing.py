"""Who signs a unit's reports, who receives them, and their symbol: from the unit, else config, else the usual.

An office sets them on the unit's page (``Unit.report_*``); a deployment without the
admin pages may set ``REPORTS_SIGNATURES`` instead (unit code → the same keys). What
neither sets is left to the usual form of a draft for signing: the title lines of the
body's head, an empty line where the name goes, never a placeholder word.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select

from survey.extensions import db
from survey.models import Unit

KEYS = ("titles", "name", "recipients", "symbol")


@dataclass(frozen=True)
class Signing:
    """A unit's settings for its reports; empty means "the usual" (see :mod:`survey.reports.sections`)."""

    #: the signer's authority and title, one line each: "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"
    titles: tuple[str, ...] = ()
    name: str = ""
    #: "Nơi nhận", one recipient a line, without the leading dash
    recipients: tuple[str, ...] = ()
    #: the symbol after the number: "BC-UBND"
    symbol: str = ""


#: nothing set: the usual lines, room for the name
UNSET = Signing()


def lines(text: str | Iterable[str] | None) -> tuple[str, ...]:
    """Text kept one entry a line: NFC, trimmed, without list dashes or final ``;`` / ``.``, no blanks."""
    if not text:
        return ()
    raw = text.splitlines() if isinstance(text, str) else list(text)
    out = []
    for line in raw:
        clean = unicodedata.normalize("NFC", str(line)).strip().lstrip("-–•+* \t").rstrip(";. \t")
        if clean:
            out.append(clean)
    return tuple(out)


def _of(values: Mapping[str, object]) -> Signing:
    return Signing(
        titles=lines(values.get("titles")),  # type: ignore[arg-type]
        name=unicodedata.normalize("NFC", str(values.get("name") or "")).strip(),
        recipients=lines(values.get("recipients")),  # type: ignore[arg-type]
        symbol=str(values.get("symbol") or "").strip(),
    )


def load_signing(unit_ids: Iterable[int], config: Mapping[str, object]) -> dict[int, Signing]:
    """Each unit's settings: its own values, each empty one taken from ``REPORTS_SIGNATURES``."""
    configured: Mapping[str, Mapping[str, object]] = config.get("REPORTS_SIGNATURES") or {}  # type: ignore[assignment]
    stmt = select(
        Unit.id, Unit.code, Unit.report_signer_titles, Unit.report_signer_name, Unit.report_recipients,
        Unit.report_symbol,
    ).where(Unit.id.in_(list(unit_ids)))  # fmt: skip
    out = {}
    for unit_id, code, titles, name, recipients, symbol in db.session.execute(stmt):
        own = _of({"titles": titles, "name": name, "recipients": recipients, "symbol": symbol})
        fallback = _of(configured.get(code, {}))
        out[unit_id] = Signing(
            own.titles or fallback.titles,
            own.name or fallback.name,
            own.recipients or fallback.recipients,
            own.symbol or fallback.symbol,
        )
    return out
