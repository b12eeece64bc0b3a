"""Recording findings for a subject (an item version) and that a text was scanned at all. Resolving
findings is a step of the subject's own workflow (``gongkai.catalogue.services.resolve_finding``)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.utils import timezone

from gongkai.sensitive.models import Finding, FindingStatus, Scan, SensitiveWord
from gongkai.sensitive.scanner import scan

DRAFT = 0  # the version number of a working draft's scan


def active_words() -> list[str]:
    return list(SensitiveWord.objects.filter(is_active=True).values_list("word", flat=True))


def record_findings(subject: Model, *, version: int, texts: list[tuple[str, str]]) -> list[Finding]:
    """Scan each (where, text) pair and store a Finding per hit for this version."""
    words = active_words()
    subject_type = ContentType.objects.get_for_model(type(subject))
    findings = [
        Finding(
            subject_type=subject_type,
            subject_id=str(subject.pk),
            version=version,
            kind=hit.kind,
            where=where[:200],
            match=hit.match[:100],
            context=hit.context[:300],
        )
        for where, text in texts
        for hit in scan(text, words)
    ]
    _record_scan(subject, subject_type, version, [])  # the findings are the record of what was found
    return Finding.objects.bulk_create(findings)


def check_draft(subject: Any, *, texts: list[tuple[str, str]]) -> Scan:
    """Scan a working draft as it is saved (cheap: regular expressions over its text, no findings recorded).
    The page shows what it found; the findings to resolve are recorded when the draft is submitted."""
    words = active_words()
    hits = [
        {"kind": hit.kind, "where": where[:200], "match": hit.match[:100], "context": hit.context[:300]}
        for where, text in texts
        for hit in scan(text, words)
    ]
    return _record_scan(subject, ContentType.objects.get_for_model(type(subject)), DRAFT, hits)


def _record_scan(subject: Any, subject_type: ContentType, version: int, hits: list[dict]) -> Scan:
    scan_row, _created = Scan.objects.update_or_create(
        subject_type=subject_type, subject_id=str(subject.pk), version=version,
        defaults={"scanned_at": timezone.now(), "hits": hits},
    )
    return scan_row


def last_scan(subject: Any, version: int | None = None) -> Scan | None:
    """The scan of ``version`` (0: the working draft), or the most recent scan of the subject; ``None``: never scanned."""
    scans = Scan.objects.filter(subject_type=ContentType.objects.get_for_model(type(subject)), subject_id=str(subject.pk))
    if version is not None:
        scans = scans.filter(version=version)
    return scans.order_by("-scanned_at", "-pk").first()


def findings_for(subject: Model, version: int | None = None) -> QuerySet[Finding]:
    qs = Finding.objects.filter(subject_type=ContentType.objects.get_for_model(type(subject)), subject_id=str(subject.pk))
    return qs.filter(version=version) if version is not None else qs


def open_findings(subject: Model, version: int | None = None) -> QuerySet[Finding]:
    return findings_for(subject, version).filter(status=FindingStatus.OPEN)
