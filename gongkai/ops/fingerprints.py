"""网页防篡改: fingerprints of what the public is served from files.

Public pages are rendered from the database on every request (and cached), so
there is no published HTML file to alter; what a visitor is served straight
from disk is the collected static tree (``STATIC_ROOT``: styles, scripts,
vendored libraries) and the attachments of published items (under
``MEDIA_ROOT``). ``record()`` keeps the SHA-256 of each — for an attachment the
hash taken when it was uploaded — and a copy of its content in
``FINGERPRINT_COPY_DIR`` (outside both trees, never served). ``verify()``
hashes every file again; a changed or missing file is put back from the copy,
written to the audit trail and reported to the web administrators of the
organ (static files: of the top-level organs)."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gongkai.ops.models import FileFingerprint, FingerprintArea, FingerprintState

log = logging.getLogger(__name__)
CHUNK = 1024 * 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_dir() -> Path:
    return Path(settings.FINGERPRINT_COPY_DIR)


def _copy_path(sha: str) -> Path:
    return copy_dir() / sha[:2] / sha


def root_of(area: str) -> Path | None:
    if area == FingerprintArea.STATIC:
        return Path(settings.STATIC_ROOT)
    if getattr(settings, "S3_BUCKET", None):
        return None  # attachments on object storage: the bucket's own versioning protects them
    return Path(settings.MEDIA_ROOT)


def _keep_copy(source: Path, sha: str) -> bool:
    """Copy the file into the content-addressed store when its content is ``sha``; True when a good copy exists."""
    target = _copy_path(sha)
    if target.exists() and sha256_of(target) == sha:
        return True
    if not source.is_file() or sha256_of(source) != sha:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as temporary:
        with open(source, "rb") as handle:
            shutil.copyfileobj(handle, temporary, CHUNK)
    os.replace(temporary.name, target)
    return sha256_of(target) == sha


@dataclass
class Summary:
    recorded: int = 0
    retired: int = 0
    checked: int = 0
    changed: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    unrestorable: list[str] = field(default_factory=list)


def _wanted() -> dict[tuple[str, str], tuple[str, int, int | None, Path]]:
    """(area, path) → (sha256, size, organ id, file) for every file that should be fingerprinted now."""
    wanted = {}
    static_root = root_of(FingerprintArea.STATIC)
    if static_root and static_root.is_dir():
        for file in sorted(static_root.rglob("*")):
            if file.is_file():
                relative = file.relative_to(static_root).as_posix()
                wanted[(FingerprintArea.STATIC, relative)] = ("", file.stat().st_size, None, file)
    media_root = root_of(FingerprintArea.MEDIA)
    if media_root is not None:
        from gongkai.catalogue.models import Attachment, Item

        published = Item.objects.published().values("id")
        rows = Attachment.objects.filter(item__in=published, is_current=True).values_list("file", "sha256", "size", "item__organ_id")
        for name, sha, size, organ_id in rows.iterator():
            if name:
                wanted[(FingerprintArea.MEDIA, name)] = (sha, size, organ_id, media_root / name)
    return wanted


def record() -> Summary:
    """Fingerprint the files served now; retire the fingerprints of files no longer served."""
    summary = Summary()
    wanted = _wanted()
    known = {(fp.area, fp.path): fp for fp in FileFingerprint.objects.exclude(state=FingerprintState.RETIRED)}
    for key, (sha, size, organ_id, file) in wanted.items():
        existing = known.get(key)
        if existing is not None and (not sha or existing.sha256 == sha):
            if not existing.has_copy:
                existing.has_copy = _keep_copy(file, existing.sha256)
                existing.save(update_fields=["has_copy"])
            continue
        if not sha:  # a static file: its content now is the reference (collectstatic has just written it)
            if not file.is_file():
                continue
            sha = sha256_of(file)
        has_copy = _keep_copy(file, sha)
        FileFingerprint.objects.update_or_create(
            area=key[0], path=key[1],
            defaults={"sha256": sha, "size": size, "organ_id": organ_id, "state": FingerprintState.OK, "has_copy": has_copy,
                      "changed_at": None},
        )
        summary.recorded += 1
    gone = [fp.pk for key, fp in known.items() if key not in wanted]
    if gone:
        summary.retired = FileFingerprint.objects.filter(pk__in=gone).update(state=FingerprintState.RETIRED)
    return summary


def _restore(fp: FileFingerprint, target: Path) -> bool:
    source = _copy_path(fp.sha256)
    if not fp.has_copy or not source.is_file() or sha256_of(source) != fp.sha256:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as temporary:
        with open(source, "rb") as handle:
            shutil.copyfileobj(handle, temporary, CHUNK)
    os.chmod(temporary.name, 0o644)
    os.replace(temporary.name, target)
    return sha256_of(target) == fp.sha256


def verify(*, restore: bool = True) -> Summary:
    """Hash every fingerprinted file again; put back, record and report what changed."""
    summary = Summary()
    now = timezone.now()
    for fp in FileFingerprint.objects.exclude(state=FingerprintState.RETIRED).order_by("id").iterator():
        root = root_of(fp.area)
        if root is None:
            continue
        target = root / fp.path
        summary.checked += 1
        found = sha256_of(target) if target.is_file() else None
        if found == fp.sha256:
            FileFingerprint.objects.filter(pk=fp.pk).update(checked_at=now, **({"state": FingerprintState.OK} if fp.state != FingerprintState.RESTORED else {}))
            continue
        state = FingerprintState.MISSING if found is None else FingerprintState.CHANGED
        summary.changed.append(str(fp))
        restored = restore and _restore(fp, target)
        if restored:
            summary.restored.append(str(fp))
        else:
            summary.unrestorable.append(str(fp))
        _report(fp, state=state, found=found, restored=restored, now=now)
    return summary


def _report(fp: FileFingerprint, *, state: str, found: str | None, restored: bool, now) -> None:
    from gongkai.core.audit import log_action

    with transaction.atomic():
        fp.state = FingerprintState.RESTORED if restored else state
        fp.checked_at = now
        fp.changed_at = now
        fp.save(update_fields=["state", "checked_at", "changed_at"])
        log_action(
            fp, "ops.file_tampered", organ=fp.organ,
            reason=f"{state}: {fp.path}",
            data={"area": fp.area, "path": fp.path, "expected": fp.sha256, "found": found, "restored": restored},
        )
        _alert(fp, state=state, restored=restored)
    log.error("fingerprint mismatch: %s %s (restored: %s)", state, fp, restored)


def _alert(fp: FileFingerprint, *, state: str, restored: bool) -> None:
    from django.contrib.auth import get_user_model

    from gongkai.notify.services import notify_all
    from gongkai.organs.models import Membership, Role

    memberships = Membership.objects.active().filter(role=Role.WEB_ADMIN)
    memberships = memberships.filter(organ_id=fp.organ_id) if fp.organ_id else memberships.filter(organ__parent__isnull=True)
    users = list(get_user_model().objects.filter(pk__in=memberships.values("user_id")).order_by("pk"))
    if not users:
        log.error("fingerprint mismatch on %s: no web administrator to tell", fp)
        return
    notify_all(
        users, "ops.file_tampered",
        {"path": fp.path, "area": fp.get_area_display(), "state": FingerprintState(state).label,
         "outcome": _restored_text(restored)},
        organ=fp.organ, reference=f"fingerprint:{fp.pk}",
    )


def _restored_text(restored: bool) -> str:
    from django.utils.translation import gettext

    if restored:
        return gettext("The file was put back from the kept copy.")
    return gettext("No good copy was kept: restore the file from the backup.")
