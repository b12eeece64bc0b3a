"""Catalogue attachments: public only while their item is published (a repealed item stays published, a withdrawn
one does not), decided on every download; drafts' and unpublished revisions' files only to the organ's staff."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gongkai.catalogue import services
from gongkai.catalogue.models import Validity
from gongkai.catalogue.tests.factories import Office, docx_upload
from gongkai.core.files import is_random_name
from gongkai.core.models import AuditEvent
from gongkai.factories import GovernmentFactory, OrganFactory, member
from gongkai.organs.models import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("file_checks_run_at_once")]


@pytest.fixture
def bureau(db):
    government = GovernmentFactory()
    office = Office(OrganFactory(parent=government))
    office.supervisor = member(government, Role.DISCLOSURE_OFFICE)
    office.other = member(OrganFactory(), Role.CLERK, Role.WEB_ADMIN, Role.DISCLOSURE_OFFICE)
    return office


def public_url(attachment) -> str:
    return reverse("portal:attachment", args=[attachment.pk])


def staff_url(attachment) -> str:
    return reverse("workspace:attachment", args=[attachment.item_id, attachment.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_published_items_attachment_is_public_under_its_own_name(client, bureau):
    item = services.create_draft(organ=bureau.organ, by=bureau.clerk, data=_data(), files=[docx_upload(name="附件：检查表.docx")])
    services.submit(item, by=bureau.clerk)
    item = services.publish(bureau.approve_all(item), by=bureau.webadmin)
    attachment = item.attachments.get()
    assert is_random_name(attachment.file.name) and "检查表" not in attachment.file.name
    page = client.get(reverse("portal:item", args=[bureau.organ.slug, item.pk])).content.decode()
    assert f'href="{public_url(attachment)}"' in page and attachment.file.name not in page
    response = client.get(public_url(attachment))
    assert response.status_code == 200 and body(response) == attachment.file.open("rb").read()
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "no-cache"
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


def _data(**overrides):
    from gongkai.catalogue.tests.factories import item_data

    return item_data(**overrides)


def _published(bureau, name="附件.docx"):
    item = services.create_draft(organ=bureau.organ, by=bureau.clerk, data=_data(), files=[docx_upload(name=name)])
    services.submit(item, by=bureau.clerk)
    return services.publish(bureau.approve_all(item), by=bureau.webadmin)


def test_withdrawal_stops_the_download_at_once_even_from_a_cached_page(client, bureau):
    item = _published(bureau)
    attachment = item.attachments.get()
    page = client.get(reverse("portal:item", args=[bureau.organ.slug, item.pk])).content.decode()  # now in the page cache
    assert public_url(attachment) in page and client.get(public_url(attachment)).status_code == 200
    services.withdraw(item, by=bureau.webadmin, reason="附件含有个人信息")
    assert client.get(public_url(attachment)).status_code == 404
    # the organ's staff still reach it, and that read is recorded
    client.force_login(bureau.clerk)
    assert client.get(staff_url(attachment)).status_code == 200
    assert AuditEvent.objects.filter(action="catalogue.file_downloaded", actor=bureau.clerk).count() == 1


def test_a_repealed_item_stays_public_with_its_files(client, bureau):
    import datetime as dt

    item = _published(bureau)
    services.change_validity(item, by=bureau.webadmin, validity=Validity.REPEALED, on=dt.date.today(), explanation="已被新办法替代")
    assert client.get(public_url(item.attachments.get())).status_code == 200


def test_a_drafts_attachment_is_not_public_and_only_the_organs_staff_read_it(client, bureau):
    item = services.create_draft(organ=bureau.organ, by=bureau.clerk, data=_data(), files=[docx_upload(name="草稿附件.docx")])
    attachment = item.attachments.get()
    assert client.get(public_url(attachment)).status_code == 404  # anonymous
    response = client.get(staff_url(attachment))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(bureau.other)
    assert client.get(public_url(attachment)).status_code == 404
    assert client.get(staff_url(attachment)).status_code == 403
    client.force_login(bureau.clerk)
    assert client.get(public_url(attachment)).status_code == 404  # the public view is public only, even to staff
    response = client.get(staff_url(attachment))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    client.force_login(bureau.supervisor)
    assert client.get(staff_url(attachment)).status_code == 200


def test_an_attachment_added_by_a_revision_is_not_public_until_the_revision_is_published(client, bureau):
    item = _published(bureau)
    services.start_revision(item, by=bureau.clerk)
    added = services.add_attachment(item, by=bureau.clerk, uploaded=docx_upload(name="修订附件.docx"))
    assert client.get(public_url(added)).status_code == 404
    assert client.get(public_url(item.attachments.exclude(pk=added.pk).get())).status_code == 200


def test_an_attachment_taken_off_the_item_is_no_longer_public(client, bureau):
    from gongkai.catalogue.tests.factories import AttachmentFactory

    item = _published(bureau)
    old = AttachmentFactory(item=item, is_current=False)
    assert client.get(public_url(old)).status_code == 404


def test_a_draft_attachment_is_not_reached_through_an_item_of_another_organ(client, bureau):
    draft = services.create_draft(organ=bureau.organ, by=bureau.clerk, data=_data(), files=[docx_upload(name="草稿.docx")])
    other = Office()
    mine = _published(other)
    client.force_login(other.clerk)
    url = reverse("workspace:attachment", args=[mine.pk, draft.attachments.get().pk])
    assert client.get(url).status_code == 404


def test_the_api_links_to_the_checking_view(client, bureau):
    item = _published(bureau)
    attachment = item.attachments.get()
    data = client.get(f"/api/items/{item.pk}/").json()
    assert data["attachments"][0]["url"].endswith(public_url(attachment))


@pytest.mark.parametrize("path", [
    "/files/attachments/../../settings.py",
    "/files/attachments/1/../../../etc/passwd",
    "/files/attachments/%2e%2e%2f%2e%2e%2fetc%2fpasswd/",
    "/files/attachments/1%2f..%2f..%2fetc%2fpasswd/",
    "/files/attachments/1%00/",
    "/files/attachments/%00/",
    "/files/attachments/99999999999999999999/",
    "/files/attachments/-1/",
    "/media/../gongkai/settings.py",
    "/media/%2e%2e/%2e%2e/gongkai/settings.py",
    "/media/attachments/",
])
def test_path_tricks_reach_nothing(client, path):
    from gongkai.catalogue.tests.factories import AttachmentFactory

    AttachmentFactory()  # a published item's attachment exists
    response = client.get(path)
    # A NUL byte makes the address a bad request; every other trick finds nothing.
    assert response.status_code == (400 if "%00" in path else 404)
    assert b"SECRET_KEY" not in response.content and b"root:" not in response.content


def test_a_file_in_quarantine_or_refused_by_the_virus_scan_is_served_to_nobody(client, bureau):
    from gongkai.core.models import FileCheck

    item = _published(bureau)
    attachment = item.attachments.get()
    for state in (FileCheck.PENDING, FileCheck.INFECTED):
        type(attachment).objects.filter(pk=attachment.pk).update(check_state=state)
        client.logout()
        assert client.get(public_url(attachment)).status_code == 404
        client.force_login(bureau.clerk)
        assert client.get(staff_url(attachment)).status_code == 404
