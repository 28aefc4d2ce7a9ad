"""What a web process does once it has loaded the app and before it serves (`salesops.wsgi`).

Everything a process loads stays alive for its whole life: Django, the apps' modules, the URL
patterns and the compiled templates, some 165,000 objects that Python's cyclic garbage
collector walks on every full collection. A request leaves a few thousand objects in reference
cycles, so about every tenth request a full collection runs, and at tier L it took 75–90 ms
of the request that triggered it: the p95 of the visit log at L was 165 ms against a median of
59 (docs/performance.md, P1). Loading what the first requests would load anyway, then moving
every object alive to the collector's permanent generation (`gc.freeze`), leaves a full
collection only what requests left behind: 15 ms.

Its connections also ask PostgreSQL for no parallel workers: a page reads a page of rows, and
where the planner reckoned a parallel scan cheaper (the company's 80/20 at tier L, a page of
100 ranked values) starting the worker took 4 ms of a 6 ms statement that runs in 1.7 ms
alone. The jobs, in their own processes, keep them.
"""

import gc
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import get_resolver

TEMPLATE_SUFFIXES = (".html", ".txt")
NO_PARALLEL_WORKERS = "-c max_parallel_workers_per_gather=0"


def settle() -> None:
    """Load the URL patterns (and with them every view module) and compile the project's
    templates, then collect what loading left as garbage and freeze the rest; connections
    opened from then on run without parallel workers."""
    _without_parallel_workers()
    get_resolver().url_patterns  # noqa: B018 (read for what it imports)
    _compile_templates()
    gc.collect()
    gc.freeze()


def _without_parallel_workers() -> None:
    """The web process's connections, opened from here on, run without parallel workers. The
    connections read their options from the settings when they connect."""
    if not settings.ON_POSTGRES:
        return
    options = settings.DATABASES["default"].setdefault("OPTIONS", {})
    if NO_PARALLEL_WORKERS not in options.get("options", ""):
        options["options"] = f"{options.get('options', '')} {NO_PARALLEL_WORKERS}".strip()


def _compile_templates() -> None:
    """Each of the project's templates, through the engine's loaders: the cached loader keeps
    it compiled, as its first render would."""
    for engine in engines.all():
        for name in _project_template_names(engine):
            engine.get_template(name)


def _project_template_names(engine) -> list[str]:
    """The names of the templates under the project's own folders (not the libraries')."""
    root = Path(settings.BASE_DIR)
    names = []
    for folder in map(Path, engine.template_dirs):
        if root not in folder.parents or ".venv" in folder.parts:
            continue
        names += [
            path.relative_to(folder).as_posix()
            for path in folder.rglob("*")
            if path.suffix in TEMPLATE_SUFFIXES
        ]
    return names
