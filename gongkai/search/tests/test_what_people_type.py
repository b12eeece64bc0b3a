"""Search finds what people type: traditional characters, a compound word
that is not in the items as such, abbreviations and full names, 索引号 and
文号 however bracketed, and a correction for a typo."""

from __future__ import annotations

import pytest

from gongkai.catalogue.tests.factories import ItemFactory
from gongkai.factories import OrganFactory
from gongkai.search import query as qp
from gongkai.search import synonyms
from gongkai.search.models import SynonymGroup
from gongkai.search.normalise import document_number_key, index_number_key, query_text
from gongkai.search.services import reindex_item, search

pytestmark = pytest.mark.django_db


def indexed(**kwargs):
    item = ItemFactory(**kwargs)
    reindex_item(item.pk)
    return item


# --- traditional → simplified ---------------------------------------------------------------


def test_traditional_characters_are_converted_to_simplified():
    assert query_text("環境保護") == "环境保护"
    assert query_text("發展和改革委員會") == "发展和改革委员会"
    assert query_text("ＰＭ２．５") == "pm2.5"


def test_a_traditional_query_finds_the_simplified_item():
    item = indexed(title="关于加强环境保护工作的意见")
    assert search("環境保護").ids == [item.pk]


# --- parts of a compound word ------------------------------------------------------------------


def test_a_word_matching_nothing_falls_back_to_its_parts_and_says_so():
    both = indexed(title="关于加强生态环境监测和自然保护地管理的通知")
    indexed(title="关于开展环境卫生整治的通知")  # 环境 only
    results = search("环境保护")
    assert results.ids == [both.pk]
    assert results.split == {"环境保护": ["环境", "保护"]}


def test_the_exact_word_ranks_above_its_parts():
    from gongkai.search import index as ix

    apart = indexed(title="环境监测站和文物保护名录", body="<p>环境监测站，文物保护。</p>")
    exact = indexed(title="环境保护督察整改方案", body="<p>环境保护督察整改。</p>")
    results = search("环境保护")
    assert results.ids == [exact.pk] and results.split == {}
    # With the fallback in the query, both match and the exact word comes first.
    units = qp.plan("环境保护", synonyms.table())
    query = qp.text_query(units, {"环境保护": ["环境", "保护"]})
    searcher = ix.searcher()
    found = [int(searcher.doc(address)["id"][0]) for _score, address in searcher.search(query, limit=10).hits]
    assert found == [exact.pk, apart.pk]


def test_parts_must_cover_the_word():
    assert qp.parts("环境保护") == ["环境", "保护"]
    assert qp.parts("工业和信息化") == ["工业", "信息化"]
    assert qp.parts("环竟保护") == []  # a typo: "did you mean" answers it
    assert qp.parts("环保") == []


# --- synonyms and abbreviations ---------------------------------------------------------------


def test_the_starting_synonym_list_is_shipped():
    words = {w for group in SynonymGroup.objects.all() for w in group.word_list()}
    assert {"环保", "环境保护", "工信", "工业和信息化", "发改", "发展和改革", "人社", "人力资源和社会保障",
            "住建", "住房和城乡建设", "卫健", "卫生健康", "市监", "市场监督管理"} <= words


def test_an_abbreviation_finds_the_full_name_and_back():
    full = indexed(title="某市工业和信息化局关于技术改造项目的公示")
    short = indexed(title="市工信局2026年工作要点")
    assert set(search("工信").ids) == {full.pk, short.pk}
    assert set(search("市工信局").ids) == {full.pk, short.pk}
    assert set(search("工业和信息化").ids) == {full.pk, short.pk}


def test_环保_finds_环境保护():
    item = indexed(title="关于加强环境保护工作的意见")
    assert search("环保").ids == [item.pk]


def test_an_edited_synonym_applies_to_the_next_search(django_capture_on_commit_callbacks):
    item = indexed(title="某市交通运输局关于公交线路调整的通告")
    assert search("交运").ids == []
    with django_capture_on_commit_callbacks(execute=True):
        group = SynonymGroup.objects.create(words="交运，交通运输")
    assert search("交运").ids == [item.pk]
    with django_capture_on_commit_callbacks(execute=True):
        group.is_active = False
        group.save()
    assert search("交运").ids == []


def test_a_synonym_word_is_found_inside_the_typed_words():
    table = synonyms.build([["工信", "工业和信息化"]])
    [unit] = qp.plan("市工信局", table)
    assert unit.text == "市工信局" and unit.alternatives == [["工业", "信息化"]]


def test_a_synonym_group_needs_two_words():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        SynonymGroup(words="环保").full_clean()


def test_synonyms_are_edited_in_the_admin(admin_client):
    response = admin_client.post("/admin/search/synonymgroup/add/", {"words": "网信 网络安全和信息化", "note": "", "is_active": "on"})
    assert response.status_code == 302
    assert SynonymGroup.objects.filter(words="网信 网络安全和信息化").exists()
    assert admin_client.get("/admin/search/synonymgroup/").status_code == 200


# --- 索引号 and 文号 -----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["某政办发〔2020〕43号", "某政办发[2020]43号", "某政办发(2020)43号", "某政办发（2020）43号",
                                   "某政办发【2020】43号", "某政办发［2020］43号", " 某政办发 〔2020〕 43 号 "])
def test_a_document_number_has_one_form(typed):
    assert document_number_key(typed) == "某政办发〔2020〕43号"


def test_an_index_number_has_one_form():
    assert index_number_key("11350100-0-01/2026-00008") == "11350100-0-01/2026-00008"
    assert index_number_key("11440300ＭＢ2C12301B／2026—00008") == "11440300mb2c12301b/2026-00008"
    assert index_number_key("环境保护") == ""


@pytest.mark.parametrize("typed", ["某政办发〔2020〕43号", "某政办发[2020]43号", "某政办发(2020)43号", "某政办发【2020】43号"])
def test_a_document_number_is_the_first_hit_however_bracketed(typed):
    others = [indexed(title=f"某政办发2020年第{n}号文件解读", body="<p>某政办发〔2020〕43号 某政办发〔2020〕4号</p>",
                      document_number=f"某政办发〔2020〕{n}号") for n in (4, 143)]
    item = indexed(title="关于印发工作方案的通知", document_number="某政办发〔2020〕43号")
    results = search(typed, order="date")
    assert results.ids[0] == item.pk and results.identifier
    assert others


def test_an_index_number_is_the_first_hit():
    organ = OrganFactory(code="11350100-0-01")
    item = indexed(organ=organ, title="年度工作要点", index_number="11350100-0-01/2026-00008")
    indexed(organ=organ, title="年度工作总结", index_number="11350100-0-01/2026-00009", body="<p>2026 00008</p>")
    assert search("11350100-0-01/2026-00008").ids[0] == item.pk
    assert search("11350100－0－01／2026－00008").ids[0] == item.pk


# --- did you mean ------------------------------------------------------------------------------


def test_a_query_with_no_result_gets_a_suggestion():
    item = indexed(title="关于开展大气污染防治专项检查的通知")
    results = search("大气污然防治")
    assert results.total == 0 and results.suggestion == "大气污染防治"
    corrected = search("大气污然防治", correct=True)
    assert corrected.ids == [item.pk] and corrected.corrected_from == "大气污然防治"


def test_no_suggestion_when_nothing_near_is_found():
    indexed(title="关于开展大气污染防治专项检查的通知")
    assert search("火星探测").suggestion == ""


# --- the search page ---------------------------------------------------------------------------


def test_the_page_says_a_word_was_split(client):
    indexed(title="关于加强生态环境监测和自然保护地管理的通知")
    html = client.get("/search/", {"q": "环境保护"}).content.decode()
    assert "没有找到完整包含“环境保护”的信息，已拆分为“环境”、“保护”查找" in html


def test_the_page_offers_did_you_mean_and_shows_its_results(client):
    item = indexed(title="关于开展大气污染防治专项检查的通知")
    html = client.get("/search/", {"q": "大气污然防治"}).content.decode()
    assert "没有找到与“大气污然防治”相关的信息。您是不是要找“<a href=\"?q=" in html
    assert f"/items/{item.pk}/" in html


def test_the_page_finds_a_document_number_typed_with_other_brackets(client):
    item = indexed(title="关于印发工作方案的通知", document_number="某政办发〔2020〕43号")
    html = client.get("/search/", {"q": "某政办发[2020]43号"}).content.decode()
    assert f"/items/{item.pk}/" in html


def test_the_page_finds_a_traditional_query(client):
    item = indexed(title="关于加强环境保护工作的意见")
    html = client.get("/search/", {"q": "環境保護"}).content.decode()
    assert f"/items/{item.pk}/" in html


def test_a_synonym_edit_shows_at_once_on_the_cached_search_page(client, django_capture_on_commit_callbacks):
    item = indexed(title="某市交通运输局关于公交线路调整的通告")
    before = client.get("/search/", {"q": "交运"}).content.decode()
    assert "没有找到与“交运”相关的信息" in before  # found, if at all, only through a correction
    with django_capture_on_commit_callbacks(execute=True):
        SynonymGroup.objects.create(words="交运 交通运输")
    after = client.get("/search/", {"q": "交运"}).content.decode()
    assert f"/items/{item.pk}/" in after and "没有找到" not in after


# --- question words, organ and category names ------------------------------------------------------


def test_question_words_are_left_out():
    item = indexed(title="最低生活保障申请办理指南")
    assert search("低保怎么申请").ids == [item.pk]
    assert [u.text for u in qp.plan("如何申请", synonyms.table())] == ["申请"]


def test_an_item_is_found_by_its_organs_name_and_short_name():
    bureau = OrganFactory(name="某市教育局", short_name="市教育局")
    item = indexed(organ=bureau, title="关于做好2026年招生工作的通知")
    indexed(title="关于做好2026年招生工作的通知（另一机关）")
    assert search("某市教育局 招生").ids == [item.pk]
    assert search("市教育局 招生").ids == [item.pk]


def test_an_item_is_found_by_its_category_name():
    from gongkai.catalogue.models import Category

    item = indexed(title="关于养老服务补贴的说明", category=Category.objects.get(name="政策解读"))
    indexed(title="关于养老服务补贴的通知")
    assert search("养老服务 政策解读").ids == [item.pk]


# --- the recall runner -------------------------------------------------------------------------------


def test_the_recall_runner_reads_the_query_file_and_sums_up(tmp_path):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[3] / "bench" / "search" / "recall.py"
    spec = importlib.util.spec_from_file_location("recall", path)
    recall = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recall)
    queries = tmp_path / "q.tsv"
    queries.write_text("query\tkind\texpected\n环保\tabbreviation\tA/2026-00001|A/2026-00002\n", encoding="utf-8")
    assert recall.read_queries(queries) == [("环保", "abbreviation", ["A/2026-00001", "A/2026-00002"])]
    rows = [{"recall": 0.5, "all": False, "any": True, "first": True}, {"recall": 1.0, "all": True, "any": True, "first": False}]
    assert recall.summary(rows) == {"n": 2, "recall": 0.75, "all": 0.5, "any": 1.0, "first": 0.5}


def test_a_repeated_misspelling_is_corrected_from_the_cache(monkeypatch):
    from gongkai.search import suggest

    indexed(title="关于开展大气污染防治专项检查的通知")
    assert search("大气污然防治").suggestion == "大气污染防治"

    def no_second_look(*args, **kwargs):
        raise AssertionError("the correction was looked for again")

    monkeypatch.setattr(suggest, "corrections", no_second_look)
    assert search("大气污然防治").suggestion == "大气污染防治"


def test_a_page_past_the_end_of_the_results_leads_to_the_last_page(client):
    item = indexed(title="关于开展大气污染防治专项检查的通知")
    response = client.get("/search/", {"q": "大气污染", "page": "7"})
    assert response.status_code == 302 and response["Location"] == "/search/?q=%E5%A4%A7%E6%B0%94%E6%B1%A1%E6%9F%93&page=1"
    assert f"/items/{item.pk}/" in client.get(response["Location"]).content.decode()
