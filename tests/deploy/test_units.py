"""The shipped files agree with each other: the units start what deploy/ and the app provide,
from the checkout nginx serves the static files of, as the user who may write instance/."""

from __future__ import annotations

import configparser
import re
import shlex
import subprocess

from tests.support.deployment import DEPLOY, ROOT, VENV_BIN, require_tool

CHECKOUT = "/srv/incontri"


def unit(name: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name)
    return parser["Service"]


def in_checkout(path: str) -> str:
    assert path.startswith(f"{CHECKOUT}/"), path
    return path.removeprefix(f"{CHECKOUT}/")


def test_the_web_unit_runs_gunicorn_with_the_shipped_configuration():
    service = unit("incontri-web.service")
    program, *args = shlex.split(service["ExecStart"])
    assert in_checkout(program) == ".venv/bin/gunicorn"
    config = args[args.index("-c") + 1]
    assert (ROOT / in_checkout(config)).is_file()
    assert args[-1] == "wsgi:app" and (ROOT / "wsgi.py").is_file()
    assert service["WorkingDirectory"] == CHECKOUT
    assert service["ReadWritePaths"] == f"{CHECKOUT}/instance"


def test_the_worker_unit_runs_flask_worker():
    service = unit("incontri-worker.service")
    assert shlex.split(service["ExecStart"]) == [f"{CHECKOUT}/.venv/bin/flask", "worker"]
    assert service["Environment"] == "FLASK_APP=wsgi.py"
    assert service["EnvironmentFile"] == unit("incontri-web.service")["EnvironmentFile"]


def test_nginx_serves_the_static_files_of_the_same_checkout_and_proxies_to_gunicorn():
    site = (DEPLOY / "nginx" / "incontri.conf").read_text()
    static = re.search(r"alias (\S+);", site).group(1)
    assert in_checkout(static) == "app/static/" and (ROOT / "app" / "static").is_dir()
    upstream = re.search(r"upstream incontri_app \{\s*server (\S+);", site).group(1)
    bind = re.search(r'"GUNICORN_BIND", "([^"]+)"', (DEPLOY / "gunicorn.conf.py").read_text()).group(1)
    assert bind == upstream


def test_systemd_reads_the_units_without_a_complaint(tmp_path):
    """systemd-analyze verify, with the checkout and the virtualenv where this test runs."""
    analyze = require_tool("systemd-analyze")
    for path in (DEPLOY / "systemd").glob("*.service"):
        text = path.read_text().replace(f"{CHECKOUT}/.venv/bin", str(VENV_BIN)).replace(CHECKOUT, str(ROOT))
        (tmp_path / path.name).write_text(text)
    done = subprocess.run(
        [analyze, "verify", *sorted(str(p) for p in tmp_path.glob("*.service"))], capture_output=True, text=True
    )
    assert (done.returncode, done.stdout + done.stderr) == (0, "")
