"""Demo annual reports (演示年度报告) for ``manage.py load_demo``.

Generates the previous year's annual report of 市工信局 (``gxj``) and
市生态环境局 (``sthjj``) through ``gongkai.reports.services.generate`` — the
tables are counted from the demo applications and catalogue, the text
sections start from the generated draft and the checks are run — and leaves
both as drafts for the disclosure office to finish."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from gongkai.organs.models import Role
from gongkai.reports import services


def build(*, city, log=print):
    year = timezone.localdate().year - 1
    reports = []
    with transaction.atomic():
        for slug in ("gxj", "sthjj"):
            office = city.person(slug, Role.DISCLOSURE_OFFICE)
            report = services.generate(city.organs[slug], year, by=office)
            report = services.run_checks(report, by=office)
            reports.append(report)
    for report in reports:
        log(f"  {report.organ.name} {year}年度政府信息公开工作年度报告：{report.get_status_display()}，未通过的检查 {len(report.failing)} 项")
    return reports
