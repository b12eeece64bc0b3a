from __future__ import annotations

import pytest

from gongkai.factories import DepartmentFactory, OrganFactory, member
from gongkai.interaction import services
from gongkai.organs.models import Role


@pytest.fixture
def organ(db):
    return OrganFactory(code="MB01", slug="mborgan")


@pytest.fixture
def other_organ(db):
    return OrganFactory(code="MB02", slug="mbother")


@pytest.fixture
def department(organ):
    return DepartmentFactory(organ=organ, name="综合科")


@pytest.fixture
def clerk(organ, department):
    return member(organ, Role.CLERK, department=department)


@pytest.fixture
def office(organ):
    return member(organ, Role.DISCLOSURE_OFFICE)


@pytest.fixture
def head(organ):
    return member(organ, Role.DEPARTMENT_HEAD)


@pytest.fixture
def deputy(organ):
    return member(organ, Role.DEPUTY_LEADER)


@pytest.fixture
def outsider(other_organ):
    return member(other_organ, Role.CLERK, Role.DISCLOSURE_OFFICE, Role.DEPARTMENT_HEAD)


DATA = {"type": "consultation", "subject": "办证时间咨询", "content": "请问周末能否办理居住证？我的电话13812345678。",
        "name": "张三", "phone": "13812345678", "email": "zhang@example.com", "publish_consent": True}


@pytest.fixture
def submitted(organ):
    return services.submit_message(organ=organ, data=dict(DATA), form_token="tok-" + "a" * 30)


@pytest.fixture
def message(submitted):
    return submitted.message


@pytest.fixture
def answered(message, clerk, head, deputy):
    message = services.accept(message, by=clerk)
    message = services.draft_reply(message, by=clerk, text="周末可以办理，请携带身份证。")
    message = services.submit_reply(message, by=clerk)
    message = services.decide_reply(message, by=head, decision="approve")
    message = services.decide_reply(message, by=deputy, decision="approve")
    return services.send(message, by=clerk)
