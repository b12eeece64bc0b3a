"""The annual-report taxonomy for applications (2021 format, table 三 and 四).
One source of truth for the applications app (decisions) and the reports app
(tables). Codes are stable; labels are the official Chinese row names."""

from __future__ import annotations

from django.db import models


class ApplicantType(models.TextChoices):
    NATURAL_PERSON = "natural_person", "自然人"
    COMMERCIAL = "commercial", "商业企业"
    RESEARCH = "research", "科研机构"
    SOCIAL_WELFARE = "social_welfare", "社会公益组织"
    LEGAL_SERVICE = "legal_service", "法律服务机构"
    OTHER_ORG = "other_org", "其他"


# Table 三 columns in order (总计 is computed).
APPLICANT_COLUMNS = [c.value for c in ApplicantType]


class Outcome(models.TextChoices):
    """Leaf rows of table 三 section 三 (本年度办理结果)."""

    DISCLOSED = "disclosed", "（一）予以公开"
    PARTIAL = "partial", "（二）部分公开"
    WITHHELD_STATE_SECRET = "withheld_state_secret", "（三）不予公开 1.属于国家秘密"
    WITHHELD_OTHER_LAW = "withheld_other_law", "（三）不予公开 2.其他法律行政法规禁止公开"
    WITHHELD_SECURITY = "withheld_security", "（三）不予公开 3.危及“三安全一稳定”"
    WITHHELD_THIRD_PARTY = "withheld_third_party", "（三）不予公开 4.保护第三方合法权益"
    WITHHELD_INTERNAL = "withheld_internal", "（三）不予公开 5.属于三类内部事务信息"
    WITHHELD_PROCESS = "withheld_process", "（三）不予公开 6.属于四类过程性信息"
    WITHHELD_ENFORCEMENT = "withheld_enforcement", "（三）不予公开 7.属于行政执法案卷"
    WITHHELD_QUERY = "withheld_query", "（三）不予公开 8.属于行政查询事项"
    UNAVAILABLE_NOT_HELD = "unavailable_not_held", "（四）无法提供 1.本机关不掌握相关政府信息"
    UNAVAILABLE_NEEDS_CREATION = "unavailable_needs_creation", "（四）无法提供 2.没有现成信息需要另行制作"
    UNAVAILABLE_UNCLEAR = "unavailable_unclear", "（四）无法提供 3.补正后申请内容仍不明确"
    NOT_PROCESSED_PETITION = "not_processed_petition", "（五）不予处理 1.信访举报投诉类申请"
    NOT_PROCESSED_REPEAT = "not_processed_repeat", "（五）不予处理 2.重复申请"
    NOT_PROCESSED_PUBLICATION = "not_processed_publication", "（五）不予处理 3.要求提供公开出版物"
    NOT_PROCESSED_EXCESSIVE = "not_processed_excessive", "（五）不予处理 4.无正当理由大量反复申请"
    NOT_PROCESSED_CONFIRMATION = "not_processed_confirmation", "（五）不予处理 5.要求行政机关确认或重新出具已获取信息"
    OTHER_NO_CORRECTION = "other_no_correction", "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
    OTHER_UNPAID_FEE = "other_unpaid_fee", "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
    OTHER = "other", "（六）其他处理 3.其他"


OUTCOME_GROUPS = {
    "disclosed": [Outcome.DISCLOSED],
    "partial": [Outcome.PARTIAL],
    "withheld": [o for o in Outcome if o.value.startswith("withheld_")],
    "unavailable": [o for o in Outcome if o.value.startswith("unavailable_")],
    "not_processed": [o for o in Outcome if o.value.startswith("not_processed_")],
    "other": [Outcome.OTHER_NO_CORRECTION, Outcome.OTHER_UNPAID_FEE, Outcome.OTHER],
}


class AppealKind(models.TextChoices):
    """Table 四 groups."""

    RECONSIDERATION = "reconsideration", "行政复议"
    LITIGATION_DIRECT = "litigation_direct", "行政诉讼（未经复议直接起诉）"
    LITIGATION_AFTER = "litigation_after", "行政诉讼（复议后起诉）"


class AppealResult(models.TextChoices):
    UPHELD = "upheld", "结果维持"
    CORRECTED = "corrected", "结果纠正"
    OTHER = "other", "其他结果"
    PENDING = "pending", "尚未审结"
