"""The draft of sections 一、五、六 assembled from the platform's own figures.

The text is the organ's: the draft only states figures the platform holds
(items published, interpretations, applications and timeliness, fees) and
leaves a bracketed prompt 【…】 where only the organ knows what to write. It
never invents a figure."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, F, Q, Sum

from gongkai.reports import counting

if TYPE_CHECKING:
    from gongkai.reports.models import AnnualReport


def _organ_ids(report: AnnualReport) -> list[int]:
    from gongkai.reports.checks import report_organ_ids

    return report_organ_ids(report)


WORK_PLANS_NAMED = 10  # the year's published work plans (工作要点) named in section 六


def proactive_figures(organ_ids: Iterable[int], year: int) -> dict:
    from gongkai.catalogue.models import Item, ItemState

    published = Item.objects.filter(counting.published_in_year(year), organ_id__in=organ_ids, state=ItemState.PUBLISHED)
    by_category = list(published.values("category__name").annotate(n=Count("pk")).order_by("-n", "category__name"))
    interpretations = published.filter(category__is_interpretation=True)
    by_form = dict(interpretations.values_list("interpretation_kind").annotate(n=Count("pk")).order_by())
    policies = published.filter(category__is_policy=True)
    work_plans = list(published.filter(title__contains="工作要点").order_by("published_at", "pk").values_list("title", flat=True)[:WORK_PLANS_NAMED + 1])
    return {
        "work_plans": work_plans[:WORK_PLANS_NAMED],
        "work_plans_more": len(work_plans) > WORK_PLANS_NAMED,
        "total": sum(r["n"] for r in by_category),
        "by_category": by_category,
        "interpretations": sum(by_form.values()),
        "interpretations_by_form": by_form,
        "policies": policies.count(),
        "policies_without_interpretation": policies.filter(interpretations__isnull=True).count(),
    }


def application_figures(organ_ids: Iterable[int], year: int) -> dict | None:
    base = counting.applications_base(organ_ids)
    if base is None:
        return None
    start, end = counting.year_bounds(year)
    closed = base.filter(closed_on__range=(start, end))
    figures = {
        "received": base.filter(counting.t3_row_condition("received", year)).count(),
        "carried_over": base.filter(counting.t3_row_condition("carried_over", year)).count(),
        "closed": closed.count(),
        "carried_forward": base.filter(counting.t3_row_condition("carried_forward", year)).count(),
        "with_due_date": closed.filter(due_on__isnull=False).count(),
        "within_limit": closed.filter(due_on__isnull=False, closed_on__lte=F("due_on")).count(),
    }
    fees = None
    try:
        from gongkai.applications.models import Fee, FeeStatus

        paid = Fee.objects.filter(application__organ_id__in=organ_ids, status=FeeStatus.PAID, paid_on__range=(start, end))
        agg = paid.aggregate(n=Count("pk"), amount=Sum("amount"))
        fees = {"count": agg["n"], "amount": agg["amount"] or Decimal(0)}
    except ImportError:
        pass
    figures["fees"] = fees
    figures["consultations"] = consultation_figures(organ_ids, year)
    return figures


def consultation_figures(organ_ids: Iterable[int], year: int) -> dict | None:
    """Consultations of third parties and other agencies (Art. 32, 34) sent in the year, and how many were
    answered (agreed or objected) by 31 December."""
    try:
        from gongkai.applications.models import Consultation, ConsultationAnswer
    except ImportError:
        return None
    start, end = counting.year_bounds(year)
    sent = Consultation.objects.filter(application__organ_id__in=organ_ids, sent_on__range=(start, end))
    answered = sent.filter(answer__in=[ConsultationAnswer.AGREES, ConsultationAnswer.OBJECTS], answered_on__lte=end)
    return {"sent": sent.count(), "answered": answered.count(), "third_party": sent.filter(kind="third_party").count()}


def appeal_figures(organ_ids: Iterable[int], year: int) -> dict | None:
    base = counting.appeals_base(organ_ids)
    if base is None:
        return None
    start, end = counting.year_bounds(year)
    filed = base.filter(filed_on__range=(start, end))
    return {"filed": filed.count(), "corrected": filed.filter(result="corrected", decided_on__lte=end).count()}


def _percent(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def draft_sections(report: AnnualReport) -> dict[str, str]:
    organ_ids = _organ_ids(report)
    year = report.year
    p = proactive_figures(organ_ids, year)
    a = application_figures(organ_ids, year)
    overview = []
    categories = "、".join(f"{r['category__name']}{r['n']}条" for r in p["by_category"][:8])
    text = f"（一）主动公开。{year}年，通过政府信息公开专栏主动公开政府信息{p['total']}条"
    text += f"，其中{categories}。" if categories else "。"
    forms = {"text": "文字解读", "graphic": "图解", "video": "视频解读"}
    form_text = "、".join(f"{forms.get(k, k or '未注明形式')}{n}篇" for k, n in sorted(p["interpretations_by_form"].items(), key=lambda kv: kv[0] or ""))
    text += f"发布政策解读{p['interpretations']}篇" + (f"（{form_text}）。" if form_text else "。")
    overview.append(text)
    if a is not None:
        text = (
            f"（二）依申请公开。全年新收政府信息公开申请{a['received']}件，上年结转{a['carried_over']}件，"
            f"办结{a['closed']}件，结转下年度继续办理{a['carried_forward']}件。"
        )
        if a["with_due_date"]:
            text += f"办结的申请中，{a['within_limit']}件在法定期限内答复（{_percent(a['within_limit'], a['with_due_date'])}）。"
        consultations = a.get("consultations")
        if consultations and consultations["sent"]:
            text += (
                f"办理过程中征求第三方或其他机关意见{consultations['sent']}次（其中征求第三方意见{consultations['third_party']}次），"
                f"年内收到答复{consultations['answered']}次。"
            )
        overview.append(text)
    overview.append("（三）政府信息管理。【请填写：信息发布审核、保密审查、政策文件清理等工作情况】")
    overview.append("（四）平台建设。【请填写：政府网站、政务新媒体等公开平台建设情况】")
    overview.append("（五）监督保障。【请填写：组织领导、培训、考核等情况】")
    problems = []
    if p["policies_without_interpretation"]:
        problems.append(
            f"本年度公开政策文件{p['policies']}件，其中{p['policies_without_interpretation']}件尚未发布政策解读。【请说明原因及改进措施】"
        )
    if a is not None and a["with_due_date"] and a["within_limit"] < a["with_due_date"]:
        problems.append(f"办结的申请中有{a['with_due_date'] - a['within_limit']}件超过法定期限答复。【请说明原因及改进措施】")
    problems.append("【请填写本年度存在的主要问题及改进情况】")
    other = []
    if a is not None and a.get("fees") is not None:
        fees = a["fees"]
        if fees["count"]:
            other.append(f"本年度收取信息处理费{fees['count']}件，共计{fees['amount']}元。")
        else:
            other.append("本年度未收取信息处理费。")
    if p["work_plans"]:
        names = "、".join(f"《{title}》" for title in p["work_plans"])
        other.append(f"本年度公开工作要点类文件{'等' if p['work_plans_more'] else ''}：{names}。")
    other.append("【请填写：本年度政务公开工作要点落实情况、人大代表建议和政协提案办理结果公开情况等】")
    return {"overview": "\n".join(overview), "problems": "\n".join(problems), "other": "\n".join(other)}


def fill_empty_sections(report: AnnualReport) -> None:
    """Start empty sections from the draft; never overwrite what the organ wrote."""
    if report.overview and report.problems and report.other_matters:
        return
    draft = draft_sections(report)
    report.overview = report.overview or draft["overview"]
    report.problems = report.problems or draft["problems"]
    report.other_matters = report.other_matters or draft["other"]


__all__ = ["draft_sections", "fill_empty_sections", "proactive_figures", "application_figures", "appeal_figures", "Q"]
