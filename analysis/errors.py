"""Errors raised by the analysis package."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

#: how rows are numbered in every message (the numbers a spreadsheet user sees)
ROW_CONVENTION = "số dòng như trong bảng tính: dòng 1 là dòng tiêu đề, dòng dữ liệu đầu tiên là dòng 2"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file.

    Attributes
    ----------
    row : int or None
        Spreadsheet row number: the header is row 1, the first data row is row 2.
        ``None`` when the problem concerns the whole file (e.g. not UTF-8).
    column : str
        Column name, or ``""`` when the problem concerns the whole row or file.
    reason : str
        Vietnamese explanation, meant for the person who typed the file.
    """

    row: int | None
    column: str
    reason: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.column:
            where.append(f"cột {self.column}")
        joined = ", ".join(where)
        prefix = joined[:1].upper() + joined[1:] if where else "Tệp"
        return f"{prefix}: {self.reason}"


class InputError(ValueError):
    """An input file breaks the exchange format; ``problems`` lists every break.

    >>> err = InputError([Problem(3, "C2", "giá trị 7 ngoài các giá trị cho phép (0, 1, 2, 3, 4, 5)")])
    >>> print(err)  # doctest: +NORMALIZE_WHITESPACE
    Dữ liệu đầu vào có 1 lỗi (số dòng như trong bảng tính: dòng 1 là dòng tiêu đề,
    dòng dữ liệu đầu tiên là dòng 2):
    - Dòng 3, cột C2: giá trị 7 ngoài các giá trị cho phép (0, 1, 2, 3, 4, 5)
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__(self._message())

    def _message(self) -> str:
        head = f"Dữ liệu đầu vào có {len(self.problems)} lỗi ({ROW_CONVENTION}):"
        return "\n".join([head, *(f"- {p}" for p in self.problems)])

    def __str__(self) -> str:
        return self._message()
