"""The message box's own fixtures; the organ and its people are gongkai/organs/tests/fixtures.py's."""

from __future__ import annotations

import pytest

from gongkai.interaction import services

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
