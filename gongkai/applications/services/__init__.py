"""Every write to the applications register. Each face (public form, workspace, API, admin, periodic command)
calls these typed, keyword-only functions.

A state move locks the application row, asks the table of moves (``applications.workflow.MOVES``) about the
actor's role and the state, saves, recomputes the deadline and writes one audit row. Refusals raise
``DomainError`` / ``NotAllowed`` / ``InvalidTransition`` with a translated message and save nothing.

One module per part of a case: ``intake``, ``handling``, ``waiting`` (correction, consultation, extension,
fee), ``replies``, ``appeals``, ``recompute``."""

from gongkai.applications.services.appeals import decide_appeal, record_appeal
from gongkai.applications.services.handling import add_note, assign, claim, merge, route, set_flags, split, withdraw
from gongkai.applications.services.intake import (
    Submitted,
    applicant_key,
    check_attachment,
    clean_applicant_data,
    confirm_receipt,
    find_duplicate,
    hash_secret,
    mark_spam,
    next_tracking_number,
    register_application,
    secret_matches,
    similarity,
    submit_application,
)
from gongkai.applications.services.recompute import recompute_deadline, recompute_running
from gongkai.applications.services.replies import decide_reply, draft_reply, record_delivery, submit_reply
from gongkai.applications.services.waiting import (
    answer_consultation,
    charge_fee,
    close_uncorrected,
    close_unpaid,
    extend,
    month_position,
    record_payment,
    request_correction,
    start_consultation,
    submit_correction,
)

__all__ = [
    "Submitted", "add_note", "answer_consultation", "applicant_key", "assign", "charge_fee", "check_attachment",
    "claim", "clean_applicant_data", "close_uncorrected", "close_unpaid", "confirm_receipt", "decide_appeal",
    "decide_reply", "draft_reply", "extend", "find_duplicate", "hash_secret", "mark_spam", "merge", "month_position",
    "next_tracking_number", "recompute_deadline", "recompute_running", "record_appeal", "record_delivery",
    "record_payment", "register_application", "request_correction", "route", "secret_matches", "set_flags",
    "similarity", "split", "start_consultation", "submit_application", "submit_correction", "submit_reply", "withdraw",
]
