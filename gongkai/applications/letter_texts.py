"""The default notice letters (告知书) of the applications register, in Chinese, citing the 2019 Regulations
(《中华人民共和国政府信息公开条例》, 国务院令第711号), registered with ``gongkai.letters`` when the app is ready.
An organ may replace any of them (``LetterTemplate``); these are what it starts from and falls back to.

Kinds: the procedural letters (``receipt``, ``correction``, ``extension``, ``third_party``, ``fee``) and one
reply letter per outcome of the annual-report taxonomy, ``reply.<Outcome value>`` (e.g. ``reply.partial``).

Placeholders are ``{{name}}``; see ``PLACEHOLDERS`` in ``gongkai.letters.rendering``.
The organ's name and the date are added under the body by the renderer.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy

from gongkai.applications.taxonomy import Outcome
from gongkai.letters.defaults import REPLY_PREFIX, DefaultLetter

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

REGS = "《中华人民共和国政府信息公开条例》"
FEE_RULES = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"


RECEIPT = "receipt"
CORRECTION = "correction"
EXTENSION = "extension"
THIRD_PARTY = "third_party"
FEE = "fee"
PROCEDURAL_KINDS = (RECEIPT, CORRECTION, EXTENSION, THIRD_PARTY, FEE)


def reply_kind(outcome: str) -> str:
    """The letter kind for an outcome: ``reply_kind(Outcome.PARTIAL) == "reply.partial"``."""
    return REPLY_PREFIX + str(Outcome(outcome).value)


_OPENING = (
    "{{applicant}}：\n"
    "本机关于{{received_on}}收到{{you}}提出的政府信息公开申请（申请编号：{{tracking_number}}），"
    "申请获取“{{subject}}”。经审查，现答复如下：\n"
)
_REMEDY = (
    "如对本答复不服，可以自收到本告知书之日起六十日内向{{reconsideration_body}}申请行政复议，"
    "或者自收到本告知书之日起六个月内向{{court}}提起行政诉讼。\n"
    "特此告知。\n"
    "联系人：{{office}}，联系电话：{{organ_phone}}。"
)


def _reply(outcome: Outcome, article: str, ruling: str) -> DefaultLetter:
    body = _OPENING + ruling + "\n{{decision}}\n" + _REMEDY
    return DefaultLetter(reply_kind(outcome), "政府信息公开申请答复告知书", body, article)


_WITHHELD = "根据{regs}{article}的规定，{reason}，决定不予公开。\n法律依据：{{{{legal_basis}}}}"
_NOT_PROCESSED = "根据{regs}{article}的规定，{reason}\n法律依据：{{{{legal_basis}}}}"


def _withheld(outcome: Outcome, article: str, reason: str) -> DefaultLetter:
    return _reply(outcome, article, _WITHHELD.format(regs=REGS, article=article, reason=reason))


def _not_processed(outcome: Outcome, article: str, reason: str) -> DefaultLetter:
    return _reply(outcome, article, _NOT_PROCESSED.format(regs=REGS, article=article, reason=reason))


_LETTERS = [
    DefaultLetter(
        RECEIPT,
        "政府信息公开申请受理回执",
        "{{applicant}}：\n"
        "{{you}}提出的政府信息公开申请已收到。根据" + REGS + "第三十一条的规定，本机关收到申请的日期为{{received_on}}。\n"
        "申请编号：{{tracking_number}}\n"
        "所需信息：{{subject}}\n"
        "根据" + REGS + "第三十三条的规定，本机关将在收到申请之日起20个工作日内（即{{due_on}}前）予以答复；"
        "需要延长答复期限的，将另行告知。\n"
        "{{you}}可以凭申请编号和查询密码在网上查询办理进度。",
        "第三十一条、第三十三条",
    ),
    DefaultLetter(
        CORRECTION,
        "政府信息公开申请补正告知书",
        "{{applicant}}：\n"
        "本机关于{{received_on}}收到{{you}}提出的政府信息公开申请（申请编号：{{tracking_number}}），申请获取“{{subject}}”。\n"
        "经审查，{{you}}的申请内容不明确。根据" + REGS + "第三十条的规定，请{{you}}对以下事项作出补正：\n"
        "{{correction_text}}\n"
        "请于{{correction_deadline}}前提交补正后的申请。答复期限自本机关收到补正的申请之日起计算。"
        "无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。\n"
        "特此告知。\n"
        "联系人：{{office}}，联系电话：{{organ_phone}}。",
        "第三十条",
    ),
    DefaultLetter(
        EXTENSION,
        "政府信息公开申请延期答复告知书",
        "{{applicant}}：\n"
        "本机关于{{received_on}}收到{{you}}提出的政府信息公开申请（申请编号：{{tracking_number}}），申请获取“{{subject}}”。\n"
        "因{{extension_reason}}，本机关不能在法定期限内作出答复。根据" + REGS + "第三十三条第二款的规定，"
        "经政府信息公开工作机构负责人同意，答复期限延长{{extension_days}}个工作日，本机关将于{{due_on}}前作出答复。\n"
        "特此告知。\n"
        "联系人：{{office}}，联系电话：{{organ_phone}}。",
        "第三十三条第二款",
    ),
    DefaultLetter(
        THIRD_PARTY,
        "政府信息公开征求第三方意见书",
        "{{third_party}}：\n"
        "本机关于{{received_on}}收到政府信息公开申请（申请编号：{{tracking_number}}），申请获取“{{subject}}”。"
        "经审查，该信息公开可能损害你方合法权益。根据" + REGS + "第三十二条的规定，现书面征求你方意见。\n"
        "征求意见的内容：{{consultation_question}}\n"
        "请自收到本意见书之日起15个工作日内（即{{answer_due_on}}前）提出书面意见；不同意公开的，请说明理由。"
        "逾期未提出意见的，由本机关依照" + REGS + "的规定决定是否公开。"
        "第三方不同意公开且有合理理由的，本机关不予公开；本机关认为不公开可能对公共利益造成重大影响的，"
        "可以决定予以公开，并将决定公开的政府信息内容和理由书面告知你方。\n"
        "联系人：{{office}}，联系电话：{{organ_phone}}。",
        "第三十二条",
    ),
    DefaultLetter(
        FEE,
        "政府信息公开信息处理费收费通知书",
        "{{applicant}}：\n"
        "本机关于{{received_on}}收到{{you}}提出的政府信息公开申请（申请编号：{{tracking_number}}），申请获取“{{subject}}”。\n"
        "根据" + REGS + "第四十二条和" + FEE_RULES + "的规定，{{you}}申请公开政府信息的数量、频次明显超过合理范围，"
        "本机关依法收取信息处理费。\n"
        "计收方式：{{fee_scheme}}\n"
        "计算过程：\n{{fee_explanation}}\n"
        "应缴金额：{{fee_amount}}元\n"
        "缴费方式：{{payment_method}}\n"
        "请自收到本通知之日的次日起20个工作日内（即{{pay_by}}前）缴纳费用。逾期未缴纳的，视为放弃申请，"
        "本机关不再处理该政府信息公开申请。\n"
        "特此通知。\n"
        "联系人：{{office}}，联系电话：{{organ_phone}}。",
        "第四十二条",
    ),
    _reply(
        Outcome.DISCLOSED,
        "第三十六条第（一）项、第（二）项",
        "{{you}}申请获取的政府信息属于公开范围。根据" + REGS + "第三十六条第（一）项、第（二）项的规定，"
        "现向{{you}}提供该政府信息（或告知获取的方式、途径和时间）：\n{{documents}}",
    ),
    _reply(
        Outcome.PARTIAL,
        "第三十七条",
        "{{you}}申请获取的政府信息中含有不应当公开的内容，但能够作区分处理。根据" + REGS + "第三十七条的规定，"
        "本机关向{{you}}提供可以公开的信息内容，对不予公开的内容说明理由。\n"
        "提供的信息：{{documents}}\n"
        "不予公开部分的理由及依据：{{legal_basis}}",
    ),
    _withheld(Outcome.WITHHELD_STATE_SECRET, "第十四条", "{{you}}申请获取的政府信息依法确定为国家秘密"),
    _withheld(Outcome.WITHHELD_OTHER_LAW, "第十四条", "{{you}}申请获取的政府信息属于法律、行政法规禁止公开的政府信息"),
    _withheld(
        Outcome.WITHHELD_SECURITY, "第十四条", "{{you}}申请获取的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定"
    ),
    _withheld(
        Outcome.WITHHELD_THIRD_PARTY,
        "第十五条",
        "{{you}}申请获取的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害",
    ),
    _withheld(
        Outcome.WITHHELD_INTERNAL, "第十六条第一款", "{{you}}申请获取的政府信息属于行政机关的内部事务信息（人事管理、后勤管理、内部工作流程等）"
    ),
    _withheld(
        Outcome.WITHHELD_PROCESS,
        "第十六条第二款",
        "{{you}}申请获取的政府信息属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息",
    ),
    _withheld(Outcome.WITHHELD_ENFORCEMENT, "第十六条第二款", "{{you}}申请获取的政府信息属于行政执法案卷信息"),
    _reply(
        Outcome.WITHHELD_QUERY,
        "第三十六条第（七）项",
        "{{you}}申请获取的信息属于工商、不动产登记资料等信息，有关法律、行政法规对信息的获取有特别规定。根据"
        + REGS
        + "第三十六条第（七）项的规定，请{{you}}依照有关法律、行政法规的规定办理。\n法律依据：{{legal_basis}}",
    ),
    _reply(
        Outcome.UNAVAILABLE_NOT_HELD,
        "第三十六条第（四）项、第（五）项",
        "经检索，本机关没有{{you}}所申请公开的政府信息（或该信息不属于本机关负责公开）。根据" + REGS
        + "第三十六条第（四）项、第（五）项的规定，特此告知。{{other_organ}}",
    ),
    _reply(
        Outcome.UNAVAILABLE_NEEDS_CREATION,
        "第三十八条",
        "{{you}}申请获取的信息需要本机关对现有政府信息进行加工、分析方能形成。根据" + REGS + "第三十八条的规定，本机关不予提供。",
    ),
    _reply(
        Outcome.UNAVAILABLE_UNCLEAR,
        "第三十条",
        "本机关已于{{correction_requested_on}}一次性告知{{you}}补正申请，{{you}}补正后的申请内容仍不明确，本机关无法确定{{you}}所需的政府信息。"
        "根据" + REGS + "第三十条的规定，本机关无法提供。",
    ),
    _not_processed(
        Outcome.NOT_PROCESSED_PETITION,
        "第三十九条第一款",
        "{{you}}以政府信息公开申请的形式提出的内容属于信访、投诉、举报事项，本机关不作为政府信息公开申请处理。{{you}}可以通过信访、投诉、举报等相应渠道提出。",
    ),
    _not_processed(
        Outcome.NOT_PROCESSED_REPEAT,
        "第三十六条第（六）项",
        "本机关已就{{you}}提出的相同政府信息公开申请作出答复，{{you}}重复申请公开相同政府信息，本机关不予重复处理。",
    ),
    _not_processed(
        Outcome.NOT_PROCESSED_PUBLICATION,
        "第三十九条第二款",
        "{{you}}申请获取的是政府公报、报刊、书籍等公开出版物，请通过以下途径获取：{{documents}}",
    ),
    _not_processed(
        Outcome.NOT_PROCESSED_EXCESSIVE,
        "第三十五条",
        "{{you}}申请公开政府信息的数量、频次明显超过合理范围，经要求说明理由，本机关认为申请理由不合理，不予处理。",
    ),
    _not_processed(
        Outcome.NOT_PROCESSED_CONFIRMATION,
        "第三十六条、第三十八条",
        "{{you}}要求本机关确认或者重新出具{{you}}已经获取的信息，不属于政府信息公开申请的处理范围，本机关不作为政府信息公开申请处理。",
    ),
    _reply(
        Outcome.OTHER_NO_CORRECTION,
        "第三十条",
        "本机关已于{{correction_requested_on}}告知{{you}}补正申请，{{you}}无正当理由逾期未补正。根据" + REGS
        + "第三十条的规定，视为放弃申请，本机关不再处理该政府信息公开申请。",
    ),
    _reply(
        Outcome.OTHER_UNPAID_FEE,
        "第四十二条",
        "本机关已向{{you}}送达信息处理费收费通知，{{you}}逾期未按通知要求缴纳费用。根据" + REGS + "第四十二条和" + FEE_RULES
        + "的规定，视为放弃申请，本机关不再处理该政府信息公开申请。",
    ),
    _reply(Outcome.OTHER, "—", "{{legal_basis}}"),
]

PROCEDURAL_LABELS = {
    RECEIPT: gettext_lazy("Acknowledgement of receipt"),  # 受理回执
    CORRECTION: gettext_lazy("Correction notice"),  # 补正告知书
    EXTENSION: gettext_lazy("Extension notice"),  # 延期答复告知书
    THIRD_PARTY: gettext_lazy("Third-party consultation letter"),  # 征求第三方意见书
    FEE: gettext_lazy("Fee notice"),  # 收费通知书
}


def _reply_label(outcome: str) -> str:
    return gettext("Reply: %(outcome)s") % {"outcome": Outcome(outcome).label}


_reply_label_lazy = lazy(_reply_label, str)


def _label(kind: str) -> StrOrPromise:
    if kind in PROCEDURAL_LABELS:
        return PROCEDURAL_LABELS[kind]
    return _reply_label_lazy(kind.removeprefix(REPLY_PREFIX))


LETTERS = [replace(letter, label=_label(letter.kind)) for letter in _LETTERS]
ALL_KINDS: tuple[str, ...] = tuple(letter.kind for letter in LETTERS)

assert set(ALL_KINDS) == set(PROCEDURAL_KINDS) | {reply_kind(o) for o in Outcome}, "a kind has no default letter"
