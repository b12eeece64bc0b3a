"""随复函提供的信息: the files released with a reply.

Staff upload files (and, for 部分公开, a redacted copy beside each file marked for redaction) or pick published
catalogue items while the reply is drafted. Each stored copy waits in quarantine for its virus scan and is then
read for the sensitive-content scan (``check_released_file``, a background job); a finding is settled by a false
positive or by redaction. Submitting the reply freezes the list of current files with their SHA-256 into
``Reply.files_manifest`` (part of the hash the sign-off pins); releasing it checks the stored bytes against that
list again and refuses a changed file. Nothing is deleted: a removed file keeps who removed it and why."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.applications.models import Application, ReleasedFile, Reply
from gongkai.applications.services._base import _lock
from gongkai.applications.taxonomy import Outcome
from gongkai.applications.workflow import MOVES
from gongkai.core import virus_scan
from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError, InvalidTransition
from gongkai.core.models import FileCheck
from gongkai.core.tasks import enqueue
from gongkai.core.uploads import RELEASED_FILE, check_upload, read_text
from gongkai.sensitive.models import Finding, FindingStatus
from gongkai.sensitive.services import open_findings, record_findings

if TYPE_CHECKING:
    from gongkai.accounts.models import User

# Outcomes whose reply provides information (予以公开, 部分公开): only these release files.
RELEASING_OUTCOMES = frozenset({Outcome.DISCLOSED, Outcome.PARTIAL})
ORIGINAL, REDACTED = 1, 2  # the versions the sensitive-content findings of each copy are recorded under


def _sha256(uploaded: File) -> str:
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks() if hasattr(uploaded, "chunks") else iter(lambda: uploaded.read(65536), b""):
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def _stored_sha256(field: FieldFile) -> str:
    digest = hashlib.sha256()
    with field.storage.open(field.name, "rb") as stream:
        while chunk := stream.read(65536):
            digest.update(chunk)
    return digest.hexdigest()


def _may(application: Application, by: User, verb: str) -> None:
    """The role first, before the input is read: a person who may not do this is told so, whatever was sent
    (the state is checked on the locked row)."""
    if not MOVES.role_allows(application, by, verb):
        MOVES.check(application, by, verb)  # raises NotAllowed naming the roles


def _editing(application: Application, by: User) -> Application:
    """The application, locked, once the table allows ``by`` to change its released files (before sign-off)."""
    application = _lock(application)
    MOVES.check(application, by, "edit_released_files")
    return application


def _current(released: ReleasedFile, application: Application) -> ReleasedFile:
    released = ReleasedFile.objects.select_for_update().get(pk=released.pk)
    if released.application_id != application.pk or released.removed_at is not None:
        raise DomainError(_("This file is no longer part of the reply."), field="file")
    return released


def _check_later(released: ReleasedFile) -> None:
    from gongkai.applications.tasks import check_released_file_job

    enqueue(check_released_file_job, released.pk)


def add_file(application: Application, *, uploaded: File, by: User, needs_redaction: bool = False) -> ReleasedFile:
    """Attach a file to be released with the reply; it is checked (virus, sensitive content) in the background."""
    _may(application, by, "edit_released_files")
    if uploaded is None:
        raise DomainError(_("Choose the file to release."), field="file")
    kind = check_upload(uploaded, purpose=RELEASED_FILE, field="file")
    digest = _sha256(uploaded)
    with transaction.atomic():
        application = _editing(application, by)
        released = ReleasedFile.objects.create(
            application=application, file=uploaded, name=(uploaded.name or "")[:200], kind=kind.code, size=uploaded.size,
            sha256=digest, needs_redaction=needs_redaction, added_by=by, check_state=FileCheck.PENDING,
        )
        log_action(application, "applications.released_file_added", by=by, organ=application.organ, data={
            "file": released.pk, "name": released.name, "size": released.size, "sha256": digest,
            "needs_redaction": needs_redaction})
        _check_later(released)
    return released


def add_redacted_copy(released: ReleasedFile, *, uploaded: File, by: User) -> ReleasedFile:
    """The redacted copy (部分公开) released in place of the original, which never reaches the applicant."""
    _may(released.application, by, "edit_released_files")
    if uploaded is None:
        raise DomainError(_("Choose the redacted copy."), field="redacted")
    kind = check_upload(uploaded, purpose=RELEASED_FILE, field="redacted")
    digest = _sha256(uploaded)
    with transaction.atomic():
        application = _editing(released.application, by)
        released = _current(released, application)
        if released.is_item:
            raise DomainError(_("A catalogue item is published already; it has no redacted copy."), field="redacted")
        if digest == released.sha256:
            raise DomainError(_("The redacted copy is the same file as the original."), field="redacted")
        # the findings of a redacted copy it replaces no longer concern what goes out
        _findings(released, REDACTED).filter(status=FindingStatus.OPEN).update(status=FindingStatus.SUPERSEDED)
        released.redacted_file = uploaded
        released.redacted_name, released.redacted_kind = (uploaded.name or "")[:200], kind.code
        released.redacted_size, released.redacted_sha256 = uploaded.size, digest
        released.redacted_check_state, released.redacted_check_note = FileCheck.PENDING, ""
        released.needs_redaction = True
        released.save()
        log_action(application, "applications.released_file_redacted", by=by, organ=application.organ, data={
            "file": released.pk, "name": released.redacted_name, "size": released.redacted_size, "sha256": digest})
        _check_later(released)
    return released


def pick_item(application: Application, *, reference: str, by: User) -> ReleasedFile:
    """Include a published catalogue item (its page and its attachments) by index number or number."""
    from gongkai.catalogue.models import Item

    _may(application, by, "edit_released_files")
    reference = (reference or "").strip()
    if not reference:
        raise DomainError(_("Give the index number of the published item."), field="item")
    published = Item.objects.published()
    item = published.filter(index_number=reference).first()
    if item is None and reference.isdigit():
        item = published.filter(pk=int(reference)).first()
    if item is None:
        raise DomainError(_("No published item has the index number “%(reference)s”.") % {"reference": reference}, field="item")
    with transaction.atomic():
        application = _editing(application, by)
        if ReleasedFile.objects.current().filter(application=application, item=item).exists():
            raise DomainError(_("This item is included already."), field="item")
        released = ReleasedFile.objects.create(application=application, item=item, name=item.title[:200], added_by=by,
                                               check_state=FileCheck.CLEAN)
        log_action(application, "applications.released_item_added", by=by, organ=application.organ,
                   data={"file": released.pk, "item": item.pk, "title": item.title})
    return released


def remove_file(released: ReleasedFile, *, by: User, reason: str) -> ReleasedFile:
    """Take a file off the reply (before sign-off). It is kept, with who removed it, when and why."""
    _may(released.application, by, "edit_released_files")
    if not (reason or "").strip():
        raise DomainError(_("Say why the file is removed."), field="reason")
    with transaction.atomic():
        application = _editing(released.application, by)
        released = _current(released, application)
        released.removed_by, released.removed_at, released.removal_reason = by, timezone.now(), reason.strip()[:300]
        released.save()
        log_action(application, "applications.released_file_removed", by=by, organ=application.organ, reason=reason,
                   data={"file": released.pk, "name": released.name})
    return released


def resolve_finding(finding: Finding, *, by: User, resolution: str, note: str) -> Finding:
    """Settle a sensitive-content finding in a file to be released: a false positive (with the reason), or
    redaction — the file is then marked for redaction and needs its redacted copy before it can go out."""
    released = finding.subject
    if not isinstance(released, ReleasedFile):
        raise DomainError(_("This finding does not belong to a released file."))
    _may(released.application, by, "resolve_file_finding")
    if resolution not in (FindingStatus.FALSE_POSITIVE, FindingStatus.REDACTION):
        raise DomainError(_("Choose false positive or redaction."), field="resolution")
    if not (note or "").strip():
        raise DomainError(_("Give the reason for your decision."), field="note")
    with transaction.atomic():
        application = _lock(released.application)
        MOVES.check(application, by, "resolve_file_finding")
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.status != FindingStatus.OPEN:
            raise InvalidTransition(_("This finding has already been resolved."))
        finding.status, finding.resolved_by, finding.resolved_at = resolution, by, timezone.now()
        finding.resolution_note = note.strip()
        finding.save()
        if resolution == FindingStatus.REDACTION:
            ReleasedFile.objects.filter(pk=released.pk).update(needs_redaction=True)
        log_action(application, f"applications.released_finding_{resolution}", by=by, organ=application.organ, reason=note,
                   data={"file": released.pk, "finding": finding.pk, "kind": finding.kind})
    return finding


# --- the checks, in the background ------------------------------------------------------------


def check_released_file(released_id: int) -> str:
    """Virus-scan each copy still in quarantine (outside any transaction), then read its text for the
    sensitive-content scan; the verdict and the findings are recorded once, by the run that clears the copy.
    Raises ScannerUnavailable while clamd cannot be reached (the copy stays in quarantine)."""
    released = ReleasedFile.objects.select_related("application").get(pk=released_id)
    for field, state, version in (("file", "check_state", ORIGINAL), ("redacted_file", "redacted_check_state", REDACTED)):
        stored = getattr(released, field)
        if not stored or getattr(released, state) != FileCheck.PENDING:
            continue
        verdict = virus_scan.scan_stored(stored)
        text = ""
        if verdict.clean:
            with stored.open("rb") as stream:
                text = read_text(stream.read(), released.kind if version == ORIGINAL else released.redacted_kind).text
        note_field = "check_note" if version == ORIGINAL else "redacted_check_note"
        with transaction.atomic():
            updated = ReleasedFile.objects.filter(pk=released.pk, **{state: FileCheck.PENDING, f"{field}": stored.name}).update(
                **{state: FileCheck.CLEAN if verdict.clean else FileCheck.INFECTED, note_field: verdict.signature[:200]})
            if updated and verdict.clean:
                name = released.name if version == ORIGINAL else released.redacted_name
                record_findings(released, version=version, texts=[(name, text)])
            elif updated:
                log_action(released.application, "applications.attachment_infected", by=None,
                           data={"released_file": released.pk, "name": released.name, "signature": verdict.signature})
    released.refresh_from_db()
    return released.check_state


# --- what the sign-off pins and what release checks -------------------------------------------------


def current_files(application: Application) -> list[ReleasedFile]:
    return list(ReleasedFile.objects.current().filter(application=application).select_related("item").order_by("added_at", "pk"))


def manifest(application: Application) -> list[dict]:
    """The current files as the sign-off pins them: id, name, size and SHA-256 (and the redacted copy's)."""
    return [released.manifest_entry() for released in current_files(application)]


def pinned_hash(fields_hash: str, files: list[dict]) -> str:
    """The reply's content hash with its files: the text's hash alone when it releases no file."""
    if not files:
        return fields_hash
    return hashlib.sha256((fields_hash + json.dumps(files, sort_keys=True, ensure_ascii=False)).encode()).hexdigest()


def _findings(released: ReleasedFile, version: int) -> QuerySet[Finding]:
    return Finding.objects.filter(subject_type=ContentType.objects.get_for_model(ReleasedFile), subject_id=str(released.pk),
                                  version=version)


def findings_of(released: ReleasedFile) -> QuerySet[Finding]:
    """The sensitive-content findings of the copy that goes out."""
    return _findings(released, released.scan_version)


def problems(application: Application, outcome: str) -> list[str]:
    """Why the current files cannot go out yet (empty: they can)."""
    files = current_files(application)
    if files and outcome not in RELEASING_OUTCOMES:
        return [_("Only a reply that discloses information (in full or in part) releases files; remove them first.")]
    found = []
    for released in files:
        if released.is_item and not released.item.is_public:
            found.append(_("“%(name)s” is no longer published; remove it.") % {"name": released.name})
        if not released.is_cleared:
            found.append(_("“%(name)s” has not passed the virus scan (it is being checked, or was refused).")
                         % {"name": released.name})
        elif not released.is_item and open_findings(released, released.scan_version).exists():
            found.append(_("“%(name)s” has sensitive-content findings to resolve.") % {"name": released.name})
        if released.needs_redaction and not released.has_redacted_copy:
            found.append(_("“%(name)s” is to be released in part: upload its redacted copy.") % {"name": released.name})
    return found


def freeze(reply: Reply, application: Application) -> None:
    """At submission: refuse files that cannot go out, and pin the current list into the reply's hash."""
    found = problems(application, reply.outcome)
    if found:
        raise DomainError(" ".join(found), field="files")
    files = manifest(application)
    reply.files_manifest = files
    reply.content_hash = pinned_hash(reply.content_hash, files)


def signed_off_hash(reply: Reply) -> str:
    """The hash to decide on: the pinned one while the files are those submitted, else one that differs."""
    if manifest(reply.application) == reply.files_manifest:
        return reply.content_hash
    return pinned_hash(reply.content_hash, [{"changed": True}])


def release(reply: Reply, application: Application) -> list[dict]:
    """At delivery: the files must be exactly those signed off, byte for byte, and cleared; they become
    downloadable for ``APPLICATIONS_RELEASE_DAYS``. Returns what goes out (name and SHA-256 per file)."""
    files = current_files(application)
    if [f.manifest_entry() for f in files] != reply.files_manifest:
        raise DomainError(_("The released files changed after sign-off; draft the reply again and submit it."), field="via")
    found = problems(application, reply.outcome)
    if found:
        raise DomainError(" ".join(found), field="via")
    for released in files:
        for field, expected in ((released.file, released.sha256), (released.redacted_file, released.redacted_sha256)):
            if field and _stored_sha256(field) != expected:
                raise DomainError(_("“%(name)s” is not the file that was signed off (its SHA-256 differs); it cannot be "
                                    "released.") % {"name": released.name}, field="via")
    now = timezone.now()
    until = now + dt.timedelta(days=int(settings.APPLICATIONS_RELEASE_DAYS))
    ReleasedFile.objects.filter(pk__in=[f.pk for f in files]).update(released_at=now, available_until=until)
    return [{"name": f.outgoing()[1], "sha256": f.outgoing()[2]} if not f.is_item else {"name": f.name, "item": f.item_id}
            for f in files]


# --- the applicant's download links -----------------------------------------------------------------

LINK_SALT = "gongkai.applications.released_file"
VALID, EXPIRED, TAMPERED = "valid", "expired", "tampered"


def download_token(released: ReleasedFile) -> str:
    """A signed, timestamped token naming the case and the file (``django.core.signing.TimestampSigner``)."""
    return signing.TimestampSigner(salt=LINK_SALT).sign(f"{released.application_id}.{released.pk}")


def check_token(released: ReleasedFile, token: str) -> str:
    """VALID, EXPIRED (the link is older than ``APPLICATIONS_RELEASE_DAYS`` or the download period is over) or
    TAMPERED (not signed here, or for another file)."""
    max_age = dt.timedelta(days=int(settings.APPLICATIONS_RELEASE_DAYS))
    try:
        value = signing.TimestampSigner(salt=LINK_SALT).unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        return EXPIRED
    except signing.BadSignature:
        return TAMPERED
    if value != f"{released.application_id}.{released.pk}":
        return TAMPERED
    return VALID if is_downloadable(released) else EXPIRED


def is_downloadable(released: ReleasedFile) -> bool:
    return released.available_until is not None and timezone.now() <= released.available_until
