"""The broken links of a site as an Excel workbook (断链清单): one row per link, with the pages containing it, their
columns and owners, and whether the last run found it new; a second sheet lists the links marked as not broken."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from gongkai.catalogue.models import Item
from gongkai.core.spreadsheets import xlsx_row
from gongkai.webhealth.models import BrokenLink, Run, Site


def _day(run: Run | None) -> str:
    when = run.finished_at or run.created_at if run else None
    return when.strftime("%Y-%m-%d %H:%M") if when else ""


def workbook(site: Site) -> bytes:
    from openpyxl import Workbook

    links = list(BrokenLink.objects.filter(site=site).select_related(
        "first_seen_run", "last_seen_run", "broken_since_run").order_by("url"))
    latest = site.runs.finished().first()
    item_ids = {i for link in links for i in link.item_ids}
    owners = {item.pk: (item.title, item.category.name, item.created_by.get_full_name() or item.created_by.username)
              for item in Item.objects.filter(pk__in=item_ids).select_related("category", "created_by")}
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Broken links"))
    sheet.append(xlsx_row(sheet, [_("Address"), _("Status code"), _("Error"), _("Detail"), _("New in the last check"),
                                  _("Pages containing it"), _("Items"), _("Columns"), _("Owners"), _("First seen"),
                                  _("Last seen")]))
    marked = book.create_sheet(_("Marked as not broken"))
    marked.append(xlsx_row(marked, [_("Address"), _("Reason"), _("Marked by"), _("Marked at")]))
    for link in links:
        if link.is_false_positive:
            marked.append(xlsx_row(marked, [link.url, link.false_positive_reason,
                                            link.marked_by.get_full_name() if link.marked_by else "",
                                            link.marked_at.strftime("%Y-%m-%d %H:%M") if link.marked_at else ""]))
            continue
        if link.fixed_in_run_id is not None:
            continue
        found = [owners[i] for i in link.item_ids if i in owners]
        sheet.append(xlsx_row(sheet, [
            link.url, link.status if link.status is not None else "", link.error_label, link.detail,
            _("yes") if latest is not None and link.broken_since_run_id == latest.pk else _("no"),
            "\n".join(page["url"] for page in link.pages), "\n".join(title for title, _c, _o in found),
            "\n".join(sorted({column for _t, column, _o in found})), "\n".join(sorted({owner for _t, _c, owner in found})),
            _day(link.first_seen_run), _day(link.last_seen_run),
        ]))
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
