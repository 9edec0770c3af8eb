"""The unit tree."""

from __future__ import annotations

from sqlalchemy import select

from survey.extensions import db
from survey.models import Unit


def subtree_ids(unit_id: int) -> list[int]:
    """The unit and every unit below it, at any depth (one recursive query)."""
    tree = select(Unit.id).where(Unit.id == unit_id).cte("tree", recursive=True)
    tree = tree.union_all(select(Unit.id).where(Unit.parent_id == tree.c.id))
    return list(db.session.scalars(select(tree.c.id)))
