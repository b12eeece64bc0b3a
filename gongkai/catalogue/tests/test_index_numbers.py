import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongkai.catalogue.index_numbers import render, validate_template
from gongkai.core.errors import DomainError

separators = st.sampled_from(["/", "-", "_", ".", "", "·"])
codes = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=1, max_size=18)


@given(sep1=separators, sep2=separators, width=st.integers(min_value=1, max_value=6), serial_a=st.integers(1, 99999), serial_b=st.integers(1, 99999), code=codes)
def test_valid_templates_give_distinct_numbers_for_distinct_serials(sep1, sep2, width, serial_a, serial_b, code):
    template = f"{{organ_code}}{sep1}{{year}}{sep2}{{serial:0{width}d}}"
    validate_template(template)
    a = render(template, organ_code=code, year=2026, month=3, category="GZ", serial=serial_a)
    b = render(template, organ_code=code, year=2026, month=3, category="GZ", serial=serial_b)
    assert (a == b) == (serial_a == serial_b)
    assert a.startswith(code)


@given(serial=st.integers(1, 99999))
def test_the_serial_is_zero_padded_to_the_width(serial):
    number = render("{organ_code}/{year}-{serial:05d}", organ_code="000014349", year=2017, month=1, category="", serial=serial)
    assert number == f"000014349/2017-{serial:05d}"


def test_the_month_and_category_fields_fill_in():
    number = render("{organ_code}-{category}-{year}{month:02d}-{serial:04d}", organ_code="X1", year=2021, month=10, category="GZ", serial=13)
    assert number == "X1-GZ-202110-0013"


@pytest.mark.parametrize("template", ["{organ_code}/{year}", "{year}-{serial}", "{organ_code}-{serial}", "{organ_code}/{yaer}-{serial}", "{organ_code}/{year}-{serial:05x", "{organ_code}/{year}-{serial:s}"])
def test_bad_templates_are_refused(template):
    with pytest.raises(DomainError) as error:
        validate_template(template)
    assert error.value.field == "index_template"
