"""The fixture world of the authorisation matrix, built once per test module.

The demo city (``load_demo --items 0``, made through the real services) gives records of every kind in every
interesting state. Around it:

- the **own** organ is 市工信局 (``gxj``): every object a URL is probed with belongs to it;
- the **other** organ is its sibling bureau 市生态环境局 (``sthjj``), under the same city;
- the **parent** organ is the city government (``city``), whose disclosure office is the supervising office;
- the **unrelated** organ is a government of another tree (``far``), made here, with its own disclosure office.

Every person holding a role in those organs is an actor; so are an anonymous visitor, an applicant holding the case
session of ``gxj`` applications, a signed-in person with no role, the superuser and the three platform administrators
(三员: system, security and audit administrator, accounts.AdminRole). The superuser and the administrators are signed
in as a real one is: password, then a confirmed authenticator (django-otp's device in the session). One more of each
kind has signed in with the password but not yet confirmed the second factor (``verified=False``).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from gongkai.accounts.models import AdminRole
from gongkai.organs.models import Role

ROLES = tuple(Role.values)
ADMIN_ROLES = tuple(AdminRole.values)


@dataclass(frozen=True)
class Actor:
    """Who makes a request. ``relation`` is the actor's organ seen from the objects probed (all in ``gxj``)."""

    key: str
    # anonymous | applicant (a case session, no account) | applicant_account (a signed-in applicant account, no case)
    # | no_role | superuser | admin | own | other | parent | unrelated
    relation: str
    role: str = ""  # the role in the organ, or for relation "admin" the AdminRole
    verified: bool = True  # False: signed in with the password, second factor not yet confirmed

    @property
    def no_organ_role(self) -> bool:
        """Signed in, but holding no role in any organ (the platform administrators hold none)."""
        return self.relation in ("no_role", "admin", "applicant_account")

    @property
    def platform_admin(self) -> bool:
        """The superuser or one of the three administrators: a second factor is required of them."""
        return self.relation in ("superuser", "admin")

    @property
    def signed_in(self) -> bool:
        return self.relation not in ("anonymous", "applicant")

    @property
    def is_supervisor(self) -> bool:
        """The city's disclosure office: reads every organ below the city (organs.permissions.supervised_organs)."""
        return self.relation == "parent" and self.role == Role.DISCLOSURE_OFFICE

    def __str__(self) -> str:
        return self.key


def actors() -> list[Actor]:
    found = [Actor("anonymous", "anonymous"), Actor("applicant", "applicant"), Actor("no_role", "no_role"),
             Actor("superuser", "superuser"), Actor("applicant_account", "applicant_account")]
    found += [Actor(f"admin:{role}", "admin", role) for role in ADMIN_ROLES]
    found.append(Actor("unverified:superuser", "superuser", verified=False))
    found += [Actor(f"unverified:{role}", "admin", role, verified=False) for role in ADMIN_ROLES]
    for relation in ("own", "other", "parent"):
        found += [Actor(f"{relation}:{role}", relation, role) for role in ROLES]
    found.append(Actor(f"unrelated:{Role.DISCLOSURE_OFFICE}", "unrelated", Role.DISCLOSURE_OFFICE))
    return found


ACTORS = actors()
RELATION_SLUG = {"own": "gxj", "other": "sthjj", "parent": "city", "unrelated": "far"}


@dataclass
class World:
    clients: dict[str, Client] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)
    kwargs: dict[str, dict] = field(default_factory=dict)  # object key -> URL keyword arguments
    data: dict[str, dict] = field(default_factory=dict)  # object key -> POST body
    organs: dict[str, object] = field(default_factory=dict)
    actions: dict[str, tuple] = field(default_factory=dict)  # application action -> (application, POST body)
    media: object = None


def _client(user=None, *, verified: bool = False) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    if verified:
        _confirm_second_factor(client, user)
    return client


def _authenticator(user):
    """The person's confirmed authenticator app (made if the person has none)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def _confirm_second_factor(client, user) -> None:
    """What accounts.views.second_factor leaves in the session after a right code (django_otp.login)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = _authenticator(user).persistent_id
    session.save()


def build() -> World:
    from gongkai.accounts.models import User
    from gongkai.applications import services as applications
    from gongkai.applications.models import Application, CaseLetter, Consultation, Reply, ReplyStatus, Status
    from gongkai.applications.tests.factories import person_data
    from gongkai.catalogue import services as catalogue
    from gongkai.catalogue.models import Item, ItemState
    from gongkai.catalogue.tests.factories import docx_upload
    from gongkai.factories import GovernmentFactory, UserFactory, member
    from gongkai.notify.models import Notification
    from gongkai.organs.models import Department, Organ
    from gongkai.reports.models import AnnualReport
    from gongkai.sensitive.models import Finding, FindingStatus
    from gongkai.signoff.models import Signoff, SignoffStatus

    call_command("load_demo", if_empty=True, items=0, stdout=io.StringIO())
    world = World()
    organs = {o.slug: o for o in Organ.objects.filter(slug__in=["city", "gxj", "sthjj"])}
    organs["far"] = GovernmentFactory(slug="far", name="另一市人民政府", short_name="另一市政府")
    world.organs = organs
    gxj = organs["gxj"]
    people = {}
    from gongkai.demo.builder import ROLE_SUFFIX

    for relation, slug in RELATION_SLUG.items():
        for role in ROLES:
            if slug == "far":
                if role != Role.DISCLOSURE_OFFICE:
                    continue
                people[f"{relation}:{role}"] = member(organs["far"], role)
            else:
                people[f"{relation}:{role}"] = User.objects.get(username=f"{slug}_{ROLE_SUFFIX[role][0]}")
    people["no_role"] = UserFactory(username="authz-no-role")
    people["superuser"] = User.objects.get(username="admin")
    demo_admins = {AdminRole.SYSTEM: "sysadmin", AdminRole.SECURITY: "secadmin", AdminRole.AUDIT: "auditadmin"}
    for role in ADMIN_ROLES:
        people[f"admin:{role}"] = User.objects.get(username=demo_admins[role], admin_role=role)
        people[f"unverified:{role}"] = UserFactory(username=f"authz-unverified-{role}", admin_role=role, is_staff=True)
    people["unverified:superuser"] = UserFactory(username="authz-unverified-root", is_superuser=True, is_staff=True)
    world.users = people
    clerk = people[f"own:{Role.CLERK}"]

    # --- catalogue (gxj) -------------------------------------------------------------------------------
    items = Item.objects.filter(organ=gxj)
    draft = items.filter(state=ItemState.DRAFT).order_by("pk").first()
    attachment = catalogue.add_attachment(draft, by=clerk, uploaded=docx_upload())
    catalogue.check_attachment(attachment.pk)  # the file check's job runs after a commit the world never makes
    item_ct = catalogue.item_content_type()
    at_head = Signoff.objects.filter(
        status=SignoffStatus.PENDING, current_role=Role.DEPARTMENT_HEAD, subject_type=item_ct,
        subject_id__in=[str(pk) for pk in items.values_list("pk", flat=True)],
    ).order_by("pk").first()
    in_review = Item.objects.get(pk=int(at_head.subject_id))
    finding = Finding.objects.filter(
        subject_type=item_ct, status=FindingStatus.OPEN,
        subject_id__in=[str(pk) for pk in items.filter(state=ItemState.IN_REVIEW).values_list("pk", flat=True)],
    ).order_by("pk").first()
    approved = items.filter(state=ItemState.APPROVED, disclosure="active").order_by("pk").first()
    published = items.filter(state=ItemState.PUBLISHED).order_by("pk").first()
    k = world.kwargs
    k["item.draft"] = {"pk": draft.pk}
    k["item.attachment"] = {"pk": draft.pk, "attachment_pk": attachment.pk}
    k["item.in_review"] = {"pk": in_review.pk}
    k["item.version"] = {"pk": in_review.pk, "number": 1}
    k["item.approved"] = {"pk": approved.pk}
    k["item.published"] = {"pk": published.pk}
    k["password_reset"] = {"uidb64": "MQ", "token": "not-a-valid-token"}
    k["audit.export"] = {"fmt": "csv"}
    k["finding"] = {"pk": finding.pk}
    k["portal.item"] = {"organ_slug": gxj.slug, "pk": published.pk}
    k["portal.draft"] = {"organ_slug": gxj.slug, "pk": draft.pk}
    k["portal.organ"] = {"organ_slug": gxj.slug}
    k["api.item"] = {"pk": published.pk}
    k["api.draft"] = {"pk": draft.pk}
    k["api.pushed"] = {"pk": draft.pk}
    world.data["item.draft"] = {"title": "x"}
    world.data["item.review"] = {"decision": "approve", "comment": "同意", "content_hash": at_head.content_hash}
    world.data["finding"] = {"resolution": "false_positive", "note": "不涉密"}
    world.data["finding.mask"] = {"note": "脱敏"}
    world.data["item.reason"] = {"reason": "测试"}
    world.data["item.validity"] = {"validity": "repealed", "on": timezone.localdate().isoformat(), "explanation": "测试"}

    # --- applications (gxj) ---------------------------------------------------------------------------
    apps = Application.objects.filter(organ=gxj)
    by_status = {}
    for application in apps.order_by("pk"):
        by_status.setdefault(application.status, application)
    running = apps.filter(status=Status.IN_PROGRESS).order_by("-pk").first()
    other_running = apps.filter(status=Status.IN_PROGRESS).exclude(pk=running.pk).order_by("pk").first()
    applications.draft_reply(running, outcome="disclosed", legal_basis="《条例》第三十六条第一项", body="予以公开。",
                            documents_provided="预算表", by=clerk)
    draft_reply = Reply.objects.filter(application=running, status=ReplyStatus.DRAFT).first()
    appeal = applications.record_appeal(organ=gxj, application=running, kind="reconsideration",
                                        filed_on=timezone.localdate() - dt.timedelta(days=3), by=clerk)
    consulting = by_status[Status.CONSULTING]
    consultation = Consultation.objects.filter(application=consulting).first()
    at_head_reply = Reply.objects.filter(application__organ=gxj, status=ReplyStatus.IN_SIGNOFF,
                                         signoff__current_role=Role.DEPARTMENT_HEAD).first()
    # One application filed on the web, whose applicant holds its case session.
    filed = applications.submit_application(organ=gxj, channel="web", data=person_data(subject="测试申请：本局2025年预算"),
                                          form_token="authz-form-token", attachments=[docx_upload(name="身份证明.docx")])
    upload = applications.register_application(
        organ=gxj, channel="letter", data=person_data(subject="附带材料的申请"), received_on=timezone.localdate(), by=clerk,
        attachments=[docx_upload(name="申请材料.docx")],
    ).application
    # Files released with a reply: one waiting on the running case (with a sensitive finding to resolve), and one
    # application filed online whose reply, with its file, went through the sign-off and was delivered online.
    from gongkai.applications.services import released as released_files
    from gongkai.signoff.models import Decision

    to_release = released_files.add_file(running, uploaded=docx_upload(text="本文件为机密文件", name="发布文件.docx"), by=clerk)
    released_files.check_released_file(to_release.pk)  # the check's job runs after a commit the world never makes
    release_finding = released_files.findings_of(to_release).get()
    delivered = applications.submit_application(organ=gxj, channel="web", form_token="authz-release-token",
                                                data=person_data(subject="发布文件申请", delivery_method="online"))
    claimed = applications.claim(applications.confirm_receipt(delivered.application, by=clerk), by=clerk)
    sent_file = released_files.add_file(claimed, uploaded=docx_upload(name="预算表.docx"), by=clerk)
    released_files.check_released_file(sent_file.pk)
    sent_reply = applications.submit_reply(applications.draft_reply(
        claimed, outcome="disclosed", legal_basis="《条例》第三十六条第二项", body="予以公开。",
        documents_provided="预算表", by=clerk), by=clerk)
    while sent_reply.status == ReplyStatus.IN_SIGNOFF:
        sent_reply.signoff.refresh_from_db()
        sent_reply = applications.decide_reply(sent_reply, by=people[f"own:{sent_reply.signoff.current_role}"],
                                               decision=Decision.APPROVE)
    applications.record_delivery(Application.objects.get(pk=delivered.application.pk), via="online", by=clerk)
    sent_file.refresh_from_db()
    token = released_files.download_token(sent_file)
    k["application.released_file"] = {"pk": delivered.application.pk, "file_id": sent_file.pk, "copy": "original"}
    k["case.released_file"] = {"tracking_number": delivered.application.tracking_number, "file_id": sent_file.pk,
                               "token": token}
    k["case.tampered_released_file"] = {"tracking_number": delivered.application.tracking_number, "file_id": sent_file.pk,
                                        "token": token[:-4] + "AAAA"}
    letter = CaseLetter.objects.filter(application__organ=gxj, for_applicant=True).order_by("pk").first()
    department = Department.objects.filter(organ=gxj).first()
    today = timezone.localdate().isoformat()
    k["application"] = {"pk": running.pk}
    k["application.letter"] = {"pk": letter.application_id, "letter_id": letter.pk, "fmt": "pdf"}
    k["application.attachment"] = {"pk": upload.pk, "attachment_id": upload.attachments.first().pk}
    k["case"] = {"tracking_number": letter.application.tracking_number}
    k["case.attachment"] = {"tracking_number": filed.application.tracking_number,
                            "attachment_id": filed.application.attachments.get().pk}
    # Another application's file (filed by letter; the applicant holds no session for it)
    k["case.other_attachment"] = {"tracking_number": upload.tracking_number, "attachment_id": upload.attachments.first().pk}
    k["case.other"] = {"tracking_number": by_status[Status.RECEIVED].tracking_number}
    k["case.letter"] = {"tracking_number": letter.application.tracking_number, "letter_id": letter.pk, "fmt": "pdf"}
    k["case.done"] = {"slug": gxj.slug, "token": filed.application.form_token}
    k["apply.organ"] = {"slug": gxj.slug}
    world.data["case.correct"] = {"text": "补正内容"}
    world.data["case.withdraw"] = {"reason": "不再需要"}
    world.data["apply.organ"] = person_data()
    # The message box: one message waiting to be accepted; nobody in the world holds its query-code session.
    from gongkai.interaction import services as interaction

    sent = interaction.submit_message(organ=gxj, form_token="authz-message-token", data={
        "type": "consultation", "subject": "办事时间咨询", "content": "请问周末办公吗？", "publish_consent": True},
        attachments=[docx_upload(name="现场说明.docx")])
    k["message"] = {"pk": sent.message.pk, "number": sent.message.number}
    k["message.attachment"] = {"pk": sent.message.pk, "attachment_id": sent.message.attachments.get().pk}
    k["message.own_attachment"] = {"number": sent.message.number, "attachment_id": sent.message.attachments.get().pk}
    k["message.accept"] = {"pk": sent.message.pk, "verb": "accept"}
    k["message.done"] = {"slug": gxj.slug, "token": "authz-message-token"}
    world.data["message.rate"] = {"rating": "satisfied"}
    world.data["message_lookup"] = {"number": sent.message.number, "code": "WRONGCODE2"}
    # Website health: the column's site with one finished run and one broken link.
    from gongkai.webhealth import services as webhealth
    from gongkai.webhealth.models import BrokenLink, Run

    site = webhealth.own_site(gxj)
    run = Run.objects.create(site=site, state="finished")
    broken = BrokenLink.objects.create(site=site, url="https://gxj.example.gov.cn/gone", url_key="authz", error="http-4xx",
                                       first_seen_run=run, broken_since_run=run, last_seen_run=run)
    k["webhealth.organ"] = {"organ_id": gxj.pk}
    k["webhealth.site"] = {"site_id": site.pk}
    k["webhealth.run"] = {"pk": run.pk}
    k["webhealth.link"] = {"link_id": broken.pk}
    world.data["webhealth.site_add"] = {"name": "旧网站", "start_url": "https://old.gxj.example.gov.cn/"}
    world.data["webhealth.threshold"] = {"category": "", "days": "30"}
    world.data["webhealth.false_positive"] = {"reason": "需要登录才能访问"}
    # Application actions: the application each is tried on, and a body that passes the form checks, so the role
    # check decides (a refused person must meet the role check, not a missing field).
    world.actions = {
        "confirm": (by_status[Status.AWAITING_CONFIRMATION], {"received_on": today}),
        "spam": (by_status[Status.AWAITING_CONFIRMATION], {"reason": "广告"}),
        "route": (running, {"department": department.pk}),
        "claim": (by_status[Status.RECEIVED], {}),
        "assign": (running, {"assignee": clerk.pk}),
        "note": (running, {"text": "备注"}),
        "correction": (running, {"text": "请补正", "respond_within_days": "10"}),
        "corrected": (by_status[Status.CORRECTION_REQUESTED], {"text": "已补正", "on": today}),
        "close_uncorrected": (by_status[Status.CORRECTION_REQUESTED], {}),
        "close_unpaid": (by_status[Status.AWAITING_FEE], {}),
        "consult": (running, {"kind": "third_party", "party": "某公司", "question": "是否同意公开"}),
        "answer": (consulting, {"consultation": consultation.pk, "answer": "agrees", "text": "同意"}),
        "extend": (running, {"days": "5", "reason": "需要时间"}),
        "fee": (running, {"scheme": "per_page", "pages": "50"}),
        "payment": (by_status[Status.AWAITING_FEE], {"paid_on": today, "reference": "P1"}),
        "draft": (running, {"outcome": "disclosed", "legal_basis": "第三十六条", "body": "予以公开", "documents_provided": "预算表"}),
        "submit": (running, {"reply": draft_reply.pk}),
        "decide": (at_head_reply.application, {"reply": at_head_reply.pk, "decision": "approve", "comment": "同意"}),
        "deliver": (running, {"via": "online", "delivered_on": today}),
        "withdraw": (running, {"reason": "申请人撤回"}),
        "merge": (running, {"into": other_running.tracking_number, "reason": "重复"}),
        "split": (running, {"parts": "第一部分\n第二部分"}),
        "flags": (running, {"petition": "1"}),
        "appeal": (running, {"kind": "reconsideration", "filed_on": today}),
        "appeal_decide": (running, {"appeal": appeal.pk, "result": "upheld", "decided_on": today}),
        "release_file": (running, {"needs_redaction": "1"}),
        "release_redacted": (running, {"released": to_release.pk}),
        "release_item": (running, {"item": published.index_number}),
        "release_remove": (running, {"released": to_release.pk, "reason": "文件有误"}),
        "release_resolve": (running, {"finding": release_finding.pk, "resolution": "false_positive", "note": "误报"}),
    }

    # --- annual reports, letters, notifications --------------------------------------------------------
    report = AnnualReport.objects.get(organ=gxj, year=2025, scope="organ")
    unpublished_year = report.year
    k["report"] = {"pk": report.pk}
    k["report.cell"] = {"pk": report.pk, "key": "t2.normative.issued"}
    k["report.compare"] = {"_query": f"?a={report.pk}&b={report.pk}"}
    world.data["report.import"] = {"organ": gxj.pk, "year": "2023", "source": "https://gxj.example.gov.cn/2023.html",
                                   "html": "<html><body><h1>市工信局2023年政府信息公开工作年度报告</h1></body></html>"}
    world.data["report.decide"] = {"decision": "approve", "comment": "同意"}
    k["report.export"] = {"pk": report.pk, "fmt": "pdf"}
    k["report.organ_year"] = {"organ_id": gxj.pk, "year": report.year}
    k["report.government"] = {"government_id": organs["city"].pk}
    k["report.aggregate"] = {"government_id": organs["city"].pk, "year": report.year}
    k["public_report"] = {"slug": "sthjj", "year": 2025}
    k["public_report.download"] = {"slug": "sthjj", "year": 2025, "fmt": "pdf"}
    k["public_report.unpublished"] = {"slug": gxj.slug, "year": unpublished_year}
    k["public_report.unpublished_download"] = {"slug": gxj.slug, "year": unpublished_year, "fmt": "pdf"}
    k["letters.template"] = {"organ": gxj.slug, "kind": "correction"}
    # --- an organ's own column pages ---------------------------------------------------------------------------
    from gongkai.organs.models import Leader

    k["portal.blank_form"] = {"organ_slug": gxj.slug, "fmt": "docx"}
    k["column.organ"] = {"organ": gxj.slug}
    body, _created = Department.objects.get_or_create(organ=gxj, name="办公室")
    k["column.department"] = {"organ": gxj.slug, "pk": body.pk}
    k["column.leader"] = {"organ": gxj.slug, "pk": Leader.objects.create(organ=gxj, name="王局长", post="局长").pk}
    world.data["column.rules"] = {"body": "<p>政府信息公开保密审查制度</p>", "reason": "首次发布"}
    world.data["column.profile"] = {"functions": "负责工业和信息化工作。", "office_name": "办公室", "address": "某市人民路1号",
                                    "postcode": "518000", "office_hours": "工作日", "phone": "0755-87654321", "fax": "",
                                    "email": "", "website": "", "reason": "更新"}
    world.data["column.department"] = {"duties": "负责综合协调。", "reason": ""}
    world.data["column.leader"] = {"name": "李副局长", "post": "副局长", "duties": "分管信息化", "sort": "2", "reason": ""}
    world.data["column.remove"] = {"reason": "职务调整"}
    mine = Notification.objects.filter(recipient=clerk, channel="inapp").order_by("pk").first()
    k["notification"] = {"pk": mine.pk}
    k["notification.delivery"] = {"pk": Notification.objects.filter(organ=gxj).order_by("pk").first().pk}
    world.data["report.texts"] = {}
    world.data["login"] = {"username": "nobody", "password": "wrong"}
    world.data["language"] = {"language": "en", "next": "/"}
    world.data["case_login"] = {"tracking_number": "X", "secret": "Y"}
    world.data["applicant_register"] = {"full_name": "王五", "email": "authz-new@example.com", "password1": "x",
                                        "password2": "x"}  # a password the policy refuses: nothing is made
    k["applicant_verify"] = {"token": "not-a-valid-link"}
    k["sitemap.items"] = {"section": "items"}
    public_file = catalogue.add_attachment(
        Item.objects.get(pk=draft.pk), by=clerk, uploaded=docx_upload(name="公开附件.docx")
    )
    k["portal.draft_attachment"] = {"pk": public_file.pk}
    # A published item with an attachment, made through the workflow (create, submit, every sign-off step, publish).
    from gongkai.catalogue.tests.factories import Office, item_data

    office = Office.__new__(Office)
    office.organ, office.clerk, office.webadmin = gxj, clerk, people[f"own:{Role.WEB_ADMIN}"]
    office.head, office.secrecy = people[f"own:{Role.DEPARTMENT_HEAD}"], people[f"own:{Role.CONFIDENTIALITY_REVIEWER}"]
    office.deputy, office.principal = people[f"own:{Role.DEPUTY_LEADER}"], people[f"own:{Role.PRINCIPAL_LEADER}"]
    with_file = catalogue.create_draft(organ=gxj, by=clerk, data=item_data(title="附件公开测试"),
                                       files=[docx_upload(name="公开附件.docx")])
    for attachment_id in with_file.attachments.values_list("pk", flat=True):
        catalogue.check_attachment(attachment_id)  # the file check's job runs after a commit the world never makes
    catalogue.submit(with_file, by=clerk)
    with_file = catalogue.publish(office.approve_all(with_file), by=office.webadmin)
    k["portal.attachment"] = {"pk": with_file.attachments.get().pk}
    k["public_report.government"] = {"slug": "city", "year": 2025}

    # --- records of the admin site's own models (each admin page is probed on one) ---------------------------------
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    now = timezone.now()
    AccessAttempt.objects.create(username="authz-locked", ip_address="10.9.9.9", user_agent="test", failures_since_start=3,
                                 attempt_time=now)
    AccessLog.objects.create(username="authz-no-role", ip_address="10.9.9.9", user_agent="test", attempt_time=now)
    AccessFailureLog.objects.create(username="authz-locked", ip_address="10.9.9.9", user_agent="test", attempt_time=now,
                                    locked_out=False)
    from django_otp.plugins.otp_static.models import StaticDevice

    from gongkai.letters.models import LetterTemplate
    from gongkai.workdays.models import CalendarYear, DayOverride

    # (on a person who is no actor: an authenticator makes its owner confirm it at every sign-in)
    StaticDevice.objects.create(user=UserFactory(username="authz-enrolled"), name="recovery", confirmed=True)
    CalendarYear.objects.get_or_create(year=2030, defaults={"source": CalendarYear._meta.get_field("source").choices[0][0]})
    DayOverride.objects.get_or_create(date=dt.date(2030, 1, 2), defaults={
        "is_working": False, "name": "测试", "source": DayOverride._meta.get_field("source").choices[0][0]})
    from gongkai.credentials.models import Credential, Purpose

    if not Credential.objects.exists():
        Credential.issue(name="市工信局 OA", purpose=Purpose.OA_PUSH, organ=gxj, user=people[f"own:{Role.WEB_ADMIN}"])
    if not LetterTemplate.objects.exists():
        LetterTemplate.objects.create(organ=gxj, kind="correction", title="补正告知书", body="请补正。")
    Group.objects.get_or_create(name="authz-group")
    Token.objects.get_or_create(user=people["no_role"])

    # --- who is signed in ------------------------------------------------------------------------------
    world.clients["anonymous"] = _client()
    applicant = _client()
    lettered = letter.application
    lettered.secret = applications.hash_secret("authz-case-secret")
    lettered.save(update_fields=["secret"])
    for number, secret in ((lettered.tracking_number, "authz-case-secret"), (filed.application.tracking_number, filed.secret),
                           (delivered.application.tracking_number, delivered.secret)):
        response = applicant.post("/apply/case/", {"tracking_number": number, "secret": secret})
        assert response.status_code == 302, "the applicant could not open the case page"
    world.clients["applicant"] = applicant
    by_key = {actor.key: actor for actor in ACTORS}
    for key, user in people.items():
        actor = by_key[key]
        if actor.platform_admin:
            _authenticator(user)  # enrolled; confirmed in this session only for the verified actors
        world.clients[key] = _client(user, verified=actor.platform_admin and actor.verified)
    # A member of the public signed in with an applicant account (no application of the world is linked to it).
    account = User.objects.create_user(username="authz-applicant@example.com", email="authz-applicant@example.com",
                                       full_name="申请人账号", is_applicant=True)
    world.users["applicant_account"] = account
    world.clients["applicant_account"] = _client(account)
    return world
