"""Signals of the working-day calendar.

``calendar_changed`` is sent by ``gongkai.workdays.services`` after a year's
schedule is loaded or a day is overridden, once the rows are written and the
calendar snapshot invalidated, **inside the same transaction** (so a receiver
that fails rolls the change back, and ``calendar.current()`` already answers
with the new schedule). Keyword arguments:

- ``years``: sorted list of the years whose days changed status;
- ``dates``: sorted list of the ``datetime.date`` whose working/non-working status changed;
- ``by``: the user who made the change;
- ``reason``: the reason given.

Receivers that recompute many deadlines should queue the work with
``gongkai.core.tasks.enqueue`` (it runs after commit) and audit each change.
"""

from django.dispatch import Signal

calendar_changed = Signal()
