"""The product without a screen must stay importable without Qt (CLI, server, tests)."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def qt_imports(folder: Path) -> list[str]:
    found = []
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in ("PySide6", "PyQt5", "PyQt6", "shiboken6"):
                    found.append(f"{path.relative_to(folder)}:{node.lineno} imports {name}")
    return found


def test_app_never_imports_qt():
    assert qt_imports(ROOT / "app") == []


def test_the_centre_server_never_imports_qt_or_the_window():
    assert qt_imports(ROOT / "server") == []
    window = []
    for path in (ROOT / "server").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                window += [a.name for a in node.names if a.name.split(".")[0] == "ui"]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "ui":
                window.append(f"{path.name} imports {node.module}")
    assert window == []


def test_the_check_itself_finds_qt_imports(tmp_path):
    (tmp_path / "bad.py").write_text("from PySide6.QtCore import QObject\nimport shiboken6\n")
    (tmp_path / "ok.py").write_text("import json\n")
    assert len(qt_imports(tmp_path)) == 2


def test_cli_runs_without_qt_loaded():
    import subprocess
    import sys
    code = ("import sys, main; from app.cli import build_parser; build_parser(); "
            "print('PySide6' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
