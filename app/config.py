"""Configuration: defaults, then environment variables, then explicit overrides."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit


def _instance_secret_key(instance_path: Path) -> str:
    """A development key generated once and kept in instance/, so sessions survive restarts."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def build_config(instance_path: str, overrides: dict | None = None) -> dict:
    instance = Path(instance_path)
    env = os.environ
    max_upload_mb = int(env.get("MAX_UPLOAD_MB", "20"))
    config = {
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or f"sqlite:///{instance / 'incontri.sqlite3'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "BASE_URL": env.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "ORGANIZATION_NAME": env.get("ORGANIZATION_NAME", "ANCI Piemonte"),
        #: Who signs the attestati, where they are issued, and the logo on them (a file path; none by default).
        "CERTIFICATE_SIGNER_NAME": env.get("CERTIFICATE_SIGNER_NAME", ""),
        "CERTIFICATE_SIGNER_ROLE": env.get("CERTIFICATE_SIGNER_ROLE", "Il Presidente"),
        "CERTIFICATE_PLACE": env.get("CERTIFICATE_PLACE", "Torino"),
        "CERTIFICATE_LOGO": env.get("CERTIFICATE_LOGO") or None,
        "CERTIFICATE_VERIFY_RATE_LIMIT": env.get("CERTIFICATE_VERIFY_RATE_LIMIT", "30 per minute"),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "MAX_CONTENT_LENGTH": max_upload_mb * 1024 * 1024,
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "BABEL_DEFAULT_LOCALE": "it",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Rome",
        "LANGUAGES": {"it": "Italiano", "en": "English", "fr": "Français"},
        "EVENTS_PER_PAGE": 12,
        #: The participation figures by comune as open data (/partecipazione, /api/v1/participation).
        "PUBLIC_PARTICIPATION": env.get("PUBLIC_PARTICIPATION", "true").lower() not in ("0", "false", "no"),
        #: Limits per client address on registration forms (Flask-Limiter syntax). A municipal
        #: office sends everything from one address: a secretary registering a council of 25
        #: within minutes, with a few forms sent back for a missing field, stays under 30 a
        #: minute; 300 an hour still stops a script (CSRF and the honeypot do the rest).
        "REGISTRATION_RATE_LIMIT": env.get("REGISTRATION_RATE_LIMIT", "30 per minute;300 per hour"),
        #: Version of the privacy notice at /privacy; stored with every consent given.
        "PRIVACY_NOTICE_VERSION": env.get("PRIVACY_NOTICE_VERSION", "2026-11-25"),
        "PRIVACY_CONTACT_EMAIL": env.get("PRIVACY_CONTACT_EMAIL", "privacy@example.org"),
        #: The privacy notice: who is the controller, the DPO's address, and how long data is kept.
        "PRIVACY_CONTROLLER": env.get("PRIVACY_CONTROLLER", "ANCI Piemonte, Via Maria Vittoria 12, Torino"),
        "PRIVACY_DPO_EMAIL": env.get("PRIVACY_DPO_EMAIL", "dpo@example.org"),
        #: Months after an event ends before the worker anonymises its registrations.
        "RETENTION_MONTHS": int(env.get("RETENTION_MONTHS", "24")),
        # Email. Without MAIL_SERVER messages are written as .eml files in MAIL_FOLDER.
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(env.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": env.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes"),
        "MAIL_USE_SSL": env.get("MAIL_USE_SSL", "").lower() in ("1", "true", "yes"),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER") or None,
        #: Where participants' answers go. Empty: a message an organizer writes is answered to that
        #: organizer, and automatic messages carry no Reply-To (answers go to the sender).
        "MAIL_REPLY_TO": env.get("MAIL_REPLY_TO") or None,
        # The outbox worker does the sending; Flask-Mail must never stay silent on its own.
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_FOLDER": env.get("MAIL_FOLDER") or str(instance / "mail"),
        "OUTBOX_BATCH_SIZE": int(env.get("OUTBOX_BATCH_SIZE", "50")),
        "OUTBOX_MAX_ATTEMPTS": int(env.get("OUTBOX_MAX_ATTEMPTS", "8")),
        "OUTBOX_RETRY_SECONDS": int(env.get("OUTBOX_RETRY_SECONDS", "60")),
        #: A row left 'sending' longer than this (its worker died) is taken again.
        "OUTBOX_LEASE_SECONDS": int(env.get("OUTBOX_LEASE_SECONDS", "300")),
        #: Days after delivery before a message's body, invitation and attachments are blanked.
        "OUTBOX_KEEP_DAYS": int(env.get("OUTBOX_KEEP_DAYS", "30")),
        "WORKER_INTERVAL": int(env.get("WORKER_INTERVAL", "10")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        #: "Ricordami" keeps an organizer signed in this long on that device (logout, a new
        #: password or deactivation end it sooner: the cookie carries the session version).
        "REMEMBER_COOKIE_DURATION": timedelta(days=int(env.get("REMEMBER_COOKIE_DAYS", "14"))),
        #: A form left open longer than this must be reloaded before it is sent.
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        #: Login attempts per client address (Flask-Limiter syntax; the counts live in
        #: RATELIMIT_STORAGE_URI, so several workers share them).
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute"),
        #: Login attempts per account, from any address.
        "LOGIN_ACCOUNT_RATE_LIMIT": env.get("LOGIN_ACCOUNT_RATE_LIMIT", "20 per minute"),
        #: Wrong passwords in a row that suspend an account's login, and for how long; the owner
        #: is told by email. Short, so someone else's attempts cannot keep the owner out.
        "LOGIN_LOCKOUT_FAILURES": int(env.get("LOGIN_LOCKOUT_FAILURES", "5")),
        "LOGIN_LOCKOUT_MINUTES": int(env.get("LOGIN_LOCKOUT_MINUTES", "15")),
        #: Admins must turn on two-factor login (an authenticator app) before their pages open.
        "REQUIRE_2FA_FOR_ADMINS": env.get("REQUIRE_2FA_FOR_ADMINS", "").lower() in ("1", "true", "yes"),
        #: The name the authenticator app shows next to the account.
        "TOTP_ISSUER": env.get("TOTP_ISSUER", "Incontri ANCI Piemonte"),
        #: Public pages, API answers and feeds are cached by data version (app/dataversion.py):
        #: in each process by default, in Redis when CACHE_REDIS_URL is set (shared by all
        #: servers, and the data version is read from there too).
        "CACHE_REDIS_URL": env.get("CACHE_REDIS_URL") or None,
        "CACHE_KEY_PREFIX": env.get("CACHE_KEY_PREFIX", "incontri:"),
        "CACHE_DEFAULT_TIMEOUT": 600,
        "CACHE_THRESHOLD": 2000,
        #: With Redis, the entries each process also keeps in memory (the most recent ones).
        "CACHE_LOCAL_ENTRIES": int(env.get("CACHE_LOCAL_ENTRIES", "200")),
        #: A page that says "registrations open" or "upcoming" is kept at most this long, so
        #: it changes soon after the moment it speaks of passes without any row changing.
        "CACHE_PAGE_SECONDS": int(env.get("CACHE_PAGE_SECONDS", "60")),
        #: How long Redis keeps the data version before it is read from the database again.
        "CACHE_VERSION_SECONDS": int(env.get("CACHE_VERSION_SECONDS", "5")),
        #: The all-events and per-type feeds hold this many months back and everything ahead.
        "FEED_WINDOW_MONTHS": int(env.get("FEED_WINDOW_MONTHS", "6")),
        #: Proxies in front of the app whose X-Forwarded-For/-Proto/-Host are believed (ProxyFix):
        #: 1 behind deploy/nginx, 0 when clients reach the app directly (a forged header would
        #: otherwise choose the address the rate limits count).
        "TRUSTED_PROXIES": int(env.get("TRUSTED_PROXIES", "0")),
        #: /healthz fails when a message has waited this long past its time in the outbox (the
        #: worker is not running, or cannot keep up).
        "HEALTH_OUTBOX_MINUTES": int(env.get("HEALTH_OUTBOX_MINUTES", "15")),
    }
    if config["BASE_URL"].startswith("https://"):
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
    config.update(overrides or {})
    config.setdefault("CACHE_TYPE", "RedisCache" if config.get("CACHE_REDIS_URL") else "SimpleCache")
    if not config.get("MAIL_DEFAULT_SENDER"):
        host = urlsplit(config["BASE_URL"]).hostname or "localhost"
        config["MAIL_DEFAULT_SENDER"] = f"{config['ORGANIZATION_NAME']} <noreply@{host}>"
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = env.get("SECRET_KEY") or _instance_secret_key(instance)
    return config
