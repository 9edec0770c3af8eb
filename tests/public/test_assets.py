"""The app's own files: hashed names, cached a year without revalidation, compressed; the privacy notice."""

from __future__ import annotations


def test_static_files_are_hashed_immutable_and_compressed(client):
    page = client.get("/bao-mat").get_data(as_text=True)
    assert "cookie" in page  # the full notice says it; the form itself does not
    form_page = client.get("/").get_data(as_text=True)
    css = next(part for part in form_page.split('"') if part.startswith("/assets/site."))
    response = client.get(css, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "br"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    gzip = client.get(css, headers={"Accept-Encoding": "gzip"})
    assert gzip.headers["Content-Encoding"] == "gzip"
    assert client.get("/assets/site.0000000000.css").status_code == 404
    assert client.get("/favicon.ico").headers["Content-Type"].startswith("image/svg+xml")


def test_the_form_script_is_small():
    import gzip
    from pathlib import Path

    import survey

    script = (Path(survey.__file__).parent / "static" / "form.js").read_bytes()
    assert len(gzip.compress(script, 9)) <= 3 * 1024
