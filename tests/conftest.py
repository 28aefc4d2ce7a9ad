"""Shared fixtures: fixed personas in two regions and test-only settings."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from salesops.models import Role, User
from territories.models import Assignment, Region, Territory
from tests.factories import (
    PASSWORD,
    RegionFactory,
    UserFactory,
    give_authenticator,
    make_territory,
    sign_in,
)


@pytest.fixture(scope="session", autouse=True)
def _a_broker_database_per_process():
    """`make test` runs the suite in one process per core (pytest-xdist). Each process sends
    its tasks to, and runs its real workers on, a Redis database of its own: on a shared one,
    a worker in one process would take the tasks another process's test sent."""
    import os

    from django.conf import settings

    from salesops.celery import app
    from tests.broker import forget_connections, own_database

    process = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", …
    if not process or not settings.REDIS_URL:
        yield
        return
    saved = (app.conf.broker_url, app.conf.result_backend)
    app.conf.broker_url = app.conf.result_backend = own_database(settings.REDIS_URL, process)
    forget_connections(app)
    yield
    app.conf.broker_url, app.conf.result_backend = saved
    forget_connections(app)


@pytest.fixture(scope="session", autouse=True)
def _plain_http():
    """Production security settings assume HTTPS; the test client and the live server speak
    plain HTTP. Session-wide, so it is in force before the live server builds its middleware."""
    from django.test.utils import override_settings

    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
    ):
        yield


@pytest.fixture(scope="session")
def django_db_setup(_no_transitions_on_historical_models, django_db_setup):
    """pytest-django's test database, migrated with the fix below in force."""
    return django_db_setup


@pytest.fixture(scope="session")
def _no_transitions_on_historical_models():
    """django-fsm listens for every model class made after each state-machine field is made,
    to collect that model's transitions, and keeps listening while the field lives. Migrations
    make such fields over and over for their historical models, whose states a migration run
    keeps, so each model rendered asks thousands of listeners: a fifth of creating the test
    database, a third of the tests that migrate back and forth. Historical models have no methods,
    hence no transitions: their fields stop listening once they are made."""
    from unittest import mock

    from django.db.models.signals import class_prepared
    from django_fsm import FSMFieldMixin

    contribute_to_class = FSMFieldMixin.contribute_to_class

    def contribute_to_class_of_its_migrations(field, cls, name, *args, **kwargs):
        contribute_to_class(field, cls, name, *args, **kwargs)
        if cls.__module__ == "__fake__":  # the module of every migration's historical models
            class_prepared.disconnect(field._collect_transitions)

    with mock.patch.object(
        FSMFieldMixin, "contribute_to_class", contribute_to_class_of_its_migrations
    ):
        yield


@pytest.fixture(scope="session", autouse=True)
def _empty_tables_by_delete_on_postgresql(django_db_setup, django_db_blocker):
    """A test that commits (a browser journey, a real worker) leaves an empty database behind:
    Django truncates every table after it. On PostgreSQL one TRUNCATE of every table takes
    about 0.4 s, however few rows they hold; deleting the rows takes about 0.01 s. The rows go
    with the triggers off (the row history's and the foreign keys' alike), as TRUNCATE does,
    which needs a superuser, as CI's PostgreSQL user is; anyone else keeps Django's TRUNCATE."""
    from unittest import mock

    from django.db import connection

    with django_db_blocker.unblock():
        may_turn_triggers_off = connection.vendor == "postgresql" and _is_superuser(connection)
    if not may_turn_triggers_off:
        yield
        return
    operations = type(connection.ops)
    truncate = operations.sql_flush

    def sql_flush(ops, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or allow_cascade:
            return truncate(
                ops, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # Django runs these in one transaction: the setting ends with it.
        return [
            "SET LOCAL session_replication_role = replica",
            *(f"DELETE FROM {ops.quote_name(table)}" for table in tables),  # noqa: S608 - our tables
        ]

    with mock.patch.object(operations, "sql_flush", sql_flush):
        yield


def _is_superuser(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SHOW is_superuser")
        return cursor.fetchone()[0] == "on"


@pytest.fixture(scope="session", autouse=True)
def _n_plus_one_detector(django_db_setup):
    """django-zeal's ORM patch, applied once as its AppConfig would (production does not
    install it). Its middleware, added for every test below, fails any request that loads a
    related object or runs a `.get()` once per row of a list: a page with an N+1 fails its
    test."""
    from zeal.constants import initialize_app_registry
    from zeal.patch import patch

    initialize_app_registry()
    patch()


# Each entry names an N+1 that is accepted, and why. Keep this list short: a new N+1 fails.
# (django-zeal also counts two `.get()` of one model from one line as an N+1; these are those.)
N_PLUS_ONE_ALLOWED: list[dict] = [
    # A bulk decision ("Waiting for me", ticked rows) locks and decides each record in its own
    # transaction (a refusal of one leaves the others decided): one locked read per ticked
    # record, bounded by what the user ticked.
    {"model": "visits.TripPlan", "field": "get()"},
    {"model": "expenses.ExpenseClaim", "field": "get()"},
    {"model": "territories.CrossTerritoryRequest", "field": "get()"},
    # Audit entries for several kinds of record in one request (a weekly report and the visits
    # it locks, an admin change): one content-type read per kind, which Django then caches.
    {"model": "contenttypes.ContentType", "field": "get()"},
    # Django's own reads: the session and the signed-in user on log-out and in the admin, and
    # the handover form's two people (from, to), one read per field.
    {"model": "sessions.Session", "field": "get()"},
    {"model": "salesops.User", "field": "get()"},
    # The job ledger: one change may start several jobs (a quota save re-scores and refreshes
    # the region rollup), each claiming its own ledger row from the same line; bounded by the
    # kinds of job, not by the data.
    {"model": "salesops.JobRun", "field": "get()"},
]


def settings_under_test() -> dict:
    """The settings every test runs under; data made once for several tests (outside any one
    test's `settings`) is made under them too, or a password hashed then would not match."""
    from django.conf import settings

    return {
        "LANGUAGE_CODE": "en",  # assertions read English; tests of Chinese ask for it
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "MIDDLEWARE": [*settings.MIDDLEWARE, "zeal.middleware.zeal_middleware"],
        "ZEAL_ALLOWLIST": N_PLUS_ONE_ALLOWED,
    }


@pytest.fixture(autouse=True)
def _test_settings(settings, _n_plus_one_detector):
    for name, value in settings_under_test().items():
        setattr(settings, name, value)


@dataclass
class World:
    """Two regions with a small territory tree, and one person in every role."""

    east: Region
    south: Region
    zhejiang: Territory
    hangzhou: Territory
    xihu: Territory
    ningbo: Territory
    shanghai: Territory
    shanghai_city: Territory
    jiangsu: Territory
    guangdong: Territory
    guangzhou: Territory
    shenzhen: Territory
    manager: User
    salesperson: User
    colleague: User
    other_salesperson: User
    other_manager: User
    director: User
    head_office: User
    admin: User
    outsider: User

    password: str = PASSWORD


def _hold(person: User, territory: Territory) -> Assignment:
    return Assignment.objects.create(
        territory=territory, salesperson=person, started_on=timezone.localdate()
    )


@pytest.fixture
def personas(db) -> World:
    return build_world()


def build_world() -> World:
    east = RegionFactory(code="east-china", name_zh="华东大区", name_en="East China")
    south = RegionFactory(code="south-china", name_zh="华南大区", name_en="South China")
    zhejiang = make_territory(
        "330000", "浙江省", "Zhejiang", region=east, lat="30.27", lng="120.15"
    )
    hangzhou = make_territory(
        "330100", "杭州市", "Hangzhou", parent=zhejiang, lat="30.27", lng="120.15"
    )
    xihu = make_territory(
        "330106", "西湖区", "Xihu District", parent=hangzhou, lat="30.26", lng="120.13"
    )
    ningbo = make_territory(
        "330200", "宁波市", "Ningbo", parent=zhejiang, lat="29.87", lng="121.54"
    )
    shanghai = make_territory(
        "310000", "上海市", "Shanghai", region=east, lat="31.23", lng="121.47"
    )
    shanghai_city = make_territory("310100", "上海市市辖区", "Shanghai", parent=shanghai)
    jiangsu = make_territory("320000", "江苏省", "Jiangsu", region=east, lat="32.06", lng="118.79")
    guangdong = make_territory(
        "440000", "广东省", "Guangdong", region=south, lat="23.13", lng="113.26"
    )
    guangzhou = make_territory("440100", "广州市", "Guangzhou", parent=guangdong)
    shenzhen = make_territory("440300", "深圳市", "Shenzhen", parent=guangdong)
    east.office_city = shanghai_city
    east.save()
    south.office_city = guangzhou
    south.save()

    world = World(
        east=east,
        south=south,
        zhejiang=zhejiang,
        hangzhou=hangzhou,
        xihu=xihu,
        ningbo=ningbo,
        shanghai=shanghai,
        shanghai_city=shanghai_city,
        jiangsu=jiangsu,
        guangdong=guangdong,
        guangzhou=guangzhou,
        shenzhen=shenzhen,
        manager=UserFactory(
            username="wang", display_name="王建国", role=Role.MANAGER, regions=[east]
        ),
        salesperson=UserFactory(
            username="li", display_name="李明", role=Role.SALESPERSON, regions=[east]
        ),
        colleague=UserFactory(
            username="zhang", display_name="张伟", role=Role.SALESPERSON, regions=[east]
        ),
        other_salesperson=UserFactory(
            username="lin", display_name="林晓燕", role=Role.SALESPERSON, regions=[south]
        ),
        other_manager=UserFactory(
            username="huang", display_name="黄志强", role=Role.MANAGER, regions=[south]
        ),
        director=UserFactory(
            username="zhao", display_name="赵立新", role=Role.DIRECTOR, regions=[east, south]
        ),
        head_office=UserFactory(username="sun", display_name="孙丽华", role=Role.HEAD_OFFICE),
        admin=UserFactory(
            username="root", display_name="Admin", role=Role.ADMIN, is_staff=True, is_superuser=True
        ),
        outsider=UserFactory(username="nobody", display_name="Nobody", role=""),
    )
    _hold(world.manager, shanghai_city)
    _hold(world.salesperson, zhejiang)
    _hold(world.colleague, jiangsu)
    _hold(world.other_salesperson, shenzhen)
    _hold(world.other_manager, guangzhou)
    return world


@pytest.fixture
def login(client):
    """`login(user)` signs the test client in as that persona (None stays anonymous)."""

    def _login(user: User | None):
        client.logout()
        if user is not None:
            sign_in(client, user)
        return client

    return _login


# --- background work -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Tasks run in-process in ordinary tests, even when REDIS_URL names a broker; the
    `celery_worker` fixture switches to the real broker and a real worker."""
    from salesops.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = True


@pytest.fixture(scope="module")
def _worker_of_the_module():
    """One real Celery worker (a thread of this process) for a module's worker tests: stopping
    a worker takes about a second. Between tests it waits idle on the queue.

    Skipped on the embedded default (no REDIS_URL): there is no broker to talk to.
    """
    import os

    from celery.contrib.testing.worker import start_worker

    from salesops.celery import app

    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL: a real broker for a real worker")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


@pytest.fixture
def celery_worker(transactional_db, _worker_of_the_module):
    """A real Celery worker consuming from Redis: this test's tasks go to the broker."""
    from salesops.celery import app

    app.conf.task_always_eager = False
    yield _worker_of_the_module
    app.conf.task_always_eager = True


# --- real browser ----------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Playwright driving the system Chromium (installed by apt, never downloaded)."""
    import os

    if not os.path.exists(CHROMIUM):
        pytest.skip("system Chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the test body's ORM calls are
    # still plain synchronous code, so Django's async guard does not apply to them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


BROWSER_LOCALES = {"zh-hans": "zh-CN", "en": "en-US"}
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def open_tab(browser, live_server):
    """Opens browser tabs at laptop size in a language ("zh-hans", the default, or "en").

    Every page a tab visits must log no console error: a failed request, an htmx error or a
    script error fails the test that caused it.
    """
    contexts, console_errors = [], []

    def _open(language: str = "zh-hans"):
        context = browser.new_context(
            base_url=live_server.url, locale=BROWSER_LOCALES[language], viewport=LAPTOP
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        tab = context.new_page()
        tab.base_url = live_server.url
        tab.on(
            "console",
            lambda message: (
                message.type == "error" and console_errors.append(f"{tab.url}: {message.text}")
            ),
        )
        tab.on("pageerror", lambda error: console_errors.append(f"{tab.url}: {error}"))
        return tab

    yield _open
    for context in contexts:
        context.close()
    assert not console_errors, console_errors


@pytest.fixture
def page(open_tab):
    """A fresh browser tab in English against the live server; `page.base_url` is its root."""
    return open_tab("en")


@pytest.fixture(params=["zh-hans", "en"])
def lang_page(request, open_tab):
    """The same journey in Simplified Chinese and in English: `lang_page.language` says which."""
    tab = open_tab(request.param)
    tab.language = request.param
    return tab


def pick_suggestion(page, field, typed: str, name: str) -> None:
    """Type part of a name into an autocomplete and take the suggestion that names `name`."""
    field.fill("")
    field.press_sequentially(typed, delay=30)
    list_id = field.get_attribute("list")
    option = page.locator(f"#{list_id} option[value^='{name} #']")
    option.wait_for(state="attached")
    field.fill(option.get_attribute("value"))
    # Taking the suggestion is typing too: its own request for suggestions goes out after the
    # field's delay. A person reads the choice before submitting; a test that submitted at once
    # would navigate away from that request, which htmx logs as an error (htmx:sendAbort).
    page.wait_for_load_state("networkidle")


def current_code(device) -> str:
    """The six digits an authenticator app shows for `device` now (RFC 6238, django-otp's own
    algorithm), at a time step the device has not used yet: django-otp refuses a code whose
    step was already used, as when one person signs in twice within 30 seconds."""
    import time

    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:  # the device's tolerance accepts the next step's code
        totp.time += device.step
    return f"{totp.token():06d}"


def log_in_through_browser(page, user: User, password: str = PASSWORD) -> None:
    """The login form, and for the roles that need it the code from their authenticator."""
    from salesops import access

    device = give_authenticator(user) if access.needs_second_factor(user) else None
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")
    if device is not None:
        page.wait_for_url("**/accounts/code/**")
        page.locator("#id_code").fill(current_code(device))
        page.locator("#id_code").press("Enter")
    page.wait_for_url(lambda url: "/accounts/" not in url)  # signed in, on the home page


def follow_menu(page, name: str, *, exact: bool = False) -> None:
    """Click the menu entry `name`, opening its group's dropdown first when it is folded."""
    menu = page.locator("#main-menu-groups")
    link = menu.get_by_role("link", name=name, exact=exact, include_hidden=True).first
    if not link.is_visible():
        link.locator("xpath=ancestor::li[contains(@class, 'dropdown')][1]/button").click()
    link.click()
