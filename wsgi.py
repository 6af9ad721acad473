"""WSGI entry point: `gunicorn wsgi:app`."""

from app import create_app, prepare_to_serve

app = create_app()
prepare_to_serve(app)
