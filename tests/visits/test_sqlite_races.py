"""Two people approving the same request at the same moment on the embedded default: the app as
`make run` serves it (runserver, threads, SQLite in a file). One decision wins; the other person
is told who decided, sees the request in its decided state, and nobody sees a server error.
The same for trip plans, expense claims and cross-territory requests (salesops.approvals)."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 10


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _manage(env, *args, **kwargs):
    command = [sys.executable, str(ROOT / "manage.py"), *args]
    return subprocess.run(  # noqa: S603 (our own manage.py)
        command, env=env, cwd=ROOT, check=True, capture_output=True, **kwargs
    )


class Browser:
    """One signed-in person: a cookie jar and the CSRF token, as the browser would hold them."""

    def __init__(self, base_url: str, language: str):
        self.base_url = base_url
        self.language = language
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def csrf_token(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")

    def request(self, path: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        url = self.base_url + path  # always the test server on loopback
        headers = (headers or {}) | {"Accept-Language": self.language}
        request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def log_in(self, username: str, code: str) -> None:
        """The password, then the second factor (a recovery code: the manager's role needs one)."""
        self.request("/accounts/login/")
        fields = {"username": username, "password": PASSWORD}
        status, _ = self.request(
            "/accounts/login/", fields | {"csrfmiddlewaretoken": self.csrf_token()}
        )
        assert status == 200, status
        fields = {"code": code, "csrfmiddlewaretoken": self.csrf_token()}
        status, page = self.request("/accounts/code/", fields)
        assert status == 200 and 'id="mfa-verify"' not in page, status

    def decide(self, key: str, pk: int):
        headers = {"HX-Request": "true", "X-CSRFToken": self.csrf_token()}
        data = {"decision": "approve", "comment": ""}
        return self.request(f"/approvals/{key}/{pk}/decide/", data, headers)


@pytest.fixture(scope="module")
def embedded_server(tmp_path_factory):
    """`make run`'s shape on a fresh SQLite file: migrated, people and plans made, serving.

    One server for the module: migrating a fresh file and starting runserver cost about as
    long as the three races together, and each race decides only its own kind of request and
    signs in with its own recovery codes, so no race sees another's decisions."""
    env = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "REDIS_URL")
    }
    database = tmp_path_factory.mktemp("embedded") / "salesops.sqlite3"
    env |= {"DATABASE_URL": f"sqlite:///{database}", "DEBUG": "1"}
    env.setdefault("SECRET_KEY", "race-test-only")
    _manage(env, "migrate", "--noinput")
    script = f"from tests.visits.race_world import build; build({ROUNDS})"
    world = json.loads(_manage(env, "shell", "-c", script, text=True).stdout.splitlines()[-1])
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base_url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base_url + "/health/", timeout=1)  # noqa: S310 (loopback)
            break
        except OSError:
            time.sleep(0.2)
    yield base_url, world
    server.terminate()
    server.wait(timeout=10)


def _race(first: Browser, second: Browser, key: str, pk: int):
    start = threading.Barrier(2)
    answers = [None, None]

    def post(index, person):
        start.wait()
        answers[index] = person.decide(key, pk)

    threads = [threading.Thread(target=post, args=pair) for pair in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.parametrize("key", ["trip_plan", "expense_claim", "cross_territory_request"])
def test_simultaneous_approvals_give_one_decision_and_a_clear_answer(embedded_server, key):
    base_url, world = embedded_server
    # The manager in two tabs, in two languages: at the office and on the road.
    office, road = Browser(base_url, "en"), Browser(base_url, "zh-CN")
    office_code, road_code = world["recovery_codes"][key]
    office.log_in(world["manager"], office_code)
    road.log_in(world["manager"], road_code)

    for pk in world[key]:
        answers = _race(office, road, key, pk)

        assert [status for status, _ in answers] == [200, 200]
        losers = [body for _, body in answers if 'role="alert"' in body]
        assert len(losers) == 1, answers
        loser = losers[0]
        assert (
            "already decided by 王建国 (Approved)" in loser or "已由 王建国 处理（已批准）" in loser
        )
        assert 'name="decision"' not in loser  # the loser's box has no live buttons
