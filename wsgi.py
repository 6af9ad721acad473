"""WSGI entry point: `gunicorn wsgi:app` (deploy/gunicorn.conf.py prepares each worker)."""

from app import create_app

app = create_app()
