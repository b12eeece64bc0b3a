"""Background jobs of the catalogue, imported here so Celery workers register
them (``app.autodiscover_tasks()`` imports each app's ``tasks`` module)."""

from gongkai.catalogue.importer import index_imported

__all__ = ["index_imported"]
