"""gunicorn settings for Incontri behind nginx (deploy/nginx/incontri.conf); `gunicorn -c deploy/gunicorn.conf.py wsgi:app`."""

import os

from gunicorn.http import wsgi

# Only nginx, on the same machine, talks to gunicorn; nginx passes the client's address and
# scheme in X-Forwarded-* and the app reads them with ProxyFix (TRUSTED_PROXIES=1).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(min(2 * (os.cpu_count() or 1) + 1, 8))))
# Each request is short (no streaming, no websockets): the synchronous worker is the right
# one, and nginx buffers slow clients so a worker is never held by a slow phone.
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# A worker is replaced now and then, so a slow leak in a library never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# The app is imported in each worker: a new code version is picked up by `systemctl reload`
# (HUP), and no database connection is ever shared across a fork.
preload_app = False
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "incontri"
# systemd manages the processes (reload is HUP); gunicorn's control socket would sit in the
# user's home, read-only under the unit's ProtectSystem=strict and shared by every gunicorn the
# same user runs.
control_socket_disable = True
# nginx already refuses larger requests; these only guard against a client that reaches
# gunicorn directly.
limit_request_line = 8190
limit_request_fields = 100



def post_worker_init(worker):
    """Each worker, once it has loaded the app and before its first request, loads what it keeps
    for its lifetime and freezes it out of the garbage collector's reach (app.prepare_to_serve).
    Here rather than in wsgi.py, which `flask` commands import too (`flask db upgrade` must not
    depend on every template compiling). Any other app served with these settings (the
    benchmark's bare Flask) is left as it is."""
    prepare = getattr(worker.wsgi, "extensions", {}).get("prepare_to_serve")
    if prepare is not None:
        prepare()


# gunicorn writes "Server: gunicorn" on every response, before the app's headers, so the app
# cannot remove it. Naming the server software only helps whoever looks for a known flaw:
# leave the header out (nginx adds its own, without version, in front).
_default_headers = wsgi.Response.default_headers


def _headers_without_server(self):
    return [line for line in _default_headers(self) if not line.lower().startswith("server:")]


wsgi.Response.default_headers = _headers_without_server
