"""Information-processing fee (信息处理费, 国办函〔2020〕109号): pure arithmetic.

One of two schemes applies to an application, never both, each progressive:

- **Per application (按件计收)**, counted per applicant per calendar month:
  the 1st–10th application of the month are free; the 11th–30th cost 100 yuan
  each; from the 31st on, in bands of 10, the rate rises by 100 yuan per band
  (31–40: 200, 41–50: 300, …). ``per_application_fee(position)`` prices one
  application by its position in the applicant's month;
  ``per_application_total(count)`` prices the first ``count`` together.
- **Per page (按量计收)**, for one application: pages 1–30 are free; the part
  from 31 to 100 costs 10 yuan a page, 101–200 20 yuan, 201 and more 40 yuan
  (each band charges only the pages inside it, like tax brackets).

Every function returns a :class:`FeeResult` that explains itself line by line
(band, count, rate, subtotal), ready for the fee notice (收费通知书) and for the
``Fee.explanation`` JSON column (``FeeResult.as_dict()``).

No models here: the applications app counts the applicant's position in the
month and records the result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gongkai.workdays.calendar import Deadline

PER_APPLICATION = "per_application"  # 按件计收 (FeeScheme.PER_APPLICATION)
PER_PAGE = "per_page"  # 按量计收 (FeeScheme.PER_PAGE)

FREE_APPLICATIONS = 10
FIRST_PAID_BAND_END = 30
FIRST_PAID_RATE = Decimal(100)
BAND_SIZE = 10
BAND_STEP = Decimal(100)

# (first page, last page or None for "and more", yuan per page)
PAGE_BANDS: tuple[tuple[int, int | None, Decimal], ...] = (
    (1, 30, Decimal(0)),
    (31, 100, Decimal(10)),
    (101, 200, Decimal(20)),
    (201, None, Decimal(40)),
)

# Days the applicant has to pay, counted from the day after receiving the notice.
PAYMENT_WORKING_DAYS = 20


@dataclass(frozen=True)
class FeeLine:
    """One band of the computation: units ``first``–``last`` (inclusive) of
    which ``count`` fall in the quantity, at ``rate`` yuan each."""

    first: int
    last: int | None
    count: int
    rate: Decimal
    subtotal: Decimal

    @property
    def band(self) -> str:
        return f"{self.first}–{self.last}" if self.last is not None else f"{self.first}+"

    def as_dict(self) -> dict:
        return {
            "band": self.band,
            "first": self.first,
            "last": self.last,
            "count": self.count,
            "rate": str(self.rate),
            "subtotal": str(self.subtotal),
        }


@dataclass(frozen=True)
class FeeResult:
    scheme: str
    quantity: int
    amount: Decimal
    lines: tuple[FeeLine, ...] = field(default_factory=tuple)

    @property
    def is_free(self) -> bool:
        return self.amount == 0

    def explanation_lines(self) -> list[str]:
        """Human-readable lines in Chinese, for the fee notice (收费通知书)."""
        unit = "件" if self.scheme == PER_APPLICATION else "页"
        out = []
        for line in self.lines:
            band = f"第{line.first}{unit}及以上" if line.last is None else f"第{line.first}—{line.last}{unit}"
            if line.rate == 0:
                out.append(f"{band}：{line.count}{unit}，免费")
            else:
                out.append(f"{band}：{line.count}{unit} × {line.rate}元/{unit} = {line.subtotal}元")
        out.append(f"合计：{self.amount}元")
        return out

    def explanation(self) -> str:
        return "\n".join(self.explanation_lines())

    def as_dict(self) -> dict:
        return {
            "scheme": self.scheme,
            "quantity": self.quantity,
            "amount": str(self.amount),
            "lines": [line.as_dict() for line in self.lines],
            "text": self.explanation_lines(),
        }


def _check_quantity(value: int, what: str, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an integer")
    if value < minimum:
        raise ValueError(f"{what} must be at least {minimum}")


def per_application_rate(position: int) -> Decimal:
    """Yuan charged for the applicant's ``position``-th application of the month."""
    _check_quantity(position, "position", 1)
    if position <= FREE_APPLICATIONS:
        return Decimal(0)
    if position <= FIRST_PAID_BAND_END:
        return FIRST_PAID_RATE
    band = (position - FIRST_PAID_BAND_END - 1) // BAND_SIZE + 1  # 31–40 → 1, 41–50 → 2 …
    return FIRST_PAID_RATE + BAND_STEP * band


def _application_band(position: int) -> tuple[int, int]:
    if position <= FREE_APPLICATIONS:
        return 1, FREE_APPLICATIONS
    if position <= FIRST_PAID_BAND_END:
        return FREE_APPLICATIONS + 1, FIRST_PAID_BAND_END
    first = FIRST_PAID_BAND_END + 1 + ((position - FIRST_PAID_BAND_END - 1) // BAND_SIZE) * BAND_SIZE
    return first, first + BAND_SIZE - 1


def per_application_fee(position: int) -> FeeResult:
    """The fee for one application that is the applicant's ``position``-th in
    the calendar month (按件计收)."""
    rate = per_application_rate(position)
    first, last = _application_band(position)
    line = FeeLine(first=first, last=last, count=1, rate=rate, subtotal=rate)
    return FeeResult(scheme=PER_APPLICATION, quantity=position, amount=rate, lines=(line,))


def per_application_total(count: int) -> FeeResult:
    """The fee for the applicant's first ``count`` applications of a month
    together, band by band (for statements and checks)."""
    _check_quantity(count, "count", 0)
    lines = []
    position = 1
    while position <= count:
        first, last = _application_band(position)
        in_band = min(last, count) - position + 1
        rate = per_application_rate(position)
        lines.append(FeeLine(first=first, last=last, count=in_band, rate=rate, subtotal=rate * in_band))
        position = last + 1
    amount = sum((line.subtotal for line in lines), Decimal(0))
    return FeeResult(scheme=PER_APPLICATION, quantity=count, amount=amount, lines=tuple(lines))


def per_page_fee(pages: int) -> FeeResult:
    """The fee for one application of ``pages`` pages (按量计收)."""
    _check_quantity(pages, "pages", 0)
    lines = []
    for first, last, rate in PAGE_BANDS:
        if pages < first:
            break
        top = pages if last is None else min(last, pages)
        count = top - first + 1
        lines.append(FeeLine(first=first, last=last, count=count, rate=rate, subtotal=rate * count))
    amount = sum((line.subtotal for line in lines), Decimal(0))
    return FeeResult(scheme=PER_PAGE, quantity=pages, amount=amount, lines=tuple(lines))


def compute(scheme: str, quantity: int) -> FeeResult:
    """Dispatch on the scheme code (``FeeScheme`` values)."""
    if scheme == PER_APPLICATION:
        return per_application_fee(quantity)
    if scheme == PER_PAGE:
        return per_page_fee(quantity)
    raise ValueError(f"unknown fee scheme {scheme!r}")


def payment_due(notice_received_on: dt.date) -> Deadline:
    """The last day to pay: 20 working days counted from the day after the
    applicant received the fee notice. Returns a self-explaining
    ``gongkai.workdays.calendar.Deadline``."""
    from gongkai.workdays.calendar import add_working_days

    return add_working_days(notice_received_on, PAYMENT_WORKING_DAYS)
