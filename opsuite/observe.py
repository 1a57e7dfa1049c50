"""Operations: structured logs with request ids, and Prometheus metrics.

- ``ObserveMiddleware`` (outermost) times every request, writes one access line per request
  (method, route, status, duration, request id) and counts it for /metrics.
- Logs are JSON lines when ``server.log_format`` is json (or plain text for people at a terminal);
  every line written while a request is handled carries its request id.
- ``/metrics`` serves the request counters and latency histogram (prometheus-client; added up
  over every worker of `opsuite serve --workers N`, see ``metrics_folder``), plus values read
  from the database that are the same in every process: the outbox by status and the last run
  of every scheduled job.
"""

from __future__ import annotations

import atexit
import contextvars
import json
import logging
import os
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar(
    "opsuite_request_id", default="-"
)
access_log = logging.getLogger("opsuite.access")

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The request counter and latency histogram, by route name (prometheus-client).

    Under ``opsuite serve --workers N`` (N > 1) every worker writes its figures to files in
    PROMETHEUS_MULTIPROC_DIR (see ``metrics_folder``) and a scrape of any worker adds up all of
    them, so a counter never jumps between processes. Elsewhere (one worker, the tests) they
    are this process's. prometheus-client picks its storage when first imported, so it is
    imported here on first use, after ``opsuite serve`` has set the folder.
    """

    def __init__(self) -> None:
        self._ready = False
        self.multiprocess = False
        # The labelled children, kept: prometheus-client's labels() checks and locks on every
        # call, a measurable share of a poll answered from memory (bench/feeds.py).
        self._counted: dict[tuple[str, str, int], Any] = {}
        self._timed: dict[str, Any] = {}

    def _setup(self) -> None:
        import prometheus_client
        from prometheus_client import CollectorRegistry, Counter, Histogram

        prometheus_client.disable_created_metrics()  # type: ignore[no-untyped-call]
        self.multiprocess = bool(os.environ.get(MULTIPROC_ENV))
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "opsuite_http_requests",
            "HTTP requests answered (by every worker of this server).",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "opsuite_http_request_duration_seconds",
            "Time to answer, by route.",
            ["route"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        if self.multiprocess:
            from prometheus_client import multiprocess

            # Only live gauges keep per-process files that must go; counters and histograms
            # of a finished worker stay counted, as Prometheus expects of a counter.
            atexit.register(multiprocess.mark_process_dead, os.getpid())
        self._ready = True

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        counter = self._counted.get((route, method, status))
        if counter is None:
            if not self._ready:
                self._setup()
            counter = self._counted[route, method, status] = self.requests.labels(
                route, method, str(status)
            )
        timer = self._timed.get(route)
        if timer is None:
            timer = self._timed[route] = self.duration.labels(route)
        counter.inc()
        timer.observe(seconds)

    def render(self) -> list[str]:
        from prometheus_client import CollectorRegistry, generate_latest

        if not self._ready:
            self._setup()
        registry = self.registry
        if self.multiprocess:
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry).decode("utf-8").splitlines()


@contextmanager
def metrics_folder(workers: int) -> Iterator[None]:
    """For `opsuite serve`: with several workers, give them one empty folder to count in
    (PROMETHEUS_MULTIPROC_DIR; the operator's own if set, else a temporary one removed at
    the end). Files left by an earlier run are deleted first, so counts start at zero."""
    folder = os.environ.get(MULTIPROC_ENV, "")
    if workers <= 1 and not folder:
        yield
        return
    made = not folder
    path = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="opsuite-metrics-"))
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROC_ENV] = str(path)
    try:
        yield
    finally:
        if made:
            shutil.rmtree(path, ignore_errors=True)
            os.environ.pop(MULTIPROC_ENV, None)


METRICS = Metrics()


def _route_name(scope: Scope) -> str:
    route = scope.get("route")
    name = getattr(route, "name", None) or getattr(route, "path", None)
    return str(name) if name else "unmatched"


class ObserveMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        token = request_id_var.set(_incoming_request_id(scope) or os.urandom(8).hex())
        scope.setdefault("state", {})["request_id"] = request_id_var.get()

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            seconds = time.perf_counter() - started
            route = _route_name(scope)
            if route != "static":
                METRICS.observe(route, scope["method"], status, seconds)
            if access_log.isEnabledFor(logging.INFO):
                path = logged_path(scope)
                access_log.info(
                    "%s %s %s %.1fms",
                    scope["method"],
                    path,
                    status,
                    seconds * 1000,
                    extra={
                        "route": route,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 1),
                        "method": scope["method"],
                        "path": path,
                    },
                )
            request_id_var.reset(token)


# Path parts that are secrets: a feed's token, one-time links, signed links from emails.
SECRET_PATH_PARAMS = ("token", "sig", "signature")


def logged_path(scope: Scope) -> str:
    """The path as the access log writes it: secret parts replaced, so a log reader cannot
    poll someone's calendar feed or use their reset link."""
    path = str(scope["path"])
    params = scope.get("path_params") or {}
    for name in SECRET_PATH_PARAMS:
        value = str(params.get(name, ""))
        if value:
            path = path.replace(value, "[redacted]")
    return path


def _incoming_request_id(scope: Scope) -> str:
    """A proxy's X-Request-ID is kept (so logs join up across hops) when it looks sane."""
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text = str(value.decode("latin-1"))
            if 0 < len(text) <= 64 and all(c.isalnum() or c in "-_." for c in text):
                return text
    return ""


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class OutageFilter(logging.Filter):
    """A lost database is an expected failure: a library's record of it (asyncpg's pool
    retrying its connections, say) keeps its line but loses the traceback, which says nothing
    the line does not and would repeat for every retry of an outage."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            from opsuite.web.errors import is_database_unavailable

            error = record.exc_info[1]
            if is_database_unavailable(error):
                record.msg = f"{record.msg} ({type(error).__name__}: {error})"
                record.exc_info = None
                record.exc_text = None
        return True


class JsonFormatter(logging.Formatter):
    FIELDS = ("route", "status", "duration_ms", "method", "path")

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": str(self.formatTime(record, "%Y-%m-%dT%H:%M:%S")) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for key in self.FIELDS:
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def log_config(fmt: str) -> dict[str, Any]:
    """logging.config.dictConfig for `opsuite serve` and `opsuite worker` (and uvicorn);
    ``fmt`` is server.log_format, "text" or "json"."""
    formatter: dict[str, Any] = (
        {"()": "opsuite.observe.JsonFormatter"}
        if fmt == "json"
        else {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    )
    formatter_name = "json" if fmt == "json" else "text"
    formatter_class = {"json": formatter} if fmt == "json" else {"text": formatter}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "opsuite.observe.RequestIdFilter"},
            "outage": {"()": "opsuite.observe.OutageFilter"},
        },
        "formatters": formatter_class,
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": formatter_name,
                "filters": ["request_id", "outage"],
            }
        },
        "root": {"handlers": ["stderr"], "level": "INFO"},
        "loggers": {
            # opsuite writes its own access line (with route, duration and request id).
            "uvicorn.access": {"level": "WARNING"},
            "apscheduler": {"level": "WARNING"},
            "tortoise": {"level": "WARNING"},
        },
    }


async def metrics_text() -> str:
    """The server's request metrics plus database-wide outbox and job figures."""
    from tortoise.functions import Count

    from opsuite.notify.models import JobRun, Notification

    lines = METRICS.render()
    lines += [
        "# HELP opsuite_outbox_messages Messages in the outbox, by status (all processes).",
        "# TYPE opsuite_outbox_messages gauge",
    ]
    counts: dict[str, int] = defaultdict(int)
    grouped = await Notification.annotate(n=Count("id")).group_by("status").values("status", "n")
    for row in grouped:
        counts[str(row["status"])] = int(row["n"])
    for status in ("pending", "sending", "sent", "failed", "cancelled"):
        lines.append(f'opsuite_outbox_messages{{status="{status}"}} {counts[status]}')
    lines += [
        "# HELP opsuite_job_runs_total Completed runs of each scheduled job (all processes).",
        "# TYPE opsuite_job_runs_total counter",
        "# HELP opsuite_job_last_success Whether the job's last run succeeded (1) or failed (0).",
        "# TYPE opsuite_job_last_success gauge",
        "# HELP opsuite_job_last_finished_timestamp_seconds When the job last finished.",
        "# TYPE opsuite_job_last_finished_timestamp_seconds gauge",
    ]
    for run in await JobRun.all().order_by("job_id"):
        label = f'job="{run.job_id}"'
        lines.append(f"opsuite_job_runs_total{{{label}}} {run.runs}")
        lines.append(f"opsuite_job_last_success{{{label}}} {int(run.last_status == 'ok')}")
        if run.last_finished_at is not None:
            lines.append(
                f"opsuite_job_last_finished_timestamp_seconds{{{label}}} "
                f"{run.last_finished_at.timestamp():.0f}"
            )
    lines += [
        "# HELP process_resident_memory_bytes Resident memory of this process.",
        "# TYPE process_resident_memory_bytes gauge",
        f"process_resident_memory_bytes {_resident_bytes()}",
    ]
    return "\n".join(lines) + "\n"


def _resident_bytes() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0
