"""What every page's shell gives: each flash message once, and the site's icon."""

import pytest
from django.contrib.messages.storage.base import Message
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from gongkai.core.templatetags.messages_once import unique_messages


def test_a_message_added_twice_is_shown_once_in_order():
    messages = [Message(25, "已保存。"), Message(40, "出错了。"), Message(25, "已保存。"), Message(40, "已保存。")]
    assert [(m.level, str(m)) for m in unique_messages(messages)] == [(25, "已保存。"), (40, "出错了。"), (40, "已保存。")]


def test_the_page_shell_shows_each_message_once():
    html = render_to_string("base.html", {"messages": [Message(25, "报告已生成。"), Message(25, "报告已生成。")]})
    assert html.count("报告已生成。") == 1


@pytest.mark.django_db
def test_every_page_names_the_sites_icon_and_the_file_is_shipped(client):
    html = client.get("/").content.decode()
    assert 'rel="icon"' in html and "img/favicon.svg" in html and "root/favicon.ico" in html
    assert finders.find("img/favicon.svg") and finders.find("root/favicon.ico")
