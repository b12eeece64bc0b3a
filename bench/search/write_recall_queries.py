"""Write recall_queries.tsv and recall_items.tsv from the demo city built by pinned_demo.py.

    DATABASE_URL=sqlite:////tmp/recall-demo.sqlite3 .venv/bin/python bench/search/pinned_demo.py
    .venv/bin/python bench/search/write_recall_queries.py /tmp/recall-demo.sqlite3

The queries and what their typist wants are written below by hand; the helpers only turn "the items whose title
says X (of organ Y, category Z, year N)" into index numbers of published, actively disclosed items, and refuse a
query with no expected item or more than ten (the first page must be able to hold them all). Reads the SQLite file
directly, never the search code.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SELECT = """
select o.short_name, o.name, c.code, i.index_number, i.document_number, i.date_formed, i.validity, i.title
from catalogue_item i join organs_organ o on o.id = i.organ_id join catalogue_category c on c.id = i.category_id
where i.state = 'published' and i.disclosure = 'active' order by i.index_number
"""
FIELDS = ("organ", "name", "cat", "idx", "doc", "formed", "validity", "title")


def main() -> None:
    database = sys.argv[1] if len(sys.argv) > 1 else "/tmp/recall-demo.sqlite3"
    items = [dict(zip(FIELDS, row, strict=True)) for row in sqlite3.connect(database).execute(SELECT)]
    by_index = {item["idx"]: item for item in items}
    rows: list[tuple[str, str, list[str]]] = []

    def t(*parts, organ=None, cat=None, year=None) -> list[str]:
        """Index numbers of the items whose title contains every part (and of the organ, category, year)."""
        cats = cat if isinstance(cat, tuple) else (cat,)
        return [
            i["idx"] for i in items
            if all(p in i["title"] for p in parts) and (organ is None or i["organ"] == organ)
            and (cat is None or i["cat"] in cats)
            and (year is None or str(year) in (i["idx"].split("/")[1][:4], i["formed"][:4]))
        ]

    def doc(number: str) -> list[str]:
        hits = [i["idx"] for i in items if i["doc"] == number]
        if len(hits) != 1:
            raise SystemExit(f"{number}: {len(hits)} items (is the demo built as of 2026-12-07?)")
        return hits

    def q(query: str, kind: str, expected: list[str]) -> None:
        expected = list(dict.fromkeys(expected))
        if not expected or len(expected) > 10 or any(e not in by_index for e in expected):
            raise SystemExit(f"{query}: {len(expected)} expected items (is the demo built as of 2026-12-07?)")
        if any(query == row[0] for row in rows):
            raise SystemExit(f"{query}: twice")
        rows.append((query, kind, expected))

    GX, HJ, CZ, JY, WJ, SF, MD, SQ = "市工信局", "市生态环境局", "市财政局", "市教育局", "市卫健委", "市政府", "马登镇", "石桥镇"
    ENV_RULES = t(organ=HJ, cat=("GFXWJ", "ZCJD"))

    # word: one ordinary word or term
    q("排污许可", "word", t("排污许可"))
    q("政府采购", "word", t("政府采购"))
    q("学生资助", "word", t("学生资助"))
    q("垃圾分类", "word", t("垃圾分类"))
    q("森林防火", "word", t("森林防火"))
    q("耕地保护", "word", t("耕地保护"))
    q("校园安全", "word", t("校园安全"))
    q("工业互联网", "word", t("工业互联网"))
    q("城市更新", "word", t("城市更新"))
    q("安全生产", "word", t("安全生产"))
    q("民生实事", "word", t("民生实事"))
    q("债务", "word", t("政府债务"))
    q("招生", "word", t("招生入学"))
    q("传染病", "word", t("传染病"))
    q("危房", "word", t("危房改造"))
    q("一网通办", "word", t("一网通办"))
    q("5G", "word", t("5G"))
    q("中小学", "word", t("中小学"))
    q("乡村振兴", "word", t("乡村振兴"))
    q("申报表", "word", t("技术改造申报工作"))

    # phrase: several words, often a piece of a title
    q("义务教育招生入学有关事项的通告", "phrase", t("义务教育招生入学有关事项的通告"))
    q("大气污染防治办法（征求意见稿）", "phrase", t("大气污染防治办法（征求意见稿）"))
    q("关于开展森林防火专项行动的通知", "phrase", t("关于开展森林防火专项行动的通知"))
    q("家庭医生签约服务工作推进会", "phrase", t("家庭医生签约服务工作推进会"))
    q("部门预算及三公经费预算", "phrase", t("部门预算及“三公”经费预算"))
    q("固体废物污染防治统计分析", "phrase", t("固体废物污染防治统计"))
    q("中小企业数字化转型专项行动", "phrase", t("中小企业数字化转型专项行动"))
    q("优化营商环境工作推进会", "phrase", t("优化营商环境工作推进会"))
    q("高标准农田建设名单", "phrase", t("高标准农田建设名单"))
    q("农村人居环境整治三年行动计划", "phrase", t("农村人居环境整治三年行动计划"))
    q("医疗机构执业登记统计数据", "phrase", t("医疗机构执业登记统计数据"))
    q("特色小镇建设工作取得阶段性成效", "phrase", t("特色小镇建设工作取得阶段性成效"))
    q("关于进一步加强学生资助工作的实施意见", "phrase", t("关于进一步加强学生资助工作的实施意见"))
    q("市领导调研垃圾分类工作", "phrase", t("市领导调研垃圾分类工作"))
    q("政府债务管理情况说明", "phrase", t("政府债务管理情况说明"))
    q("老年健康服务办法征求意见稿", "phrase", t("老年健康服务办法（征求意见稿）"))
    q("中小学课后服务管理办法", "phrase", t("中小学课后服务管理办法"))
    q("5G基站建设管理办法", "phrase", t("5G基站建设管理办法"))

    # compound: a term that is not one dictionary word, or parts that are not next to each other in the text
    q("环境保护", "compound", ENV_RULES)
    q("噪声防治", "compound", t("噪声污染防治"))
    q("农村环境整治", "compound", t("农村人居环境整治"))
    q("危房改造", "compound", t("危房改造"))
    q("节能降碳", "compound", t("节能降碳"))
    q("预算绩效", "compound", t("预算绩效"))
    q("课后服务", "compound", t("课后服务"))
    q("执业登记", "compound", t("执业登记"))
    q("数字化转型", "compound", t("数字化转型"))
    q("基站建设", "compound", t("基站建设"))
    q("水质提升", "compound", t("水质提升"))
    q("农田建设", "compound", t("高标准农田建设"))
    q("学前普惠", "compound", t("学前教育普惠发展"))
    q("财政资金管理", "compound", t("财政专项资金管理"))
    q("家庭医生服务", "compound", t("家庭医生签约服务"))
    q("传染病防治", "compound", t("传染病防控"))
    q("大气防治", "compound", t("大气污染防治"))

    # abbreviation: 简称 of a term or an organ
    q("环保", "abbreviation", ENV_RULES)
    q("环评", "abbreviation", t("环境影响评价"))
    q("工信 专项行动", "abbreviation", t("专项行动", organ=GX))
    q("工信 政策解读", "abbreviation", t(organ=GX, cat="ZCJD"))
    q("卫健 家庭医生", "abbreviation", t("家庭医生"))
    q("卫健 老年健康", "abbreviation", t("老年健康服务"))
    q("低保", "abbreviation", t("最低生活保障"))
    q("固废", "abbreviation", t("固体废物"))
    q("技改", "abbreviation", t("技术改造"))
    q("高标农田", "abbreviation", t("高标准农田建设"))
    q("三公经费", "abbreviation", t("三公"))
    q("危改", "abbreviation", t("危房改造"))
    q("公卫服务", "abbreviation", t("基本公共卫生服务"))
    q("专精特新", "abbreviation", t("专精特新"))
    q("环保 大气", "abbreviation", t("大气污染防治"))
    q("工信局 节能", "abbreviation", t("节能降碳"))

    # organ: the organ's full or short name with what is wanted from it
    q("市工信局 工业互联网", "organ", t("工业互联网", organ=GX))
    q("某市工业和信息化局 技术改造", "organ", t("技术改造", organ=GX))
    q("某市生态环境局 排污许可", "organ", t("排污许可", organ=HJ))
    q("生态环境局 噪声", "organ", t("噪声", organ=HJ))
    q("市财政局 政府采购", "organ", t("政府采购", organ=CZ))
    q("某市财政局 部门预算", "organ", t("部门预算", organ=CZ))
    q("市教育局 学生资助", "organ", t("学生资助", organ=JY))
    q("市教育局 实施意见", "organ", t("实施意见", organ=JY))
    q("市卫健委 家庭医生", "organ", t("家庭医生", organ=WJ))
    q("某市卫生健康委员会 传染病", "organ", t("传染病", organ=WJ))
    q("卫健委 推进会", "organ", t("推进会", organ=WJ))
    q("马登镇 耕地保护", "organ", t("耕地保护", organ=MD))
    q("某市马登镇人民政府 防汛防台风", "organ", t("防汛防台风", organ=MD))
    q("石桥镇 垃圾分类", "organ", t("垃圾分类", organ=SQ))
    q("石桥镇 工作要点", "organ", t("工作要点", organ=SQ))
    q("某市人民政府 一网通办", "organ", t("一网通办", organ=SF))
    q("市政府 防汛防旱", "organ", t("防汛防旱", organ=SF))
    q("市政府 实施细则", "organ", t("实施细则", organ=SF))
    q("教育局 招生", "organ", t("招生", organ=JY))

    # index_number: 索引号 typed as printed on the item page
    for number in (
        "11440300007543210A/2026-00008", "11440300007543210A/2024-00011", "11440300MB2C12301B/2025-00007",
        "11440300MB2C12301B/2023-00001", "11440300MB2C12302C/2024-00004", "11440300MB2C12302C/2026-00006",
        "11440300MB2C12303D/2025-00007", "11440300MB2C12304E/2024-00010", "11440300MB2C12305F/2026-00003",
        "11440300MB2C12306G/2025-00003", "11440300MB2C12307H/2024-00008", "11440300MB2C12306G/2026-00012",
    ):
        q(number, "index_number", [number])
    q("11440300mb2c12303d/2026-00004", "index_number", ["11440300MB2C12303D/2026-00004"])

    # document_number: 文号 with 〔〕 or as people type it: [] () （） 【】
    q("某府发〔2024〕11号", "document_number", doc("某府发〔2024〕11号"))
    q("某府规[2026]22号", "document_number", doc("某府规〔2026〕22号"))
    q("某府发〔2026〕73号", "document_number", doc("某府发〔2026〕73号"))
    q("某工信发(2025)19号", "document_number", doc("某工信发〔2025〕19号"))
    q("某工信规【2025】5号", "document_number", doc("某工信规〔2025〕5号"))
    q("某环发〔2025〕7号", "document_number", doc("某环发〔2025〕7号"))
    q("某环规（2024）7号", "document_number", doc("某环规〔2024〕7号"))
    q("某财发〔2026〕11号", "document_number", doc("某财发〔2026〕11号"))
    q("某财规[2026]7号", "document_number", doc("某财规〔2026〕7号"))
    q("某教规〔2024〕18号", "document_number", doc("某教规〔2024〕18号"))
    q("某教发〔2023〕2号", "document_number", doc("某教发〔2023〕2号"))
    q("某卫健发(2024)8号", "document_number", doc("某卫健发〔2024〕8号"))
    q("某卫健规〔2026〕18号", "document_number", doc("某卫健规〔2026〕18号"))
    q("马府规〔2025〕1号", "document_number", doc("马府规〔2025〕1号"))
    q("马府发【2026】20号", "document_number", doc("马府发〔2026〕20号"))
    q("石府规〔2024〕17号", "document_number", doc("石府规〔2024〕17号"))
    q("石府发［2025］3号", "document_number", doc("石府发〔2025〕3号"))

    # traditional: 繁体字
    q("環境保護", "traditional", ENV_RULES)
    q("環境影響評價", "traditional", t("环境影响评价"))
    q("學生資助", "traditional", t("学生资助"))
    q("垃圾分類", "traditional", t("垃圾分类"))
    q("醫療機構執業登記", "traditional", t("医疗机构执业登记"))
    q("財政專項資金管理", "traditional", t("财政专项资金管理"))
    q("義務教育招生入學", "traditional", t("义务教育招生入学"))
    q("農村危房改造", "traditional", t("农村危房改造"))
    q("防汛防颱風", "traditional", t("防汛防台风"))
    q("噪聲污染防治", "traditional", t("噪声污染防治"))
    q("傳染病防控", "traditional", t("传染病防控"))
    q("專精特新企業培育", "traditional", t("专精特新"))
    q("政府採購", "traditional", t("政府采购"))
    q("優化營商環境", "traditional", t("优化营商环境"))
    q("高標準農田建設", "traditional", t("高标准农田建设"))
    q("大氣污染防治", "traditional", t("大气污染防治"))

    # typo: one wrong (mostly same-sound) or missing character
    q("专精特心企业", "typo", t("专精特新"))
    q("高标准农天建设", "typo", t("高标准农田建设"))
    q("义务教育招声入学", "typo", t("义务教育招生入学"))
    q("最低生活保帐", "typo", t("最低生活保障"))
    q("排污许克", "typo", t("排污许可"))
    q("垃极分类", "typo", t("垃圾分类"))
    q("家庭医生签约服物", "typo", t("家庭医生签约服务"))
    q("预算绩效管里", "typo", t("预算绩效管理"))
    q("固体废物污染防制", "typo", t("固体废物污染防治"))
    q("传染病防空", "typo", t("传染病防控"))
    q("特色小真建设", "typo", t("特色小镇建设"))
    q("森林防伙", "typo", t("森林防火"))
    q("农村危房造", "typo", t("农村危房改造"))
    q("学前教普惠发展", "typo", t("学前教育普惠发展"))
    q("噪声污防治", "typo", t("噪声污染防治"))
    q("工业节能将碳", "typo", t("节能降碳"))

    # topic: what the user is after, in their own words, with a year or a kind of document
    q("政策解读", "topic", t(cat="ZCJD"))
    q("垃圾分类 征求意见稿", "topic", t("垃圾分类", "征求意见稿"))
    q("2025年排污许可名单", "topic", t("2025年排污许可名单"))
    q("2024年部门预算", "topic", t("2024年部门预算"))
    q("2025年 统计数据", "topic", t(cat="TJXX", year=2025))
    q("社会救助 低保", "topic", t("最低生活保障"))
    q("卫生健康 统计", "topic", t(cat="TJXX", organ=WJ))
    q("防汛 专项行动", "topic", t("防汛", "专项行动"))
    q("三年行动计划", "topic", t("三年行动计划"))
    q("2024年 工作要点", "topic", t("工作要点", year=2024))
    q("养老 健康服务", "topic", t("老年健康服务"))
    q("小学入学", "topic", t("招生入学"))
    q("2026年 大气污染防治", "topic", t("大气污染防治", year=2026))
    q("营商环境 政策文件", "topic", t("优化营商环境", cat=("GFXWJ", "QTWJ")))
    q("疫情防控", "topic", t("传染病防控"))
    q("学生资助名单", "topic", t("学生资助名单"))
    q("低保怎么申请", "topic", t("最低生活保障"))
    q("垃圾怎么分类", "topic", t("垃圾分类"))
    q("卫健委 规范性文件", "topic", t(organ=WJ, cat="GFXWJ"))
    q("2026年 名单公告", "topic", t("2026年", "名单"))
    q("教育局 部门预算", "organ", t("部门预算", organ=JY))
    q("征求意见 最低生活保障", "topic", t("最低生活保障", "征求意见稿"))

    with open(HERE / "recall_queries.tsv", "w", encoding="utf-8", newline="\n") as out:
        out.write("query\tkind\texpected\n")
        for query, kind, expected in rows:
            out.write(f"{query}\t{kind}\t{'|'.join(expected)}\n")
    used = sorted({e for _, _, expected in rows for e in expected})
    with open(HERE / "recall_items.tsv", "w", encoding="utf-8", newline="\n") as out:
        out.write("index_number\torgan\tcategory\tdocument_number\tdate_formed\tvalidity\ttitle\n")
        for number in used:
            i = by_index[number]
            out.write(f"{number}\t{i['name']}\t{i['cat']}\t{i['doc']}\t{i['formed']}\t{i['validity']}\t{i['title']}\n")
    kinds: dict[str, int] = {}
    for _, kind, _ in rows:
        kinds[kind] = kinds.get(kind, 0) + 1
    print(f"{len(rows)} queries, {len(used)} items:", ", ".join(f"{k} {n}" for k, n in kinds.items()))


if __name__ == "__main__":
    main()
