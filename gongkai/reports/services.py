"""Writes to annual reports. Every face (workspace, public pages, commands)
calls these; each move checks the table of allowed moves, locks the row, and
writes one audit row."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gongkai.core.audit import log_action
from gongkai.core.errors import DomainError, InvalidTransition, NotAllowed
from gongkai.core.uploads import check_archive, is_zip
from gongkai.notify.services import mark_done
from gongkai.organs.models import Organ, OrganKind, Role
from gongkai.reports import checks, counting, structure
from gongkai.reports.models import (
    AnnualReport,
    FigureSource,
    ManualFigure,
    ReportOrigin,
    ReportScope,
    ReportStatus,
)
from gongkai.reports.workflow import blank, check
from gongkai.signoff import services as signoff_services
from gongkai.signoff.models import Signoff, SignoffStatus, SubjectKind

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from gongkai.accounts.models import User

log = logging.getLogger(__name__)


def _lock(report: AnnualReport) -> AnnualReport:
    return AnnualReport.objects.select_for_update().get(pk=report.pk)


# --- values ---------------------------------------------------------------------------


def parse_figure(code: str, raw: object) -> Decimal | int | None:
    """Validate a figure entered by hand: blank stays blank; counts are
    non-negative integers; the fee amount is 万元 with at most 4 decimals."""
    label = structure.T2_BY_CODE[code].label
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = str(raw).strip().replace(",", "").replace("，", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise DomainError(_("%(figure)s must be a number.") % {"figure": label}, field=code)
    if not value.is_finite():
        raise DomainError(_("%(figure)s must be a number.") % {"figure": label}, field=code)
    if value < 0:
        raise DomainError(_("%(figure)s cannot be negative.") % {"figure": label}, field=code)
    if code == "fees":
        if value.as_tuple().exponent < -structure.AMOUNT_DECIMALS:
            raise DomainError(_("%(figure)s is in 万元 with at most 4 decimals.") % {"figure": label}, field=code)
        if value >= Decimal(10) ** 13:
            raise DomainError(_("%(figure)s is too large.") % {"figure": label}, field=code)
        return value
    if value != value.to_integral_value():
        raise DomainError(_("%(figure)s must be a whole number.") % {"figure": label}, field=code)
    if value >= 10**12:
        raise DomainError(_("%(figure)s is too large.") % {"figure": label}, field=code)
    return int(value)


def _apply_manual_figures(report: AnnualReport, cells: dict) -> None:
    figures = {f.code: f for f in report.manual_figures.all()}
    for code, key in structure.MANUAL_KEYS.items():
        figure = figures.get(code)
        value = None if figure is None or figure.value is None else figure.value
        if value is not None and code != "fees":
            value = int(value)
        cells[key] = structure.to_json(key, value)


def _complete(cells: dict) -> dict:
    return {key: cells.get(key) for key in structure.ALL_KEYS}


def _after_content_change(report: AnnualReport) -> None:
    report.version += 1
    report.findings = checks.run(report)
    report.checked_at = timezone.now()
    report.status = ReportStatus.CHECKED if not report.failing else ReportStatus.DRAFT


# --- generation ---------------------------------------------------------------------------


def official_report(organ: Organ, year: int, scope: str = ReportScope.ORGAN) -> AnnualReport | None:
    return AnnualReport.objects.official().filter(organ=organ, year=year, scope=scope).first()


def _get_or_create_official(organ: Organ, year: int, scope: str, by: User) -> AnnualReport:
    report, created = AnnualReport.objects.get_or_create(
        organ=organ, year=year, scope=scope, origin=ReportOrigin.GENERATED, defaults={"status": ReportStatus.NOT_STARTED}
    )
    if created:
        log_action(report, "reports.created", by=by, data={"year": year, "scope": scope})
    return report


def generate(organ: Organ, year: int, *, by: User) -> AnnualReport:
    """Fill (or refill) the organ's report for ``year`` from the platform's records
    and the figures entered by hand, start the text sections from a draft if they
    are empty, and run the checks."""
    from gongkai.reports import drafting

    check(blank(organ), by, "generate")  # the person, before any row is made
    with transaction.atomic():
        report = _lock(_get_or_create_official(organ, year, ReportScope.ORGAN, by))
        check(report, by, "generate")
        cells = counting.count_tables([organ.pk], year)[organ.pk]
        _apply_manual_figures(report, cells)
        before = dict(report.cells)
        report.cells = _complete(cells)
        drafting.fill_empty_sections(report)
        report.generated_at = timezone.now()
        report.generated_by = by
        _after_content_change(report)
        report.save()
        changed = {k: [before.get(k), report.cells.get(k)] for k in structure.ALL_KEYS if before.get(k) != report.cells.get(k)}
        log_action(report, "reports.generated", by=by, data={"changed": changed, "failing": len(report.failing)})
    return report


def build_government_report(government: Organ, year: int, *, by: User) -> AnnualReport:
    """The government-wide report (本级政府年度报告): the tables of every organ
    below the government added up. Each organ's own report is used when it has
    one (it carries the figures entered by hand); organs without a report are
    counted from the platform's records. Blank + blank stays blank."""
    from gongkai.reports import drafting

    if government.kind != OrganKind.GOVERNMENT:
        raise NotAllowed(_("Only the disclosure office of a government builds the government-wide report."))
    check(blank(government, ReportScope.GOVERNMENT), by, "aggregate")
    organs = list(Organ.objects.below(government).filter(is_active=True).order_by("path"))
    reports = {
        r.organ_id: r for r in AnnualReport.objects.official().filter(organ__in=organs, year=year, scope=ReportScope.ORGAN)
    }
    without = [o.pk for o in organs if o.pk not in reports or reports[o.pk].status == ReportStatus.NOT_STARTED]
    counted = counting.count_tables(without, year) if without else {}
    totals: dict = {}
    sources = []
    for organ in organs:
        report = reports.get(organ.pk)
        if report is not None and report.status != ReportStatus.NOT_STARTED:
            values = report.values()
            sources.append({"organ": organ.pk, "name": organ.name, "report": report.pk, "status": report.status})
        else:
            values = {k: structure.to_value(k, v) for k, v in counted.get(organ.pk, {}).items()}
            sources.append({"organ": organ.pk, "name": organ.name, "report": None, "status": ReportStatus.NOT_STARTED})
        for key in structure.ALL_KEYS:
            value = values.get(key)
            if value is not None:
                totals[key] = (totals.get(key) or 0) + value
    with transaction.atomic():
        report = _lock(_get_or_create_official(government, year, ReportScope.GOVERNMENT, by))
        check(report, by, "aggregate")
        report.cells = _complete({k: structure.to_json(k, v) for k, v in totals.items()})
        report.sources = sources
        drafting.fill_empty_sections(report)
        report.generated_at = timezone.now()
        report.generated_by = by
        _after_content_change(report)
        report.save()
        log_action(report, "reports.aggregated", by=by, data={"organs": len(organs), "counted_from_records": len(without)})
    return report


# --- editing ------------------------------------------------------------------------------


def set_manual_figure(report: AnnualReport, code: str, raw: object, *, by: User, source: str = FigureSource.ENTERED, source_file: str = "", note: str = "") -> AnnualReport:
    if code not in structure.MANUAL_FIGURES:
        raise DomainError(_("Unknown figure."), field="code")
    check(report, by, "edit")
    value = parse_figure(code, raw)
    if source == FigureSource.SPREADSHEET and not source_file:
        raise DomainError(_("Name the spreadsheet the figure comes from."), field="source_file")
    with transaction.atomic():
        report = _lock(report)
        check(report, by, "edit")
        figure, _created = ManualFigure.objects.get_or_create(report=report, code=code)
        key = structure.MANUAL_KEYS[code]
        old = None if figure.value is None else structure.format_value(key, structure.to_value(key, figure.value))
        figure.value = value
        figure.source = source
        figure.source_file = source_file[:300]
        figure.note = note[:300]
        figure.entered_by = by
        figure.save()
        report.cells = {**report.cells, key: structure.to_json(key, value)}
        _after_content_change(report)
        report.save()
        log_action(
            report,
            "reports.figure_set",
            by=by,
            data={"figure": code, "old": old, "new": None if value is None else structure.format_value(key, value), "source": source, "file": source_file},
        )
    return report


MAX_FIGURE_ROWS = 1000  # the sheet of the four manual figures, gaps included
MAX_FIGURE_CELLS = 50_000


def import_manual_figures(report: AnnualReport, upload: UploadedFile, *, by: User) -> AnnualReport:
    """Read 行政许可/行政处罚/行政强制/行政事业性收费 from a spreadsheet: the first
    sheet, a label in one column and the figure in the next. All or nothing."""
    import openpyxl

    check(report, by, "edit")
    upload.seek(0)
    if not is_zip(upload.read(4)):
        raise DomainError(_("The file is not an Excel workbook (.xlsx)."), field="file")
    upload.seek(0)
    check_archive(upload, name=getattr(upload, "name", ""), field="file")
    try:
        workbook = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    except Exception:
        raise DomainError(_("The file is not an Excel workbook (.xlsx)."), field="file")
    labels = {structure.T2_BY_CODE[c].label: c for c in structure.MANUAL_FIGURES}
    found: dict[str, object] = {}
    rows_read = cells_read = 0
    for row in workbook.worksheets[0].iter_rows(values_only=True):
        rows_read += 1
        cells_read += len(row)
        if rows_read > MAX_FIGURE_ROWS or cells_read > MAX_FIGURE_CELLS:
            raise DomainError(
                _("The first sheet has more than %(rows)d rows or %(cells)d cells; the four figures fit in a few rows.")
                % {"rows": MAX_FIGURE_ROWS, "cells": MAX_FIGURE_CELLS},
                field="file",
            )
        cells = list(row)
        for i, cell in enumerate(cells[:-1]):
            text = str(cell or "").strip()
            for label, code in labels.items():
                if text.startswith(label) and code not in found:
                    found[code] = cells[i + 1]
    if not found:
        raise DomainError(_("No row named 行政许可, 行政处罚, 行政强制 or 行政事业性收费 was found in the first sheet."), field="file")
    parsed = {code: parse_figure(code, raw) for code, raw in found.items()}  # validate everything before saving anything
    name = getattr(upload, "name", "spreadsheet.xlsx")
    with transaction.atomic():
        for code, value in parsed.items():
            report = set_manual_figure(report, code, "" if value is None else str(value), by=by, source=FigureSource.SPREADSHEET, source_file=name)
    return report


def set_texts(report: AnnualReport, *, by: User, overview: str, problems: str, other_matters: str) -> AnnualReport:
    check(report, by, "edit")
    limit = 50000
    for field, text in (("overview", overview), ("problems", problems), ("other_matters", other_matters)):
        if len(text) > limit:
            raise DomainError(_("This section is longer than %(limit)s characters.") % {"limit": limit}, field=field)
    with transaction.atomic():
        report = _lock(report)
        check(report, by, "edit")
        report.overview, report.problems, report.other_matters = overview.strip(), problems.strip(), other_matters.strip()
        _after_content_change(report)
        report.save()
        log_action(report, "reports.texts_edited", by=by)
    return report


def run_checks(report: AnnualReport, *, by: User) -> AnnualReport:
    check(report, by, "check")
    with transaction.atomic():
        report = _lock(report)
        check(report, by, "check")
        report.findings = checks.run(report)
        report.checked_at = timezone.now()
        if report.status in (ReportStatus.DRAFT, ReportStatus.CHECKED):
            report.status = ReportStatus.CHECKED if not report.failing else ReportStatus.DRAFT
        report.save()
        log_action(report, "reports.checked", by=by, data={"failing": [f"{f['rule']}:{f['where']}" for f in report.failing]})
    return report


def override_checks(report: AnnualReport, *, by: User, reason: str) -> AnnualReport:
    """A named leader accepts publication despite failing checks, in writing."""
    check(report, by, "override")
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise DomainError(_("Write the reason for overriding the checks (at least 10 characters)."), field="reason")
    with transaction.atomic():
        report = _lock(report)
        check(report, by, "override")
        report.findings = checks.run(report)
        if not report.failing:
            raise DomainError(_("Every check passes: there is nothing to override."))
        report.override_by = by
        report.override_reason = reason
        report.override_at = timezone.now()
        report.override_hash = report.content_hash()
        report.save()
        log_action(
            report,
            "reports.checks_overridden",
            by=by,
            reason=reason,
            data={"failing": [f"{f['rule']}:{f['where']}" for f in report.failing]},
        )
    return report


# --- sign-off and publication ------------------------------------------------------------------


def _require_passing_or_overridden(report: AnnualReport) -> None:
    report.findings = checks.run(report)
    if report.failing and not report.override_valid:
        raise DomainError(
            _("%(count)s checks fail. Fix the data, or a leader must override the checks with a written reason.")
            % {"count": len(report.failing)}
        )


PROMPT_MARK = "【请填写"


def _require_texts_written(report: AnnualReport) -> None:
    """The draft's 【请填写…】 prompts are for the organ to replace, never to publish."""
    for code, heading in structure.SECTIONS:
        if code in structure.TEXT_SECTIONS:
            text = report.text(code)
            if not text.strip():
                raise DomainError(_("Section %(heading)s is empty.") % {"heading": heading}, field=code)
            if PROMPT_MARK in text:
                raise DomainError(
                    _("Section %(heading)s still contains prompts 【请填写…】: replace them with the organ's own text.") % {"heading": heading},
                    field=code,
                )


def submit(report: AnnualReport, *, by: User) -> AnnualReport:
    check(report, by, "submit")
    with transaction.atomic():
        report = _lock(report)
        check(report, by, "submit")
        _require_texts_written(report)
        _require_passing_or_overridden(report)
        signoff_services.open_signoff(
            report,
            organ=report.organ,
            kind=SubjectKind.REPORT,
            by=by,
            title=report.display_title,
            version=report.version,
            content_hash=report.content_hash(),
            important=False,
        )
        report.status = ReportStatus.SUBMITTED
        report.return_comment = ""
        report.save()
        log_action(report, "reports.submitted", by=by, data={"version": report.version})
    return report


def withdraw(report: AnnualReport, *, by: User, reason: str = "") -> AnnualReport:
    """Take a submitted report back from its sign-off, so that it can be changed and submitted again."""
    check(report, by, "withdraw")
    with transaction.atomic():
        report = _lock(report)
        check(report, by, "withdraw")
        signoff = pending_signoff(report)
        if signoff is not None:
            signoff_services.withdraw(signoff, by=by, reason=reason)
        report.status = ReportStatus.CHECKED if not report.failing else ReportStatus.DRAFT
        report.save()
        log_action(report, "reports.withdrawn", by=by, reason=reason, data={"version": report.version})
    return report


def pending_signoff(report: AnnualReport) -> Signoff | None:
    return Signoff.objects.for_subject(report).pending().first()


def decide(report: AnnualReport, *, by: User, decision: str, comment: str = "") -> AnnualReport:
    check(report, by, "signoff")
    signoff = pending_signoff(report)
    if signoff is None:
        raise InvalidTransition(_("The report is not waiting for sign-off."))
    with transaction.atomic():
        report = _lock(report)
        check(report, by, "signoff")
        signoff = signoff_services.decide(signoff, by=by, decision=decision, comment=comment, content_hash=report.content_hash())
        if signoff.status == SignoffStatus.APPROVED:
            report.status = ReportStatus.APPROVED
            log_action(report, "reports.signed_off", by=by, reason=comment)
        elif signoff.status == SignoffStatus.RETURNED:
            report.status = ReportStatus.RETURNED
            report.return_comment = comment
            log_action(report, "reports.returned_in_signoff", by=by, reason=comment)
        report.save()
    return report


def publish(report: AnnualReport, *, by: User) -> AnnualReport:
    """Publish in the organ's disclosure column (annual-report section): the DOCX and
    PDF are rendered once, from the approved content, and kept."""
    from gongkai.reports import exports

    check(report, by, "publish")
    with transaction.atomic():
        report = _lock(report)
        check(report, by, "publish")
        approved = Signoff.objects.for_subject(report).filter(status=SignoffStatus.APPROVED).order_by("-closed_at").first()
        if approved is None or approved.content_hash != report.content_hash():
            raise InvalidTransition(_("The report changed after it was signed off; it must be signed off again."))
        _require_passing_or_overridden(report)
        report.status = ReportStatus.PUBLISHED
        report.published_at = timezone.now()
        report.published_by = by
        report.published_hash = report.content_hash()
        slug = f"{report.organ.slug}-{report.year}-{report.scope}"
        report.docx_file.save(f"{slug}.docx", ContentFile(exports.render_docx(report)), save=False)
        report.pdf_file.save(f"{slug}.pdf", ContentFile(exports.render_pdf(report)), save=False)
        report.save()
        log_action(report, "reports.published", by=by, data={"late": report.is_late, "overridden": report.override_valid})
        _tasks_done(report)
        if report.is_late:
            _flag_late(report)
    return report


def supervisor_return(report: AnnualReport, *, by: User, comment: str) -> AnnualReport:
    """The supervising office returns an organ's report with comments."""
    check(report, by, "return")
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("Say what must change when returning it."), field="comment")
    with transaction.atomic():
        report = _lock(report)
        check(report, by, "return")
        signoff = pending_signoff(report)
        if signoff is not None:
            signoff_services.withdraw(signoff, by=by, reason=comment)
        report.status = ReportStatus.RETURNED
        report.return_comment = comment
        report.save()
        log_action(report, "reports.returned_by_supervisor", by=by, reason=comment)
    send_notice(
        _people(report.organ, Role.DISCLOSURE_OFFICE),
        subject=_("Annual report returned: %(title)s") % {"title": report.display_title},
        body=comment,
        target=report,
    )
    return report


# --- reminders and late publication ------------------------------------------------------------


def _people(organ: Organ, *roles: str) -> list[User]:
    from gongkai.organs.models import Membership

    return [m.user for m in Membership.objects.active().filter(organ=organ, role__in=roles).select_related("user")]


def _tasks_done(report: AnnualReport) -> None:
    """The report is published: the notices that asked for work on it are done."""
    mark_done(f"report:{report.pk}")


def send_notice(recipients: Iterable[User], *, subject: str, body: str, target: AnnualReport) -> None:
    """The one hook reports use to tell people something: ``gongkai.notify``'s
    generic "message" event (in-app, plus e-mail/SMS as configured), linked to
    the report in the workspace. The state change itself is in the audit trail."""
    from django.urls import reverse

    try:
        from gongkai.notify.services import notify
    except ImportError:  # the notify app is optional for the report itself
        notify = None
    link = reverse("reports_ws:report", args=[target.pk])
    for user in recipients:
        if notify is None:
            log.info("notice to %s: %s — %s", user, subject, body)
            continue
        notify(user, "message", {"title": subject, "text": f"{body}\n{link}"}, organ=target.organ, link=link,
               reference=f"report:{target.pk}")


def _flag_late(report: AnnualReport) -> None:
    updated = AnnualReport.objects.filter(pk=report.pk, late_flagged_at__isnull=True).update(late_flagged_at=timezone.now())
    if not updated:
        return
    government = report.organ.parent.government if report.organ.parent_id else None
    supervisors = _people(government, Role.DISCLOSURE_OFFICE) if government else []
    log_action(report, "reports.late_flagged", by=None, data={"deadline": report.deadline.isoformat()})
    send_notice(
        supervisors,
        subject=_("Annual report late: %(title)s") % {"title": report.display_title},
        body=_("The deadline was %(deadline)s.") % {"deadline": report.deadline.isoformat()},
        target=report,
    )


OVERDUE_REMINDER_DAYS = 7  # after the deadline the organ is reminded once a week, not every day


def _remind(report: AnnualReport, today: dt.date, *, late: bool) -> bool:
    """Remind the organ's disclosure office once a day until the deadline, once a week after it
    (claimed by a conditional UPDATE, so running the job twice sends nothing twice)."""
    import datetime

    gap = datetime.timedelta(days=OVERDUE_REMINDER_DAYS if late else 1)
    due = Q(reminded_on__isnull=True) | Q(reminded_on__lte=today - gap)
    claimed = AnnualReport.objects.filter(due, pk=report.pk).update(reminded_on=today)
    if not claimed:
        return False
    params = {"year": report.year, "deadline": report.deadline.isoformat(), "title": report.display_title}
    if late:
        subject = _("Overdue: %(title)s was due by %(deadline)s") % params
    elif report.scope == ReportScope.GOVERNMENT:
        subject = _("Publish the government-wide %(year)s annual report by %(deadline)s") % params
    else:
        subject = _("Publish the %(year)s annual report by %(deadline)s") % params
    send_notice(
        _people(report.organ, Role.DISCLOSURE_OFFICE),
        subject=subject,
        body=_("Status: %(status)s.") % {"status": ReportStatus(report.status).label},
        target=report,
    )
    return True


def _pending_report(organ: Organ, year: int, scope: str) -> AnnualReport:
    report = official_report(organ, year, scope)
    if report is None:
        report, _created = AnnualReport.objects.get_or_create(
            organ=organ, year=year, scope=scope, origin=ReportOrigin.GENERATED, defaults={"status": ReportStatus.NOT_STARTED}
        )
    return report


def send_reminders(today: dt.date | None = None) -> dict:
    """Daily job, idempotent. From 1 January, remind each organ's disclosure office
    once a day that last year's report is not yet published — the department
    report due by 31 January and, for a government, the government-wide report
    due by 31 March — and keep reminding, as overdue and once a week, after the
    deadline until it is published. A report past its deadline is flagged once to the supervising
    office (the disclosure office of the government above)."""
    today = today or timezone.localdate()
    year = today.year - 1
    counts = {"reminded": 0, "flagged": 0}
    for organ in Organ.objects.active():
        scopes = [ReportScope.ORGAN] + ([ReportScope.GOVERNMENT] if organ.kind == OrganKind.GOVERNMENT else [])
        for scope in scopes:
            report = _pending_report(organ, year, scope)
            if report.status == ReportStatus.PUBLISHED:
                continue
            late = today > report.deadline
            if late:
                before = report.late_flagged_at
                _flag_late(report)
                report.refresh_from_db(fields=["late_flagged_at"])
                counts["flagged"] += int(before is None and report.late_flagged_at is not None)
            counts["reminded"] += int(_remind(report, today, late=late))
    return counts
