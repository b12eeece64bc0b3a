"""Import of an organ's existing catalogue (存量目录导入) from Excel or CSV.

Agencies already keep their catalogue in a spreadsheet with columns such as
索引号, 标题, 发文字号, 成文日期, 发布日期, 主题分类, 信息类别, 有效性, 关键词, 正文.
Those items were already public, so they are imported as *published* items of
the organ, keeping their 索引号.

How it runs:

1. One streaming pass reads every row, validates it and turns it into the
   values of an ``Item`` row. Every bad row is reported with its row number
   (as the spreadsheet shows it) and translated reasons.
2. A dry run stops there. A real run writes the rows *in the same pass* inside
   one transaction: with PostgreSQL's COPY (tens of thousands of rows per
   second), elsewhere with ``bulk_create`` in batches. If any row is bad the
   transaction is rolled back: all or nothing.
3. After the rows, the organ's ``IndexCounter`` is raised past every imported
   serial, so numbers given later continue after the imported ones.

Imported items do not go through the sign-off chain: they were signed off and
published in the old system. The import itself is audited (one
``catalogue.imported`` event on the organ with the file's fingerprint, the
count and the range of item ids)."""

from gongkai.catalogue.importing.columns import COLUMN_LABELS, ImportFileError, ImportReport, RowError
from gongkai.catalogue.importing.reading import parse_datetime
from gongkai.catalogue.importing.run import run_import

__all__ = ["COLUMN_LABELS", "ImportFileError", "ImportReport", "RowError", "parse_datetime", "run_import"]
