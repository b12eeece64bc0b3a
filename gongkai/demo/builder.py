"""The demo city (演示数据): 某市人民政府 with bureaus and towns, people for
every role, an imported historical catalogue, and items at every step of the
workflow — all made through the same code paths as real work (the catalogue
importer and services), so the audit trail and sign-off history are real.

Everything is generated from phrase templates with a fixed random seed, so
two runs give the same city."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from gongkai.accounts.models import AdminRole, User
from gongkai.catalogue import services
from gongkai.catalogue.importing import run_import
from gongkai.catalogue.models import Category, Disclosure, Item, Topic, Validity, WithholdingReason
from gongkai.core.models import FileCheck
from gongkai.core.samples import demo_docx, demo_png
from gongkai.organs.models import Department, Membership, Organ, OrganKind, Role
from gongkai.sensitive.models import FindingStatus
from gongkai.signoff.models import Decision

PASSWORD = "Demo12345"  # meets the password policy (accounts.validators)

ROLE_SUFFIX = {
    Role.CLERK: ("clerk", "经办人"),
    Role.DEPARTMENT_HEAD: ("head", "科室负责人"),
    Role.CONFIDENTIALITY_REVIEWER: ("secrecy", "保密审查员"),
    Role.DEPUTY_LEADER: ("deputy", "分管领导"),
    Role.PRINCIPAL_LEADER: ("principal", "主要领导"),
    Role.DISCLOSURE_OFFICE: ("office", "公开办"),
    Role.WEB_ADMIN: ("webadmin", "网站管理员"),
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "军", "涛", "明", "超", "霞", "平", "刚", "桂英", "建华", "晓东"]


@dataclass
class OrganSpec:
    slug: str
    name: str
    short_name: str
    kind: str
    code: str
    abbreviation: str  # in 发文字号: 某工信发〔2026〕12号
    departments: list[str]
    subjects: list[str]
    topics: list[str]  # topic names used by its items
    phone: str


CITY = OrganSpec(
    "city", "某市人民政府", "市政府", OrganKind.GOVERNMENT, "11440300007543210A", "某府",
    ["办公室", "政务公开办公室", "法制科", "综合科"],
    ["优化营商环境", "政务服务“一网通办”", "安全生产", "城市更新", "民生实事", "防汛防旱", "乡村振兴", "数字政府建设"],
    ["政务公开", "发展规划", "应急管理", "城乡规划", "乡村振兴"], "0755-83210000",
)
BUREAUS = [
    OrganSpec(
        "gxj", "某市工业和信息化局", "市工信局", OrganKind.DEPARTMENT, "11440300MB2C12301B", "某工信",
        ["办公室", "政策法规科", "产业发展科", "信息化推进科", "中小企业服务中心"],
        ["工业企业技术改造", "中小企业数字化转型", "专精特新企业培育", "工业互联网", "5G基站建设", "工业节能降碳"],
        ["工业", "信息产业"], "0755-83210101",
    ),
    OrganSpec(
        "sthjj", "某市生态环境局", "市生态环境局", OrganKind.DEPARTMENT, "11440300MB2C12302C", "某环",
        ["办公室", "大气环境科", "水生态环境科", "环境执法支队"],
        ["大气污染防治", "河湖水质提升", "建设项目环境影响评价", "固体废物污染防治", "排污许可", "噪声污染防治"],
        ["生态环境"], "0755-83210202",
    ),
    OrganSpec(
        "czj", "某市财政局", "市财政局", OrganKind.DEPARTMENT, "11440300MB2C12303D", "某财",
        ["办公室", "预算科", "国库科", "政府采购监督管理科"],
        ["部门预算公开", "政府采购", "财政专项资金管理", "预算绩效管理", "政府债务管理"],
        ["财政"], "0755-83210303",
    ),
    OrganSpec(
        "jyj", "某市教育局", "市教育局", OrganKind.DEPARTMENT, "11440300MB2C12304E", "某教",
        ["办公室", "基础教育科", "职业教育科", "学生资助管理中心"],
        ["义务教育招生入学", "学前教育普惠发展", "学生资助", "中小学课后服务", "校园安全"],
        ["教育"], "0755-83210404",
    ),
    OrganSpec(
        "wjw", "某市卫生健康委员会", "市卫健委", OrganKind.DEPARTMENT, "11440300MB2C12305F", "某卫健",
        ["办公室", "医政医管科", "疾病预防控制科", "基层卫生健康科"],
        ["基本公共卫生服务", "传染病防控", "家庭医生签约服务", "医疗机构执业登记", "老年健康服务"],
        ["卫生健康"], "0755-83210505",
    ),
]
TOWNS = [
    OrganSpec(
        "madeng", "某市马登镇人民政府", "马登镇", OrganKind.TOWN, "11440300MB2C12306G", "马府",
        ["党政办公室", "经济发展办公室", "社会事务办公室", "综合行政执法队"],
        ["农村人居环境整治", "高标准农田建设", "村级公益事业", "防汛防台风", "耕地保护"],
        ["乡村振兴", "农业、畜牧业、渔业", "社会救助"], "0755-83210606",
    ),
    OrganSpec(
        "shiqiao", "某市石桥镇人民政府", "石桥镇", OrganKind.TOWN, "11440300MB2C12307H", "石府",
        ["党政办公室", "经济发展办公室", "社会事务办公室"],
        ["特色小镇建设", "农村危房改造", "最低生活保障", "森林防火", "垃圾分类"],
        ["乡村振兴", "社会救助", "城乡规划"], "0755-83210707",
    ),
]

TITLE_PATTERNS = {
    "GFXWJ": ["关于印发《某市{s}管理办法》的通知", "关于进一步加强{s}工作的实施意见", "某市{s}实施细则"],
    "QTWJ": ["关于开展{s}专项行动的通知", "关于做好{s}有关工作的通知", "关于{s}工作情况的报告"],
    "GZDT": ["我市召开{s}工作推进会", "{s}工作取得阶段性成效", "市领导调研{s}工作"],
    "TZGG": ["关于公布{year}年{s}名单的公告", "关于征求《{s}办法（征求意见稿）》意见的公告", "关于{s}有关事项的通告"],
    "GHJH": ["某市{s}三年行动计划（{year}—{year2}年）", "{year}年{s}工作要点"],
    "CZYJS": ["{year}年{s}情况说明", "{year}年部门预算及“三公”经费预算"],
    "ZCJD": ["《{s}实施方案》政策解读", "一图读懂{s}新政"],
    "TJXX": ["{year}年1—{month}月{s}统计数据", "{year}年{s}统计分析"],
}
SENTENCES = [
    "为深入贯彻落实党中央、国务院和省委、省政府决策部署，进一步做好{s}工作，结合本市实际，制定本{doc}。",
    "各镇人民政府、街道办事处，市直各有关单位要高度重视，加强组织领导，明确责任分工，确保各项任务落到实处。",
    "坚持以人民为中心的发展思想，统筹发展和安全，着力解决群众急难愁盼问题。",
    "对工作中发现的问题，要建立台账、限期整改，实行销号管理，整改情况于每季度末报送{organ}办公室。",
    "市财政局按照有关规定安排专项资金，加强资金绩效管理，提高资金使用效益。",
    "各有关部门要加强宣传引导，通过政府网站、政务新媒体等渠道及时发布政策信息，主动回应社会关切。",
    "申请人应当如实提交申请材料，并对材料的真实性负责。受理部门应当在规定时限内作出决定。",
    "到{year2}年，全市{s}水平明显提升，体制机制更加完善，人民群众获得感、幸福感、安全感持续增强。",
    "会议指出，{s}工作事关经济社会高质量发展，各单位要压实责任，细化措施，以钉钉子精神抓好落实。",
    "本{doc}自发布之日起施行，有效期五年。此前有关规定与本{doc}不一致的，以本{doc}为准。",
]
CATEGORY_WEIGHTS = [("QTWJ", 5), ("GZDT", 6), ("TZGG", 4), ("GFXWJ", 3), ("GHJH", 1), ("CZYJS", 1), ("TJXX", 1)]


@dataclass
class City:
    government: Organ | None = None
    organs: dict[str, Organ] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)  # username -> user
    superuser: User | None = None

    def person(self, slug: str, role: str) -> User:
        return self.people[f"{slug}_{ROLE_SUFFIX[role][0]}"]

    def sample_png(self, name: str):
        """A small PNG to attach (handed to the subject apps' demo hooks, which import no face)."""
        return demo_png(name)


class Builder:
    def __init__(self, *, items: int = 300, seed: int = 2026, log=print):
        self.rng = random.Random(seed)
        self.items = items
        self.log = log
        self.city = City()
        self.today = timezone.localdate()
        self.password = make_password(PASSWORD)  # hashed once, shared by every demo account
        self.topics = {t.name: t for t in Topic.objects.filter(is_active=True)}
        self.categories = {c.code: c for c in Category.objects.filter(is_active=True)}

    # --- organs and people ---------------------------------------------------------------

    def organ(self, spec: OrganSpec, parent: Organ | None) -> Organ:
        organ = Organ.objects.create(
            parent=parent, kind=spec.kind, name=spec.name, short_name=spec.short_name, slug=spec.slug, code=spec.code,
            office_name=f"{spec.short_name}政务公开办公室" if spec.kind == OrganKind.GOVERNMENT else f"{spec.short_name}办公室",
            address=f"某市{'人民路1号市民中心' if parent is None else self.rng.choice(['人民路', '解放路', '建设大道', '滨江路']) + str(self.rng.randint(2, 300)) + '号'}",
            postcode="518000", office_hours="工作日上午 9:00—12:00，下午 14:00—17:30（法定节假日除外）",
            phone=spec.phone, fax=spec.phone[:-2] + "99", email=f"gk@{spec.slug}.example.gov.cn",
            website=f"https://www.{spec.slug}.example.gov.cn/", head_name=self.name(),
            functions=f"{spec.name}负责本{'行政区域' if spec.kind != OrganKind.DEPARTMENT else '系统'}{'、'.join(spec.subjects[:3])}等工作，依法履行政府信息公开职责。",
            site_id_code=f"4403{abs(hash(spec.slug)) % 1000000:06d}",
        )
        for name in spec.departments:
            Department.objects.create(organ=organ, name=name, is_unit=name.endswith(("中心", "支队", "执法队")))
        self.city.organs[spec.slug] = organ
        return organ

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def people(self, spec: OrganSpec, organ: Organ) -> None:
        departments = list(organ.departments.all())
        for role, (suffix, label) in ROLE_SUFFIX.items():
            username = f"{spec.slug}_{suffix}"
            user = User.objects.create(
                username=username, full_name=f"{self.name()}（{spec.short_name}{label}）", password=self.password,
                email=f"{username}@example.gov.cn", phone=f"0755-8321{self.rng.randint(1000, 9999)}",
            )
            department = departments[0] if role in (Role.CLERK, Role.DEPARTMENT_HEAD) and departments else None
            Membership.objects.create(user=user, organ=organ, role=role, department=department)
            self.city.people[username] = user

    def column_pages(self, spec: OrganSpec, organ: Organ) -> None:
        """The organ's own column pages, written by its disclosure office: rules, duties of its bodies, leaders."""
        from gongkai.organs import column
        from gongkai.organs.models import ColumnTextKind

        office = self.city.person(spec.slug, Role.DISCLOSURE_OFFICE)
        column.save_text(organ=organ, kind=ColumnTextKind.RULES, by=office, reason="首次发布", body=(
            f"<h2>{spec.short_name}政府信息公开工作制度</h2>"
            "<p>一、主动公开制度：信息形成或者变更之日起20个工作日内予以公开。</p>"
            "<p>二、依申请公开制度：收到申请之日起20个工作日内予以答复。</p>"
            "<p>三、保密审查制度：公开前依照法律、法规和国家有关规定进行审查，谁公开谁审查、谁审查谁负责。</p>"
            "<p>四、政策解读制度：重要政策文件与解读材料同步组织、同步审签、同步部署。</p>"
        ))
        for body in organ.departments.all():
            column.save_department_duties(department=body, by=office, duties=f"负责{body.name}职责范围内的{spec.subjects[0]}相关工作。")
        posts = ["局长" if spec.kind == OrganKind.DEPARTMENT else "主要负责人", "副职负责人", "副职负责人"]
        for sort, post in enumerate(posts, start=1):
            column.add_leader(organ=organ, by=office, values={
                "name": self.name(), "post": post, "sort": sort,
                "duties": "主持全面工作。" if sort == 1 else f"分管{spec.subjects[min(sort - 1, len(spec.subjects) - 1)]}工作。",
            })

    # --- the historical catalogue, imported -----------------------------------------------------

    def text(self, spec: OrganSpec, subject: str, doc: str, year: int) -> str:
        parts = [
            self.rng.choice(SENTENCES).format(s=subject, doc=doc, organ=spec.short_name, year2=year + 2)
            for _ in range(self.rng.randint(4, 9))
        ]
        return "\n".join(dict.fromkeys(parts))

    def title(self, spec: OrganSpec, code: str, subject: str, year: int) -> str:
        pattern = self.rng.choice(TITLE_PATTERNS[code])
        return pattern.format(s=subject, year=year, year2=year + 2, month=self.rng.randint(2, 11))

    def historical(self, spec: OrganSpec, organ: Organ, count: int) -> None:
        """The organ's earlier catalogue, as it would come from the old system."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["标题", "发文字号", "成文日期", "发布日期", "主题分类", "信息类别", "有效性", "关键词", "正文"])
        codes = [code for code, weight in CATEGORY_WEIGHTS for _ in range(weight)]
        serials: dict[int, int] = {}
        for _ in range(count):
            published = self.today - dt.timedelta(days=self.rng.randint(30, 3 * 365))
            formed = published - dt.timedelta(days=self.rng.randint(1, 15))
            code = self.rng.choice(codes)
            subject = self.rng.choice(spec.subjects)
            topic = self.rng.choice([t for t in spec.topics if t in self.topics] or ["其他"])
            number = ""
            if code in ("GFXWJ", "QTWJ", "GHJH"):
                serials[formed.year] = serials.get(formed.year, 0) + self.rng.randint(1, 6)
                suffix = "规" if code == "GFXWJ" else "发"
                number = f"{spec.abbreviation}{suffix}〔{formed.year}〕{serials[formed.year]}号"
            doc = {"GFXWJ": "办法", "GHJH": "计划"}.get(code, "通知")
            writer.writerow([
                self.title(spec, code, subject, formed.year), number, formed.isoformat(),
                f"{published.isoformat()} {self.rng.randint(8, 17):02d}:{self.rng.choice(['00', '15', '30', '45'])}",
                topic, self.categories[code].name, "有效", subject, self.text(spec, subject, doc, formed.year),
            ])
        data = io.BytesIO(out.getvalue().encode("utf-8"))
        report = run_import(data, organ=organ, by=self.city.person(spec.slug, Role.WEB_ADMIN), name=f"{spec.slug}-历史目录.csv", dry_run=False)
        if not report.ok:
            raise RuntimeError(f"demo import of {spec.slug} failed: {report.errors[:3]}")

    # --- items through the workflow -------------------------------------------------------------

    def data(self, spec: OrganSpec, code: str, *, days_ago: int = 2, **overrides) -> dict:
        subject = self.rng.choice(spec.subjects)
        formed = self.today - dt.timedelta(days=days_ago)
        doc = {"GFXWJ": "办法", "GHJH": "计划"}.get(code, "通知")
        body = "".join(f"<p>{p}</p>" for p in self.text(spec, subject, doc, formed.year).split("\n"))
        data = {
            "title": self.title(spec, code, subject, formed.year),
            "body": body,
            "topic": self.topics.get(self.rng.choice(spec.topics)) or self.topics["其他"],
            "category": self.categories[code],
            "date_formed": formed,
            "keywords": subject,
            "document_number": f"{spec.abbreviation}发〔{formed.year}〕{self.rng.randint(20, 90)}号" if code in ("GFXWJ", "QTWJ") else "",
        }
        data.update(overrides)
        return data

    def draft(self, spec: OrganSpec, code: str = "QTWJ", **kwargs) -> Item:
        organ = self.city.organs[spec.slug]
        return services.create_draft(organ=organ, by=self.city.person(spec.slug, Role.CLERK), data=self.data(spec, code, **kwargs))

    def advance(self, spec: OrganSpec, item: Item, steps: int | None = None, *, resolve: bool = True) -> Item:
        """Approve ``steps`` steps of the item's sign-off (all when None)."""
        done = 0
        while (signoff := services.pending_signoff(item)) is not None and (steps is None or done < steps):
            reviewer = self.city.person(spec.slug, signoff.current_role)
            if signoff.current_role == Role.CONFIDENTIALITY_REVIEWER and resolve:
                for finding in services.findings_of(item, signoff.version).filter(status=FindingStatus.OPEN):
                    services.resolve_finding(finding, by=reviewer, resolution=FindingStatus.FALSE_POSITIVE, note="公开的单位办公电话，不属于个人信息")
            services.review(item, by=reviewer, decision=Decision.APPROVE, comment="同意。")
            done += 1
        item.refresh_from_db()
        return item

    def published(self, spec: OrganSpec, code: str = "QTWJ", **kwargs) -> Item:
        item = self.draft(spec, code, **kwargs)
        services.submit(item, by=self.city.person(spec.slug, Role.CLERK))
        item = self.advance(spec, item)
        return services.publish(item, by=self.city.person(spec.slug, Role.WEB_ADMIN))

    def workflow(self, spec: OrganSpec) -> None:
        """One organ's items at every step, so each demo role has something to do."""
        clerk = self.city.person(spec.slug, Role.CLERK)
        # Drafts: one fresh, one formed long ago (over the Art. 26 limit of 20 working days).
        self.draft(spec, "GZDT", days_ago=1)
        self.draft(spec, "TZGG", days_ago=45)
        # Waiting at each step of the chain.
        for steps in (0, 1, 2):
            item = self.draft(spec, self.rng.choice(["QTWJ", "TZGG", "GZDT"]), days_ago=3 + steps)
            services.submit(item, by=clerk, note="请审核。")
            self.advance(spec, item, steps, resolve=True)
        # An important matter, waiting for the principal leader.
        item = self.draft(spec, "GFXWJ", days_ago=6, important=True)
        services.submit(item, by=clerk)
        self.advance(spec, item, 3)
        # Returned by the department head with comments.
        item = self.draft(spec, "QTWJ", days_ago=4)
        services.submit(item, by=clerk)
        services.review(
            item, by=self.city.person(spec.slug, Role.DEPARTMENT_HEAD), decision=Decision.RETURN,
            comment="请补充政策依据，并核对附件中的数据口径。",
        )
        # Flagged by the sensitive-content scan: waits for the confidentiality reviewer.
        body = (
            "<p>经审核，以下人员符合补贴条件：张某，身份证号 11010519491231002X，联系电话 13812345678。</p>"
            "<p>补贴资金将拨付至个人银行卡 6222020200112233446。</p>"
        )
        item = self.draft(spec, "TZGG", days_ago=5, body=body, title=f"关于公示{self.rng.choice(spec.subjects)}补贴名单的公告")
        services.submit(item, by=clerk)
        self.advance(spec, item, 1)
        # Approved, waiting for the web administrator to publish.
        item = self.draft(spec, "GZDT", days_ago=2)
        services.submit(item, by=clerk)
        self.advance(spec, item)
        # Published through the whole chain: a policy document and its interpretation.
        policy = self.published(spec, "GFXWJ", days_ago=8)
        subject = policy.keywords or spec.subjects[0]
        # 关于印发《某市…管理办法》的通知 is read as 一图读懂《某市…管理办法》, never with nested 《》.
        named = re.search(r"《([^《》]+)》", policy.title)
        short_title = named.group(1) if named else policy.title
        self.published(
            spec, "ZCJD", days_ago=7, title=f"一图读懂《{short_title}》" if self.rng.random() < 0.5 else f"《{subject}》政策解读",
            interprets=[policy], interpretation_kind=self.rng.choice(["text", "graphic"]),
        )
        # A policy without interpretation (文件多，解读少 shows in the report).
        self.published(spec, "GFXWJ", days_ago=9)
        # Withheld: decided in review, kept in the register with its legal reason (不予公开 and 依申请公开).
        reasons = WithholdingReason.objects.filter(is_active=True)
        process = reasons.filter(applies_to=Disclosure.WITHHELD, text__contains="过程性信息").first()
        if process is not None:
            item = self.draft(
                spec, "QTWJ", days_ago=10, disclosure=Disclosure.WITHHELD, withholding_reason=process,
                withholding_note="向上级机关报送的请示，属于过程性信息，不予公开。", title=f"关于{self.rng.choice(spec.subjects)}工作的请示",
            )
            services.submit(item, by=clerk)
            self.advance(spec, item)
        specific = reasons.filter(applies_to=Disclosure.ON_REQUEST, article__contains="第十九条").first()
        if specific is not None:
            item = self.draft(
                spec, "QTWJ", days_ago=11, disclosure=Disclosure.ON_REQUEST, withholding_reason=specific,
                withholding_note="仅涉及获得资金的企业和个人，不需要社会公众广泛知晓；当事人可依申请获取。",
                title=f"{self.rng.choice(spec.subjects)}专项资金拨付明细",
            )
            services.submit(item, by=clerk)
            self.advance(spec, item)
        # Repealed and expired items from the historical catalogue, with explanations.
        office = self.city.person(spec.slug, Role.WEB_ADMIN)
        old = list(Item.objects.published().filter(organ=self.city.organs[spec.slug], interpretations=None, category__code="GFXWJ", validity=Validity.IN_FORCE).order_by("published_at")[:2])
        if old:
            services.change_validity(
                old[0], by=office, validity=Validity.REPEALED, on=self.today - dt.timedelta(days=20),
                explanation="本文件已被新修订的管理办法替代，自新办法施行之日起废止。",
            )
        if len(old) > 1:
            services.change_validity(
                old[1], by=office, validity=Validity.EXPIRED, on=self.today - dt.timedelta(days=60),
                explanation="本文件有效期届满，自动失效。",
            )

    def files(self, spec: OrganSpec) -> None:
        """Attachments in every situation a file can be in: published (and an image shown in the page), added by a
        revision not yet published, on a draft never published, and on an item withdrawn after publication."""
        clerk, office = self.city.person(spec.slug, Role.CLERK), self.city.person(spec.slug, Role.WEB_ADMIN)

        def checked(item: Item) -> Item:
            # The file check (virus scan, text reading) runs as a job after the commit; the demo is built in one
            # transaction, so it runs the check itself, as the job would have done by the time a reviewer looks.
            for attachment_id in item.attachments.filter(check_state=FileCheck.PENDING).values_list("pk", flat=True):
                services.check_attachment(attachment_id)
            return item

        def publish(item: Item) -> Item:
            services.submit(checked(item), by=clerk)
            return services.publish(self.advance(spec, item), by=office)

        subject = spec.subjects[0]
        published = publish(services.create_draft(
            organ=self.city.organs[spec.slug], by=clerk, data=self.data(spec, "TZGG", days_ago=6, title=f"关于开展{subject}申报工作的通知"),
            files=[demo_docx("附件1：申报表.docx", f"{subject}申报表"), demo_png("附件2：申报流程图.png")],
        ))
        services.start_revision(published, by=clerk, note="补充附件")
        services.add_attachment(published, by=clerk, uploaded=demo_docx("附件3：补充说明（修订中）.docx", "修订中的补充说明"))
        checked(published)
        checked(services.create_draft(
            organ=self.city.organs[spec.slug], by=clerk, data=self.data(spec, "GZDT", days_ago=2, title=f"{subject}工作情况（草稿）"),
            files=[demo_docx("草稿附件：内部数据.docx", "未公开的内部数据")],
        ))
        withdrawn = publish(services.create_draft(
            organ=self.city.organs[spec.slug], by=clerk, data=self.data(spec, "TZGG", days_ago=7, title=f"{subject}补贴发放名单公示"),
            files=[demo_docx("补贴发放名单.docx", "张某 11010519491231002X 13812345678")],
        ))
        services.withdraw(withdrawn, by=office, reason="附件含有个人信息，撤下处理。")

    # --- the whole city -------------------------------------------------------------------------

    def build(self) -> City:
        if settings.PRODUCTION:
            raise RuntimeError("the demo city is never built under GONGKAI_PRODUCTION=1: its accounts have a published password")
        with transaction.atomic():  # all or nothing
            return self._build()

    def _build(self) -> City:
        specs = [CITY, *BUREAUS, *TOWNS]
        if True:
            self.city.superuser = User.objects.create(
                username="admin", full_name="超级管理员（安装与应急）", password=self.password, is_staff=True, is_superuser=True,
                email="admin@example.gov.cn",
            )
            # The three platform administrators (三员分立): daily administration needs no superuser.
            for username, full_name, admin_role in (
                ("sysadmin", "系统管理员", AdminRole.SYSTEM),
                ("secadmin", "安全管理员", AdminRole.SECURITY),
                ("auditadmin", "安全审计员", AdminRole.AUDIT),
            ):
                self.city.people[username] = User.objects.create(
                    username=username, full_name=full_name, password=self.password, admin_role=admin_role, is_staff=True,
                    email=f"{username}@example.gov.cn",
                )
            government = self.organ(CITY, None)
            self.city.government = government
            for spec in specs[1:]:
                self.organ(spec, government)
            for spec in specs:
                self.people(spec, self.city.organs[spec.slug])
                self.column_pages(spec, self.city.organs[spec.slug])
        workflow_organs = [CITY, BUREAUS[0], BUREAUS[1], TOWNS[0]]
        per_workflow = 17  # items each workflow() call creates
        historical = max(0, self.items - per_workflow * len(workflow_organs))
        shares = [historical // len(specs)] * len(specs)
        shares[0] += historical - sum(shares)
        for spec, share in zip(specs, shares, strict=True):
            self.log(f"  {spec.name}: {share} items in the historical catalogue")
            self.historical(spec, self.city.organs[spec.slug], share)
        for spec in workflow_organs:
            self.log(f"  {spec.name}: items in the workflow")
            self.workflow(spec)
        self.files(BUREAUS[0])
        return self.city
