"""Who may use each URL: the classification the authorisation matrix checks (test_matrix.py).

Every URL pattern of the project must have one line in ``POLICIES`` (by its ``namespace:name``; an unnamed pattern
by its route). A new URL fails ``test_every_url_is_classified`` until it has one. How to classify one is in
docs/security/authz.md.

What a refusal looks like is pinned per face, never "one of":

- staff workspace, not signed in: 302 to ``/accounts/login/?next=…``;
- staff workspace, signed in without the role, or the object is in an organ the person may not read: 403;
- a record only its owner sees (an applicant's case page, a person's own notification): 404 for everyone else;
- something that does not exist for anyone (an unpublished item on the portal or in the public API): 404;
- the OA push API without its client key: 401 (DRF's answer to a request without credentials);
- the admin site, not a staff account: 302 to ``/admin/login/?next=…``; a platform administrator outside their duty
  (accounts.duties): 403 (404 for an admin app none of whose models is theirs);
- the superuser or a platform administrator who has not confirmed the second factor in this session: 302 to
  ``/accounts/second-factor/?next=…`` everywhere except the sign-in, second-factor and password-reset pages
  (applied to every policy by test_matrix.expectation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from gongkai.accounts.models import AdminRole
from gongkai.organs.models import Role

from .world import Actor

GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")
ALLOW = "allow"
LOGIN = "login"  # 302 to the staff login page
ADMIN_LOGIN = "admin_login"  # 302 to the admin login page
SECOND_FACTOR = "second_factor"  # 302 to the second-factor page (accounts.middleware)
CASE_LOOKUP = "case_lookup"  # 302 to the case lookup form, the number filled in (never a hint that the case exists)
APPLICANT_LOGIN = "applicant_login"  # 302 to the applicant sign-in page (/apply/account/login/?next=…)

CLERK, HEAD, DEPUTY, PRINCIPAL = Role.CLERK, Role.DEPARTMENT_HEAD, Role.DEPUTY_LEADER, Role.PRINCIPAL_LEADER
OFFICE, SECRECY, WEBADMIN = Role.DISCLOSURE_OFFICE, Role.CONFIDENTIALITY_REVIEWER, Role.WEB_ADMIN
ANY_ROLE = tuple(Role.values)
DRAFTING = (CLERK, OFFICE, WEBADMIN)  # catalogue.workflow.DRAFTING_ROLES
PUBLISHING = (OFFICE, WEBADMIN)  # catalogue.workflow.PUBLISHING_ROLES
HANDLERS = (CLERK, HEAD, OFFICE)  # applications.workflow.HANDLERS
REPORT_EDIT = (OFFICE, CLERK)  # reports.services.EDIT_ROLES
COLUMN_EDITORS = (OFFICE, WEBADMIN)  # organs.permissions.COLUMN_EDITORS


@dataclass(frozen=True)
class Policy:
    """``expect(actor)`` gives ALLOW or the pinned refusal (a status code, LOGIN or ADMIN_LOGIN)."""

    rule: Callable[[Actor], object]
    obj: str | None = None  # key of world.kwargs: the URL arguments of the object probed
    methods: tuple = GET
    data: str | None = None  # key of world.data: the POST body
    hidden: str | None = None  # key of world.kwargs: an object nobody may see here (404 for every actor)
    refused: object = 404  # what a refused actor gets for the probed and the hidden object (applicant pages)
    note: str = ""
    actions: dict = field(default_factory=dict)  # applications_ws:action only: action -> allowed roles
    post: Policy | None = None  # a different rule for POST (a page anyone may open, but not everyone may submit)

    def expect(self, actor: Actor):
        return self.rule(actor)

    def for_method(self, method: str) -> Policy:
        return self.post if method == "POST" and self.post is not None else self


def _staff_rule(roles, *, organ_scoped: bool, supervisor: bool, superuser: bool, refused=403):
    def rule(actor: Actor):
        if not actor.signed_in:
            return LOGIN
        if actor.relation == "superuser":
            return ALLOW if superuser else refused
        if actor.no_organ_role:
            return refused
        if supervisor and actor.is_supervisor:
            return ALLOW
        if organ_scoped and actor.relation != "own":
            return refused
        return ALLOW if actor.role in roles else refused

    return rule


def public(obj=None, *, methods=GET, data=None, hidden=None, note="") -> Policy:
    """Anyone, signed in or not."""
    return Policy(lambda actor: ALLOW, obj=obj, methods=methods, data=data, hidden=hidden, note=note)


def any_staff(*, superuser: bool = True, methods=GET, data=None) -> Policy:
    """Anyone holding a role in some organ (lists filter to what they may read)."""
    return Policy(_staff_rule(ANY_ROLE, organ_scoped=False, supervisor=True, superuser=superuser), methods=methods, data=data)


def role_anywhere(*roles, superuser: bool = False, methods=GET, data=None) -> Policy:
    """Holders of one of ``roles`` in some organ; the page then offers only those organs."""
    return Policy(_staff_rule(roles, organ_scoped=False, supervisor=False, superuser=superuser), methods=methods, data=data)


def read(obj, *, methods=GET, data=None) -> Policy:
    """Whoever may read the object's organ: any role there, its supervising office, the system administrator."""
    return Policy(_staff_rule(ANY_ROLE, organ_scoped=True, supervisor=True, superuser=True), obj=obj, methods=methods, data=data)


def role_in_organ(obj, *roles, methods=POST, data=None, note="") -> Policy:
    """Holders of one of ``roles`` in the object's organ; the supervising office only reads (refused)."""
    return Policy(_staff_rule(roles, organ_scoped=True, supervisor=False, superuser=False), obj=obj, methods=methods,
                  data=data, note=note)


def only(obj, *actor_keys, methods=GET, data=None, refused=403, note="") -> Policy:
    """Exactly the actors named (by their key in world.ACTORS); signed-in others get ``refused``."""

    def rule(actor: Actor):
        if actor.key in actor_keys:
            return ALLOW
        return refused if actor.signed_in else LOGIN

    return Policy(rule, obj=obj, methods=methods, data=data, note=note)


def applicant(obj, *, methods=GET, data=None, hidden=None, refused=404) -> Policy:
    """Only the applicant holding the case session; 404 (or ``refused``) for everyone else, staff included."""
    return Policy(lambda actor: ALLOW if actor.relation == "applicant" else refused, obj=obj, methods=methods,
                  data=data, hidden=hidden, refused=refused)


def applicant_account(*, methods=GET, data=None) -> Policy:
    """The signed-in applicant account's own pages (my applications): the applicant sign-in for visitors, 403 for
    staff and the administrators (an applicant page is no staff page)."""

    def rule(actor: Actor):
        if actor.relation == "applicant_account":
            return ALLOW
        return 403 if actor.signed_in else APPLICANT_LOGIN

    return Policy(rule, methods=methods, data=data)


def api_client(obj=None, *, methods=GET, data=None) -> Policy:
    """An OA client with its API key (no person, signed in or not, gets in): 401 without the key."""
    return Policy(lambda actor: 401, obj=obj, methods=methods, data=data)


def channel(obj=None, *, methods=GET, data=None) -> Policy:
    """An intake channel with its channel key: 401 without it."""
    return Policy(lambda actor: 401, obj=obj, methods=methods, data=data)


def _duty(actor: Actor, need: str):
    """What a platform administrator gets where the admin needs the permission ``need`` ("app.action_model"):
    ALLOW within their duty (accounts.duties.DUTIES), else 403."""
    from gongkai.accounts import duties

    return ALLOW if duties.allowed(actor.role, need) else 403


def admin_site(need: str | None = None, *, superuser=ALLOW, admin=None) -> Policy:
    """The Django admin: staff accounts only; everyone else is sent to the admin login. The superuser gets
    ``superuser``; a platform administrator ``admin`` if given, else ALLOW with the permission ``need`` (any staff
    account when None) and 403 without it."""

    def rule(actor: Actor):
        if actor.relation == "superuser":
            return superuser
        if actor.relation == "admin":
            if admin is not None:
                return admin(actor) if callable(admin) else admin
            return ALLOW if need is None else _duty(actor, need)
        return ADMIN_LOGIN

    return Policy(rule)


def admin_refused(code: int = 403) -> Policy:
    """An admin page no account may use: deleting records (nothing is hard-deleted), adding records made only by the
    platform's own workflows. Staff accounts get ``code``; everyone else the admin login."""
    return admin_site(superuser=code, admin=code)


def deferred(reason: str) -> Policy:
    """Classified but not probed here, with the reason (shown as the test's skip reason)."""
    return Policy(lambda actor: None, note=reason)


def admin_public() -> Policy:
    """The admin's own login and logout pages."""
    return Policy(lambda actor: ALLOW)


# Application actions: the roles applications.workflow.MOVES gives each (one line per action).
ACTIONS = {
    "confirm": (CLERK, OFFICE),
    "spam": (OFFICE,),
    "route": (OFFICE, HEAD),
    "claim": HANDLERS,
    "assign": (OFFICE, HEAD),
    "note": (*HANDLERS, DEPUTY, PRINCIPAL),
    "correction": HANDLERS,
    "corrected": HANDLERS,
    "close_uncorrected": HANDLERS,
    "close_unpaid": HANDLERS,
    "consult": HANDLERS,
    "answer": HANDLERS,
    "extend": (OFFICE,),
    "fee": HANDLERS,
    "payment": HANDLERS,
    "draft": HANDLERS,
    "submit": HANDLERS,
    "decide": (HEAD,),  # the reply probed waits at the department head's step
    "deliver": HANDLERS,
    "withdraw": HANDLERS,
    "merge": HANDLERS,
    "split": HANDLERS,
    "flags": HANDLERS,
    "appeal": (OFFICE, CLERK),
    "appeal_decide": (OFFICE, CLERK),
    "release_file": HANDLERS,
    "release_redacted": HANDLERS,
    "release_item": HANDLERS,
    "release_remove": HANDLERS,
    "release_resolve": (SECRECY, OFFICE, HEAD),  # applications.workflow.FINDING_RESOLVERS
}

SUPERVISOR = f"parent:{OFFICE}"


def signed_in(obj=None, *, methods=GET, data=None, note="") -> Policy:
    """Anyone signed in (a person's own account pages); the login page for the others."""
    return Policy(lambda actor: ALLOW if actor.signed_in else LOGIN, obj=obj, methods=methods, data=data, note=note)


def _recovery_codes_rule(actor: Actor):
    """accounts:recovery_codes: only a sign-in confirmed with the second factor (the verified administrators here;
    the organ staff of the world have enrolled none): 403 for the others."""
    if not actor.signed_in:
        return LOGIN
    return ALLOW if actor.platform_admin and actor.verified else 403


AUDIT_READERS = ("superuser", f"admin:{AdminRole.AUDIT}")  # accounts.duties.is_audit_reader


def _import_rule(actor: Actor):
    """reports_ws:import, POST into ``gxj``: the form offers the organs where the person prepares reports."""
    if not actor.signed_in:
        return LOGIN
    if actor.relation == "own":
        return ALLOW if actor.role in REPORT_EDIT else 403
    if actor.role in REPORT_EDIT and actor.relation in ("other", "parent", "unrelated"):
        return 400  # prepares reports elsewhere: gxj is not a valid choice of the form
    return 403

POLICIES: dict[str, Policy] = {
    # --- accounts, language ----------------------------------------------------------------------------------
    "accounts:login": public(methods=BOTH, data="login"),
    "accounts:logout": public(methods=POST),
    "accounts:start": signed_in(note="sends each person on to their own screens"),
    "accounts:security": signed_in(),
    "accounts:password_change": signed_in(methods=BOTH),
    "accounts:password_reset": public(methods=BOTH),
    "accounts:password_reset_sent": public(),
    "accounts:password_reset_confirm": public("password_reset", note="a link that is not valid: the page says so"),
    "accounts:password_reset_complete": public(),
    "accounts:second_factor": signed_in(methods=BOTH, note="without an authenticator: on to the enrolment page"),
    "accounts:second_factor_setup": signed_in(methods=BOTH, note="with an unconfirmed authenticator: on to confirm it"),
    "accounts:recovery_codes": Policy(_recovery_codes_rule, methods=BOTH),
    "set_language": public(methods=POST, data="language"),
    # --- the public portal -------------------------------------------------------------------------------------
    "portal:home": public(),
    "portal:attachment": public("portal.attachment", hidden="portal.draft_attachment"),
    "portal:search": public(),
    "portal:feed_rss": public(),
    "portal:feed_atom": public(),
    "portal:sitemap": public(),
    "portal:sitemap_section": public("sitemap.items"),
    "portal:column": public("portal.organ"),
    "portal:guide": public("portal.organ"),
    "portal:catalogue": public("portal.organ"),
    "portal:item": public("portal.item", hidden="portal.draft"),
    "portal:organ_search": public("portal.organ"),
    "portal:statistics": public(),
    "portal:organ_statistics": public("portal.organ"),
    "portal:organ_feed_rss": public("portal.organ"),
    "portal:organ_feed_atom": public("portal.organ"),
    "portal:rules": public("portal.organ"),
    "portal:statutory": public("portal.organ"),
    "portal:on_application": public("portal.organ"),
    "portal:blank_form": public("portal.blank_form"),
    "portal:organisation": public("portal.organ"),
    "portal:leaders": public("portal.organ"),
    # --- operations ---------------------------------------------------------------------------------------------
    "healthz": public(),
    "readyz": public(),
    "metrics": public(note="the test client's address is 127.0.0.1, in METRICS_ALLOWED_IPS (pinned by the matrix "
                           "fixture); from elsewhere and without the token: test_matrix.test_metrics_from_elsewhere"),
    # --- applying and following a case -------------------------------------------------------------------------
    "applications_public:apply": public(),
    "applications_public:case_login": public(methods=BOTH, data="case_login"),
    "applications_public:form": public("apply.organ"),
    "applications_public:done": applicant("case.done"),
    "applications_public:case": applicant("case", hidden="case.other", refused=CASE_LOOKUP),
    "applications_public:correct": applicant("case", methods=POST, data="case.correct"),
    "applications_public:withdraw": applicant("case", methods=POST, data="case.withdraw"),
    "applications_public:letter": applicant("case.letter"),
    "applications_public:attachment": applicant("case.attachment", hidden="case.other_attachment"),
    # a file released with the reply, through its signed link; a tampered link is 404 for everyone
    "applications_public:released_file": applicant("case.released_file", hidden="case.tampered_released_file"),
    "applications_public:receipt": applicant("case", hidden="case.other"),
    "applications_public:account": applicant_account(),
    "applications_public:account_claim": applicant_account(methods=POST, data="case_login"),
    "applications_public:account_register": public(methods=BOTH, data="applicant_register"),
    "applications_public:account_verify": public("applicant_verify", note="a link that is not valid: the page says so"),
    "applications_public:account_login": public(methods=BOTH, data="login"),
    # --- published annual reports ------------------------------------------------------------------------------
    "reports_public:index": public(),
    "reports_public:check": public(methods=BOTH),
    "reports_public:report": public("public_report", hidden="public_report.unpublished"),
    "reports_public:download": public("public_report.download", hidden="public_report.unpublished_download"),
    "reports_public:government_report": public(hidden="public_report.unpublished"),
    "reports_public:government_download": public(hidden="public_report.unpublished_download"),
    # --- the REST API ------------------------------------------------------------------------------------------
    "api:home": public(),
    "api:schema": public(),
    "api:docs": public(),
    "api:items": public(),
    "api:item": public("api.item", hidden="api.draft"),
    "api:organs": public(),
    "api:topics": public(),
    "api:categories": public(),
    "api:search": public(),
    "api:push": api_client(methods=POST),
    "api:pushed_item": api_client("api.pushed"),
    "api:applications_api:create": channel(methods=POST),
    "api:applications_api:status": channel("case"),
    # --- the staff workspace: catalogue ------------------------------------------------------------------------
    "workspace:home": any_staff(),
    "workspace:items": any_staff(),
    "workspace:item_new": role_anywhere(*DRAFTING),
    "workspace:item": read("item.draft"),
    "workspace:item_edit": role_in_organ("item.draft", *DRAFTING, methods=BOTH, data="item.draft"),
    "workspace:attachment": read("item.attachment"),
    "workspace:attachment_remove": role_in_organ("item.attachment", *DRAFTING),
    "workspace:item_submit": role_in_organ("item.draft", *DRAFTING),
    "workspace:item_review": role_in_organ("item.in_review", HEAD, methods=BOTH, data="item.review",
                                           note="the item waits at the department head's step"),
    "workspace:item_recall": role_in_organ("item.in_review", *DRAFTING),
    "workspace:item_publish": role_in_organ("item.approved", *PUBLISHING),
    "workspace:item_revise": role_in_organ("item.published", *DRAFTING),
    "workspace:item_validity": role_in_organ("item.published", *PUBLISHING, methods=BOTH, data="item.validity"),
    "workspace:item_withdraw": role_in_organ("item.published", *PUBLISHING, methods=BOTH, data="item.reason"),
    "workspace:item_discard": role_in_organ("item.draft", *DRAFTING, data="item.reason"),
    "workspace:item_version": read("item.version"),
    "workspace:item_audit": read("item.draft"),
    "workspace:finding_resolve": role_in_organ("finding", SECRECY, data="finding"),
    "workspace:finding_mask": role_in_organ("finding", SECRECY, methods=BOTH, data="finding.mask"),
    "workspace:item_return_for_changes": role_in_organ("item.in_review", SECRECY, data="item.reason"),
    "workspace:withheld": any_staff(),
    "workspace:uninterpreted": any_staff(),
    "workspace:audit": any_staff(),
    "workspace:audit_trail": only(None, *AUDIT_READERS, note="the audit administrator (and the break-glass superuser)"),
    "workspace:audit_export": only("audit.export", *AUDIT_READERS),
    "workspace:catalogue_import:upload": role_anywhere(*PUBLISHING, methods=BOTH),
    "workspace:catalogue_import:confirm": role_anywhere(*PUBLISHING, methods=POST, data="import.confirm"),
    "workspace:catalogue_import:errors": role_anywhere(*PUBLISHING, data="import.errors"),
    # --- the staff workspace: applications ---------------------------------------------------------------------
    "interaction_public:organs": public(),
    "interaction_public:lookup": public(methods=BOTH, data="message_lookup"),
    "interaction_public:form": public("apply.organ"),
    "interaction_public:answers": public("apply.organ"),
    # Open only to the browser that sent the message or typed its query code: nobody of the world holds one.
    "interaction_public:done": Policy(lambda actor: 404, obj="message.done"),
    "interaction_public:message": Policy(lambda actor: 404, obj="message"),
    "interaction_public:rate": Policy(lambda actor: 404, obj="message", methods=POST, data="message.rate"),
    "interaction_public:attachment": Policy(lambda actor: 404, obj="message.own_attachment"),
    "interaction_ws:queue": any_staff(),
    "interaction_ws:statistics": any_staff(),
    "interaction_ws:register": role_anywhere(CLERK, OFFICE, methods=BOTH),
    "interaction_ws:detail": read("message"),
    "interaction_ws:attachment": read("message.attachment"),
    "interaction_ws:action": role_in_organ("message.accept", CLERK, HEAD, OFFICE),
    # --- the staff workspace: website health (the organ's web administrator acts; its readers read) ---------------
    "webhealth_ws:home": any_staff(),
    "webhealth_ws:organ": read("webhealth.organ"),
    "webhealth_ws:links": read("webhealth.organ"),
    "webhealth_ws:run": read("webhealth.run"),
    "webhealth_ws:export": read("webhealth.site"),
    "webhealth_ws:site_add": role_in_organ("webhealth.organ", WEBADMIN, data="webhealth.site_add"),
    "webhealth_ws:threshold": role_in_organ("webhealth.organ", WEBADMIN, data="webhealth.threshold"),
    "webhealth_ws:run_start": role_in_organ("webhealth.site", WEBADMIN),
    "webhealth_ws:false_positive": role_in_organ("webhealth.link", WEBADMIN, data="webhealth.false_positive"),
    "applications_ws:queue": any_staff(),
    "applications_ws:export": any_staff(),
    "applications_ws:register": role_anywhere(CLERK, OFFICE, methods=BOTH),
    "applications_ws:detail": read("application"),
    "applications_ws:action": Policy(lambda actor: None, obj="application", methods=POST, actions=ACTIONS),
    "applications_ws:letter": read("application.letter"),
    "applications_ws:attachment": read("application.attachment"),
    "applications_ws:released_file": read("application.released_file"),
    # --- the staff workspace: annual reports -------------------------------------------------------------------
    "reports_ws:home": any_staff(),
    "reports_ws:organ_year": read("report.organ_year"),
    "reports_ws:generate": role_in_organ("report.organ_year", *REPORT_EDIT),
    "reports_ws:report": read("report"),
    "reports_ws:figures": role_in_organ("report", *REPORT_EDIT, data="report.figures"),
    "reports_ws:figures_import": role_in_organ("report", *REPORT_EDIT),
    "reports_ws:texts": role_in_organ("report", *REPORT_EDIT, data="report.texts"),
    "reports_ws:check": role_in_organ("report", *REPORT_EDIT),
    "reports_ws:submit": role_in_organ("report", *REPORT_EDIT),
    "reports_ws:withdraw": role_in_organ("report", *REPORT_EDIT),
    "reports_ws:decide": role_in_organ("report", data="report.decide", note="the report probed is not in sign-off: nobody decides"),
    "reports_ws:override": role_in_organ("report", PRINCIPAL, DEPUTY, data="report.override"),
    "reports_ws:publish": role_in_organ("report", OFFICE, WEBADMIN),
    "reports_ws:return": only("report", SUPERVISOR, methods=POST, data="report.return"),
    "reports_ws:export": read("report.export"),
    "reports_ws:cell": read("report.cell"),
    "reports_ws:supervision": only("report.government", SUPERVISOR),
    "reports_ws:aggregate": only("report.aggregate", SUPERVISOR, methods=POST),
    "reports_ws:import": Policy(role_anywhere(*REPORT_EDIT).rule, methods=BOTH, data="report.import",
                                post=Policy(_import_rule, data="report.import"),
                                note="the form offers the organs where the person holds an editing role (another "
                                     "organ is not a valid choice: 400); without one anywhere: 403"),
    "reports_ws:compare": read("report.compare"),
    "reports_ws:dashboard": any_staff(),
    # --- the staff workspace: notifications and letter templates -----------------------------------------------
    "notify:inbox": any_staff(),
    "notify:read": Policy(lambda actor: ALLOW if actor.key == f"own:{CLERK}" else (
        LOGIN if not actor.signed_in else 403 if actor.no_organ_role else 404), obj="notification", methods=POST,
        note="the clerk's own notification: 404 for other staff, 403 for a person who is no staff"),
    "notify:delivery": role_anywhere(OFFICE, superuser=True),
    "notify:retry": Policy(lambda actor: 404 if actor.role == OFFICE and actor.relation != "own" else
                           _staff_rule((OFFICE,), organ_scoped=True, supervisor=False, superuser=True)(actor),
                           obj="notification.delivery", methods=POST,
                           note="another organ's disclosure office does not find the notification in its log: 404"),
    "letters:index": role_anywhere(OFFICE),
    "letters:edit": role_in_organ("letters.template", OFFICE, methods=BOTH, data="letters.edit"),
    "letters:preview_pdf": role_in_organ("letters.template", OFFICE, methods=GET),
    "letters:preview_docx": role_in_organ("letters.template", OFFICE, methods=GET),
    "letters:reset": role_in_organ("letters.template", OFFICE, data="letters.reset"),
    # --- an organ's own column pages (organs.permissions.COLUMN_EDITORS) ----------------------------------------
    "column_ws:index": role_anywhere(*COLUMN_EDITORS),
    "column_ws:rules": role_in_organ("column.organ", *COLUMN_EDITORS, methods=BOTH, data="column.rules"),
    "column_ws:profile": role_in_organ("column.organ", *COLUMN_EDITORS, methods=BOTH, data="column.profile"),
    "column_ws:department": role_in_organ("column.department", *COLUMN_EDITORS, methods=BOTH, data="column.department"),
    "column_ws:leader_new": role_in_organ("column.organ", *COLUMN_EDITORS, methods=BOTH, data="column.leader"),
    "column_ws:leader": role_in_organ("column.leader", *COLUMN_EDITORS, methods=BOTH, data="column.leader"),
    "column_ws:leader_remove": role_in_organ("column.leader", *COLUMN_EDITORS, data="column.remove"),
}

# The admin site, classified as a whole: every pattern under admin/ (one set per registered model, generated by
# Django) is for staff accounts only, except its login and logout pages.
ADMIN_PUBLIC = {"admin:login", "admin:logout"}
# Pages that answer 404 to the superuser too: "view on site" (no admin model has a public page) and the admin's
# catch-all for unknown addresses.
ADMIN_NOT_FOUND = {"admin:view_on_site", "admin/(?P<url>.*)$"}
# The records the platform's workflows make: read-only in the admin (architecture.md), so nobody adds them there.
ADMIN_READ_ONLY = {"axes_accessattempt", "axes_accesslog", "axes_accessfailurelog", "otp_totp_totpdevice",
                   "otp_static_staticdevice", "core_auditevent", "catalogue_item", "catalogue_indexcounter", "applications_application",
                   "applications_appeal", "notify_notification", "letters_lettertemplate", "sensitive_finding",
                   "signoff_signoff", "workdays_calendaryear", "workdays_dayoverride"}
# Django's own models (groups, API tokens) may be deleted in the admin; the platform's own never are.
# A sign-in lock (an access attempt) and a lost authenticator are deleted to lift the lock / make the person enrol
# again (audited, accounts.admin). The sign-in records (axes' access and failure logs) are never deleted.
ADMIN_DELETABLE = {"auth_group", "authtoken_tokenproxy", "axes_accessattempt", "otp_totp_totpdevice",
                   "otp_static_staticdevice"}


# Admin pages of one model, by the end of their name: the permission action each needs.
ADMIN_VIEWS = {"changelist": "view", "change": "view", "history": "view", "add": "add", "delete": "delete"}
# django-otp's pages showing an authenticator's key and QR code: never shown in the admin (OTP_ADMIN_HIDE_SENSITIVE_DATA).
ADMIN_HIDDEN = {"admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"}
# Custom admin pages: workdays' calendar upload and one-day override change the calendar; setting a person's password.
ADMIN_CUSTOM = {"admin:workdays_calendaryear_upload": "workdays.change_calendaryear",
                "admin:workdays_calendaryear_day": "workdays.change_calendaryear",
                "admin:auth_user_password_change": "accounts.change_user"}


def _admin_policy(name: str, route: str) -> Policy:
    import re

    if name in ADMIN_PUBLIC:
        return admin_public()
    if name in ADMIN_NOT_FOUND:
        return admin_refused(404)
    if name == "admin:app_list":  # probed with the catalogue app
        from gongkai.accounts import duties

        return admin_site(admin=lambda actor: ALLOW if duties.allowed_module(actor.role, "catalogue") else 404)
    if name == "admin:autocomplete":  # probed with the user field of role memberships: needs to view people
        return admin_site("accounts.view_user")
    from django.contrib import admin

    registered = {(m._meta.app_label, m._meta.model_name) for m in admin.site._registry}
    match = re.match(r"admin/(\w+)/(\w+)/", route)
    if not match or match.groups() not in registered:
        return admin_site()  # the index, the admin's own password change, jsi18n: any staff account
    if route.endswith("<path:object_id>/"):
        return admin_site()  # Django's redirect to the change page, which checks the permission
    if name in ADMIN_HIDDEN:
        return admin_refused()
    app_label, model = match.groups()
    action = name.rsplit("_", 1)[1]
    need = ADMIN_CUSTOM.get(name) or f"{app_label}.{ADMIN_VIEWS.get(action, 'change')}_{model}"
    table = f"{app_label}_{model}"
    if action == "delete" and table not in ADMIN_DELETABLE:
        return admin_refused()
    if action == "add" and table in ADMIN_READ_ONLY:
        return admin_refused()
    return admin_site(need)


def policy_for(name: str, route: str) -> Policy | None:
    if name in POLICIES:
        return POLICIES[name]
    if route.startswith("admin/"):
        return _admin_policy(name, route)
    return None
