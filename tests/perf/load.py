"""P8, HTTP under load: people of the three kinds driving a running server over HTTP.

Salespeople open their customer list and a customer's page and log a visit; managers open the
approvals queue and approve the first plan waiting, when one is; head office opens the latest
rollup. Every virtual user signs in through the real login page and, where the role needs it,
the second-factor code page (a TOTP code from the key the benchmark gave its account).

The same virtual users run twice: one after another in a single thread (1 user), then each in
its own thread at once (10 users), the same number of rounds each, so both runs send the same
requests. In the 10-user run each person pauses between two clicks, as people do (reading the
page, typing the visit): an exponential pause with a mean of `BENCH_THINK_SECONDS` (1 s by
default, which is brisk for someone filling in a visit; 0 sends the next request at once, a
stress test rather than ten people). The pauses are not counted in the latencies, and the
1-user run has none (one user's requests never overlap whatever they wait). The figure is p95
at 10 users ÷ p95 at 1 user; an error is any answer outside 200–399 or a failed connection.
Only the standard library is used: the driver runs in the benchmark's parent process, outside
Django."""

import hmac
import http.client
import os
import random
import re
import statistics
import struct
import threading
import time
from datetime import datetime, timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

_WAITING_PLAN = re.compile(r"/approvals/trip_plan/(\d+)/decide/")
# The visit form takes the company's local time (rules.md §0.2; the generated tiers keep the
# default zone).
COMPANY_ZONE = ZoneInfo("Asia/Shanghai")
THINK_SECONDS = float(os.environ.get("BENCH_THINK_SECONDS", "1.0"))


def totp_code(key: bytes, moment: float | None = None) -> str:
    """The six-digit TOTP code (RFC 6238: 30-second steps, HMAC-SHA1) of `key` at `moment`."""
    counter = int((time.time() if moment is None else moment) // 30)
    digest = hmac.digest(key, struct.pack(">Q", counter), "sha1")
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


class Browser:
    """One signed-in person: a keep-alive connection and the session's cookies."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(host, port, timeout=60)

    def copy(self) -> "Browser":
        """The same session on a connection of its own (another thread of the same person)."""
        twin = Browser(self.host, self.port)
        twin.cookies = dict(self.cookies)
        return twin

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()  # the next request opens a new connection
            raise
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, text


def sign_in(browser: Browser, username: str, password: str, totp_key: bytes | None) -> None:
    """The real sign-in: the login form, then the code page for roles with a second factor."""
    browser.request("GET", "/accounts/login/")
    status, _ = browser.request(
        "POST", "/accounts/login/", {"username": username, "password": password}
    )
    if status != 302:
        raise SystemExit(f"{username} could not sign in (HTTP {status}).")
    if totp_key is not None:
        status, _ = browser.request("POST", "/accounts/code/", {"code": totp_code(totp_key)})
        if status != 302:
            raise SystemExit(f"{username}'s second-factor code was refused (HTTP {status}).")


class Timings:
    """Latencies and errors, shared by the threads of one run."""

    def __init__(self):
        self.lock = threading.Lock()
        self.seconds: list[float] = []
        self.errors = 0
        self.think = 0.0  # mean pause before each request, seconds
        self.pauses = threading.local()

    def call(self, browser: Browser, method: str, path: str, form: dict | None = None) -> str:
        if self.think:
            time.sleep(self.pauses.rng.expovariate(1 / self.think))
        started = time.perf_counter()
        try:
            status, text = browser.request(method, path, form)
        except (OSError, http.client.HTTPException):
            status, text = 0, ""
        elapsed = time.perf_counter() - started
        with self.lock:
            self.seconds.append(elapsed)
            self.errors += not 200 <= status < 400
        return text


def visit_form(customer_name: str, discussion: str) -> dict:
    """The visit a salesperson logs, five minutes ago, to a customer typed by name: the load
    stage's post, and the one the benchmark times in process (`measure.measure_posts`)."""
    return {
        "customer": customer_name,
        "visited_at": (datetime.now(COMPANY_ZONE) - timedelta(minutes=5)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "kind": "phone",
        "person_met": "Purchasing",
        "discussion": discussion,
        "result": "Quote requested",
        "next_step": "Send the quote",
    }


def salesperson_round(browser: Browser, person: dict, timings: Timings, turn: int) -> None:
    customer = person["customers"][turn % len(person["customers"])]
    timings.call(browser, "GET", "/customers/")
    timings.call(browser, "GET", f"/customers/{customer['id']}/")
    timings.call(browser, "GET", "/visits/new/")
    timings.call(
        browser, "POST", "/visits/new/", visit_form(customer["name"], person["discussion"])
    )


def manager_round(browser: Browser, person: dict, timings: Timings, turn: int) -> None:
    queue = timings.call(browser, "GET", "/approvals/")
    waiting = _WAITING_PLAN.search(queue)
    if waiting:
        path = f"/approvals/trip_plan/{waiting.group(1)}/decide/"
        timings.call(browser, "POST", path, {"decision": "approve", "next": "/approvals/"})


def head_office_round(browser: Browser, person: dict, timings: Timings, turn: int) -> None:
    timings.call(browser, "GET", person["rollup_url"])
    timings.call(browser, "GET", "/")


ROUNDS = {"salesperson": salesperson_round, "manager": manager_round}
ROUNDS["head_office"] = head_office_round


def _run(users: list[tuple[Browser, dict]], rounds: int, concurrent: bool) -> Timings:
    timings = Timings()

    def work(browser: Browser, person: dict, seed: int) -> None:
        timings.pauses.rng = random.Random(seed)  # this thread's own, seeded: repeatable
        for turn in range(rounds):
            ROUNDS[person["kind"]](browser, person, timings, turn)

    if not concurrent:
        for turn in range(rounds):
            for browser, person in users:
                ROUNDS[person["kind"]](browser, person, timings, turn)
        return timings
    timings.think = THINK_SECONDS
    threads = [threading.Thread(target=work, args=(*user, seed)) for seed, user in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run_load(host: str, port: int, cast: dict, rounds: int) -> dict:
    """Sign the cast in, warm the server up, then the 1-user and the 10-user runs."""
    key = bytes.fromhex(cast["totp_key"])
    signed_in: dict[str, Browser] = {}
    users = []
    for person in cast["users"]:
        browser = signed_in.get(person["username"])
        if browser is None:
            browser = Browser(host, port)
            sign_in(browser, person["username"], cast["password"], key if person["mfa"] else None)
            signed_in[person["username"]] = browser
        else:
            browser = browser.copy()
        users.append((browser, person))
    _run(users, 1, concurrent=False)  # warm-up: every worker process loads its code
    alone = _run(users, rounds, concurrent=False)
    together = _run(users, rounds, concurrent=True)
    return {
        "users": len(users),
        "rounds": rounds,
        "requests_1": len(alone.seconds),
        "requests_10": len(together.seconds),
        "p95_1_ms": round(_p95(alone.seconds) * 1000, 1),
        "p95_10_ms": round(_p95(together.seconds) * 1000, 1),
        "median_1_ms": round(statistics.median(alone.seconds) * 1000, 1),
        "median_10_ms": round(statistics.median(together.seconds) * 1000, 1),
        "ratio": round(_p95(together.seconds) / _p95(alone.seconds), 2),
        "think_seconds": THINK_SECONDS,
        "errors": alone.errors + together.errors,
    }
