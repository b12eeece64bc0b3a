"""Recording findings for a subject (an item version). Resolving them is a
step of the subject's own workflow (``gongkai.catalogue.services.resolve_finding``)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from gongkai.sensitive.models import Finding, FindingStatus, SensitiveWord
from gongkai.sensitive.scanner import scan


def active_words() -> list[str]:
    return list(SensitiveWord.objects.filter(is_active=True).values_list("word", flat=True))


def record_findings(subject, *, version: int, texts: list[tuple[str, str]]) -> list[Finding]:
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
    return Finding.objects.bulk_create(findings)


def findings_for(subject, version: int | None = None):
    qs = Finding.objects.filter(subject_type=ContentType.objects.get_for_model(type(subject)), subject_id=str(subject.pk))
    return qs.filter(version=version) if version is not None else qs


def open_findings(subject, version: int | None = None):
    return findings_for(subject, version).filter(status=FindingStatus.OPEN)
