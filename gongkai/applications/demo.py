"""Demo applications (演示依申请公开案件) for ``manage.py load_demo``.

About 25 cases for 市工信局 (``gxj``), 市生态环境局 (``sthjj``) and the city,
in every state a user should see, made only through
``gongkai.applications.services`` so the audit trail, deadlines, sign-off
history and letters are real. Dates of receipt are chosen relative to today
(working days from ``clock.current()``) so that one case is overdue and one
falls due within three days whatever day the demo is loaded.

Each step that renders a letter (补正, 征求第三方意见, 延期, 收费, the approved
reply) costs about 0.3 s once WeasyPrint is warm, so only those cases that
show such a step go through it (about a dozen letters in all)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from gongkai.applications import clock, services
from gongkai.applications.models import Channel, ConsultationKind, DeliveryMethod, FeeScheme, IdType
from gongkai.applications.taxonomy import AppealKind, AppealResult, ApplicantType, Outcome
from gongkai.applications.validators import credit_code_check_char, resident_id_check_digit
from gongkai.credentials.models import Credential, Purpose
from gongkai.organs.models import Role
from gongkai.signoff.models import Decision

API_CHANNEL_NAME = "某市政务服务微信公众号"
# The case the public can look up at /apply/case/ (its secret is printed by load_demo).
PUBLIC_CASE_SUBJECT = "某工业园区2025年度环境影响评价报告"
ART = "《中华人民共和国政府信息公开条例》"


def resident_id(region: str, born: str, serial: str) -> str:
    first17 = f"{region}{born}{serial}"
    return first17 + resident_id_check_digit(first17)


def credit_code(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


def person(name: str, born: str, serial: str, **extra) -> dict:
    data = {
        "applicant_type": ApplicantType.NATURAL_PERSON, "applicant_name": name, "id_type": IdType.RESIDENT_ID,
        "id_number": resident_id("440304", born, serial), "phone": "138" + serial * 2 + born[-2:],
        "address": "某市福田区民生路" + serial[-2:] + "号", "postcode": "518000",
        "form_wanted": "electronic", "delivery_method": DeliveryMethod.ONLINE,
    }
    data.update(extra)
    return data


def organisation(kind: str, name: str, code17: str, contact: str, **extra) -> dict:
    data = {
        "applicant_type": kind, "applicant_name": name, "id_type": IdType.CREDIT_CODE, "id_number": credit_code(code17),
        "contact_person": contact, "phone": "0755-8661" + "".join(c for c in code17 if c.isdigit())[-4:], "email": "info@example.com",
        "address": "某市南山区科技园" + code17[-2:] + "栋", "postcode": "518057",
        "form_wanted": "electronic", "delivery_method": DeliveryMethod.EMAIL,
    }
    data.update(extra)
    return data


def request(subject: str, description: str = "", purpose: str = "", document_number: str = "") -> dict:
    return {"subject": subject, "description": description, "purpose": purpose, "document_number": document_number}


WANG = person("王建华", "19780312", "231")
LI = person("李晓东", "19850607", "452", email="lixiaodong@example.com")
CHEN = person("陈桂英", "19620918", "364", form_wanted="paper", delivery_method=DeliveryMethod.POST)
ZHAO = person("赵磊", "19900121", "517")
HUANG = person("黄敏", "19930405", "628", email="huangmin@example.com", delivery_method=DeliveryMethod.EMAIL)
ZHOU = person("周涛", "19711130", "745")
FIRM = organisation(ApplicantType.COMMERCIAL, "某市鑫达精密制造有限公司", "91440300MA5F3K2L7", "刘芳")
FIRM2 = organisation(ApplicantType.COMMERCIAL, "某市绿源环保科技有限公司", "91440300MA5G7H8J2", "孙伟")
INSTITUTE = organisation(ApplicantType.RESEARCH, "某市环境科学研究院", "12440300MB2D45671", "马超")
NGO = organisation(ApplicantType.SOCIAL_WELFARE, "某市绿色家园环保志愿者协会", "51440300MJ8K23456", "何静")
LAWYERS = organisation(ApplicantType.LEGAL_SERVICE, "某某律师事务所", "31440000MD0123451", "郭勇")
COOP = organisation(ApplicantType.OTHER_ORG, "某市马登镇果蔬专业合作社", "93440300MA5H1A2B3", "林平")


class Demo:
    def __init__(self, city, log):
        self.city, self.log = city, log
        self.today = timezone.localdate()
        self.calendar = clock.current()
        self.cases: list = []
        self.public_case = None

    # --- helpers -------------------------------------------------------------------------

    def who(self, slug: str, role: str):
        return self.city.person(slug, role)

    def organ(self, slug: str):
        return self.city.organs[slug]

    def days_ago(self, n: int) -> dt.date:
        return self.today - dt.timedelta(days=n)

    def received_due_within(self, days: int) -> dt.date:
        """The latest date of receipt whose 20-working-day deadline is between today and ``days`` calendar days ahead."""
        for back in range(14, 60):
            start = self.days_ago(back)
            due = self.calendar.add_working_days(start, clock.REPLY_DAYS).due
            if self.today <= due <= self.today + dt.timedelta(days=days):
                return start
        raise RuntimeError("no date of receipt gives a deadline within the next days")

    def register(self, slug: str, channel: str, applicant: dict, what: dict, received_on: dt.date):
        result = services.register_application(
            organ=self.organ(slug), channel=channel, data={**applicant, **what}, received_on=received_on,
            by=self.who(slug, Role.CLERK), receipt_note="演示数据",
        )
        self.cases.append(result.application)
        return result

    def online(
        self, slug: str, applicant: dict, what: dict, *, channel: str = Channel.WEB, api_channel=None, confirm: bool = True,
        attachments=(),
    ):
        result = services.submit_application(
            organ=self.organ(slug), channel=channel, data={**applicant, **what}, api_channel=api_channel, attachments=attachments,
        )
        self.cases.append(result.application)
        if confirm:
            services.confirm_receipt(result.application, by=self.who(slug, Role.CLERK))
        return result

    def claimed(self, slug: str, application):
        return services.claim(application, by=self.who(slug, Role.CLERK))

    def reply(self, slug, application, outcome, basis, body, documents="", *, steps: int = 3):
        """Draft and submit a reply, then approve ``steps`` steps of the chain (科室负责人 → 分管领导 → 主要领导)."""
        clerk = self.who(slug, Role.CLERK)
        draft = services.draft_reply(application, outcome=outcome, legal_basis=basis, body=body, documents_provided=documents, by=clerk)
        draft = services.submit_reply(draft, by=clerk)
        for role in (Role.DEPARTMENT_HEAD, Role.DEPUTY_LEADER, Role.PRINCIPAL_LEADER)[:steps]:
            draft = services.decide_reply(draft, by=self.who(slug, role), decision=Decision.APPROVE, comment="同意。")
        return draft

    def closed(self, slug, application, outcome, basis, body, documents="", *, delivered_on, via=DeliveryMethod.ONLINE, reference=""):
        self.reply(slug, application, outcome, basis, body, documents)
        return services.record_delivery(
            application, via=via, by=self.who(slug, Role.CLERK), delivered_on=delivered_on, reference=reference
        )

    # --- the cases ------------------------------------------------------------------------

    def build(self):
        last_year = self.today.year - 1
        self.intake()
        self.handling()
        self.signoff()
        self.closed_cases(last_year)
        self.appeals(last_year)

    def intake(self):
        # 待确认收到: an online application nobody has confirmed yet.
        self.online("gxj", ZHAO, request("2026年度中小企业数字化转型专项资金拟支持项目名单",
                                         "包括企业名称、项目名称和拟支持金额。", "了解本公司所在行业的扶持情况"), confirm=False,
                    attachments=[self.city.sample_png("身份证.png")])
        self.online("sthjj", HUANG, request("某河道2026年第三季度水质监测数据",
                                            "某河流经马登镇段各断面的月度监测数据。"), confirm=False)
        # 新收到、未认领: confirmed online, an API channel, a fax and a letter.
        channel = Credential.objects.filter(purpose=Purpose.APPLICATION_CHANNEL, name=API_CHANNEL_NAME).first()
        if channel is None:
            channel, _key = Credential.issue(name=API_CHANNEL_NAME, purpose=Purpose.APPLICATION_CHANNEL, all_organs=True)
        self.online("gxj", LI, request("某市5G基站建设三年行动计划（2024—2026年）执行情况",
                                       "各区已建成5G基站数量及年度目标完成情况。"), channel=Channel.API, api_channel=channel)
        self.register("sthjj", Channel.FAX, NGO, request("2026年某市重点排污单位名录", "含单位名称、所属行业和主要污染物类别。"),
                      self.days_ago(2))
        self.register("city", Channel.LETTER, CHEN, request("马登镇某村集体土地征收的批复文件及补偿安置方案",
                                                            "涉及本人承包地，请提供征地批复和补偿标准。", "核实本人补偿款"),
                      self.days_ago(3))
        # Flagged as a possible petition (信访) by the words it uses.
        self.register("city", Channel.IN_PERSON, ZHOU, request("举报某小区违建问题的处理结果",
                                                               "本人曾于今年投诉小区顶楼加建，要求公开处理结果。"), self.days_ago(1))

    def handling(self):
        # 已认领、办理中.
        app = self.register("gxj", Channel.LETTER, INSTITUTE, request("2025年度全市规模以上工业企业能耗统计数据",
                                                                     "按行业分类的综合能耗与单位增加值能耗。", "课题研究"),
                            self.days_ago(6)).application
        self.claimed("gxj", app)
        app = self.register("city", Channel.IN_PERSON, WANG, request("某市城市更新单元规划（草案）公示材料"), self.days_ago(8)).application
        self.claimed("city", app)
        # 逾期: received long ago and still being handled.
        app = self.register("sthjj", Channel.LETTER, WANG, request("某化工企业2024年突发环境事件应急预案备案材料"),
                            self.days_ago(45)).application
        self.claimed("sthjj", app)
        # 三日内到期.
        app = self.register("gxj", Channel.IN_PERSON, ZHAO, request("某市工业节能降碳专项资金2025年度分配结果"),
                            self.received_due_within(3)).application
        self.claimed("gxj", app)
        # 待补正 (补正告知书) and one already corrected.
        app = self.register("gxj", Channel.LETTER, CHEN, request("关于企业补贴的文件", "要求公开去年发的那个补贴文件。"),
                            self.days_ago(2)).application
        self.claimed("gxj", app)
        services.request_correction(app, by=self.who("gxj", Role.CLERK),
                                    text="请说明所需文件的具体名称、文号或发布时间，以及补贴所属的项目类别。")
        app = self.register("sthjj", Channel.IN_PERSON, ZHOU, request("某工地噪声问题的处理情况"), self.days_ago(3)).application
        self.claimed("sthjj", app)
        services.request_correction(app, by=self.who("sthjj", Role.CLERK), text="请说明工地的具体位置和所需信息的时间范围。")
        services.submit_correction(app, text="工地位于某市福田区民生路与幸福路交叉口，需2026年9月至11月的噪声监测及执法处理记录。")
        # 征求第三方意见 (Art. 32).
        app = self.register("gxj", Channel.LETTER, FIRM2, request("某市鑫达精密制造有限公司技术改造项目申报材料",
                                                                "含项目可行性研究报告和设备清单。"), self.days_ago(5)).application
        self.claimed("gxj", app)
        services.start_consultation(app, kind=ConsultationKind.THIRD_PARTY, party="某市鑫达精密制造有限公司",
                                    question="申请公开的项目申报材料可能涉及贵公司商业秘密，请于收到本函之日起15个工作日内书面答复是否同意公开。",
                                    by=self.who("gxj", Role.CLERK))
        # 延期答复 (Art. 33).
        app = self.register("sthjj", Channel.LETTER, INSTITUTE, request("2021—2025年全市大气污染源排放清单",
                                                                        "分年度、分区域的主要污染物排放量。", "科研"),
                            self.days_ago(12)).application
        self.claimed("sthjj", app)
        services.extend(app, days=15, reason="所需信息涉及多个年度和部门，需要汇总核实。", by=self.who("sthjj", Role.DISCLOSURE_OFFICE))
        # 收费通知 (按量计收).
        app = self.register("gxj", Channel.LETTER, LAWYERS, request("2019年以来全部工业用地项目履约监管档案",
                                                                   "复制全部监管档案约200页。"), self.days_ago(4)).application
        self.claimed("gxj", app)
        services.charge_fee(app, scheme=FeeScheme.PER_PAGE, pages=200, by=self.who("gxj", Role.CLERK))
        # 撤回.
        app = self.register("city", Channel.LETTER, ZHAO, request("2025年度某市民生实事项目完成情况"), self.days_ago(9)).application
        services.withdraw(app, reason="申请人来电表示已在政府网站找到所需信息，申请撤回。", on=self.days_ago(2))

    def signoff(self):
        # A reply waiting at each step of the chain: 科室负责人, 分管领导, 主要领导; then one approved, to be sent.
        waiting = [
            ("gxj", FIRM, request("某市专精特新企业培育库入库企业名单（2026年）"), 0),
            ("sthjj", NGO, request("某垃圾焚烧发电厂2026年上半年在线监测数据"), 1),
            ("gxj", HUANG, request("某市工业互联网标识解析二级节点建设项目招标文件"), 2),
        ]
        for slug, applicant, what, steps in waiting:
            app = self.register(slug, Channel.LETTER, applicant, what, self.days_ago(10)).application
            self.claimed(slug, app)
            self.reply(slug, app, Outcome.DISCLOSED, f"{ART}第二十七条、第三十六条第（一）项",
                       "经审查，您申请公开的信息属于本机关公开范围，现予以公开。", f"《{what['subject']}》", steps=steps)
        app = self.register("sthjj", Channel.IN_PERSON, LI, request("某市排污许可证核发情况（2026年1—10月）"), self.days_ago(14)).application
        self.claimed("sthjj", app)
        self.reply("sthjj", app, Outcome.DISCLOSED, f"{ART}第二十七条、第三十六条第（一）项",
                   "经审查，您申请公开的信息予以公开，详见附件。", "《2026年1—10月排污许可证核发情况表》")

    def closed_cases(self, last_year: int):
        # The case the public looks up (received last year, disclosed).
        result = self.register("sthjj", Channel.LETTER, LI, request(PUBLIC_CASE_SUBJECT, "该园区规划环境影响评价报告书及审查意见。",
                                                                     "了解居住地周边环境状况"), dt.date(last_year, 3, 16))
        self.public_case = result
        self.closed("sthjj", result.application, Outcome.DISCLOSED, f"{ART}第二十七条、第三十六条第（二）项",
                    "经审查，您申请的信息已主动公开，可在本机关网站“建设项目环境影响评价”栏目获取，现一并提供。",
                    "《某工业园区规划环境影响报告书》及审查意见", delivered_on=dt.date(last_year, 4, 2))
        app = self.register("gxj", Channel.IN_PERSON, FIRM, request(f"{last_year}年度工业企业技术改造奖补资金拟奖补企业名单"),
                            dt.date(last_year, 5, 12)).application
        self.closed("gxj", app, Outcome.PARTIAL, f"{ART}第十五条、第三十七条",
                    "经审查，名单中个人身份证号码和银行账户属于个人隐私，作区分处理后予以公开。",
                    "拟奖补企业名单（已删除个人信息）", delivered_on=dt.date(last_year, 6, 3))
        app = self.register("sthjj", Channel.LETTER, FIRM2, request("某公司环境违法案件调查询问笔录"),
                            dt.date(last_year, 9, 8)).application
        self.closed("sthjj", app, Outcome.WITHHELD_ENFORCEMENT, f"{ART}第三十六条第（三）项",
                    "经审查，您申请的询问笔录属于行政执法案卷信息，依法不予公开。",
                    delivered_on=dt.date(last_year, 9, 29), via=DeliveryMethod.EMAIL)
        self.withheld_case = app
        # Carry-over: received late last year, closed this year.
        app = self.register("gxj", Channel.LETTER, COOP, request(f"{last_year}年度市级农业产业化龙头企业技改项目验收报告"),
                            dt.date(last_year, 12, 22)).application
        self.closed("gxj", app, Outcome.UNAVAILABLE_NOT_HELD, f"{ART}第三十六条第（四）项",
                    "经查，本机关未制作或获取该验收报告，建议向某市农业农村局咨询。",
                    delivered_on=dt.date(self.today.year, 1, 16))
        # 重复申请: the same applicant asks again for what was answered.
        first = self.register("gxj", Channel.LETTER, WANG, request("某工业园区企业名录及入驻协议"), self.days_ago(40)).application
        self.closed("gxj", first, Outcome.DISCLOSED, f"{ART}第二十七条", "经审查，现提供园区企业名录。", "园区企业名录",
                    delivered_on=self.days_ago(20))
        again = self.register("gxj", Channel.LETTER, WANG, request("某工业园区企业名录及入驻协议"), self.days_ago(15)).application
        self.closed("gxj", again, Outcome.NOT_PROCESSED_REPEAT, f"{ART}第三十六条第（六）项",
                    f"您于{first.received_on:%Y年%m月%d日}提出的相同申请本机关已答复，本次重复申请不予重复处理。",
                    delivered_on=self.days_ago(5))

    def appeals(self, last_year: int):
        services.record_appeal(
            organ=self.organ("sthjj"), kind=AppealKind.RECONSIDERATION, filed_on=dt.date(last_year, 11, 3),
            by=self.who("sthjj", Role.DISCLOSURE_OFFICE), application=self.withheld_case,
            case_number=f"某府复〔{last_year}〕87号", body="某市人民政府", note="申请人不服不予公开答复。",
        )
        appeal = services.record_appeal(
            organ=self.organ("gxj"), kind=AppealKind.RECONSIDERATION, filed_on=dt.date(last_year, 7, 20),
            by=self.who("gxj", Role.DISCLOSURE_OFFICE), case_number=f"某府复〔{last_year}〕41号", body="某市人民政府",
            note="申请人认为部分公开范围过窄。",
        )
        services.decide_appeal(appeal, result=AppealResult.UPHELD, decided_on=dt.date(last_year, 9, 15),
                               by=self.who("gxj", Role.DISCLOSURE_OFFICE))


def build(*, city, log=print):
    demo = Demo(city, log)
    with transaction.atomic():
        demo.build()
    counts: dict[str, int] = {}
    for app in demo.cases:
        app.refresh_from_db(fields=["status"])
        counts[app.get_status_display()] = counts.get(app.get_status_display(), 0) + 1
    log(f"  依申请公开演示案件 {len(demo.cases)} 件：" + "，".join(f"{k} {v}" for k, v in counts.items()))
    public = demo.public_case
    log(f"  公众查询演示案件（/apply/case/）：受理编号 {public.application.tracking_number}，查询码 {public.secret}")
    return demo
