"""The columns of a catalogue file: the header names agencies use for each field, and the import's report."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy

from gongkai.catalogue.models import Validity

COLUMNS: dict[str, tuple[str, ...]] = {
    "index_number": ("索引号", "索引编号", "索引", "index_number", "indexnumber"),
    "title": ("标题", "信息名称", "文件名称", "名称", "题名", "文件标题", "title"),
    "document_number": ("发文字号", "文号", "文件编号", "发文号", "document_number", "documentnumber"),
    "date_formed": ("成文日期", "成文时间", "形成日期", "生成日期", "印发日期", "date_formed", "dateformed"),
    "published_at": ("发布日期", "发布时间", "公开日期", "公开时间", "发布", "published_at", "publishedat", "date_published"),
    "topic": ("主题分类", "主题", "主题类别", "topic"),
    "category": ("信息类别/体裁", "信息类别", "体裁", "类别", "文种", "体裁分类", "信息分类", "category"),
    "validity": ("有效性", "效力", "效力状态", "时效性", "validity"),
    "validity_note": ("废止说明", "失效说明", "有效性说明", "validity_note"),
    "validity_changed_on": ("废止日期", "失效日期", "validity_changed_on"),
    "keywords": ("关键词", "主题词", "关键字", "keywords"),
    "body": ("正文", "内容", "全文", "正文内容", "body"),
}


REQUIRED = ("title", "date_formed", "published_at", "topic", "category")


COLUMN_LABELS = {
    "index_number": gettext_lazy("index number (索引号)"),
    "title": gettext_lazy("title (标题)"),
    "document_number": gettext_lazy("document number (发文字号)"),
    "date_formed": gettext_lazy("date formed (成文日期)"),
    "published_at": gettext_lazy("date published (发布日期)"),
    "topic": gettext_lazy("topic (主题分类)"),
    "category": gettext_lazy("category (信息类别)"),
    "validity": gettext_lazy("validity (有效性)"),
    "validity_note": gettext_lazy("explanation of repeal or expiry (废止说明)"),
    "validity_changed_on": gettext_lazy("repealed or expired on (废止日期)"),
    "keywords": gettext_lazy("keywords (关键词)"),
    "body": gettext_lazy("body (正文)"),
}


VALIDITY_WORDS = {
    "": Validity.IN_FORCE,
    "有效": Validity.IN_FORCE,
    "现行有效": Validity.IN_FORCE,
    "现行": Validity.IN_FORCE,
    "in_force": Validity.IN_FORCE,
    "in force": Validity.IN_FORCE,
    "废止": Validity.REPEALED,
    "已废止": Validity.REPEALED,
    "repealed": Validity.REPEALED,
    "失效": Validity.EXPIRED,
    "已失效": Validity.EXPIRED,
    "expired": Validity.EXPIRED,
}


_HEADER_JUNK = re.compile(r"[\s*＊:：()（）\[\]【】]")


def normalise_header(value: object) -> str:
    return _HEADER_JUNK.sub("", str(value or "")).replace("\ufeff", "").lower()


_LOOKUP = {normalise_header(name): key for key, names in COLUMNS.items() for name in names}


class ImportFileError(Exception):
    """The file as a whole cannot be imported (unreadable, no header, missing columns)."""


@dataclass
class RowError:
    row: int
    messages: list[str]


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = True
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written in the file
    ignored_columns: list[str] = field(default_factory=list)
    numbered: int = 0  # rows that had no 索引号 and were given one
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase, for docs/performance.md

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> int:
        return len(self.errors)
