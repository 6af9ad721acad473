"""Incontri: events, registrations and calendars for associations of municipalities."""

from __future__ import annotations

import functools
import gc
from pathlib import Path

from flask import Flask
from flask_babel import force_locale, gettext

from app.config import build_config
from app.extensions import babel, csrf, db, limiter, login_manager, mail, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.from_mapping(build_config(app.instance_path, config))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    register_proxy(app)
    register_url_converters(app)
    register_request_limits(app)
    register_input_checks(app)
    register_unavailable_retry_after(app)
    register_extensions(app)
    register_domains()
    register_blueprints(app)
    register_database_retry(app)
    register_template_helpers(app)
    register_page_cache(app)
    register_errorhandlers(app)
    register_security_headers(app)
    register_commands(app)
    # For the gunicorn worker hook (deploy/gunicorn.conf.py), which must not import the app.
    app.extensions["prepare_to_serve"] = functools.partial(prepare_to_serve, app)
    return app


def prepare_to_serve(app: Flask) -> None:
    """What a serving process (each gunicorn worker: deploy/gunicorn.conf.py; the benchmark)
    does once, before its first request:
    load what every worker keeps for its lifetime (the comuni tables, the compiled templates,
    the message catalogues) and then move every object that exists at that point out of the
    garbage collector's reach (gc.freeze). Otherwise each full collection walks those hundreds
    of thousands of long-lived objects again: measured, it doubled the time to build a large
    calendar feed and slowed every page that allocates much. Not done by create_app, which
    tests call many times over: frozen objects are never freed."""
    from app import comuni

    comuni.all_comuni()
    comuni.piedmont_labels()
    for name in app.jinja_env.list_templates(extensions=("html", "txt", "ics")):
        app.jinja_env.get_template(name)
    with app.test_request_context():
        for language in app.config["LANGUAGES"]:
            with force_locale(language):
                gettext("Iscrizione")
    gc.collect()
    gc.freeze()


def register_proxy(app: Flask) -> None:
    """Behind nginx the client's address, scheme and host arrive in X-Forwarded-*: believe
    exactly as many proxies as TRUSTED_PROXIES says, none by default."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def register_url_converters(app: Flask) -> None:
    """Before the blueprints, whose rules pick their converters when they are added."""
    from app.inputs import DatabaseIdConverter

    app.url_map.converters["int"] = DatabaseIdConverter


#: Public forms hold a few short fields; only the organizers' upload form needs MAX_CONTENT_LENGTH.
SMALL_FORM_BYTES = 64 * 1024
SMALL_FORM_BLUEPRINTS = {"registrations", "auth", "courses", "privacy"}


def register_request_limits(app: Flask) -> None:
    """Registered before the extensions, so the limit applies before CSRF protection reads the form."""
    from flask import request

    @app.before_request
    def limit_request_bodies():
        if request.blueprint in SMALL_FORM_BLUEPRINTS:
            request.max_content_length = SMALL_FORM_BYTES
        limit = request.max_content_length
        chunked = request.content_length is None and "wsgi.input_terminated" in request.environ
        if chunked and limit is not None and request.method in ("POST", "PUT", "PATCH", "DELETE"):
            # A chunked body has no Content-Length to refuse up front, and Werkzeug reads it only
            # up to the limit, silently dropping the rest: read it now, and refuse it (413) if
            # anything is left once the limit is reached. The form is parsed from this copy.
            request.get_data(cache=True)
            request.stream.read(1)


def register_input_checks(app: Flask) -> None:
    """After the request limits, before the extensions: CSRF protection and every view see
    only text without control characters."""
    from app import inputs

    app.before_request(inputs.refuse_or_strip_control_characters)
    app.before_request(inputs.drop_invalid_page_numbers)


def register_unavailable_retry_after(app: Flask) -> None:
    """Before the extensions, so that it runs after the rate limiter (after_request functions run
    last registered first)."""
    from app import errors

    app.after_request(errors.keep_unavailable_retry_after)


def register_extensions(app: Flask) -> None:
    from app import i18n
    from app.auth.models import User

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(Path(app.root_path) / "translations"),
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = i18n.lazy_gettext("Acceda per continuare.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        """`id:version` from the session or the remember cookie (User.get_id): a cookie written
        before the account's last logout, password change or deactivation opens nothing."""
        user_part, _, version = user_id.partition(":")
        if not (user_part.isascii() and user_part.isdigit() and version.isascii() and version.isdigit()):
            return None
        user = db.session.get(User, int(user_part))
        if user is None or not user.active or user.session_version != int(version):
            return None
        return user


def _configure_sqlite() -> None:
    """SQLite ignores foreign keys unless asked, per connection; PostgreSQL always enforces them.
    Write-ahead logging lets the web server read while the mail worker writes, and makes each
    small commit (one per email sent) cheap; writers wait for each other instead of failing."""
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def on_connect(dbapi_connection, _record):
        if isinstance(dbapi_connection, sqlite3.Connection):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()


_configure_sqlite()


def register_domains() -> None:
    """Each domain's receivers connect to the signals of the domains below it when its modules
    are imported (docs/architecture.md): import them before any request or command runs."""
    import app.courses.exports
    import app.courses.jobs
    import app.courses.models
    import app.courses.notifications
    import app.courses.privacy
    import app.courses.qr
    import app.events.published
    import app.outbox.privacy
    import app.registrations.notifications
    import app.registrations.privacy
    import app.registrations.published
    import app.registrations.services  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from app.api.routes import bp as api_bp
    from app.auth.routes import bp as auth_bp
    from app.calendar.routes import bp as calendar_bp
    from app.courses.certificates_manage import bp as manage_certificates_bp
    from app.courses.feedback_manage import bp as manage_feedback_bp
    from app.courses.manage import bp as manage_courses_bp
    from app.courses.routes import bp as courses_bp
    from app.events.manage import bp as manage_events_bp
    from app.events.routes import bp as events_bp
    from app.health import bp as health_bp
    from app.i18n import bp as i18n_bp
    from app.manage.audit import bp as manage_audit_bp
    from app.manage.people import bp as manage_people_bp
    from app.manage.routes import bp as manage_bp
    from app.manage.users import bp as manage_users_bp
    from app.outbox.manage import bp as manage_mail_bp
    from app.participation.manage import bp as manage_participation_bp
    from app.participation.routes import bp as participation_bp
    from app.registrations.manage import bp as manage_registrations_bp
    from app.registrations.privacy_routes import bp as privacy_bp
    from app.registrations.routes import bp as registrations_bp

    app.register_blueprint(calendar_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(registrations_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(courses_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(manage_bp, url_prefix="/gestione")
    app.register_blueprint(manage_events_bp, url_prefix="/gestione")
    app.register_blueprint(manage_registrations_bp, url_prefix="/gestione")
    app.register_blueprint(manage_mail_bp, url_prefix="/gestione")
    app.register_blueprint(manage_courses_bp, url_prefix="/gestione")
    app.register_blueprint(manage_certificates_bp, url_prefix="/gestione")
    app.register_blueprint(manage_feedback_bp, url_prefix="/gestione")
    app.register_blueprint(manage_users_bp, url_prefix="/gestione")
    app.register_blueprint(manage_audit_bp, url_prefix="/gestione")
    app.register_blueprint(manage_people_bp, url_prefix="/gestione")
    app.register_blueprint(manage_participation_bp, url_prefix="/gestione")
    app.register_blueprint(participation_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(i18n_bp)
    app.register_blueprint(health_bp)


def register_database_retry(app: Flask) -> None:
    """After the blueprints: every view runs once more when the database dropped the connection
    before anything was written; after the extensions: the session is released even from a
    connection the database ended (app/transaction.py)."""
    from app.transaction import release_session, retry_once

    for endpoint, view in app.view_functions.items():
        app.view_functions[endpoint] = retry_once(view)
    app.teardown_appcontext(release_session)


def register_template_helpers(app: Flask) -> None:
    from app import presentation

    presentation.init_app(app)


def register_page_cache(app: Flask) -> None:
    """After the blueprints and extensions: it answers public GETs from the cache before their
    views, and looks at the session the login and CSRF extensions use."""
    from app import pagecache

    pagecache.init_app(app)


def register_errorhandlers(app: Flask) -> None:
    from app import errors

    errors.init_app(app)


def register_security_headers(app: Flask) -> None:
    csp = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        "font-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )
    # No page asks the browser for devices, location or payments.
    permissions = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    https = app.config["BASE_URL"].startswith("https://")

    @app.after_request
    def set_headers(response):
        response.headers.setdefault("Permissions-Policy", permissions)
        if https:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        response.headers.pop("Server", None)
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response


def register_commands(app: Flask) -> None:
    from app.auth.cli import users_cli
    from app.backup import backup_command, restore_command
    from app.demo.cli import demo_cli
    from app.outbox.cli import worker_command
    from app.registrations.privacy import privacy_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(worker_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(privacy_cli)
