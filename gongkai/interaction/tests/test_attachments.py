"""Files sent with a message: the platform's upload rules, the quota, and who may download them."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.core.errors import DomainError
from gongkai.core.samples import demo_png
from gongkai.interaction import services
from gongkai.interaction.models import Message, MessageAttachment
from gongkai.interaction.tests.conftest import DATA


def _png(name="现场照片.png"):
    return demo_png(name)


def test_a_message_keeps_its_checked_files(organ):
    message = services.submit_message(organ=organ, data=dict(DATA), attachments=[_png()]).message
    (stored,) = message.attachments.all()
    assert (stored.name, stored.kind, stored.is_clean) == ("现场照片.png", "png", True)


def test_a_file_that_is_not_what_it_says_is_refused_and_nothing_is_stored(organ):
    fake = SimpleUploadedFile("说明.pdf", b"MZ\x90\x00 not a pdf at all")
    try:
        services.submit_message(organ=organ, data=dict(DATA), attachments=[fake])
    except DomainError as error:
        assert error.field == "attachments"
    else:
        raise AssertionError("a fake PDF was accepted")
    assert not Message.objects.exists() and not MessageAttachment.objects.exists()


def test_more_than_five_files_are_refused(organ):
    try:
        services.submit_message(organ=organ, data=dict(DATA), attachments=[_png(f"{i}.png") for i in range(6)])
    except DomainError as error:
        assert error.field == "attachments"
    else:
        raise AssertionError("six files were accepted")


def test_the_form_takes_files(client, organ):
    data = {**DATA, "form_token": "f" * 32, "attachments": [_png()]}
    assert client.post(reverse("interaction_public:form", args=[organ.slug]), data).status_code == 302
    assert MessageAttachment.objects.count() == 1


def test_staff_of_the_organ_download_a_file_others_are_refused(client, organ, clerk, outsider):
    message = services.submit_message(organ=organ, data=dict(DATA), attachments=[_png()]).message
    url = reverse("interaction_ws:attachment", args=[message.pk, message.attachments.get().pk])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(clerk)
    response = client.get(url)
    assert response.status_code == 200


def test_a_quarantined_file_is_not_served(client, organ, clerk):
    message = services.submit_message(organ=organ, data=dict(DATA), attachments=[_png()]).message
    stored = message.attachments.get()
    MessageAttachment.objects.filter(pk=stored.pk).update(check_state="pending")
    client.force_login(clerk)
    assert client.get(reverse("interaction_ws:attachment", args=[message.pk, stored.pk])).status_code == 404


def test_with_a_scanner_a_file_waits_in_quarantine_and_an_infected_one_is_refused(organ, settings, monkeypatch):
    from gongkai.core import virus_scan

    settings.CLAMD_HOST = "clamd.invalid"
    queued = []
    monkeypatch.setattr("gongkai.core.tasks.enqueue", lambda job, *args: queued.append(args))
    message = services.submit_message(organ=organ, data=dict(DATA), attachments=[_png()]).message
    stored = message.attachments.get()
    assert stored.check_state == "pending" and queued == [(stored.pk,)]
    monkeypatch.setattr(virus_scan, "scan_stored", lambda field: virus_scan.ScanResult(clean=False, signature="Eicar"))
    assert services.check_attachment(stored.pk) == "infected"
    assert not MessageAttachment.objects.get(pk=stored.pk).is_clean
    from gongkai.core.audit import trail_for

    assert "interaction.attachment_infected" in [e.action for e in trail_for(message)]


def test_the_citizen_downloads_their_own_file_others_get_404(client, organ):
    result = services.submit_message(organ=organ, data=dict(DATA), attachments=[_png()])
    message = result.message
    url = reverse("interaction_public:attachment", args=[message.number, message.attachments.get().pk])
    assert client.get(url).status_code == 404
    client.post(reverse("interaction_public:lookup"), {"number": message.number, "code": result.code})
    assert client.get(url).status_code == 200
    assert "现场照片.png" in client.get(reverse("interaction_public:message", args=[message.number])).content.decode()
