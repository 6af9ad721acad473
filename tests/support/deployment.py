"""The production pieces as real processes on loopback: gunicorn with deploy/gunicorn.conf.py,
Debian's nginx with deploy/nginx/incontri.conf, and plain HTTP(S) clients that choose their
source address."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent


def require_tool(*candidates: str) -> str:
    """The first program found; skipped where none is, a failure in CI (REQUIRE_DEPLOY_TOOLS)."""
    for candidate in candidates:
        found = shutil.which(candidate) or (candidate if os.access(candidate, os.X_OK) else None)
        if found:
            return found
    reason = f"{candidates[0]} is not installed (scripts/install-test-tools.sh installs it)"
    if os.environ.get("REQUIRE_DEPLOY_TOOLS"):
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    """Until something accepts connections on the port; the process's log when it died instead."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}:\n{log.read_text()[-4000:]}")


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def flask(env: dict, *args: str) -> str:
    done = subprocess.run(
        [str(VENV_BIN / "flask"), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"flask {' '.join(args)}: {done.stderr[-4000:]}"
    return done.stdout


def app_environment(database_url: str, folder: Path, **settings: str) -> dict:
    """The environment of the systemd units, with the test's database and a mail folder of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "FLASK_"))}
    env.update(
        FLASK_APP="wsgi.py",
        DATABASE_URL=database_url,
        SECRET_KEY="deployment-test-secret",
        MAIL_FOLDER=str(folder / "mail"),
    )
    env.update(settings)
    return env


@dataclass
class Gunicorn:
    """gunicorn started exactly as the systemd unit starts it, on a port of its own."""

    env: dict
    log: Path
    port: int = field(default_factory=free_port)
    workers: int = 1

    def __enter__(self):
        env = dict(self.env, GUNICORN_BIND=f"127.0.0.1:{self.port}", GUNICORN_WORKERS=str(self.workers))
        env["GUNICORN_ACCESS_LOG"] = str(self.log.with_suffix(".access.log"))
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [str(VENV_BIN / "gunicorn"), "-c", str(DEPLOY / "gunicorn.conf.py"), "wsgi:app"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(self.port, self.process, self.log)
        return self

    def access_log(self) -> str:
        path = self.log.with_suffix(".access.log")
        return path.read_text() if path.exists() else ""

    def __exit__(self, *exc):
        stop(self.process)


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [require_tool("openssl"), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return cert, key


def site_configuration(replacements: dict[str, str]) -> str:
    """deploy/nginx/incontri.conf with each placeholder replaced; every one must be found, so
    the file tested stays the file shipped. IPv6 listeners go: the test listens on loopback."""
    text = (DEPLOY / "nginx" / "incontri.conf").read_text()
    for old, new in replacements.items():
        assert old in text, f"deploy/nginx/incontri.conf no longer contains {old!r}"
        text = text.replace(old, new)
    return "\n".join(line for line in text.splitlines() if "listen [::]" not in line) + "\n"


@dataclass
class Nginx:
    """Debian's nginx in the foreground, everything it writes (pid, logs, temp files) in folder."""

    binary: str
    folder: Path
    site: str

    def __enter__(self):
        folder = self.folder
        (folder / "site.conf").write_text(self.site)
        # Running as root in CI: workers that stay root can read the checkout and the temp folder.
        user = "user root;" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(
            f"""
{user}
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log notice;
events {{ worker_connections 128; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {folder}/access.log;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
"""
        )
        with (folder / "nginx.out").open("wb") as log:
            self.process = subprocess.Popen(
                [self.binary, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def wait(self, port: int) -> None:
        wait_for_port(port, self.process, self.folder / "error.log")

    def __exit__(self, *exc):
        stop(self.process, signal.SIGQUIT)


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


def request(
    port: int,
    path: str,
    *,
    method: str = "GET",
    tls: bool = False,
    source: str = "127.0.0.1",
    headers: dict | None = None,
    body: bytes | None = None,
) -> Reply:
    """One request from the given loopback address (all of 127.0.0.0/8 is this machine)."""
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, source_address=(source, 0), timeout=30)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, source_address=(source, 0), timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        conn.close()


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own (Debian's initdb and pg_ctl) on a free port, so it
    can be restarted without touching the one everybody shares. PostgreSQL refuses to run as
    root: then the cluster belongs to the postgres user."""

    def __init__(self):
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
        self.bin = Path(require_tool(str(found[-1]) if found else "initdb")).parent
        self.folder = Path(tempfile.mkdtemp(prefix="incontri-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"{args[0]}: {done.stdout[-2000:]}{done.stderr[-2000:]}"

    def __enter__(self):
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"
        )
        self.start()
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")

    def stop(self) -> None:
        """A fast shutdown, as `systemctl restart postgresql` begins: open sessions are ended and
        their transactions rolled back; what was committed stays."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def __exit__(self, *exc):
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
