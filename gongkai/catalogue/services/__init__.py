"""The catalogue's workflow: drafting, review (先审核后公开), the sensitive
check, publishing with index numbers, revision, repeal/expiry, withdrawal.

Every face (workspace, API, import, demo) calls these functions; none of
them changes an item by itself. Each move locks the item, checks the move
is allowed, saves, and writes one audit row.

Where the working content lives:
- an item never published is edited in its own row (states draft/returned);
- a published item is revised in an unsubmitted ``ItemVersion`` (its
  ``data``), so the public keeps the published content until the revision is
  approved and published, when the version is applied to the row.

``data`` dictionaries use the field names of ``EDITABLE_FIELDS``; related
objects may be given as instances or primary keys, dates as ``date`` or ISO
strings."""

from gongkai.catalogue.services.attachments import (  # noqa: F401
    _refuse_if_unchecked,
    _scan_submitted_text,
    _store_attachment,
    add_attachment,
    attachments_of,
    check_attachment,
    remove_attachment,
)
from gongkai.catalogue.services.content import (  # noqa: F401
    BOOLEAN_FIELDS,
    CHOICE_FIELDS,
    DATE_FIELDS,
    DEFAULTS,
    EDITABLE_FIELDS,
    FOREIGN_KEYS,
    TEXT_FIELDS,
    _apply,
    _check,
    _lock,
    _next_number,
    _notify_public,
    _plain,
    _refresh_attachments_text,
    _require,
    _revision_version,
    _state_label,
    content_hash,
    findings_of,
    is_editable,
    item_content_type,
    latest_submitted,
    normalize,
    pending_signoff,
    snapshot,
    working_data,
    working_version,
)
from gongkai.catalogue.services.drafting import (  # noqa: F401
    create_draft,
    link_interpretation,
    push,
    update_draft,
)
from gongkai.catalogue.services.findings import (  # noqa: F401
    findings_to_return,
    mask_finding,
    mask_preview,
    resolve_finding,
    return_for_changes,
)
from gongkai.catalogue.services.publishing import (  # noqa: F401
    _approved,
    allowed_actions,
    change_validity,
    discard,
    next_index_number,
    publish,
    start_revision,
    withdraw,
)
from gongkai.catalogue.services.review import (  # noqa: F401
    _supersede_findings,
    _texts_to_scan,
    recall,
    review,
    submit,
)
from gongkai.catalogue.services.rules import (  # noqa: F401
    _refuse_if_invalid,
    check_data,
    check_row,
    interpretable_policies,
    may_interpret,
    no_such_entry,
    organs_to_interpret,
    validity_errors,
)
from gongkai.catalogue.workflow import DRAFTING_ROLES, PUBLISHING_ROLES, RESOLVING_ROLES  # noqa: F401
