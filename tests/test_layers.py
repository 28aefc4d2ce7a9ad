"""Dependencies point one way (docs/architecture.md): salesops kernel ← territories ← customers ←
{visits, sales} ← expenses ← reports ← rollups ← scorecards. A module never imports a higher
app, not even inside a function: "this changed, recompute" travels as a signal the higher app
listens to, and a page that shows figures of higher apps gets them as panels
(salesops.navigation).

The project shell (salesops' package, urls, settings, celery app, wsgi, middleware, project
pages and management commands) sits on top and may import anything; salesops.access sits just
above territories.
"""

import ast
from pathlib import Path

from django.conf import settings

from salesops.navigation import LOCAL_APPS

LAYERS = {
    "salesops": 0,
    "territories": 1,
    "customers": 2,
    "visits": 3,
    "sales": 3,
    "expenses": 4,
    "reports": 5,
    "rollups": 6,
    "scorecards": 7,  # reads the rollup's cells (docs/architecture.md)
}
SHELL = 100
# Modules of salesops that are not kernel, with their place (a module and everything under it).
PLACES = {
    "salesops.access": LAYERS["territories"],
    "salesops.approvals": LAYERS["territories"],  # decides through salesops.access
    "salesops.celery": SHELL,
    "salesops.context_processors": SHELL,
    "salesops.management": SHELL,
    "salesops.mfa": LAYERS["territories"],  # who needs the second factor: salesops.access
    "salesops.mfa_views": SHELL,
    "salesops.middleware": SHELL,
    "salesops.settings": SHELL,
    "salesops.startup": SHELL,
    "salesops.urls": SHELL,
    "salesops.views": SHELL,
    "salesops.wsgi": SHELL,
}
ROOT = Path(settings.BASE_DIR)


def _place(module: str) -> int | None:
    if module == "salesops":  # the package's __init__ loads the celery app
        return SHELL
    for prefix, place in PLACES.items():
        if module == prefix or module.startswith(prefix + "."):
            return place
    return LAYERS.get(module.split(".")[0])


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.AST, module: str, is_package: bool):
    """(line, imported module) for every import, at any depth (inside functions too)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                package = module.split(".")
                package = package if is_package else package[:-1]
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            for alias in node.names:  # `from salesops import access` imports salesops.access
                yield node.lineno, f"{name}.{alias.name}"


def _offences() -> list[str]:
    offences = set()
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            module = _module_name(path)
            own = _place(module)
            tree = ast.parse(path.read_text(), filename=str(path))
            for line, imported in _imports(tree, module, path.name == "__init__.py"):
                place = _place(imported)
                if place is not None and place > own:
                    offences.add(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    return sorted(offences)


def test_no_module_imports_a_higher_app():
    offences = _offences()
    assert not offences, "imports of a higher app:\n" + "\n".join(offences)


def test_every_local_app_has_a_layer():
    assert set(LOCAL_APPS) <= set(LAYERS)


def test_the_walk_sees_imports_inside_functions(tmp_path):
    tree = ast.parse("def f():\n    from sales import tasks\n")
    assert list(_imports(tree, "customers.services", False)) == [(2, "sales.tasks")]
    assert _place("sales.tasks") > _place("customers.services")
