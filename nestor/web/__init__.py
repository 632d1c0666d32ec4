"""The web UI and JSON API: ``create_app(db)`` (FastAPI), read-only over one store."""
from .app import create_app

__all__ = ["create_app"]
