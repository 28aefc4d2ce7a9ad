"""scorecards sits at the top beside the region rollups: neither imports the other, and no app
imports scorecards (tests/test_layers.py checks the lower apps)."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


def test_scorecards_never_import_the_rollups():
    offences = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in sorted((ROOT / "scorecards").rglob("*.py"))
        for module in _imported_modules(path)
        if module.split(".")[0] == "rollups"
    ]
    assert not offences, offences
