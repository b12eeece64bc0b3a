"""Demo annual reports (演示年度报告) for ``manage.py load_demo``.

Generates the previous year's annual report of 市工信局 (``gxj``) and
市生态环境局 (``sthjj``) through ``gongkai.reports.services`` — the tables are
counted from the demo applications and catalogue, the text sections start from
the generated draft and the checks are run.

市工信局's report is left as a draft for its disclosure office to finish
(``gxj_office``: enter table 二's figures, replace the 【请填写…】 prompts, submit).
市生态环境局's goes the whole way, as its people would take it: the office enters
the figures the platform does not hold and writes the text sections, submits it,
the chain (公开办 → 分管领导 → 主要领导) signs it off and the web administrator
publishes it, so the public annual-report page (/annual-reports/) has a report
with its DOCX and PDF. It is published on the day the demo is loaded, so when
that is after 31 January it is flagged as late to the city's 公开办 — as it would be."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from gongkai.organs.models import Role
from gongkai.reports import services
from gongkai.signoff.models import Decision

STHJJ_TEXTS = {
    "overview": (
        "{year}年，市生态环境局以《中华人民共和国政府信息公开条例》为遵循，围绕生态环境保护中心工作推进政务公开。\n"
        "（一）主动公开。通过政府信息公开专栏及时发布环境质量、建设项目环境影响评价、行政处罚等信息。\n"
        "（二）依申请公开。严格按照法定期限答复政府信息公开申请，表三所列申请均已登记并按规定办理。\n"
        "（三）政府信息管理。坚持“先审核后公开”，信息发布前经科室负责人审核并进行保密审查。\n"
        "（四）平台建设。持续完善政府信息公开专栏的栏目设置，方便公众查找。\n"
        "（五）监督保障。将政务公开工作纳入年度考核，组织业务培训两次。"
    ),
    "problems": (
        "政策解读形式还比较单一，图解和视频解读偏少。下一步将丰富解读形式，重要政策文件与解读材料同步发布。"
    ),
    "other_matters": (
        "本年度未收取信息处理费。\n"
        "本年度按照市政务公开工作要点，推进生态环境领域基层政务公开标准化规范化工作。"
    ),
}
# Table 二 figures the platform does not hold, as the office would read them from its own ledgers.
STHJJ_FIGURES = {"licensing": "128", "penalty": "46", "enforcement": "3", "fees": "0"}


def build(*, city, log=print):
    year = timezone.localdate().year - 1
    reports = []
    with transaction.atomic():
        for slug in ("gxj", "sthjj"):
            office = city.person(slug, Role.DISCLOSURE_OFFICE)
            report = services.generate(city.organs[slug], year, by=office)
            report = services.run_checks(report, by=office)
            reports.append(report)
        reports[1] = _publish(reports[1], city=city, slug="sthjj", year=year)
    for report in reports:
        log(f"  {report.organ.name} {year}年度政府信息公开工作年度报告：{report.get_status_display()}，未通过的检查 {len(report.failing)} 项")
    return reports


def _publish(report, *, city, slug: str, year: int):
    office = city.person(slug, Role.DISCLOSURE_OFFICE)
    for code, value in STHJJ_FIGURES.items():
        report = services.set_manual_figure(report, code, value, by=office, note="法制科、财务科年度台账")
    texts = {field: text.format(year=year) for field, text in STHJJ_TEXTS.items()}
    report = services.set_texts(report, by=office, **texts)
    report = services.submit(report, by=office)
    while (signoff := services.pending_signoff(report)) is not None:  # each step of the organ's chain, in order
        report = services.decide(report, by=city.person(slug, signoff.current_role), decision=Decision.APPROVE, comment="同意发布。")
    return services.publish(report, by=city.person(slug, Role.WEB_ADMIN))
