"""The shipped deployment, run for real: Debian's nginx with deploy/nginx/incontri.conf in front of
gunicorn with deploy/gunicorn.conf.py, on loopback, over TLS, with the demo data."""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass

import pytest

from tests.support.deployment import (
    DEPLOY,
    ROOT,
    Gunicorn,
    Nginx,
    app_environment,
    flask,
    free_port,
    request,
    require_tool,
    self_signed_certificate,
    site_configuration,
)

GZIP = {"Accept-Encoding": "gzip"}


@dataclass
class Site:
    https: int
    http: int
    gunicorn: Gunicorn


def configuration(folder, upstream: int, https_port: int, http_port: int) -> str:
    """The shipped site with this test's ports, certificate and checkout."""
    cert, key = self_signed_certificate(folder)
    (folder / "acme").mkdir()
    return site_configuration(
        {
            "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream};",
            "listen 80;": f"listen 127.0.0.1:{http_port};",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
            "/etc/letsencrypt/live/eventi.example.it/fullchain.pem": str(cert),
            "/etc/letsencrypt/live/eventi.example.it/privkey.pem": str(key),
            "/var/www/letsencrypt": str(folder / "acme"),
            "/srv/incontri/app/static/": f"{ROOT / 'app' / 'static'}/",
            "/srv/incontri/deploy/nginx": str(DEPLOY / "nginx"),
        }
    )


@pytest.fixture(scope="module")
def nginx_binary():
    return require_tool("nginx", "/usr/sbin/nginx")


@pytest.fixture(scope="module")
def site(tmp_path_factory, nginx_binary):
    folder = tmp_path_factory.mktemp("nginx")
    https_port, http_port = free_port(), free_port()
    env = app_environment(
        f"sqlite:///{folder / 'incontri.sqlite3'}",
        folder,
        BASE_URL=f"https://127.0.0.1:{https_port}",
        TRUSTED_PROXIES="1",
        LOGIN_RATE_LIMIT="3 per minute",
    )
    flask(env, "db", "upgrade")
    flask(env, "demo", "load")
    with Gunicorn(env, folder / "gunicorn.log") as gunicorn:
        shipped = configuration(folder, gunicorn.port, https_port, http_port)
        with Nginx(nginx_binary, folder, shipped) as nginx:
            nginx.wait(https_port)
            nginx.wait(http_port)
            yield Site(https_port, http_port, gunicorn)


def get(site: Site, path: str, **kwargs):
    return request(site.https, path, tls=True, **kwargs)


def test_pages_are_served_and_compressed(site):
    response = get(site, "/eventi", headers=GZIP)
    assert response.status == 200
    assert response.header("Content-Encoding") == "gzip"
    assert "Accept-Encoding" in response.header("Vary")
    assert "</html>" in gzip.decompress(response.body).decode()


def test_feeds_are_never_compressed(site):
    for path in ("/calendario.ics", "/calendario/corso.ics"):
        response = get(site, path, headers=GZIP)
        assert response.status == 200
        assert response.header("Content-Type").startswith("text/calendar")
        assert response.header("Content-Encoding") is None
        # Large enough that gzip would have applied, had the configuration allowed it.
        assert len(response.body) > 1024
        assert response.body.startswith(b"BEGIN:VCALENDAR")


def test_static_files_come_from_nginx_with_cache_headers(site):
    response = get(site, "/static/css/app.css")
    assert response.status == 200
    assert response.header("Cache-Control") == "public, max-age=86400"
    assert response.header("Content-Type") == "text/css"
    assert response.body == (ROOT / "app" / "static" / "css" / "app.css").read_bytes()
    assert response.header("ETag")
    assert "/static/" not in site.gunicorn.access_log()


def test_hsts_once_under_https_and_plain_http_redirects(site):
    response = get(site, "/")
    assert response.headers.get_all("Strict-Transport-Security") == ["max-age=31536000; includeSubDomains"]
    plain = request(site.http, "/eventi?tipo=corso")
    assert plain.status == 301
    assert plain.header("Location") == "https://127.0.0.1/eventi?tipo=corso"


def test_no_server_header_names_the_software_or_its_version(site):
    assert get(site, "/").header("Server") == "nginx"
    direct = request(site.gunicorn.port, "/healthz")
    assert direct.status == 200
    assert direct.header("Server") is None


def test_healthz_through_the_proxy(site):
    response = get(site, "/healthz")
    assert response.status == 200
    assert response.header("Cache-Control") == "no-store"


def test_oversized_requests_are_refused_by_nginx(site):
    response = get(site, "/accedi", method="POST", headers={"Content-Length": str(30 * 1024 * 1024)}, body=b"")
    assert response.status == 413


def failed_login(site: Site, source: str, headers: dict | None = None) -> int:
    """A wrong password from the given address; the status the login form answers."""
    page = get(site, "/accedi", source=source)
    cookie = page.header("Set-Cookie").split(";", 1)[0]
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.body).group(1).decode()
    body = f"csrf_token={token}&email=nessuno%40example.org&password=sbagliata".encode()
    # Over HTTPS Flask-WTF wants a Referer of the same origin: the app sees https (X-Forwarded-Proto)
    # and the host nginx passes, without this test's port, as on 443.
    form_headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookie,
        "Referer": "https://127.0.0.1/accedi",
        **(headers or {}),
    }
    return get(site, "/accedi", method="POST", source=source, headers=form_headers, body=body).status


def test_each_client_address_has_its_own_limit(site):
    assert [failed_login(site, "127.0.0.2") for _ in range(4)] == [422, 422, 422, 429]
    assert failed_login(site, "127.0.0.3") == 422


def test_a_forged_forwarded_for_does_not_escape_the_limit(site):
    for attempt in range(3):
        assert failed_login(site, "127.0.0.4", {"X-Forwarded-For": f"10.0.0.{attempt}"}) == 422
    assert failed_login(site, "127.0.0.4", {"X-Forwarded-For": "10.0.0.99"}) == 429
    assert failed_login(site, "127.0.0.4", {"X-Forwarded-For": "127.0.0.5, 127.0.0.6"}) == 429


def test_an_italian_503_when_gunicorn_does_not_answer(tmp_path, nginx_binary):
    https_port, http_port = free_port(), free_port()
    nobody_listens = free_port()
    with Nginx(nginx_binary, tmp_path, configuration(tmp_path, nobody_listens, https_port, http_port)) as nginx:
        nginx.wait(https_port)
        response = request(https_port, "/eventi/incontro/iscrizione", method="POST", tls=True, body=b"email=x")
    assert response.status == 503
    assert response.header("Retry-After") == "5"
    assert response.header("Cache-Control") == "no-store"
    assert "Il servizio è momentaneamente non disponibile." in response.body.decode()
