"""The request guards in process (the attacks themselves run against a real server in
tests/integration/test_attacks_server.py): forwarded headers, Host names, zip bombs, the
parse budget, desk exports, upload recovery, feedback review."""

from __future__ import annotations

import io
import sqlite3
import time
import zipfile
from pathlib import Path

import pytest
from attacks import zip_bomb_docx
from conftest_server import FakeAssistant, fake_ingest, make_settings
from fastapi.testclient import TestClient

from ingest.safety import ParseBudget, check_archive
from inkoopwijzer.errors import IngestError
from inkoopwijzer.types import Answer
from ui.exports import ExportStore
from ui.feedback import FeedbackStore
from ui.server import create_app
from ui.uploads import ORPHANED, RESUMED, IngestJob, UploadedFile, UploadManager


def _limited(tmp_path: Path, **overrides: object) -> TestClient:
    return TestClient(create_app(FakeAssistant, make_settings(tmp_path, rate_limit_per_minute=3, **overrides)))


def test_forwarded_for_is_ignored_by_default(tmp_path: Path) -> None:
    client = _limited(tmp_path)
    codes = [client.get("/api/documents", headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code for i in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_forwarded_for_counts_only_from_a_trusted_proxy(tmp_path: Path) -> None:
    app = _limited(tmp_path, trusted_proxies="10.9.9.0/24").app

    def codes(peer: str) -> list[int]:
        client = TestClient(app, client=(peer, 1234))
        return [client.get("/api/documents", headers={"X-Forwarded-For": f"10.0.{peer[-1]}.{i}"}).status_code for i in range(5)]

    assert codes("10.8.8.8") == [200, 200, 200, 429, 429], "not a trusted proxy: one bucket, whatever it forwards"
    assert codes("10.9.9.9") == [200] * 5, "behind a trusted proxy each forwarded client has its own bucket"


def test_a_setting_that_is_no_address_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="trusted_proxies"):
        make_settings(tmp_path, trusted_proxies="proxy.example")


def test_unknown_hosts_are_refused_and_the_configured_host_is_allowed(tmp_path: Path) -> None:
    app = create_app(FakeAssistant, make_settings(tmp_path, allowed_hosts="localhost", host="iw.example.nl"))
    assert TestClient(app, base_url="http://evil.example").get("/healthz").status_code == 400
    assert TestClient(app, base_url="http://iw.example.nl:8080").get("/healthz").status_code == 200
    assert TestClient(app, base_url="http://localhost").get("/healthz").status_code == 200
    public = create_app(FakeAssistant, make_settings(tmp_path / "b", allowed_hosts="localhost",
                                                     public_base_url="https://inkoopwijzer.example.nl"))
    assert TestClient(public, base_url="https://inkoopwijzer.example.nl").get("/healthz").status_code == 200
    anything = create_app(FakeAssistant, make_settings(tmp_path / "a", allowed_hosts="*"))
    assert TestClient(anything, base_url="http://whatever.example").get("/healthz").status_code == 200


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    bomb = zip_bomb_docx(tmp_path / "bom.docx", inflated_mb=60)
    with pytest.raises(IngestError) as err:
        check_archive(bomb, max_inflated_mb=50, max_ratio=100)
    assert err.value.reason == "zip_bomb" and "INKOOPWIJZER_MAX_INFLATED_MB" in str(err.value)
    small = zip_bomb_docx(tmp_path / "klein.docx", inflated_mb=20)
    with pytest.raises(IngestError, match="MAX_ZIP_RATIO") as err:
        check_archive(small, max_inflated_mb=50, max_ratio=100)
    assert err.value.reason == "zip_bomb"


def test_an_ordinary_docx_and_a_non_zip_pass(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", "<w:document>" + "".join(f"<p>alinea {i}</p>" for i in range(5000)) + "</w:document>")
    (tmp_path / "ok.docx").write_bytes(buf.getvalue())
    check_archive(tmp_path / "ok.docx", max_inflated_mb=50, max_ratio=100)
    (tmp_path / "a.txt").write_text("gewone tekst")
    check_archive(tmp_path / "a.txt", max_inflated_mb=50, max_ratio=100)


def test_the_parse_budget_refuses_a_slow_file_and_goes_on(tmp_path: Path) -> None:
    slow = tmp_path / "traag.txt"
    slow.write_text("Een zin over de deadline van de offerte bij de zorgverzekeraar.\n\n" * 120_000, encoding="utf-8")  # ~3 s
    good = tmp_path / "goed.txt"
    good.write_text("Zilveren Kruis\n\nDe offerte moet uiterlijk 1 juli binnen zijn bij de zorginkoper.", encoding="utf-8")
    with ParseBudget(timeout_s=0.3, memory_mb=1024) as budget:
        t0 = time.monotonic()
        with pytest.raises(IngestError) as err:
            budget.parse(slow)
        assert err.value.reason == "too_slow" and time.monotonic() - t0 < 10
        budget.timeout_s = 60.0
        assert budget.parse(good).chunks, "the next file is parsed by a fresh child"


def test_exports_expire(tmp_path: Path) -> None:
    store = ExportStore(tmp_path / "exports", ttl_s=0.5)
    url = store.add("gesprek.md", "# Gesprek")
    export_id, name = url.split("/")[-2:]
    assert store.path(export_id, name) is not None
    time.sleep(0.8)
    assert store.path(export_id, name) is None and store.count() == 0
    other = store.add("b.md", "x").split("/")[-2]
    time.sleep(0.8)
    assert store.sweep() == 1 and store.path(other, "b.md") is None
    with pytest.raises(ValueError):
        store.add("../../etc/passwd", "x")
    assert store.path("../../etc", "passwd") is None


def test_an_interrupted_job_and_an_orphaned_file_are_resumed(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    first = UploadManager(settings, ingest=fake_ingest)
    saved = first.save("beleid.pdf", io.BytesIO(b"%PDF good"))
    gone = first.save("weg.pdf", io.BytesIO(b"%PDF good"))
    job = IngestJob(id="abc123", created_at="2026-01-01T00:00:00+00:00", state="running", files=[saved, gone])
    first.jobs_dir.mkdir(parents=True)
    (first.jobs_dir / "abc123.json").write_text(job.model_dump_json(), encoding="utf-8")  # as a killed process left it
    (first.dir / gone.stored).unlink()
    orphan = first.save("los.pdf", io.BytesIO(b"%PDF good"))  # saved, but the process died before its job was written

    second = UploadManager(settings, ingest=fake_ingest)
    started = second.recover()
    assert {j.note for j in started} == {RESUMED, ORPHANED}
    resumed = second.wait("abc123", timeout=10)
    assert resumed is not None and resumed.state == "done" and resumed.note == RESUMED
    assert [f.status for f in resumed.files] == ["done", "failed"]
    [found] = [j for j in started if j.note == ORPHANED]
    done = second.wait(found.id, timeout=10)
    assert done is not None and done.files == [UploadedFile(original=orphan.stored, stored=orphan.stored, size=orphan.size,
                                                            status="done", message="Opgenomen in de index.")]
    assert second.recover() == [], "nothing is resumed twice"


def test_a_feedback_store_from_before_reviews_gains_the_mark(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
            " rating TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '', question TEXT NOT NULL, answer_json TEXT NOT NULL,"
            " history_json TEXT NOT NULL DEFAULT '[]', filters_json TEXT, channel TEXT NOT NULL DEFAULT 'chat')"
        )
        answer = Answer(question="q", status="answered", answer="a").model_dump_json()
        conn.execute("INSERT INTO feedback (created_at, updated_at, rating, question, answer_json)"
                     " VALUES ('2099-01-01', '2099-01-01', 'up', 'oud', ?)", (answer,))
    store = FeedbackStore(path)
    [record] = store.records()
    assert record.review == "pending" and store.export_jsonl() == ""
    assert store.set_review(record.id, "approved") and "oud" in store.export_jsonl()


def test_a_source_file_may_not_be_framed_but_keeps_its_viewer() -> None:
    from ui.guards import content_security_policy

    assert content_security_policy("/api/documents/000_beleid.pdf/file") == "frame-ancestors 'none'"
    assert "img-src 'self' data: blob:;" in content_security_policy("/")
    assert "cdn.jsdelivr.net" in content_security_policy("/docs") and "cdn" not in content_security_policy("/")
