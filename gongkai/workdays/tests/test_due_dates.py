"""Reply deadlines (20 working days, Art. 33) across Spring Festival and
National Day make-up weekends, 2020–2026, checked by hand.

Each expected date was counted day by day by hand from the State Council
notices 国务院办公厅关于{year}年部分节假日安排的通知 (published each November for
the next year; the 2020 Spring Festival extension by the State Council office in
January 2020), as carried by chinesecalendar 1.11.0 (``chinese_calendar.constants``)
and by NateScarlet/holiday-cn ``{year}.json``; the code under test computed none of them:

- 2020: Spring Festival extended to 2 Feb
  (off 24 Jan–2 Feb, make-up Sun 19 Jan; off 1–8 Oct, make-up Sun 27 Sep, Sat 10 Oct)
- 2021: (off 11–17 Feb, make-up Sun 7 Feb, Sat 20 Feb; off 1–7 Oct, make-up Sun 26 Sep, Sat 9 Oct)
- 2022: (off 31 Jan–6 Feb, make-up Sat 29, Sun 30 Jan; off 1–7 Oct, make-up Sat 8, Sun 9 Oct)
- 2023: (off 21–27 Jan, make-up Sat 28, Sun 29 Jan; off 29 Sep–6 Oct, make-up Sat 7, Sun 8 Oct)
- 2024: (off 10–17 Feb, make-up Sun 4 Feb, Sun 18 Feb; off 1–7 Oct, make-up Sun 29 Sep, Sat 12 Oct)
- 2025: (off 28 Jan–4 Feb, make-up Sun 26 Jan, Sat 8 Feb; off 1–8 Oct, make-up Sun 28 Sep, Sat 11 Oct)
- 2026: (off 15–23 Feb, make-up Sat 14 Feb, Sat 28 Feb; off 1–7 Oct, make-up Sun 20 Sep, Sat 10 Oct)

Counting rule: the day of receipt is not counted; day 1 is the first working
day after it; due at the end of the 20th.
"""

import datetime as dt

import pytest

from gongkai.workdays.calendar import WorkCalendar

D = dt.date

# (received, working days, due, how it was counted)
CASES = [
    (D(2020, 1, 20), 20, D(2020, 2, 25), "21–23 Jan = 3; off to 2 Feb; 3–7 Feb = 8; 10–14 = 13; 17–21 = 18; 24, 25 Feb"),
    (D(2020, 9, 25), 20, D(2020, 10, 29), "Sun 27 Sep = 1; 28–30 = 4; off 1–8 Oct; 9 = 5; Sat 10 = 6; 12–16 = 11; 19–23 = 16; 26–29"),
    (D(2020, 9, 25), 7, D(2020, 10, 12), "correction notice: 27, 28, 29, 30 Sep, 9, 10, 12 Oct"),
    (D(2021, 2, 5), 20, D(2021, 3, 10), "Sun 7 Feb = 1; 8–10 = 4; off 11–17; 18, 19 = 6; Sat 20 = 7; 22–26 = 12; 1–5 Mar = 17; 8–10"),
    (D(2021, 9, 24), 20, D(2021, 10, 27), "Sun 26 Sep = 1; 27–30 = 5; off 1–7 Oct; 8 = 6; Sat 9 = 7; 11–15 = 12; 18–22 = 17; 25–27"),
    (D(2022, 1, 28), 20, D(2022, 3, 2), "Sat 29, Sun 30 Jan = 2; off 31 Jan–6 Feb; 7–11 = 7; 14–18 = 12; 21–25 = 17; 28 Feb, 1, 2 Mar"),
    (D(2022, 9, 30), 20, D(2022, 11, 2), "off 1–7 Oct; Sat 8, Sun 9 = 2; 10–14 = 7; 17–21 = 12; 24–28 = 17; 31 Oct, 1, 2 Nov"),
    (D(2023, 1, 20), 20, D(2023, 2, 22), "off 21–27 Jan; Sat 28, Sun 29 = 2; 30 Jan–3 Feb = 7; 6–10 = 12; 13–17 = 17; 20–22 Feb"),
    (D(2023, 9, 28), 20, D(2023, 11, 1), "off 29 Sep–6 Oct; Sat 7, Sun 8 = 2; 9–13 = 7; 16–20 = 12; 23–27 = 17; 30, 31 Oct, 1 Nov"),
    (D(2023, 10, 7), 20, D(2023, 11, 2), "received on a make-up Saturday: Sun 8 = 1; 9–13 = 6; 16–20 = 11; 23–27 = 16; 30 Oct–2 Nov"),
    (D(2024, 2, 2), 20, D(2024, 3, 6), "Sun 4 Feb = 1; 5–9 = 6; off 10–17; Sun 18 = 7; 19–23 = 12; 26 Feb–1 Mar = 17; 4–6 Mar"),
    (D(2024, 9, 27), 20, D(2024, 10, 30), "Sun 29 Sep = 1; 30 = 2; off 1–7 Oct; 8–11 = 6; Sat 12 = 7; 14–18 = 12; 21–25 = 17; 28–30"),
    (D(2024, 10, 3), 20, D(2024, 11, 1), "received on a holiday: 8–11 Oct = 4; Sat 12 = 5; 14–18 = 10; 21–25 = 15; 28 Oct–1 Nov = 20"),
    (D(2025, 1, 24), 20, D(2025, 2, 27), "Sun 26 Jan = 1; 27 = 2; off 28 Jan–4 Feb; 5–7 = 5; Sat 8 = 6; 10–14 = 11; 17–21 = 16; 24–27"),
    (D(2025, 9, 26), 20, D(2025, 10, 30), "Sun 28 Sep = 1; 29, 30 = 3; off 1–8 Oct; 9, 10 = 5; Sat 11 = 6; 13–17 = 11; 20–24 = 16; 27–30"),
    (D(2026, 2, 13), 20, D(2026, 3, 19), "Sat 14 Feb = 1; off 15–23; 24–27 = 5; Sat 28 = 6; 2–6 Mar = 11; 9–13 = 16; 16–19"),
    (D(2026, 9, 30), 20, D(2026, 11, 3), "off 1–7 Oct; 8, 9 = 2; Sat 10 = 3; 12–16 = 8; 19–23 = 13; 26–30 = 18; 2, 3 Nov"),
]


@pytest.mark.parametrize(("received", "days", "due", "counted"), CASES, ids=[f"{c[0]}+{c[1]}" for c in CASES])
def test_due_date_matches_the_hand_count(received, days, due, counted):
    deadline = WorkCalendar().add_working_days(received, days)

    assert deadline.due == due, counted
    assert not deadline.provisional
    assert deadline.sources == ["chinesecalendar"]


def test_a_consultation_period_is_not_counted():
    calendar = WorkCalendar()
    from gongkai.workdays.calendar import Period

    plain = calendar.add_working_days(D(2025, 3, 3), 20)  # Mon 3 Mar 2025 → 31 Mar (no holidays)
    consultation = Period(D(2025, 3, 10), D(2025, 3, 14), "third party")
    paused = calendar.add_working_days(D(2025, 3, 3), 20, [consultation])

    assert plain.due == D(2025, 3, 31)
    assert paused.due == D(2025, 4, 8)  # 5 working days later, skipping Qingming (Fri 4 Apr 2025)
    assert paused.excluded == [(consultation, 5)]
