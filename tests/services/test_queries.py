"""The database path (SQL GROUP BY) and the raw-rows path give the same SIPAS table."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import insert, select

from analysis.counts import counts_from_responses, moments_from_responses, responses_per_group
from analysis.indices import sipas_table
from analysis.io import read_responses
from analysis.periods import add_periods
from analysis.profile import load_profile
from survey import queries
from survey.extensions import db
from survey.figures.periods import period_month
from survey.models import Counter, Field, Response
from survey.models.responses import answer_column
from survey.services import exchange


@pytest.fixture
def sample(app, make_unit, make_counter):
    """300 random responses over two units, two fields, three months, with 0s and blanks."""
    rng = np.random.default_rng(7)
    units = [make_unit(code="X-1"), make_unit(code="X-2", name="UBND xã Bình Chánh")]
    counters = [make_counter(unit=u, code=f"{u.code}-Q1") for u in units]
    profile = load_profile()
    rows = []
    with app.app_context():
        fields = list(db.session.scalars(select(Field)))
        for i in range(300):
            c = counters[i % 2]
            stamp = datetime(
                2026, 1 + int(rng.integers(3)), 1 + int(rng.integers(28)), int(rng.integers(24)), tzinfo=UTC
            )
            row = {"response_key": f"key-{i:06d}-abcdefgh", "profile": profile.code, "unit_id": c.unit_id,
                   "counter_id": c.id, "field_id": fields[int(rng.integers(len(fields)))].id,
                   "channel": "qr" if rng.random() < 0.7 else "paper", "submitted_at": stamp, "received_at": stamp,
                   "period_month": period_month(stamp)}  # fmt: skip
            base = rng.normal(0.5, 1)
            for code in profile.question_codes:
                r = rng.random()
                if code in profile.item_codes or code in profile.general_codes:
                    value = (
                        None
                        if r < 0.05
                        else 0
                        if r < 0.12
                        else int(np.clip(np.rint(3.5 + base + rng.normal(0, 0.7)), 1, 5))
                    )
                elif code in profile.perception_codes:
                    value = None if r < 0.5 else int(rng.integers(1, 4))
                else:
                    value = None if r < 0.5 else int(rng.integers(1, 5))
                row[answer_column(code)] = value
            rows.append(row)
        db.session.execute(insert(Response), rows)
        # one flagged response: left out of the database path by default
        db.session.execute(insert(Response), [{**rows[0], "response_key": "flagged-0000000000", "is_excluded": True}])
        db.session.commit()
    return profile


@pytest.mark.parametrize("rule", ["mean_of_items", "pooled", "general_question"])
@pytest.mark.parametrize(
    "by",
    [[], ["unit_code"], ["unit_code", "month"], ["field_code", "channel"], ["quarter"],
     ["counter_code", "procedure_code", "year"]],
)  # fmt: skip
def test_database_and_raw_rows_agree(app, sample, rule, by):
    with app.app_context():
        buffer = io.StringIO()
        stmt = exchange.export_query().where(Response.is_excluded.is_(False))
        exchange.write_csv(buffer, stmt)
        raw = add_periods(read_responses(io.StringIO(buffer.getvalue())))
        scope = queries.Scope()
        with_general = rule == "general_question"
        from_db = sipas_table(queries.counts(scope, by), by, rule=rule, moments=queries.moments(scope, by, with_general),
                              n_responses=queries.responses_per_group(scope, by))  # fmt: skip
    raw_moments = moments_from_responses(raw, by)
    if not with_general:
        keep = ~raw_moments["row"].str.endswith("0") & ~raw_moments["col"].str.endswith("0")
        raw_moments = raw_moments[keep]
    from_raw = sipas_table(counts_from_responses(raw, by), by, rule=rule, moments=raw_moments,
                           n_responses=responses_per_group(raw, by))  # fmt: skip
    assert len(from_db) > 0
    pd.testing.assert_frame_equal(from_db.reset_index(drop=True), from_raw.reset_index(drop=True), check_dtype=False)


def test_counts_respect_scope(app, sample):
    with app.app_context():
        everything = queries.responses_per_group(queries.Scope())["n_responses"].sum()
        assert everything == 300
        assert queries.responses_per_group(queries.Scope(include_excluded=True))["n_responses"].sum() == 301
        feb = queries.responses_per_group(queries.Scope(start_month=202602, end_month=202602), ["month"])
        assert feb["month"].tolist() == ["2026-02"]
        unit = db.session.scalar(select(Counter.unit_id).where(Counter.code == "X-1-Q1"))
        one = queries.responses_per_group(queries.Scope(unit_ids=(unit,)), ["unit_code"])
        assert one["unit_code"].tolist() == ["X-1"] and one["n_responses"].tolist() == [150]
        with pytest.raises(ValueError, match="by: unknown group"):
            queries.counts(queries.Scope(), ["comment"])


def test_one_scan_gives_the_three_frames(app, sample):
    by = ["unit_code", "month"]
    with app.app_context():
        scope = queries.Scope()
        both = queries.frames(scope, by, with_general=True)
        satisfaction = queries.frames(scope, by, all_questions=False)
        pd.testing.assert_frame_equal(both.counts, queries.counts(scope, by))
        pd.testing.assert_frame_equal(both.n_responses, queries.responses_per_group(scope, by))
        pd.testing.assert_frame_equal(both.moments, queries.moments(scope, by, with_general=True))
        empty = queries.frames(queries.Scope(start_month=209901), by)
    codes = set(load_profile().satisfaction_codes)
    assert set(satisfaction.counts["code"]) == codes
    kept = both.counts[both.counts["code"].isin(codes)].reset_index(drop=True)
    pd.testing.assert_frame_equal(satisfaction.counts, kept)
    assert empty.counts.empty and empty.n_responses.empty and empty.moments.empty
