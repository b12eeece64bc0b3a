"""Test data for the applications app."""

from __future__ import annotations

import datetime as dt

from gongkai.applications import services
from gongkai.applications.taxonomy import ApplicantType

VALID_ID = "11010519491231002X"  # GB 11643 example, check digit X
VALID_CREDIT_CODE = "91350100M000100Y43"


def person_data(**overrides) -> dict:
    data = {
        "applicant_type": ApplicantType.NATURAL_PERSON,
        "applicant_name": "张三",
        "id_type": "resident_id",
        "id_number": VALID_ID,
        "phone": "13812345678",
        "email": "zhangsan@example.com",
        "address": "某市人民路2号",
        "subject": "2025年某市财政预算执行情况报告",
        "document_number": "",
        "description": "请提供2025年度财政预算执行情况的完整报告。",
        "purpose": "",
        "form_wanted": "electronic",
        "delivery_method": "email",
    }
    data.update(overrides)
    return data


def organisation_data(**overrides) -> dict:
    data = person_data(
        applicant_type=ApplicantType.COMMERCIAL, applicant_name="某某科技有限公司", id_type="credit_code",
        id_number=VALID_CREDIT_CODE, contact_person="李四",
    )
    data.update(overrides)
    return data


def received(organ, *, on: dt.date, by=None, **overrides):
    """An application registered on paper (letter) and received on ``on``."""
    from gongkai.factories import member
    from gongkai.organs.models import Role

    clerk = by or member(organ, Role.CLERK)
    result = services.register_application(organ=organ, channel="letter", data=person_data(**overrides), received_on=on, by=clerk)
    return result.application
