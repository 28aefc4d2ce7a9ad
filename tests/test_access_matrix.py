"""Every role against every URL (docs/architecture.md "Inside an app").

Template rendering is patched out for speed; each request runs in a rolled-back savepoint so
one persona's POST cannot change the next one's answer.
"""

from collections import Counter
from copy import deepcopy
from http.cookies import SimpleCookie
from importlib import import_module
from pathlib import Path
from unittest import mock

import pytest
from django.db import transaction
from django.urls import get_resolver, resolve

from salesops.navigation import LOCAL_APPS
from tests.access_matrix import NOT_ALLOWED, PERSONAS, Case
from tests.conftest import sign_in

MATRIX_MODULES = ["salesops", *LOCAL_APPS]
UNCHECKED_NAMESPACES = {"admin"}  # Django's own admin checks staff status itself


def _cases(world):
    """Every `tests/<app>/access_matrix*.py` module's cases (one module per app or feature)."""
    tests_dir = Path(__file__).parent
    for app in MATRIX_MODULES:
        for path in sorted((tests_dir / app).glob("access_matrix*.py")):
            yield from import_module(f"tests.{app}.{path.stem}").cases(world)


def _request(client, case):
    headers = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
    with transaction.atomic():
        response = getattr(client, case.method)(case.url, case.data, **headers)
        transaction.set_rollback(True)
    return response


def _all_url_names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            namespace = pattern.namespace
            if namespace in UNCHECKED_NAMESPACES:
                continue
            yield from _all_url_names(pattern, f"{prefix}{namespace}:" if namespace else prefix)
        elif pattern.name:
            yield f"{prefix}{pattern.name}"


def _session_cookies(client, world) -> dict[str, SimpleCookie]:
    """Each persona's cookies after signing in once (none for the anonymous visitor).

    Signing in and out for every URL cost half the matrix's time. A request cannot change a
    persona's stored session for the next URL (it runs in a rolled-back savepoint), and
    handing the client that persona's cookies again undoes what a response set (a log-out's
    cleared cookie, a new key after a password change)."""
    cookies = {}
    for persona in PERSONAS:
        client.cookies = SimpleCookie()
        user = getattr(world, persona, None)
        if user is not None:
            sign_in(client, user)
        cookies[persona] = deepcopy(client.cookies)
    return cookies


@pytest.mark.django_db
def test_every_role_gets_the_expected_answer_from_every_url(personas, client):
    failures = []
    cookies = _session_cookies(client, personas)
    with (
        mock.patch("django.template.loader.render_to_string", return_value=""),
        mock.patch("django.shortcuts.loader.render_to_string", return_value=""),
    ):
        for case in _cases(personas):
            for persona in PERSONAS:
                client.cookies = deepcopy(cookies[persona])
                status = _request(client, case).status_code
                if status != case.expected[persona]:
                    failures.append(
                        f"{case} as {persona}: {status}, expected {case.expected[persona]}"
                    )
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_every_url_of_the_project_is_in_the_matrix(personas):
    covered = {resolve(case.url.split("?")[0]).view_name for case in _cases(personas)}
    missing = sorted(set(_all_url_names()) - covered)
    assert not missing, f"URLs with no role × URL case: {missing}"


def _view_name(case) -> str:
    return resolve(case.url.split("?")[0]).view_name


@pytest.mark.django_db
def test_every_method_of_every_url_is_in_the_matrix(personas, client):
    """A URL that answers POST (or GET) has a case for that method too; and each URL × method
    has one case, so each role is checked once against it."""
    cases = list(_cases(personas))
    repeated = [
        f"{method.upper()} {url}"
        for (url, method), n in Counter((case.url, case.method) for case in cases).items()
        if n > 1
    ]
    covered = {(_view_name(case), case.method) for case in cases}
    sign_in(client, personas.admin)
    missing, probed = [], set()
    for case in cases:
        name = _view_name(case)
        for method in ("get", "post"):
            if (name, method) in covered or (name, method) in probed:
                continue
            probed.add((name, method))
            probe = Case(case.url, {}, method=method, htmx=case.htmx)
            if _request(client, probe).status_code != NOT_ALLOWED:
                missing.append(f"{method.upper()} {name}")
    assert not repeated, f"URL × method with more than one case: {repeated}"
    assert not missing, f"methods a URL answers with no role × URL case: {sorted(missing)}"
