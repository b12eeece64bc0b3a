"""scripts/app_graph.py: the app graph counts imports inside functions, finds cycles and holds the layer order."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "app_graph.py"


@pytest.fixture
def graph():
    spec = importlib.util.spec_from_file_location("app_graph", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_an_import_inside_a_function_and_a_relative_one_are_counted(graph, tmp_path):
    source = tmp_path / "services.py"
    source.write_text(
        "from . import models\n"
        "from ..organs.models import Organ\n"
        "def later():\n"
        "    from gongkai.search import index\n"
        "    import gongkai.reports.stats\n",
        encoding="utf-8",
    )
    names = [name for _line, name in graph.imported_modules(source, "gongkai.catalogue.services")]
    assert names == ["gongkai.catalogue.models", "gongkai.organs.models.Organ", "gongkai.search.index", "gongkai.reports.stats"]


def test_cycles_are_the_strongly_connected_apps(graph):
    edges = {("core", "organs"), ("organs", "catalogue"), ("catalogue", "core"), ("search", "catalogue"), ("a", "b")}
    assert sorted(graph.cycles(["a", "b", "catalogue", "core", "organs", "search"], edges)) == [["catalogue", "core", "organs"]]


def test_every_app_has_a_place_in_the_layers(graph):
    assert set(graph.app_names()) == set(graph.layer_of())


def test_the_code_keeps_the_layers(graph, capsys):
    assert graph.main(["--check", "--quiet"]) == 0, capsys.readouterr().err
