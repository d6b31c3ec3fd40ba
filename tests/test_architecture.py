"""The rooms and their arrows (README "Architecture"), checked on the source itself.

geo < layers < analysis < outputs < scenario < cli, pages and app.py: a module imports only
its own room and rooms below it; geo imports nothing of ours; no library module imports
streamlit; there are no import cycles; imports of our own modules inside functions stay
rare; modules stay small enough to read in one sitting.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Room -> rank; a module may import rooms of its own rank or lower.
RANKS: dict[str, int] = {"geo": 0, "layers": 1, "analysis": 2, "outputs": 3, "scenario": 4, "cli": 5, "app_pages": 6,
                         "app": 6}
LIBRARY_ROOMS = ("geo", "layers", "analysis", "outputs", "scenario", "cli")
#: Entry points nothing imports: ``python -m analysis`` hands over to the cli room.
ENTRY_POINTS = {"analysis/__main__.py"}
MAX_LINES = 600
MAX_APP_LINES = 200
MAX_LATE_IMPORTS = 12


def _modules() -> list[Path]:
    files = [ROOT / "app.py"]
    for room in (*LIBRARY_ROOMS, "app_pages"):
        files += sorted((ROOT / room).rglob("*.py")) if (ROOT / room).is_dir() else []
    return files


def _room(rel: str) -> str:
    return "app" if rel == "app.py" else rel.split("/", 1)[0]


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(imported module, inside a function?) for every import of one of our rooms."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_func: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_func or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                out.extend((a.name, in_func) for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                out.append((child.module, in_func))
            visit(child, nested)

    visit(tree, False)
    return [(m, f) for m, f in out if m.split(".")[0] in RANKS]


MODULES = _modules()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down(path: Path) -> None:
    rel = str(path.relative_to(ROOT))
    if rel in ENTRY_POINTS:
        return
    here = RANKS[_room(rel)]
    upward = [m for m, _ in _imports(path) if RANKS[m.split(".")[0]] > here]
    assert not upward, f"{rel} imports a room above its own: {upward}"
    if _room(rel) == "geo":
        assert all(m.startswith("geo") for m, _ in _imports(path)), f"{rel}: geo imports nothing of ours"


@pytest.mark.parametrize("path", [p for p in MODULES if _room(str(p.relative_to(ROOT))) in LIBRARY_ROOMS],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_library_modules_do_not_import_streamlit(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert not any(str(n).split(".")[0] == "streamlit" for n in names)


def test_no_import_cycles() -> None:
    g = nx.DiGraph()
    for path in MODULES:
        rel = str(path.relative_to(ROOT))
        mod = rel[:-3].replace("/", ".").removesuffix(".__init__")
        for m, _ in _imports(path):
            g.add_edge(mod, m)
    # an import of a package counts as an import of its __init__, which is a node of its own
    g.remove_edges_from(list(nx.selfloop_edges(g)))  # a package importing its own parts
    cycles = list(nx.simple_cycles(g))
    assert not cycles, f"import cycles: {cycles[:5]}"


def test_few_imports_inside_functions() -> None:
    late = [(str(p.relative_to(ROOT)), m) for p in MODULES for m, f in _imports(p) if f]
    assert len(late) <= MAX_LATE_IMPORTS, f"{len(late)} imports of our modules inside functions: {late}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_readable(path: Path) -> None:
    n = len(path.read_text(encoding="utf-8").splitlines())
    limit = MAX_APP_LINES if path.name == "app.py" and path.parent == ROOT else MAX_LINES
    assert n <= limit, f"{path.relative_to(ROOT)} has {n} lines; split it (limit {limit})"


def test_tests_never_skip_our_own_modules() -> None:
    offenders = []
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "importorskip" and node.args
                    and isinstance(node.args[0], ast.Constant) and str(node.args[0].value).split(".")[0] in RANKS):
                offenders.append(f"{path.name}:{node.lineno} {node.args[0].value}")
    assert not offenders, f"importorskip of our own modules turns a rename into a silent skip: {offenders}"


def test_the_checks_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import outputs.report\n\ndef f():\n    from analysis import fit\n", encoding="utf-8")
    found = _imports(bad)
    assert ("outputs.report", False) in found and ("analysis", True) in found


def test_the_first_page_loads_without_the_model_and_the_report() -> None:
    # What the router (app.py) and the first page (the layout map) import is all a fresh server
    # loads before a planner sees the map: the report, the model and the raster stack wait until
    # a page needs them (1.6 s of imports once did not).
    mods = set()
    for script in ("app.py", "app_pages/layout.py"):
        tree = ast.parse((ROOT / script).read_text(encoding="utf-8"))
        mods |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        mods |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    heavy = ("outputs.report", "analysis.fit", "analysis.backtest", "scenario.study", "rasterio", "scipy.ndimage",
             "matplotlib", "weasyprint")
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
            f"for m in {sorted(mods)!r}: __import__(m)\n"
            f"print(','.join(m for m in {heavy!r} if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert r.stdout.strip() == "", f"the first page imports {r.stdout.strip()}"
