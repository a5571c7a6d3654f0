"""The README and docs/security.md keep up with the code: every CLI command, the gold set's sizes,
every API route."""

from __future__ import annotations

import re
from pathlib import Path

from conftest_server import FakeAssistant, make_settings

from evals.runner import DEFAULT_GOLD
from inkoopwijzer.cli import app as cli
from inkoopwijzer.settings import REPO_ROOT
from ui.server import create_app

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
SECURITY = (REPO_ROOT / "docs" / "security.md").read_text(encoding="utf-8")


def test_the_readme_shows_every_cli_command() -> None:
    import typer

    group = typer.main.get_command(cli)
    assert isinstance(group, typer.core.TyperGroup)
    names = list(group.commands)
    block = README.split("## CLI", 1)[1].split("```", 2)[1]
    assert "remove" in names and [n for n in names if not re.search(rf"inkoopwijzer {n}\b", block)] == []


def test_the_readme_states_the_gold_set_sizes() -> None:
    # lines only: the gate split is read as totals, never its questions
    sizes = {split: path.read_bytes().count(b"\n") for split, path in DEFAULT_GOLD.items()}
    assert f"holds {sum(sizes.values())} gold questions" in README
    for split, n in sizes.items():
        assert re.search(rf"\b{split} {n}\b", README), f"README: {split} {n}"


def test_the_security_doc_names_every_api_route(tmp_path: Path) -> None:
    def shape(path: str) -> str:
        return re.sub(r"\{[^}]*\}", "{}", path)

    routes = create_app(FakeAssistant, make_settings(tmp_path)).openapi()["paths"]
    named = shape(SECURITY)
    assert [p for p in routes if shape(p) not in named] == []
