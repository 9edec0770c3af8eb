"""Generated reports are listed and downloadable, each unit's only by those who may see that unit."""

from __future__ import annotations

import io
import re

from docx import Document


def test_reports_are_listed_and_downloaded_per_unit(client, runner, world, login):
    result = runner.invoke(args=["reports", "monthly", "--month", "2026-10"])
    assert result.exit_code == 0, result.output

    login("vanphong")
    page = client.get("/admin/bao-cao").get_data(as_text=True)
    assert "UBND thị trấn Châu Ổ" in page and "UBND xã Bình Chánh" in page
    links = dict(
        re.findall(r'<td[^>]*>(UBND [^<]+)</td><td[^>]*>[^<]*</td>\s*<td[^>]*class="actions"><a href="([^"]+)"', page)
    )
    with client.get(links["UBND xã Bình Chánh"]) as docx:
        assert docx.status_code == 200
        text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "UBND xã Bình Chánh".upper() in text.upper()
    client.post("/admin/logout", data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)})

    login("canbo.chauo")
    page = client.get("/admin/bao-cao").get_data(as_text=True)
    assert "UBND thị trấn Châu Ổ" in page and "Bình Chánh" not in page
    own = re.search(r'href="(/admin/bao-cao/\d+\.pdf)"', page).group(1)
    with client.get(own) as pdf:
        assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.get(links["UBND xã Bình Chánh"]).status_code == 404
    assert client.get(links["UBND xã Bình Chánh"].replace(".docx", ".exe")).status_code == 404
