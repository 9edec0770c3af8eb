"""Official units from the package of the official lists (``vietnamadminunits``): a province's current
units and, on request, its former units with the crosswalk between them.

The package ships the 34 provinces and 3,321 communes, phường and đặc khu in force since 1/7/2025, the
63 provinces and 10,040 former units before it, and for every former unit the new ones it went to
(whole, or divided among several). It does not carry the resolutions, so the legal basis of each
succession stays empty until an admin records it; loading again never overwrites it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from survey.extensions import db
from survey.models import Unit, UnitSuccession
from survey.models.counters import ND118_DAY
from survey.services.errors import DomainError
from survey.services.units import add_unit, in_force, record_succession

#: the day the two-tier local government began (Luật Tổ chức chính quyền địa phương 2025), with Nghị định 118/2025
REFORM_DAY = ND118_DAY
LAST_OLD_DAY = REFORM_DAY - timedelta(days=1)

_CURRENT_TYPES = {"Xã": "xa", "Phường": "phuong", "Đặc khu": "dac_khu"}
_FORMER_WARD_TYPES = {"Xã": "xa", "Phường": "phuong", "Thị trấn": "thi_tran"}
_FORMER_DISTRICT_TYPES = {"Huyện": "huyen", "Thị xã": "thi_xa", "Quận": "quan", "Thành phố": "thanh_pho"}


def _province_type(name: str) -> str:
    return "thanh_pho_tw" if name.startswith("Thành phố") else "tinh"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


@dataclass
class LoadResult:
    """What a load did: units and successions created, and those already there (left as they were)."""

    current_created: int = 0
    current_kept: int = 0
    former_created: int = 0
    former_kept: int = 0
    successions_created: int = 0
    successions_kept: int = 0
    province: str = ""
    notes: list[str] = field(default_factory=list)


def _rows(sql: str) -> list[dict]:
    from vietnamadminunits.database import query

    return query(sql)


def _converter() -> tuple[dict, dict, dict]:
    from vietnamadminunits.converter import converter_2025 as conv

    return conv.DICT_PROVINCE, conv.DICT_PROVINCE_WARD_NO_DIVIDED, conv.DICT_PROVINCE_WARD_DIVIDED


def _find_province(name: str) -> dict:
    wanted = _nfc(name)
    for row in _rows("SELECT DISTINCT province, provinceShort, provinceCode, provinceKey FROM admin_units"):
        if wanted in (_nfc(row["province"]), _nfc(row["provinceShort"])):
            return row
    raise DomainError(f"Không có tỉnh, thành phố tên {name!r} trong danh mục đơn vị hành chính hiện hành.")


@dataclass(frozen=True)
class Selection:
    """Part of a province to load (the demo's sample): current units by code, former units by their district's code.

    Former units are loaded only when they went (whole or in part) to a selected current unit.
    """

    current_codes: frozenset[str]
    former_district_codes: frozenset[str] = frozenset()
    #: mark every unit loaded as sample data (dữ liệu mẫu)
    sample: bool = False


def _ensure(code: str, name: str, unit_type: str, parent: Unit | None, *, valid_from: date | None,
            valid_to: date | None, on: date, sample: bool = False) -> tuple[Unit, bool]:  # fmt: skip
    """The unit bearing ``code`` on day ``on``, created if missing; (unit, created)."""
    unit = db.session.scalar(select(Unit).where(Unit.code == code, in_force(on)))
    if unit is not None:
        return unit, False
    return add_unit(code, name, unit_type=unit_type, parent=parent, valid_from=valid_from, valid_to=valid_to,
                    is_sample=sample), True  # fmt: skip


def load_province(name: str, *, with_former: bool = False, only: Selection | None = None) -> LoadResult:
    """Load the province ``name`` and its current units (and with ``with_former`` its former ones and the crosswalk).

    Idempotent: a unit already bearing the code on the day is kept as it is (id, name, counters, answers),
    a succession already recorded is kept with its legal basis. ``only`` loads a part of it (the demo).
    """
    prov = _find_province(name)
    result = LoadResult(province=prov["province"])
    sample = only is not None and only.sample
    province, created = _ensure(prov["provinceCode"], prov["province"], _province_type(prov["province"]), None,
                                valid_from=None, valid_to=None, on=REFORM_DAY, sample=sample)  # fmt: skip
    current: dict[str, Unit] = {}
    sql = "SELECT ward, wardType, wardCode, wardKey FROM admin_units WHERE provinceKey = '{}' ORDER BY wardCode"
    for row in _rows(sql.format(prov["provinceKey"].replace("'", "''"))):
        if only is not None and row["wardCode"] not in only.current_codes:
            continue
        unit, created = _ensure(row["wardCode"], row["ward"], _CURRENT_TYPES[row["wardType"]], province,
                                valid_from=REFORM_DAY, valid_to=None, on=REFORM_DAY, sample=sample)  # fmt: skip
        current[row["wardKey"]] = unit
        result.current_created += created
        result.current_kept += not created
    if with_former:
        _load_former(prov, province, current, result, only)
    db.session.flush()
    return result


def _wanted_former(province_key: str, whole: dict, divided: dict, current: dict[str, Unit]) -> set[str]:
    """Keys of the former units that went (whole or in part) to one of the ``current`` units."""
    wanted = {old for new, olds in whole.get(province_key, {}).items() if new in current for old in olds}
    for old, targets in divided.get(province_key, {}).items():
        if any(t["newWardKey"] in current for t in targets):
            wanted.add(old)
    return wanted


def _load_former(prov: dict, province: Unit, current: dict[str, Unit], result: LoadResult,
                 only: Selection | None = None) -> None:  # fmt: skip
    provinces, whole, divided = _converter()
    old_keys = provinces.get(prov["provinceKey"], [])
    former: dict[str, Unit] = {}
    sample = only is not None and only.sample
    wanted = _wanted_former(prov["provinceKey"], whole, divided, current) if only is not None else None
    for old_key in old_keys:
        sql = (
            "SELECT province, provinceCode, district, districtType, districtCode, districtKey, ward, wardType, "
            "wardCode, wardKey FROM admin_units_legacy WHERE provinceKey = '{}' ORDER BY districtCode, wardCode"
        )
        rows = _rows(sql.format(old_key.replace("'", "''")))
        if only is not None:
            rows = [r for r in rows if r["districtCode"] in only.former_district_codes
                    and f"{old_key}_{r['districtKey']}_{r['wardKey'] or ''}" in wanted | {f"{old_key}_{r['districtKey']}_"}]  # fmt: skip
            if not rows:
                continue
        first = rows[0]
        if first["provinceCode"] == prov["provinceCode"]:
            old_province = province  # the province went on under its code (the others merged into it)
        else:
            old_province, created = _ensure(first["provinceCode"], first["province"], _province_type(first["province"]),
                                            None, valid_from=None, valid_to=LAST_OLD_DAY, on=LAST_OLD_DAY,
                                            sample=sample)  # fmt: skip
            result.former_created += created
            result.former_kept += not created
            _succeed(old_province, province, "merge", None, result)
        districts: dict[str, Unit] = {}
        for row in rows:
            if row["districtCode"] not in districts:
                unit, created = _ensure(row["districtCode"], row["district"], _FORMER_DISTRICT_TYPES[row["districtType"]],
                                        old_province, valid_from=None, valid_to=LAST_OLD_DAY, on=LAST_OLD_DAY,
                                        sample=sample)  # fmt: skip
                districts[row["districtCode"]] = unit
                former[f"{old_key}_{row['districtKey']}_"] = unit
                result.former_created += created
                result.former_kept += not created
            if row["ward"] is None:
                continue  # a district without communes (an island district): it is its own predecessor
            unit, created = _ensure(row["wardCode"], row["ward"], _FORMER_WARD_TYPES[row["wardType"]],
                                    districts[row["districtCode"]], valid_from=None, valid_to=LAST_OLD_DAY,
                                    on=LAST_OLD_DAY, sample=sample)  # fmt: skip
            former[f"{old_key}_{row['districtKey']}_{row['wardKey']}"] = unit
            result.former_created += created
            result.former_kept += not created
    _crosswalk(prov["provinceKey"], whole, divided, current, former, result)


def _crosswalk(province_key: str, whole: dict, divided: dict, current: dict[str, Unit], former: dict[str, Unit],
               result: LoadResult) -> None:  # fmt: skip
    parts: dict[str, int] = {}
    for new_key, olds in whole.get(province_key, {}).items():
        parts[new_key] = parts.get(new_key, 0) + len(olds)
    for targets in divided.get(province_key, {}).values():
        for target in targets:
            parts[target["newWardKey"]] = parts.get(target["newWardKey"], 0) + 1
    # the kind comes from the whole list (a merge of seven stays a merge when the demo loads some of them)
    for new_key, olds in whole.get(province_key, {}).items():
        for old_key in olds:
            if old_key not in former or new_key not in current:
                continue  # a part of the province that was not loaded
            kind = "merge" if parts[new_key] > 1 else "rename"
            _succeed(former[old_key], current[new_key], kind, None, result)
    for old_key, targets in divided.get(province_key, {}).items():
        for target in targets:
            if old_key in former and target["newWardKey"] in current:
                _succeed(former[old_key], current[target["newWardKey"]], "split", None, result)


def _succeed(old: Unit, new: Unit, kind: str, share: float | None, result: LoadResult) -> None:
    exists = db.session.scalar(
        select(UnitSuccession.id).where(UnitSuccession.predecessor_id == old.id, UnitSuccession.successor_id == new.id)
    )
    if exists is not None:
        result.successions_kept += 1
        return
    record_succession(old, new, REFORM_DAY, kind, share=share)
    result.successions_created += 1
