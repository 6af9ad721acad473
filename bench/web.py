"""Benchmark: the public site under gunicorn against PostgreSQL, as ratios to bare Flask.

    make bench      # or: .venv/bin/python bench/web.py [--database-url URL] [--duration 5]

Recreates its own PostgreSQL database (`incontri_bench` by default) with bench/dataset.py
(1,000 events of every type, 20,000 registrations), then serves the app and a one-route Flask
app (bench/ceiling.py, the ceiling) with the same gunicorn settings (deploy/gunicorn.conf.py,
two workers, no worker recycling, no access log), and drives each page with wrk from its own
process over loopback, between shorter runs against the ceiling: on a shared machine the load
moves during the run, and each ratio is taken to the mean of the ceiling runs around it. The cache is Redis when one answers on
127.0.0.1:6379 (shared by both workers, as by several servers), else each worker's memory.

Prints requests/second, p50 and p99 per page and its ratio to the ceiling against the targets
(and a ceiling run at the start and at the end), the peak RSS of each worker, and the
render time of each page in this process without the cache; writes the table (web.txt,
web.json) and a plot (web.png) to bench/results/. Exits non-zero if a page answered an error
or a registration overbooked its event. Takes about three minutes.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import dataset  # noqa: E402

from app import create_app, dataversion, prepare_to_serve  # noqa: E402
from app.extensions import db  # noqa: E402

RESULTS = ROOT / "bench" / "results"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
SECRET_KEY = "bench-" + uuid.uuid4().hex

#: Page → the least ratio to the ceiling it should reach (issue 13).
TARGETS = {
    "304 feed": 0.8,
    "/calendario.ics": 0.6,
    "/eventi/<course>": 0.4,
    "/api/v1/events": 0.4,
    "/api/v1/events/<slug>": 0.4,
    "/": 0.3,
    "/eventi": 0.3,
    "/eventi?q=…": 0.3,
    "POST registration": 0.1,
}
#: Bare Flask answering as many bytes as the feed holds (bench/ceiling.py).
FEED_SIZED = "bare Flask, feed's bytes"
#: Uncached render of /eventi in this process, in milliseconds.
EVENTI_RENDER_MS = 5.0


# -- the database and the data ----------------------------------------------------------------


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://"))
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def build_data(url: str) -> dict:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY})
    with app.app_context():
        db.create_all()
        slugs = dataset.build()
        db.session.remove()
        # What autovacuum does within a minute of such a load on a served database: without
        # statistics the planner guesses one row per table and joins before it limits.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
        db.engine.dispose()
    return slugs


def render_times(url: str, pages: dict[str, str], cache: str | None, repeat: int = 60) -> dict[str, float]:
    """Median milliseconds to answer each page in this process with the page cache turned off,
    configured as the served app (the data version heard from Redis when it is there) and
    prepared as gunicorn prepares a worker, once the worker is warm: after a few renders, so
    that PostgreSQL reuses the plans of the page's statements as it does for a worker that has
    served for a while (psycopg prepares a statement at its sixth run on a connection, and
    PostgreSQL settles on a generic plan after five more)."""
    config = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY, "CACHE_TYPE": "NullCache"}
    if cache:
        config.update(CACHE_REDIS_URL=cache, CACHE_KEY_PREFIX=f"bench-render-{uuid.uuid4().hex[:8]}:")
    app = create_app(config)
    prepare_to_serve(app)
    client = app.test_client()
    times = {}
    for name, path in pages.items():
        feed = path.endswith(".ics")
        for _ in range(2 if feed else 12):
            client.get(path)
        samples = []
        for _ in range(5 if feed else repeat):
            start = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (path, response.status_code)
        times[name] = statistics.median(samples)
    with app.app_context():
        db.engine.dispose()
    dataversion.stop_listening(app)
    return times


# -- the servers ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_url() -> str | None:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return "redis://127.0.0.1:6379/14" if s.recv(16).startswith(b"+PONG") else None
    except OSError:
        return None


class Server:
    """gunicorn with the production settings, two workers, on a free port."""

    def __init__(self, app_spec: str, env: dict, log: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603  (our own gunicorn and arguments)
            [GUNICORN, "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "--workers", "2", "--bind",
             f"127.0.0.1:{self.port}", "--max-requests", "0", "--access-logfile", "/dev/null", app_spec],
            cwd=ROOT, env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if get(self.base + "/")[0] < 500:
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"{app_spec} did not start; see {log}")

    def workers(self) -> list[int]:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def peak_rss_mib(self) -> list[float]:
        peaks = []
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
        return sorted(peaks)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


# -- the load ---------------------------------------------------------------------------------


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, args, headers: tuple[str, ...] = (), script: Path | None = None, seconds: int | None = None) -> dict:
    duration = seconds or args.duration
    command = ["wrk", "-t2", f"-c{args.connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603

    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        return float(value) * UNITS[unit]

    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": (int(bad.group(1)) if bad else 0)
        + (sum(int(n) for n in socket_errors.groups()[1:]) if socket_errors else 0),
        "connect_errors": int(socket_errors.group(1)) if socket_errors else 0,
    }


POST_SCRIPT = """
local counter = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
request = function()
  counter = counter + 1
  local body = %(body)s .. "&email=bench-%(run)s-" .. id .. "-" .. counter .. "%%40comune.example.it"
  return wrk.format("POST", %(path)s, {["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = %(cookie)s}, body)
end
"""


def lua(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def registration_script(base: str, slug: str, folder: Path) -> Path:
    """A wrk script posting the public form, each request with a new address, under one
    session and its CSRF token (a token stays valid for many forms)."""
    path = f"/eventi/{slug}/iscrizione"
    status, headers, body = get(base + path)
    assert status == 200, status
    token = re.search(rb'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', body).group(1).decode()
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    fields = urlencode(
        {
            "csrf_token": token,
            "first_name": "Persona",
            "last_name": "Di prova",
            "ente_tipo": "comune",
            "comune": "Torino",
            "organization": "Comune di Torino",
            "role": "funzionario",
            "privacy_consent": "y",
        }
    )
    # One by hand first: the form must be accepted (a redirect), not shown again with errors.
    connection = http.client.HTTPConnection("127.0.0.1", urlsplit(base).port, timeout=30)
    connection.request(
        "POST",
        path,
        body=fields + "&email=bench-probe%40comune.example.it",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    if response.status != 303:
        raise SystemExit(f"the registration form answered {response.status}, not 303: the bench's form is out of date")
    script = folder / "register.lua"
    script.write_text(
        POST_SCRIPT % {"body": lua(fields), "path": lua(path), "cookie": lua(cookie), "run": uuid.uuid4().hex[:8]}
    )
    return script


def overbooked(url: str, slug: str) -> tuple[int, int, int]:
    """(events over capacity anywhere, confirmed on the sign-up event, its confirmed_count)."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        over = connection.execute(
            "SELECT count(*) FROM events WHERE capacity IS NOT NULL AND confirmed_count > capacity"
        ).fetchone()[0]
        confirmed, counter = connection.execute(
            "SELECT (SELECT count(*) FROM registrations r WHERE r.event_id = e.id AND r.status = 'confirmed'),"
            " e.confirmed_count FROM events e WHERE e.slug = %s",
            (slug,),
        ).fetchone()
    return over, confirmed, counter


# -- the run ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/incontri_bench")
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--cache", choices=("auto", "redis", "memory"), default="auto", help="auto: Redis if it answers"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk (make bench installs it)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="incontri-bench-"))

    print(f"database {args.database_url.split('@')[-1]}: 1,000 events, 20,000 registrations…", flush=True)
    recreate_database(args.database_url)
    slugs = build_data(args.database_url)
    pages = {
        "/": "/",
        "/eventi": "/eventi",
        "/eventi?q=…": "/eventi?q=bilancio",
        "/eventi/<course>": f"/eventi/{slugs['course']}",
        "/calendario.ics": "/calendario.ics",
        "/api/v1/events": "/api/v1/events",
        "/api/v1/events/<slug>": f"/api/v1/events/{slugs['course']}",
    }
    cache = None if args.cache == "memory" else redis_url()
    if args.cache == "redis" and cache is None:
        raise SystemExit("no Redis on 127.0.0.1:6379")
    renders = render_times(args.database_url, pages, cache)

    env = {
        "DATABASE_URL": args.database_url,
        "SECRET_KEY": SECRET_KEY,
        "BASE_URL": "http://127.0.0.1",
        # The documented setting: one address sends every request here.
        "REGISTRATION_RATE_LIMIT": "1000000 per minute",
        "CACHE_KEY_PREFIX": f"bench-{uuid.uuid4().hex[:8]}:",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    if cache:
        env["CACHE_REDIS_URL"] = cache
    rows: dict[str, dict] = {}
    print(
        f"cache: {'Redis, shared by the workers' if cache else 'in each worker'}; wrk -c{args.connections}, {args.duration} s each",
        flush=True,
    )

    # Both servers stay up; an idle one costs nothing. Each page is measured right after a
    # ceiling run of its own, so load from elsewhere on the machine moves both alike.
    ceiling = Server("bench.ceiling:app", env, work / "ceiling.log")
    server = Server("wsgi:app", env, work / "app.log")
    near: dict[str, float] = {}
    before: list[float] = []

    def ceiling_now() -> float:
        return wrk(ceiling.base + "/", args, seconds=max(2, args.duration // 2))["rps"]

    def measure(name: str, url: str, **options) -> None:
        before.append(ceiling_now())
        rows[name] = wrk(url, args, **options)
        print(f"  {name:24} {rows[name]['rps']:8.0f}/s   ceiling before it {before[-1]:6.0f}/s", flush=True)

    try:
        rows["ceiling (first)"] = wrk(ceiling.base + "/", args)
        for name, path in pages.items():
            status, _headers, _body = get(server.base + path)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
            measure(name, server.base + path)
        # What bare Flask itself reaches with a body the size of the feed: where the feed's
        # time goes once it is cached (copying its bytes), whatever the app does.
        feed_size = len(get(server.base + "/calendario.ics")[2])
        measure(FEED_SIZED, f"{ceiling.base}/bytes/{feed_size}")
        etag = get(server.base + "/calendario.ics")[1]["ETag"]
        status = get(server.base + "/calendario.ics", {"If-None-Match": etag})[0]
        if status != 304:
            raise SystemExit(f"the conditional GET answered {status}, not 304")
        measure("304 feed", server.base + "/calendario.ics", headers=(f"If-None-Match: {etag}",))
        script = registration_script(server.base, slugs["sign_ups"], work)
        measure("POST registration", server.base + "/", script=script)
        before.append(ceiling_now())
        rows["ceiling (last)"] = wrk(ceiling.base + "/", args)
        app_rss = server.peak_rss_mib()
        ceiling_rss = ceiling.peak_rss_mib()
    finally:
        server.stop()
        ceiling.stop()

    over, confirmed, counter = overbooked(args.database_url, slugs["sign_ups"])
    reference = (rows["ceiling (first)"]["rps"] + rows["ceiling (last)"]["rps"]) / 2
    # Each page against the mean of the ceiling runs just before and just after it.
    measured = [name for name in rows if not name.startswith("ceiling")]
    for index, name in enumerate(measured):
        near[name] = (before[index] + before[index + 1]) / 2
    for name in ("ceiling (first)", "ceiling (last)"):
        near[name] = reference
    failed = [name for name, row in rows.items() if row["errors"]]
    report = table(rows, near, reference, renders, ceiling_rss, app_rss, over, confirmed, counter, cache)
    print(report)
    (RESULTS / "web.txt").write_text(report + "\n")
    (RESULTS / "web.json").write_text(
        json.dumps(
            {
                "ceiling_rps": reference,
                "ceiling_beside_rps": near,
                "rows": rows,
                "render_ms": renders,
                "rss_mib": {"ceiling": ceiling_rss, "app": app_rss},
                "overbooked": over,
                "cache": "redis" if cache else "memory",
            },
            indent=2,
        )
        + "\n"
    )
    plot(rows, near)
    if failed:
        print(f"ERRORS in: {', '.join(failed)} (logs in {work})")
    if over or confirmed != counter:
        print("OVERBOOKED")
    return 1 if failed or over or confirmed != counter else 0


def table(rows, near, reference, renders, ceiling_rss, app_rss, over, confirmed, counter, cache) -> str:
    lines = [
        f"Incontri under gunicorn (2 workers), 1,000 events, 20,000 registrations; cache: {'Redis' if cache else 'memory'}",
        f"ceiling (bare Flask, one route): {reference:.0f} requests/s (mean of the first and last run);",
        "each ratio is to the mean of the ceiling runs just before and after that page (last column)",
        "",
        f"{'page':26}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>8}{'target':>8}  {'':4}{'render ms':>10}"
        f"{'ceiling':>9}",
    ]
    for name, row in rows.items():
        ratio = row["rps"] / near[name]
        target = TARGETS.get(name)
        verdict = "" if target is None else ("ok" if ratio >= target else "MISS")
        render = renders.get(name)
        lines.append(
            f"{name:26}{row['rps']:9.0f}{row['p50']:9.2f}{row['p99']:9.2f}{ratio:8.2f}"
            f"{'' if target is None else f'{target:.2f}':>8}  {verdict:4}"
            f"{'' if render is None else f'{render:.1f}':>10}{near[name]:9.0f}"
            + (f"  errors: {row['errors']}" if row["errors"] else "")
        )
    eventi = renders["/eventi"]
    feed, bare = rows["/calendario.ics"]["rps"], rows[FEED_SIZED]["rps"]
    lines += [
        "",
        f"the cached feed reaches {feed / bare:.2f} of what bare Flask reaches with a body of the same size",
        f"uncached render of /eventi in process: {eventi:.1f} ms (target <= {EVENTI_RENDER_MS:.0f} ms: "
        f"{'ok' if eventi <= EVENTI_RENDER_MS else 'MISS'}); cold feed render: {renders['/calendario.ics']:.0f} ms",
        f"peak RSS per worker: app {', '.join(f'{r:.0f}' for r in app_rss)} MiB; "
        f"bare Flask {', '.join(f'{r:.0f}' for r in ceiling_rss)} MiB",
        f"registrations: {over} events overbooked; the sign-up event holds {confirmed} confirmed "
        f"(its counter says {counter})",
    ]
    return "\n".join(lines)


def plot(rows, near) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [n for n in rows if not n.startswith("ceiling")]
    ratios = [rows[n]["rps"] / near[n] for n in names]
    figure, axes = plt.subplots(figsize=(9, 4.5))
    colours = ["#00734d" if r >= TARGETS.get(n, 0) else "#a61c1c" for n, r in zip(names, ratios, strict=True)]
    axes.barh(names, ratios, color=colours)
    for y, name in enumerate(names):
        if name in TARGETS:
            axes.plot([TARGETS[name]] * 2, [y - 0.4, y + 0.4], color="black", linewidth=2)
    axes.invert_yaxis()
    axes.set_xlabel("requests/s as a share of bare Flask measured around it; black: target")
    axes.set_xlim(0, max(1.0, max(ratios) * 1.1))
    figure.tight_layout()
    figure.savefig(RESULTS / "web.png", dpi=120)


if __name__ == "__main__":
    sys.exit(main())
