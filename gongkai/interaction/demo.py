"""Demo messages (演示留言) for ``manage.py load_demo``: a dozen messages to 市工信局 (``gxj``) in every state a user
should see, made only through ``interaction.services`` so the audit trail, deadlines and sign-off history are real.
One message is overdue whatever day the demo is loaded; one is published with its reply."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from gongkai.interaction import services
from gongkai.organs.models import Role

if TYPE_CHECKING:
    from gongkai.interaction.models import Message
    from gongkai.interaction.services import Submitted

ORGAN, OTHER = "gxj", "sthjj"


def _data(kind: str, subject: str, content: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "subject": subject, "content": content, "name": "王先生", "phone": "13800138000",
            "publish_consent": True, **extra}


def build(*, city: Any, log: Callable[[str], object] = print) -> Submitted | None:
    if ORGAN not in city.organs:
        return None
    organ = city.organs[ORGAN]
    clerk, head = city.person(ORGAN, Role.CLERK), city.person(ORGAN, Role.DEPARTMENT_HEAD)
    deputy, office = city.person(ORGAN, Role.DEPUTY_LEADER), city.person(ORGAN, Role.DISCLOSURE_OFFICE)
    today = timezone.localdate()

    def submitted(data: dict[str, Any], days_ago: int = 0) -> Submitted:
        return services.submit_message(organ=organ, data=data, received_on=today - dt.timedelta(days=days_ago))

    def sent(data: dict[str, Any], days_ago: int = 0) -> Message:
        return submitted(data, days_ago).message

    def answered(message: Message, text: str) -> Message:
        message = services.accept(message, by=clerk)
        message = services.draft_reply(message, by=clerk, text=text)
        message = services.submit_reply(message, by=clerk)
        message = services.decide_reply(message, by=head, decision="approve")
        message = services.decide_reply(message, by=deputy, decision="approve")
        return services.send(message, by=clerk)

    with transaction.atomic():
        public = submitted(_data("consultation", "中小企业技术改造补贴如何申报", "请问今年的中小企业技术改造补贴何时开始申报，需要哪些材料？我的电话13800138000。"))
        sent(_data("suggestion", "建议延长政务大厅周末服务时间", "工作日请假不便，建议政务大厅周六上午开放。"))
        overdue = services.accept(sent(_data("complaint", "园区企业夜间施工噪声扰民", "某工业园区企业连续多日夜间施工。"), 14),
                                  by=clerk)
        services.assign(overdue, by=office, assignee=clerk)
        services.extend(services.accept(sent(_data("help", "企业用电增容办理求助", "增容申请提交两周未有回复，请协助。"), 3),
                                        by=clerk), by=office, days=3, reason="需协调供电部门核实")
        services.submit_reply(services.draft_reply(services.accept(
            sent(_data("consultation", "专精特新企业认定条件", "请问专精特新中小企业认定的主要条件？"), 2), by=clerk),
            by=clerk, text="认定条件详见《优质中小企业梯度培育管理暂行办法》。"), by=clerk)
        published = answered(public.message, "今年申报自3月1日开始，材料清单见本局网站通知公告栏目。")
        services.publish(published, by=office)
        services.rate(published, rating="satisfied", comment="答复及时")
        reopened = answered(sent(_data("complaint", "补贴资金迟迟未到账", "去年获批的补贴至今未到账。"), 10),
                            "资金已按程序拨付，请与开户行核实。")
        services.rate(reopened, rating="unsatisfied", comment="开户行称未收到")
        services.refuse(sent(_data("consultation", "优惠贷款广告", "低息贷款，详情加微信。", publish_consent=False)),
                        by=office, reason="spam")
        services.refuse(sent(_data("complaint", "小区物业收费问题", "物业费上涨不合理。")), by=office, reason="elsewhere",
                        note="物业收费问题请向所在区住房和城乡建设部门反映。")
        if OTHER in city.organs:
            services.transfer(sent(_data("complaint", "河道排污问题", "某河段有企业排污。")), by=office,
                              to=city.organs[OTHER], reason="属生态环境部门职责")
    log(f"  留言演示数据：查询留言 {public.message.number}，查询码 {public.code}（/interact/message/）")
    return public
