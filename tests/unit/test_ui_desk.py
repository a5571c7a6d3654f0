"""The desk view: gated by the token, document table, upload jobs, exports."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import gradio as gr
import pytest
from conftest_server import DESK_TOKEN, FakeAssistant, fake_ingest, make_settings
from fastapi.testclient import TestClient

from inkoopwijzer.errors import BadRequestError, IndexBusyError
from inkoopwijzer.types import Filters
from ui.chat import record_feedback, respond
from ui.desk import (
    _export_conversation,
    _export_feedback,
    _poll_upload,
    _review,
    _start_upload,
    documents_table,
    job_html,
)
from ui.server import create_app
from ui.services import Services
from ui.uploads import UploadManager


@pytest.fixture
def services(tmp_path: Path) -> Services:
    return Services(make_settings(tmp_path), FakeAssistant, ingest=fake_ingest)


def test_desk_is_disabled_with_a_clear_message_without_token(tmp_path: Path) -> None:
    client = TestClient(create_app(FakeAssistant, make_settings(tmp_path, desk_token=None)))
    for path in ("/desk", "/desk/", "/desk/config"):
        r = client.get(path)
        assert r.status_code == 403
        assert "INKOOPWIJZER_DESK_TOKEN" in r.text
    assert client.get("/").status_code == 200, "the chat works without a desk token"


def test_desk_requires_login_with_the_token(tmp_path: Path) -> None:
    with TestClient(create_app(FakeAssistant, make_settings(tmp_path))) as client:
        assert client.get("/desk/config").status_code == 401
        r = client.post("/desk/login", data={"username": "desk", "password": "fout"})
        assert r.status_code == 400
        r = client.post("/desk/login", data={"username": "desk", "password": DESK_TOKEN})
        assert r.status_code == 200
        assert client.get("/desk/config").status_code == 200
        assert client.get("/config").status_code == 200, "the provider chat needs no login"


def test_documents_table_shows_metadata_and_validity(services: Services) -> None:
    rows = {r[8]: r for r in documents_table(services)}
    zk = rows["000_2839806238769069.pdf"]
    assert zk[:5] == ["Zilveren Kruis", "Inkoopbeleid MSZ 2027", "geldig", "MSZ", "2027"]
    assert zk[7] == 12
    assert rows["003_2c4c2530db87d994.pdf"][2] == "verouderd"


def test_upload_from_the_desk_runs_in_the_background(services: Services, tmp_path: Path) -> None:
    good, bad = tmp_path / "nieuw beleid.pdf", tmp_path / "kapot.pdf"
    good.write_bytes(b"%PDF good")
    bad.write_bytes(b"%PDF corrupt")
    job_id, first_html, timer, _recent = _start_upload(services, [str(good), str(bad)])
    assert job_id and "nieuw beleid.pdf" in first_html
    assert isinstance(timer, gr.Timer)
    assert not good.exists(), "Gradio's copy of an upload is deleted once it is saved"
    services.uploads.wait(job_id, timeout=10)
    html, timer, recent = _poll_upload(services, job_id)
    assert "klaar" in html and 'iw-file-done">klaar' in html and 'iw-file-failed">mislukt' in html and "could not be read" in html
    assert "nieuw 1" in html and job_id in recent
    with pytest.raises(gr.Error):
        _start_upload(services, [])
    bad_type = tmp_path / "macro.xlsm"
    bad_type.write_bytes(b"x")
    with pytest.raises(gr.Error, match="unsupported file type"):
        _start_upload(services, [str(bad_type)])


def test_upload_manager_reports_a_busy_index(tmp_path: Path) -> None:
    def busy(paths: list[Path], settings: object, **_: object) -> object:
        raise IndexBusyError("Er loopt al een ingest; probeer het later opnieuw.")

    manager = UploadManager(make_settings(tmp_path), ingest=busy)
    saved = manager.save("a.pdf", io.BytesIO(b"%PDF"))
    job = manager.wait(manager.start([saved]).id, timeout=10)
    assert job is not None and job.state == "failed"
    assert job.files[0].status == "failed" and "Er loopt al een ingest" in job.files[0].message
    assert "mislukt" in job_html(job)


def test_a_failed_job_is_never_seen_with_files_still_ingesting(tmp_path: Path) -> None:
    # every state the job is saved in (and so every snapshot a reader can take) is consistent
    seen: list[tuple[str, list[str]]] = []

    class Recording(UploadManager):
        def _save(self, job: Any) -> None:
            seen.append((job.state, [f.status for f in job.files]))
            super()._save(job)

    def busy(paths: list[Path], settings: object, **_: object) -> object:
        raise IndexBusyError("Er loopt al een ingest; probeer het later opnieuw.")

    manager = Recording(make_settings(tmp_path), ingest=busy)
    manager.wait(manager.start([manager.save("a.pdf", io.BytesIO(b"%PDF"))]).id, timeout=10)
    assert any(state == "failed" for state, _ in seen)
    assert all(statuses == ["failed"] for state, statuses in seen if state == "failed"), seen


def test_upload_names_are_generated(tmp_path: Path) -> None:
    manager = UploadManager(make_settings(tmp_path), ingest=fake_ingest)
    saved = manager.save("C:\\Users\\x\\..\\beleid 2027.PDF", io.BytesIO(b"%PDF"))
    assert saved.original == "beleid 2027.PDF"
    assert saved.stored.startswith("upload-") and saved.stored.endswith(".pdf") and "beleid" not in saved.stored
    with pytest.raises(BadRequestError):
        manager.save("geen-extensie", io.BytesIO(b""))


def _exported(services: Services, links_html: str) -> list[str]:
    """The contents of the exports a desk export's links point at."""
    out = []
    for export_id, name in re.findall(r'href="/desk/exports/([0-9a-f]+)/([^"]+)"', links_html):
        path = services.exports.path(export_id, name)
        assert path is not None and services.settings.data_dir in path.parents
        out.append(path.read_text(encoding="utf-8"))
    return out


def test_conversation_and_feedback_exports(services: Services) -> None:
    turns = list(respond(services, True, "deadline offerte salland?", [], Filters()))[-1][2]
    md, js = _exported(services, _export_conversation(services, turns))
    assert md.count("## Vraag") == 1
    assert json.loads(js)["turns"][0]["answer"]["citations"]
    with pytest.raises(gr.Error):
        _export_conversation(services, [])
    _message, turns = record_feedback(services, turns, 0, "up", "", "desk")
    with pytest.raises(gr.Error, match="goedgekeurde"):
        _export_feedback(services, "alle")  # feedback is exported only once the desk approves it
    _status, rows = _review(services, turns[0]["feedback_id"], "approved")
    assert rows[0][3] == "goedgekeurd"
    [lines] = _exported(services, _export_feedback(services, "alle"))
    assert json.loads(lines.splitlines()[0])["question"] == "deadline offerte salland?"
    with pytest.raises(gr.Error):
        _export_feedback(services, "alleen niet nuttig")


def test_the_upload_view_reports_what_ingest_found_per_file() -> None:
    from inkoopwijzer.types import FileReport
    from ui.desk import file_report_html

    found = FileReport(
        document="u_12ab.pdf", title="Inkoopbeleid Wijkverpleging 2027", insurer="Noorderzon", insurer_registered=False,
        care_types=["WV"], years=[], pages=3, passages=7, tables=1, ocr_pages=[2],
        warnings=["no year found", "insurer not in the registry: Noorderzon", "OCR used on page(s) 2: check the quotes against the page"],
    )
    page = file_report_html(found)
    for text in ("Inkoopbeleid Wijkverpleging 2027", "Noorderzon", "niet in het register", "WV", "geen jaar gevonden",
                 "tekst met OCR gelezen", "<th scope='row'>Tabellen</th><td>1</td>"):
        assert text in page, text
