"""`inkoopwijzer deadlines` and `inkoopwijzer diff` over the test index and over files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from inkoopwijzer.cli import app

pytestmark = pytest.mark.integration


@pytest.fixture
def cli(settings: Any, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    from inkoopwijzer import settings as settings_module

    monkeypatch.setattr(settings_module, "get_settings", lambda: settings)
    return CliRunner()


def test_deadlines_as_text_json_and_ics(cli: CliRunner) -> None:
    text = cli.invoke(app, ["deadlines", "--insurer", "Salland", "--from", "2026-11-01"])
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert lines and all("Salland" in line for line in lines)
    assert all(("[over " in line or "[verlopen]" in line or "[vandaag]" in line or "[morgen]" in line) for line in lines)

    as_json = cli.invoke(app, ["deadlines", "--json", "--year", "2027", "--care-type", "MSZ"])
    events = json.loads(as_json.output)
    assert events and all("MSZ" in e["care_types"] for e in events)
    assert all((e["date"] or e["start"] or e["month"] or e["quarter"] or "")[:4] <= "2027" for e in events)
    assert [e["date"] or e["start"] or e["month"] for e in events] == sorted(e["date"] or e["start"] or e["month"] for e in events)

    ics = cli.invoke(app, ["deadlines", "--ics", "--insurer", "Zorg en Zekerheid"])
    cal = Calendar.from_ical(ics.stdout_bytes)
    assert cal.walk("VEVENT") and all("Zorg en Zekerheid" in str(v["SUMMARY"]) for v in cal.walk("VEVENT"))


def test_deadlines_refuses_bad_options(cli: CliRunner) -> None:
    bad = cli.invoke(app, ["deadlines", "--from", "volgende week"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
    both = cli.invoke(app, ["deadlines", "--json", "--ics"])
    assert both.exit_code == 2


def test_diff_of_two_files_and_unknown_names(cli: CliRunner, tmp_path: Path) -> None:
    from policy_versions import modified_copy

    old, new = modified_copy(tmp_path)
    out = cli.invoke(app, ["diff", str(old), str(new)])
    assert out.exit_code == 0, out.output
    assert "6 changes" in out.output and "1 oktober 2026 → 15 oktober 2026" in out.output
    as_json = json.loads(cli.invoke(app, ["diff", str(old), str(new), "--json"]).output)
    assert sorted(c["kind"] for c in as_json["changes"]) == ["added", "changed", "changed", "changed", "changed", "removed"]
    unknown = cli.invoke(app, ["diff", "geen.pdf", "ook-niet.pdf"])
    assert unknown.exit_code == 2 and "neither a file nor an indexed document" in unknown.output
