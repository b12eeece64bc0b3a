"""Signals the applications app sends for other apps to listen to.

``applications_changed(sender=Application, organ_id=int | None, months=set[date] | None)`` is sent
after the commit of every write that may change what the register counts for an organ in some months
(receipt, closing, outcome, channel, applicant type, deadlines, status, organ, a draft reply): the
months are first days of months; ``months=None`` means every month of the organ, ``organ_id=None``
every organ. The statistics dashboard recounts those months (reports.ApplicationMonth). Sent by
``gongkai.applications.changes.mark``, which the services call beside the audit row of every move and
for every application they create; every face (web, API, admin, commands) writes through them.
"""

from django.dispatch import Signal

applications_changed = Signal()
