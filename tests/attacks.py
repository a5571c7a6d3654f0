"""Tools for the attack tests (tests/integration/test_attacks_*.py): raw HTTP over a socket
(chunked, slow or malformed requests no HTTP client sends), a Gradio event called the way the
browser calls it, a zip bomb, a PDF page that is costly to draw, and the fake server with its own settings."""

from __future__ import annotations

import io
import json
import secrets
import socket
import time
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
from conftest_server import ServerProcess, free_port, start_server

__all__ = [
    "RawResponse", "chunked", "costly_page_pdf", "desk_login", "fake_server", "gradio_call", "gradio_fn", "raw_request",
    "zip_bomb_docx",
]


@dataclass
class RawResponse:
    status: int | None  # None: the server closed the connection without answering
    head: str
    body: bytes
    seconds: float
    sent: int  # body bytes the server took before it answered or closed


def raw_request(
    url: str, head: list[str], chunks: Iterable[bytes] = (), pause: float = 0.0, timeout: float = 30.0, end_head: bool = True
) -> RawResponse:
    """Send the request line and headers `head` (ended by the blank line unless `end_head` is
    false: then `chunks` go on with the headers), then `chunks` as they come, `pause` seconds
    apart; read the answer. Stops sending once the server answers or closes."""
    parsed = urlparse(url)
    t0 = time.monotonic()
    sent = 0
    with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 80), timeout=timeout) as s:
        s.sendall(("\r\n".join(head) + ("\r\n\r\n" if end_head else "\r\n")).encode("latin-1"))
        for chunk in chunks:
            s.settimeout(0.0)
            try:
                if s.recv(1, socket.MSG_PEEK):
                    break  # the server has answered: stop sending
            except BlockingIOError:
                pass
            except OSError:
                break
            s.settimeout(timeout)
            try:
                s.sendall(chunk)
            except OSError:
                break
            sent += len(chunk)
            if pause:
                time.sleep(pause)
        s.settimeout(timeout)
        data = b""
        try:
            while True:
                part = s.recv(65536)
                if not part:
                    break
                data += part
                if b"\r\n\r\n" in data and _complete(data):
                    break
        except OSError:
            pass
    seconds = time.monotonic() - t0
    if not data:
        return RawResponse(None, "", b"", seconds, sent)
    head_bytes, _, body = data.partition(b"\r\n\r\n")
    status = int(head_bytes.split(b" ", 2)[1])
    return RawResponse(status, head_bytes.decode("latin-1"), body, seconds, sent)


def _complete(data: bytes) -> bool:
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":", 1)[1])
    return False


def chunked(total: int, size: int = 64 * 1024) -> Iterable[bytes]:
    """A chunked request body of `total` bytes of JSON-ish filler, with its final chunk."""
    left = total
    while left > 0:
        n = min(size, left)
        yield b"%x\r\n" % n + b"x" * n + b"\r\n"
        left -= n
    yield b"0\r\n\r\n"


def gradio_fn(config: dict[str, Any], elem_id: str) -> int:
    """The index of the event a component (by elem_id) triggers, from a Gradio app's /config."""
    ids = {c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == elem_id}
    for i, dep in enumerate(config["dependencies"]):
        if any(target[0] in ids for target in dep.get("targets", [])):
            return i
    raise LookupError(f"no event triggered by #{elem_id}")


def gradio_call(client: httpx.Client, prefix: str, fn_index: int, data: list[Any]) -> dict[str, Any]:
    """Run one Gradio event as the browser does (queue/join, then the SSE stream); returns
    the final `process_completed` message."""
    session = secrets.token_hex(6)
    r = client.post(f"{prefix}/gradio_api/queue/join",
                    json={"data": data, "fn_index": fn_index, "session_hash": session, "event_data": None, "trigger_id": None})
    r.raise_for_status()
    with client.stream("GET", f"{prefix}/gradio_api/queue/data", params={"session_hash": session}) as stream:
        for line in stream.iter_lines():
            if line.startswith("data:"):
                message = json.loads(line[5:])
                if message.get("msg") == "process_completed":
                    return dict(message)
    raise RuntimeError("the event stream ended without a result")


def desk_login(client: httpx.Client, token: str) -> httpx.Response:
    return client.post("/desk/login", data={"username": "desk", "password": token})


def zip_bomb_docx(path: Path, inflated_mb: int = 100) -> Path:
    """A small DOCX whose document.xml inflates to `inflated_mb` MB (one paragraph repeated)."""
    paragraph = "<w:p><w:r><w:t>Deadline offerte 1 juli.</w:t></w:r></w:p>"
    body = paragraph * (inflated_mb * 1024 * 1024 // len(paragraph))
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": xml,
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    path.write_bytes(buf.getvalue())
    return path


def costly_page_pdf(path: Path, side: int = 10_000, draws: int = 50) -> Path:
    """A small PDF of one A4 page with a line of text (so ingest takes it) that draws one gray image of
    `side` × `side` pixels (zeros, deflated to almost nothing) `draws` times: PDFium decodes it for
    each drawing, so the page costs seconds to draw while the file is some 100 KB."""
    deflate = zlib.compressobj(9)
    row = b"\x00" * side
    image = b"".join(deflate.compress(row) for _ in range(side)) + deflate.flush()
    drawings = " ".join(f"q {595 - i} 0 0 {842 - i} {i / 2} 0 cm /Im1 Do Q" for i in range(draws))
    content = f"{drawings} BT /F1 12 Tf 72 720 Td (Inkoopbeleid met een zware pagina.) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 5 0 R >> /Font << /F1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (side, side, len(image), image),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def fake_server(data_dir: Path, log_path: Path, **settings: str) -> ServerProcess:
    """`python tests/conftest_server.py` (the app over FakeAssistant, served as `serve()` serves
    it) on a free port; `settings` are INKOOPWIJZER_* (without the prefix) or IW_* variables."""
    port = free_port()
    env = {
        "INKOOPWIJZER_DATA_DIR": str(data_dir),
        "INKOOPWIJZER_PORT": str(port),
        "INKOOPWIJZER_HOST": "127.0.0.1",
        "GRADIO_TEMP_DIR": str(data_dir.parent / f"{data_dir.name}-gradio"),
    }
    for key, value in settings.items():
        env[key if key.startswith("IW_") else f"INKOOPWIJZER_{key.upper()}"] = value
    return start_server([str(Path(__file__).with_name("conftest_server.py"))], env, log_path, timeout=120.0)
