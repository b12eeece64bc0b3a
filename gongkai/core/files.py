"""Stored files: where they are kept and how they are handed out.

No stored file has a public address. Every file is served by a view that first
decides who may have it; the view then hands the file over with ``serve``,
which streams it (``FILE_SERVE_MODE = "django"``), asks the web server in front
to send it from an internal location (``"nginx"``: X-Accel-Redirect,
``"sendfile"``: X-Sendfile) or, on object storage, redirects to a short-lived
signed address (``"signed"``).

Files are stored under random names (``<kind>/<organ>/<year>/<32 hex>.<ext>``):
the original name is kept in the database and sent as the download's file
name, so a stored name tells nothing and cannot be guessed."""

from __future__ import annotations

import functools
import mimetypes
import os
import re
import uuid
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.utils import timezone
from django.utils.http import content_disposition_header

# A name given by ``random_name``: the folder, then 32 hex digits and an optional extension.
RANDOM_NAME_RE = re.compile(r"^[a-z-]+/\d+/\d{4}/[0-9a-f]{32}(\.[a-z0-9]{1,8})?$")
_EXTENSION_RE = re.compile(r"^\.[a-z0-9]{1,8}$")

# Types a browser may show in the page: they cannot carry script. Everything
# else (HTML, SVG, XML, office files, unknown) is always a download.
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"})
MODES = ("django", "nginx", "sendfile", "signed")


def extension(filename: str) -> str:
    """The lower-case extension of ``filename`` when it is a plain one (``.pdf``), else ''."""
    ext = os.path.splitext(filename or "")[1].lower()
    return ext if _EXTENSION_RE.match(ext) else ""


def random_name(folder: str, organ_id, filename: str, when=None) -> str:
    """``<folder>/<organ>/<year>/<uuid4 hex><ext>``: nothing of the original name but its extension."""
    year = (when or timezone.localdate()).year
    return f"{folder}/{int(organ_id or 0)}/{year:04d}/{uuid.uuid4().hex}{extension(filename)}"


def is_random_name(name: str) -> bool:
    return bool(RANDOM_NAME_RE.match(name or ""))


def content_type(filename: str) -> str:
    guessed, _encoding = mimetypes.guess_type(filename or "", strict=False)
    return guessed or "application/octet-stream"


def serve(request, field, *, filename: str, private: bool, inline: bool = False, mime: str | None = None):
    """The response that hands over the stored file ``field`` (a FieldFile) as ``filename``.

    ``private``: the file is someone's (a case, a draft): never kept by shared caches.
    ``inline``: shown in the browser when its type is safe to show, else downloaded."""
    name = getattr(field, "name", "") or ""
    if not name or name.startswith("/") or ".." in name.split("/") or "\x00" in name:
        raise Http404
    storage = getattr(field, "storage", default_storage)
    mime = mime or content_type(filename)
    as_attachment = not (inline and mime in INLINE_TYPES)
    mode = getattr(settings, "FILE_SERVE_MODE", "django")
    if mode == "signed" and hasattr(storage, "bucket_name"):
        # django-storages' S3 storage (the only one with a bucket) takes these; Storage.url does not.
        url = storage.url(name, parameters={  # type: ignore[call-arg]
            "ResponseContentDisposition": content_disposition_header(as_attachment, filename),
            "ResponseContentType": mime,
            "ResponseCacheControl": "private, no-store" if private else "no-cache",
        }, expire=int(getattr(settings, "FILE_SIGNED_URL_SECONDS", 60)))
        redirect = HttpResponseRedirect(url)
        redirect["Cache-Control"] = "private, no-store"
        redirect["X-Content-Type-Options"] = "nosniff"
        return redirect
    response: HttpResponseBase
    if mode == "nginx" and not hasattr(storage, "bucket_name"):
        prefix = getattr(settings, "FILE_SERVE_INTERNAL_PREFIX", "/protected/").rstrip("/") + "/"
        response = HttpResponse(content_type=mime)
        response["X-Accel-Redirect"] = prefix + quote(name)
    elif mode == "sendfile" and not hasattr(storage, "bucket_name"):
        response = HttpResponse(content_type=mime)
        response["X-Sendfile"] = storage.path(name)
    else:
        try:
            handle = storage.open(name, "rb")
        except (FileNotFoundError, OSError):
            raise Http404 from None
        response = FileResponse(handle, content_type=mime)
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)  # type: ignore[assignment]
    response["X-Content-Type-Options"] = "nosniff"
    if private:
        response["Cache-Control"] = "private, no-store"
    else:
        # Asked again every time: a withdrawn item's file must not live on in a cache.
        response["Cache-Control"] = "no-cache"
    return response


def _file_fields():
    """Every FileField of every model: (model, field)."""
    from django.apps import apps
    from django.db import models

    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and field.concrete:
                yield model, field


def rename_stored_files(*, dry_run: bool = False) -> dict:
    """Move every stored file kept under a telling name to a random one (the name its field's ``upload_to``
    gives today) and point every row naming it at the new name; fill the rows' download names from the old
    name where they have none. The old file is removed only after the rows are saved, so nothing is lost if
    this stops half-way; run it again and it carries on (files already random are left alone)."""
    import os

    from django.db import transaction

    fields = list(_file_fields())
    result: dict[str, Any] = {"renamed": 0, "kept": 0, "missing": 0, "missing_names": []}
    for model, field in fields:
        if not callable(field.upload_to):
            continue  # a reference to a file another row owns (a notification's attachment)
        manager = model._base_manager
        names = (
            manager.exclude(**{field.name: ""}).exclude(**{f"{field.name}__isnull": True})
            .values_list(field.name, flat=True).distinct().order_by(field.name)
        )
        for old in list(names):
            if is_random_name(old):
                result["kept"] += 1
                continue
            storage = field.storage
            if not storage.exists(old):
                result["missing"] += 1
                result["missing_names"].append(old)
                continue
            if dry_run:
                result["renamed"] += 1
                continue
            instance = manager.filter(**{field.name: old}).first()
            basename = old.rsplit("/", 1)[-1]
            with storage.open(old, "rb") as handle:
                new = storage.save(field.generate_filename(instance, basename), handle)
            with transaction.atomic():
                for other_model, other_field in fields:
                    rows = other_model._base_manager.filter(**{other_field.name: old})
                    changes = {other_field.name: new}
                    if any(f.name == f"{other_field.name}_name" for f in other_model._meta.get_fields()):
                        rows.filter(**{f"{other_field.name}_name": ""}).update(**{f"{other_field.name}_name": basename[:200]})
                    if hasattr(other_model, "download_name") and any(f.name == "name" for f in other_model._meta.get_fields()):
                        rows.filter(name="").update(name=os.path.splitext(basename)[0][:200])
                    rows.update(**changes)
                transaction.on_commit(functools.partial(storage.delete, old))
            result["renamed"] += 1
    return result
