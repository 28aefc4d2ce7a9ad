"""Fault tests of background work (issue 13): a real worker and a real Redis of the test's own,
killed at the worst moments. In every case the end state equals a clean run (the same rows,
none missing or doubled) within the sweeper's interval, with nobody stepping in.

Each test starts its own redis-server on a free port and its own Celery worker (with beat
embedded, so the ledger's sweeper runs) as subprocesses against the test database, with a
short lease and sweep interval. They run where CI runs the worker tests: PostgreSQL + Redis.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from customers import classification, importing, tasks
from customers.models import ClassChange, Customer, ImportBatch
from sales.models import Sale, SalesImport, ScoringRun
from salesops import ledger
from salesops.celery import app
from salesops.models import JobRun
from tests.broker import forget_connections
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.worker

ROOT = Path(settings.BASE_DIR)
LEASE_SECONDS = 4
SWEEP_SECONDS = 2
State = JobRun.State
REDIS_SERVER = shutil.which("redis-server") or "redis-server"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(predicate, *, timeout: float, step: float = 0.05, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(step)
    raise AssertionError(f"not within {timeout} s: {what}")


class Stack:
    """Our own redis-server and Celery worker (+ beat), started and killed at will."""

    def __init__(self, tmp_path: Path):
        self.tmp_path = tmp_path
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.redis = None
        self.worker = None
        self.starts = 0

    def start_redis(self) -> None:
        """An empty Redis: nothing saved, nothing appended."""
        self.redis = subprocess.Popen(  # noqa: S603 - our own fixed command line
            [REDIS_SERVER, "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for(self._redis_answers, timeout=10, what="redis-server answers")

    def _redis_answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as probe:
                probe.sendall(b"PING\r\n")
                return probe.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill_redis(self) -> None:
        self.redis.kill()
        self.redis.wait()

    def start_worker(self) -> None:
        database = connection.settings_dict
        env = {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
                f"{database['PORT'] or 5432}/{database['NAME']}"
            ),
            "REDIS_URL": self.url,
            "SECRET_KEY": "fault-tests",
            "JOB_LEASE_SECONDS": str(LEASE_SECONDS),
            "JOB_SWEEP_SECONDS": str(SWEEP_SECONDS),
            "JOB_REPUBLISH_AFTER_SECONDS": str(SWEEP_SECONDS),
            # The scenarios' own jobs only: no nightly job caught up by the sweeper mid-test.
            "JOB_CATCH_UP_NIGHTLY": "0",
            "CLASSIFY_BATCH_SIZE": "100",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
        self.starts += 1
        log = open(self.tmp_path / f"worker-{self.starts}.log", "wb")  # noqa: SIM115 - kept open
        self.worker = subprocess.Popen(  # noqa: S603 - our own fixed command line
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "salesops",
                "worker",
                "--beat",
                "--schedule",
                str(self.tmp_path / f"beat-{self.starts}"),
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--hostname",
                f"fault{self.starts}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed whole, beat included
        )

    def kill_worker(self) -> None:
        """kill -9 of the worker, its pool processes and its beat at once."""
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait()

    def stop(self) -> None:
        if self.worker is not None and self.worker.poll() is None:
            self.kill_worker()
        if self.redis is not None and self.redis.poll() is None:
            self.kill_redis()

    def log(self) -> str:
        return "\n".join(
            path.read_text(errors="replace")[-3000:]
            for path in sorted(self.tmp_path.glob("worker-*.log"))
        )


@contextmanager
def _publishing_to(url: str):
    """This process (the web side) publishes to the test's Redis, for real."""
    saved = (app.conf.broker_url, app.conf.result_backend)
    app.conf.broker_url = app.conf.result_backend = url
    forget_connections(app)
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.result_backend = saved
        forget_connections(app)
        app.conf.task_always_eager = True


@pytest.fixture
def stack(transactional_db, tmp_path):
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        pytest.skip("fault tests run on PostgreSQL with Redis (a worker in another process)")
    if not os.path.isabs(REDIS_SERVER):
        pytest.skip("redis-server is not installed")
    stack = Stack(tmp_path)
    stack.start_redis()
    try:
        with _publishing_to(stack.url):
            stack.start_worker()
            yield stack
    finally:
        stack.stop()
        print(stack.log())  # shown when a test fails


def _job(kind: str) -> JobRun | None:
    return JobRun.objects.filter(kind=kind).first()


def _worker_pid(kind: str) -> int | None:
    run = _job(kind)
    if run is None or run.state != State.RUNNING or not run.worker:
        return None
    return int(run.worker.rsplit(":", 1)[1])


# --- the prospect import ---------------------------------------------------------------------

# Enough lines that the write lasts well past the moment a test kills something: since the
# history triggers stopped raising an error per row, 3,000 lines could be written in the half
# second the tests wait.
IMPORT_LINES = 12_000


def _confirmed_import(personas, client) -> ImportBatch:
    lines = "".join(
        f"宁波故障客户{index:05d},330200,139{index:08d}\n" for index in range(IMPORT_LINES)
    )
    batch = importing.prepare_import(
        content=("客户名称,辖区,手机\n" + lines).encode(),
        file_name="big.csv",
        by=personas.salesperson,
    )
    client.post(reverse("customers:import_preview", args=[batch.pk]), {})
    return batch


def _imported_as_a_clean_run(batch: ImportBatch) -> None:
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    names = Customer.objects.filter(name__startswith="宁波故障客户")
    assert names.count() == IMPORT_LINES  # none missing
    assert names.values("name").distinct().count() == IMPORT_LINES  # none doubled
    assert not names.filter(customer_class="").exists()


def test_killing_the_pool_process_mid_import_ends_as_a_clean_run(stack, personas, login):
    batch = _confirmed_import(personas, login(personas.salesperson))
    _wait_for(lambda: _worker_pid("customers.import"), timeout=30, what="the import starts")
    pid = _worker_pid("customers.import")
    time.sleep(0.5)  # well inside the write transaction

    os.kill(pid, signal.SIGKILL)
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.QUEUED

    # Celery hands the message to a new pool process; the lease of the dead one runs out and
    # the sweeper gives the job out again; it imports from the stored lines.
    _wait_for(
        lambda: ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.DONE,
        timeout=90,
        step=0.2,
        what="the import ends",
    )
    _imported_as_a_clean_run(batch)
    assert _job("customers.import").attempts >= 2


def test_killing_the_whole_worker_mid_import_ends_as_a_clean_run(stack, personas, login):
    batch = _confirmed_import(personas, login(personas.salesperson))
    _wait_for(lambda: _worker_pid("customers.import"), timeout=30, what="the import starts")
    time.sleep(0.5)

    stack.kill_worker()
    stack.start_worker()  # what the compose file's restart policy does

    _wait_for(
        lambda: ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.DONE,
        timeout=90,
        step=0.2,
        what="the import ends after the restart",
    )
    _imported_as_a_clean_run(batch)


# --- the nightly classification --------------------------------------------------------------

CUSTOMERS = 5000


def _book(personas) -> None:
    today = timezone.localdate()
    Customer.objects.bulk_create(
        CustomerFactory.build(
            territory=personas.ningbo,
            estimated_monthly_demand=Decimal(60000 if index % 2 else 1000),
            expected_order_date=today if index % 3 == 0 else None,
        )
        for index in range(CUSTOMERS)
    )


def _classified_as_a_clean_run() -> None:
    run = _job("customers.tasks.classify_all")
    assert run.state == State.DONE
    # A clean classification now finds nothing to change, and no customer's change was kept
    # twice.
    assert classification.reclassify(Customer.objects.all()) == 0
    doubled = ClassChange.objects.values("customer").annotate(n=Count("id")).filter(n__gt=1)
    assert not doubled.exists()
    assert ClassChange.objects.count() == CUSTOMERS  # every customer left the empty class once


def _classification_is_midway() -> bool:
    run = _job("customers.tasks.classify_all")
    return run is not None and bool(run.cursor.get("after_pk"))


def test_killing_the_pool_process_mid_classification_ends_as_a_clean_run(stack, personas):
    _book(personas)
    tasks.classify_all.delay()  # as beat starts it
    _wait_for(_classification_is_midway, timeout=30, step=0.01, what="a batch committed")

    os.kill(_worker_pid("customers.tasks.classify_all"), signal.SIGKILL)

    _wait_for(
        lambda: _job("customers.tasks.classify_all").state == State.DONE,
        timeout=45,
        step=0.2,
        what="the classification ends",
    )
    _classified_as_a_clean_run()


def test_killing_the_whole_worker_mid_classification_ends_as_a_clean_run(stack, personas):
    _book(personas)
    tasks.classify_all.delay()
    _wait_for(_classification_is_midway, timeout=30, step=0.01, what="a batch committed")

    stack.kill_worker()
    # The message waits unacknowledged in Redis for its visibility timeout (an hour); the
    # restarted worker's sweeper gives the job out again once the dead one's lease runs out.
    stack.start_worker()

    _wait_for(
        lambda: _job("customers.tasks.classify_all").state == State.DONE,
        timeout=45,
        step=0.2,
        what="the classification ends after the restart",
    )
    _classified_as_a_clean_run()


# --- Redis down --------------------------------------------------------------------------------


def _timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_requests_succeed_while_redis_is_down_and_their_jobs_run_when_it_returns_empty(
    stack, personas, login
):
    customer = CustomerFactory(
        name="杭州某客户", territory=personas.ningbo, owner=personas.salesperson
    )
    CustomerFactory(name="宁波永固胶业", territory=personas.ningbo, owner=personas.salesperson)
    lines = "".join(f"宁波断线客户{index:03d},330200,139{index:08d}\n" for index in range(50))
    batch = importing.prepare_import(
        content=("客户名称,辖区,手机\n" + lines).encode(),
        file_name="p.csv",
        by=personas.salesperson,
    )
    stack.kill_redis()
    seller = login(personas.salesperson)

    edit, edit_took = _timed(
        lambda: seller.post(
            reverse("customers:edit", args=[customer.pk]),
            {
                "name": "杭州某客户",
                "channel": "terminal_large",
                "territory": personas.ningbo.pk,
                "estimated_monthly_demand": "50000",
            },
        )
    )
    confirm, confirm_took = _timed(
        lambda: seller.post(reverse("customers:import_preview", args=[batch.pk]), {})
    )
    manager = login(personas.manager)
    sales_csv = (
        "order_number,line,date,customer,salesperson,amount,gross_profit\n"
        "SO-1,1,2025-07-10 10:00,宁波永固胶业,li,1000,200\n"
    ).encode()
    head_office = login(personas.head_office)
    upload, upload_took = _timed(
        lambda: head_office.post(
            reverse("sales:import"), {"file": SimpleUploadedFile("s.csv", sales_csv)}
        )
    )
    rescore, rescore_took = _timed(
        lambda: manager.post(
            reverse("sales:run_scoring"),
            {"first_month": "2025-07", "last_month": "2025-07"},
            HTTP_HX_REQUEST="true",
        )
    )
    reset, reset_took = _timed(
        lambda: login(None).post(reverse("password_reset"), {"email": personas.salesperson.email})
    )

    # The normal answers, quickly: the changes are saved and the jobs wait in the ledger.
    assert [r.status_code for r in (edit, confirm, upload, rescore, reset)] == [302] * 3 + [
        200,
        302,
    ]
    assert "<progress" in rescore.content.decode()  # the run's progress: queued
    assert max(edit_took, confirm_took, upload_took, rescore_took, reset_took) < 5
    waiting = set(JobRun.objects.filter(state=State.QUEUED).values_list("kind", flat=True))
    assert {
        "customers.classify_customer",
        "customers.import",
        "sales.import",
        "sales.scoring_run",
        "salesops.password_reset_mail",
    } <= waiting
    seller = login(personas.salesperson)
    status_page, status_took = _timed(
        lambda: seller.get(reverse("customers:import_status", args=[batch.pk]))
    )
    # Progress is unknown while Redis is down: the page shows the batch queued, no error.
    assert (status_page.status_code, status_took < 5) == (200, True)

    stack.start_redis()  # empty: every message published before is gone

    _wait_for(
        lambda: not JobRun.objects.exclude(state=State.DONE).exists(),
        timeout=45,
        step=0.2,
        what="every job of the ledger ends",
    )
    customer.refresh_from_db()
    assert customer.customer_class == "C"
    assert Customer.objects.filter(name__startswith="宁波断线客户").count() == 50
    assert SalesImport.objects.get().status == "done"
    assert Sale.objects.count() == 1
    assert ScoringRun.objects.get().status == ScoringRun.Status.DONE


def test_killing_redis_while_a_job_runs_the_worker_reconnects_by_itself(stack, personas, login):
    batch = _confirmed_import(personas, login(personas.salesperson))
    _wait_for(lambda: _worker_pid("customers.import"), timeout=30, what="the import starts")

    stack.kill_redis()
    time.sleep(1)
    stack.start_redis()  # empty

    _wait_for(
        lambda: ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.DONE,
        timeout=90,
        step=0.2,
        what="the import ends",
    )
    _imported_as_a_clean_run(batch)
    # And the worker still consumes: a new job runs without anyone restarting it.
    customer = CustomerFactory(territory=personas.ningbo, estimated_monthly_demand=60000)
    with transaction.atomic():
        ledger.enqueue(
            "customers.classify_customer",
            customer.pk,
            tasks.classify_customer,
            customer_id=customer.pk,
        )
    _wait_for(
        lambda: _job("customers.classify_customer").state == State.DONE,
        timeout=30,
        step=0.2,
        what="a job queued after the outage runs",
    )
