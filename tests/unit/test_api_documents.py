"""GET /api/documents, the source-file route, and desk-only uploads with background ingest."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest_server import DESK_TOKEN, FakeAssistant, fake_ingest, make_settings
from fastapi.testclient import TestClient

from ui.server import create_app

AUTH = {"Authorization": f"Bearer {DESK_TOKEN}"}


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Path]]:
    settings = make_settings(tmp_path_factory.mktemp("docs"), max_upload_mb=1)
    fake = FakeAssistant()
    yield TestClient(create_app(lambda: fake, settings, ingest=fake_ingest), raise_server_exceptions=False), settings.data_dir


@pytest.fixture(scope="module")
def client(setup: tuple[TestClient, Path]) -> TestClient:
    return setup[0]


def test_documents_list_metadata_and_validity(client: TestClient) -> None:
    docs = {d["document"]: d for d in client.get("/api/documents").json()}
    zk = docs["000_2839806238769069.pdf"]
    assert zk["insurer"] == "Zilveren Kruis" and zk["care_types"] == ["MSZ"] and zk["years"] == [2027]
    assert zk["outdated"] is False and zk["chunks"] == 12
    assert zk["url"] == "/api/documents/000_2839806238769069.pdf/file"
    old = docs["003_2c4c2530db87d994.pdf"]
    assert old["outdated"] is True and "Verouderd" in old["notice"]


def test_pdf_is_served_inline_read_only(client: TestClient) -> None:
    r = client.get("/api/documents/000_2839806238769069.pdf/file")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith("inline")
    assert r.content.startswith(b"%PDF")
    assert client.delete("/api/documents/000_2839806238769069.pdf/file").status_code == 405


@pytest.mark.parametrize(
    "name",
    ["nope.pdf", "..%2F..%2Fpyproject.toml", "%2Fetc%2Fpasswd", "..%2Fvar%2Ffeedback.sqlite", ".env"],
)
def test_only_indexed_documents_are_served(client: TestClient, name: str) -> None:
    r = client.get(f"/api/documents/{name}/file")
    assert r.status_code == 404
    assert "error" in r.json()


def test_upload_needs_the_desk_token(client: TestClient) -> None:
    files = {"files": ("beleid.pdf", b"%PDF-1.4 x", "application/pdf")}
    r = client.post("/api/documents", files=files)
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    r = client.post("/api/documents", files=files, headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 401
    r = client.post("/api/documents", files=files, headers={"Authorization": DESK_TOKEN})
    assert r.status_code == 401


def test_upload_is_disabled_without_a_desk_token(tmp_path: Path) -> None:
    client = TestClient(create_app(FakeAssistant, make_settings(tmp_path, desk_token=None)))
    r = client.post("/api/documents", files={"files": ("a.pdf", b"x")}, headers={"Authorization": "Bearer x"})
    assert r.status_code == 403
    assert "INKOOPWIJZER_DESK_TOKEN" in r.json()["error"]


def test_upload_stores_generated_names_and_reports_each_file(setup: tuple[TestClient, Path]) -> None:
    client, data_dir = setup
    files = [
        ("files", ("../../evil name.pdf", b"%PDF-1.4 good", "application/pdf")),
        ("files", ("kapot.pdf", b"%PDF-1.4 corrupt", "application/pdf")),
    ]
    r = client.post("/api/documents", files=files, headers=AUTH)
    assert r.status_code == 202, r.text
    accepted = r.json()
    stored = [f["stored"] for f in accepted["files"]]
    assert [f["original"] for f in accepted["files"]] == ["evil name.pdf", "kapot.pdf"]
    for name in stored:
        assert name.startswith("upload-") and name.endswith(".pdf") and "evil" not in name and "/" not in name
    assert not (data_dir.parent / "evil name.pdf").exists()

    client.app.state.services.uploads.wait(accepted["job"], timeout=10)  # type: ignore[attr-defined]
    assert (data_dir / "uploads" / stored[0]).is_file()
    assert not (data_dir / "uploads" / stored[1]).exists(), "a file whose ingest failed is not kept"
    job = client.get(f"/api/documents/jobs/{accepted['job']}", headers=AUTH).json()
    assert job["state"] == "done" and job["progress"] == 1.0
    result = {f["original"]: f for f in job["files"]}
    assert result["evil name.pdf"]["status"] == "done"
    assert result["kapot.pdf"]["status"] == "failed" and "could not be read" in result["kapot.pdf"]["message"]
    assert job["report"]["added"] == 1
    assert client.get(f"/api/documents/jobs/{accepted['job']}").status_code == 401
    assert client.get("/api/documents/jobs/unknown", headers=AUTH).status_code == 404


def test_unsupported_file_types_are_400_and_nothing_is_kept(setup: tuple[TestClient, Path]) -> None:
    client, data_dir = setup
    before = set((data_dir / "uploads").glob("*")) if (data_dir / "uploads").exists() else set()
    files = [("files", ("ok.pdf", b"%PDF ok")), ("files", ("script.exe", b"MZ"))]
    r = client.post("/api/documents", files=files, headers=AUTH)
    assert r.status_code == 400 and "unsupported file type" in r.json()["error"]
    after = set((data_dir / "uploads").glob("*")) if (data_dir / "uploads").exists() else set()
    assert after == before


def test_uploads_over_the_limit_are_413(client: TestClient) -> None:
    big = b"%PDF" + b"0" * (1024 * 1024 + 10)
    r = client.post("/api/documents", files={"files": ("groot.pdf", big)}, headers=AUTH)
    assert r.status_code == 413
    assert "1 MB" in r.json()["error"]


def test_upload_without_files_is_422(client: TestClient) -> None:
    r = client.post("/api/documents", headers=AUTH, data={"x": "y"})
    assert r.status_code == 422
    assert "files" in r.json()["error"]


def test_chunked_uploads_are_cut_off_at_the_limit(client: TestClient) -> None:
    boundary = "grens"

    def body() -> Iterator[bytes]:  # no Content-Length: the size is only known while reading
        yield (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n'
               "Content-Type: application/pdf\r\n\r\n").encode()
        for _ in range(40):
            yield b"0" * 65536
        yield f"\r\n--{boundary}--\r\n".encode()

    r = client.post("/api/documents", content=body(),
                    headers={**AUTH, "content-type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 413
    assert set(r.json()) == {"error"}
