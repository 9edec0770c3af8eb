"""The README's curl examples, run as written against the app on a random local port."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Field, Response
from survey.services.responses import Ballot, build_response
from tests.api.conftest import counts_stored
from tests.conftest import ON_CI, full_answers, hidden_fields

README = Path(__file__).resolve().parents[2] / "README.md"
ITEMS = ("A1", "A2", "A3", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "D1", "D2", "D3", "E1", "E2", "E3")


def readme_curl_lines() -> list[str]:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- api-examples -->\s*```sh\n(.*?)```\s*<!-- /api-examples -->", text, re.S)
    assert block, "the README lost its api-examples block"
    return [line for line in block.group(1).splitlines() if line.startswith("curl ")]


@pytest.fixture
def answers_in_november(app, district):
    """40 answers at thị trấn Châu Ổ, Hộ tịch, 11/2026: every item 'satisfied' (4) but C1, 5 for half and 3 for
    the other half."""
    with app.app_context():
        field_id = db.session.scalar(select(Field.id).where(Field.code == "HT"))
        for i in range(40):
            answers = {code: 4 for code in ITEMS} | {"C1": 5 if i % 2 else 3}
            db.session.add(build_response(Ballot(
                key=f"readme-{i:04d}-xxxxxxxxxxxxxxxx", profile="sipas-2024", unit_id=district.a.id,
                field_id=field_id, counter_id=district.qa.id, answers=answers,
                submitted_at=datetime(2026, 11, 2 + i % 20, 3, tzinfo=UTC))))  # fmt: skip
        db.session.commit()


def test_readme_curl_examples(app, client, live_server, district, make_key, answers_in_november):
    if shutil.which("curl") is None:
        if ON_CI:
            pytest.fail("curl is missing: .ci/run installs it")
        pytest.skip("curl is not installed")
    lines = readme_curl_lines()
    assert len(lines) == 4
    env = {**os.environ, "KEY": make_key(district.a), "BASE": live_server}
    out = []
    for line in lines:
        done = subprocess.run(["bash", "-c", line], env=env, capture_output=True, text=True, timeout=30, check=True)
        out.append(json.loads(done.stdout))
    first, second, counts, indices = out
    # one dossier, one code: the second call returns the first one's
    assert first["created"] is True and second["created"] is False and second["code"] == first["code"]
    assert counts == {"created": 1, "replaced": 0}
    assert counts_stored(app) == [("21040", "HT", None, 202611, 130, 120, 6)]
    (group,) = indices["groups"]
    assert (group["code"], group["name"], group["n"]) == ("HT", "Hộ tịch", 40)
    figures = {f["code"]: f for f in group["figures"]}
    # by hand: C1 is satisfied for 20 of 40 (50 %), every other item for 40 of 40; element C = (50 + 100 + 100) / 3
    # = 83.33; SIPAS = mean of the five elements = (100 + 100 + 83.333 + 100 + 100) / 5 = 96.67
    assert figures["C"]["index"] == 83.33 and figures["SIPAS"]["index"] == 96.67
    assert figures["A"]["index"] == 100.0 and figures["SIPAS"]["n_valid"] == 640
    assert "small_sample" not in figures["SIPAS"]["flags"]

    # the citizen answers through the code's URL once; a second time is refused
    path = first["url"].removeprefix(app.config["PUBLIC_BASE_URL"])
    page = client.get(path)
    assert page.status_code == 200 and 'name="field_code"' not in page.get_data(as_text=True)
    hidden = hidden_fields(page.get_data(as_text=True))
    assert client.post(path, data={**hidden, **full_answers(value=5)}).status_code == 303
    assert client.post(path, data={**hidden, "key": "y" * 32, **full_answers(value=5)}).status_code == 410
    with app.app_context():
        assert db.session.query(Response).filter(Response.response_key.notlike("readme-%")).count() == 1
