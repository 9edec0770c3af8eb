"""The same dossier sent twice at the same moment (a retry racing the first call) still gets one code."""

from __future__ import annotations

import json
import threading
import urllib.request

from tests.api.conftest import calls_logged, receipts_stored


def test_simultaneous_calls_for_one_dossier_make_one_code(app, live_server, district, make_key):
    secret = make_key(district.a)
    body = json.dumps({"service_point": "21040-Q2", "field": "HT", "dossier": "HS-CUNG-LUC"}).encode()
    barrier = threading.Barrier(4)
    results: list[tuple[int, str]] = []

    def call() -> None:
        request = urllib.request.Request(f"{live_server}/api/v1/receipts", data=body, method="POST",
                                         headers={"Authorization": f"Bearer {secret}",
                                                  "Content-Type": "application/json"})  # fmt: skip
        barrier.wait()
        with urllib.request.urlopen(request, timeout=30) as response:
            results.append((response.status, json.loads(response.read())["code"]))

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 4
    assert sorted(status for status, _ in results) == [200, 200, 200, 201]
    assert len({code for _, code in results}) == 1
    assert len(receipts_stored(app)) == 1
    assert sorted(status for _key, _action, status in calls_logged(app)) == [200, 200, 200, 201]
