"""Search: Chinese segmentation, ranking, filters, keeping the index in step
with the catalogue, and user input that must never break the search."""

from __future__ import annotations

import datetime as dt

import pytest
import tantivy
from django.core.management import call_command
from django.utils import timezone

from gongkai.catalogue.models import Disclosure, Item, ItemState, Validity
from gongkai.catalogue.signals import item_public_changed
from gongkai.catalogue.tests.factories import CategoryFactory, DraftFactory, ItemFactory, TopicFactory
from gongkai.factories import GovernmentFactory, OrganFactory
from gongkai.search import index as ix
from gongkai.search.highlight import snippet
from gongkai.search.segment import _cut_for_search as cut_for_search
from gongkai.search.segment import index_tokens, query_words
from gongkai.search.services import reindex_item, search

pytestmark = pytest.mark.django_db


def indexed(**kwargs):
    item = ItemFactory(**kwargs)
    reindex_item(item.pk)
    return item


def test_segmentation_finds_a_word_inside_a_longer_name():
    assert "生态环境" in index_tokens("市生态环境局关于加强管理的通知").split()


def test_query_words_drop_punctuation_and_repeats():
    assert query_words("生态环境，生态环境！") == ["生态环境"]


def test_search_finds_生态环境_in_the_title_市生态环境局():
    item = indexed(title="市生态环境局关于开展大气污染防治专项检查的通知", body="<p>各区：请按要求开展检查。</p>")
    indexed(title="市教育局关于做好招生工作的通知", body="<p>各学校：请做好招生工作。</p>")
    assert search("生态环境").ids == [item.pk]


def test_title_match_ranks_above_a_body_match():
    in_body = indexed(title="关于做好年度工作的通知", body="<p>加强饮用水源地保护，开展水源地环境整治。</p>")
    in_title = indexed(title="关于加强饮用水源地保护的意见", body="<p>各有关单位：现提出如下意见。</p>")
    assert search("水源地").ids == [in_title.pk, in_body.pk]


def test_every_query_word_must_match():
    both = indexed(title="政府信息公开工作要点")
    indexed(title="政府工作报告")
    assert search("政府 公开").ids == [both.pk]


def test_document_number_is_searchable():
    item = indexed(title="某项通知", document_number="粤环发〔2024〕17号")
    indexed(title="另一项通知", document_number="粤环发〔2023〕5号")
    assert search("粤环发〔2024〕17号").ids == [item.pk]


def test_attachment_text_is_searchable():
    item = ItemFactory(title="公示", attachments_text="拟录用公务员名单：张三，李四")
    reindex_item(item.pk)
    assert search("拟录用公务员").ids == [item.pk]


def test_keywords_are_searchable():
    item = indexed(title="通知", keywords="垃圾分类，督查")
    assert search("垃圾分类").ids == [item.pk]


def test_date_order_puts_the_newest_first():
    older = indexed(title="防汛工作通知", published_at=timezone.now() - dt.timedelta(days=30))
    newer = indexed(title="防汛工作通知（补充）", published_at=timezone.now())
    assert search("防汛", order="date").ids == [newer.pk, older.pk]


def test_filter_by_organ():
    a, b = OrganFactory(), OrganFactory()
    item = indexed(organ=a, title="安全生产检查")
    indexed(organ=b, title="安全生产检查")
    assert search("安全生产", organs=[a.pk]).ids == [item.pk]


def test_filter_by_parent_topic_finds_items_of_its_children():
    parent = TopicFactory()
    child = TopicFactory(parent=parent)
    item = indexed(topic=child, title="道路运输管理办法")
    indexed(title="道路运输管理办法（旧）")
    assert search("道路运输", topic=parent.pk).ids == [item.pk]


def test_filter_by_category():
    category = CategoryFactory()
    item = indexed(category=category, title="预算公开说明")
    indexed(title="预算公开说明")
    assert search("预算", category=category.pk).ids == [item.pk]


def test_filter_by_year_of_publication():
    item = indexed(title="人才引进公告", published_at=timezone.make_aware(dt.datetime(2023, 6, 1, 10)))
    indexed(title="人才引进公告", published_at=timezone.make_aware(dt.datetime(2024, 6, 1, 10)))
    assert search("人才引进", year=2023).ids == [item.pk]


def test_filter_by_validity():
    repealed = indexed(title="停车收费管理规定", validity=Validity.REPEALED)
    indexed(title="停车收费管理规定")
    assert search("停车收费", validity=Validity.REPEALED).ids == [repealed.pk]


def test_government_column_holds_items_marked_for_the_portal_only():
    government = GovernmentFactory()
    bureau = OrganFactory(parent=government)
    shown = indexed(organ=bureau, title="河道整治方案", on_portal=True)
    indexed(organ=bureau, title="河道整治方案（内部）", on_portal=False)
    assert search("河道整治", column=government.pk).ids == [shown.pk]


def test_total_counts_all_matches_beyond_the_page():
    for n in range(5):
        indexed(title=f"森林防火通告{n}")
    results = search("森林防火", per_page=2, page=2)
    assert results.total == 5 and len(results.ids) == 2 and results.pages == 3


def test_drafts_are_not_indexed():
    draft = DraftFactory(title="尚未发布的城市规划草案")
    assert reindex_item(draft.pk) is False
    assert search("城市规划").total == 0


def test_withheld_items_are_not_indexed():
    item = ItemFactory(title="涉及商业秘密的采购合同", disclosure=Disclosure.WITHHELD)
    reindex_item(item.pk)
    assert search("采购合同").total == 0


def announce(item, capture):
    """What the catalogue does on commit after publishing, repealing or withdrawing."""
    with capture(execute=True):
        item_public_changed.send(sender=Item, item_id=item.pk, organ_id=item.organ_id)


def test_signal_makes_a_published_item_searchable(django_capture_on_commit_callbacks):
    item = ItemFactory(title="关于开展消防安全大检查的通知")
    announce(item, django_capture_on_commit_callbacks)
    assert search("消防安全").ids == [item.pk]


def test_signal_removes_an_item_that_stops_being_public(django_capture_on_commit_callbacks):
    item = indexed(title="关于开展消防安全大检查的通知")
    Item.objects.filter(pk=item.pk).update(state=ItemState.WITHDRAWN)
    announce(item, django_capture_on_commit_callbacks)
    assert search("消防安全").total == 0


def test_signal_replaces_the_entry_of_a_revised_item(django_capture_on_commit_callbacks):
    item = indexed(title="关于开展消防安全大检查的通知")
    Item.objects.filter(pk=item.pk).update(title="关于开展燃气安全大检查的通知")
    announce(item, django_capture_on_commit_callbacks)
    assert (search("燃气").ids, search("消防").total) == ([item.pk], 0)


def test_a_commit_by_another_process_is_seen_after_reload(monkeypatch):
    item = indexed(title="第一份通知")
    other = ItemFactory(title="供水管网改造公告")
    # Another process (the worker) commits through its own handle on the folder.
    fields = ix.segment_fields(ix.item_fields(other, **ix.context_for_indexing()))
    import tantivy

    writer_index = tantivy.Index(ix.SCHEMA, path=str(ix.index_dir()), reuse=True)
    w = writer_index.writer(ix.WRITER_HEAP, 1)
    w.add_document(ix.make_document(fields))
    w.commit()
    w.wait_merging_threads()
    monkeypatch.setattr(ix, "RELOAD_INTERVAL", 0)
    assert search("供水管网").ids == [other.pk] and search("第一份").ids == [item.pk]


@pytest.mark.parametrize(
    "query",
    ['"', "title:生态", "AND OR NOT", "((生态", "生态^", "*", "[1 TO 2]", "\\", "+-&&||!", "生态" * 5000, "　", "<script>"],
)
def test_malformed_queries_never_raise(query):
    indexed(title="生态环境保护")
    results = search(query)
    assert results.total >= 0


def test_empty_query_finds_nothing():
    indexed(title="生态环境保护")
    assert search("").total == 0


def test_unknown_validity_finds_nothing():
    indexed(title="生态环境保护")
    assert search("生态", validity="bogus").total == 0


def test_rebuild_command_indexes_published_items_and_drops_stale_ones():
    kept = ItemFactory(title="农村公路建设计划")
    stale = indexed(title="农村公路养护计划")
    Item.objects.filter(pk=stale.pk).update(state=ItemState.WITHDRAWN)
    DraftFactory(title="农村公路草案")
    call_command("rebuild_search_index", "--batch", "1", stdout=open("/dev/null", "w"))
    assert search("农村公路").ids == [kept.pk]


def test_snippet_highlights_the_query_word_and_escapes_html():
    text = "前言" * 100 + "<b>加强生态环境保护</b>" + "结尾"
    html = str(snippet(text, ["生态环境"]))
    assert "<mark>生态环境</mark>" in html and "&lt;b&gt;" in html and html.startswith("…")


def test_a_cached_answer_does_not_hide_a_newly_indexed_item():
    indexed(title="河道清淤工程公告")
    assert search("河道").total == 1
    indexed(title="河道保洁服务采购公告")
    assert search("河道").total == 2


def test_a_repeated_query_is_answered_from_the_result_cache(monkeypatch):
    item = indexed(title="河道清淤工程公告")
    first = search("河道")

    def no_index_access(*args, **kwargs):
        raise AssertionError("the index was queried again")

    monkeypatch.setattr(tantivy.Searcher, "search", no_index_access, raising=False)
    assert search("河道").ids == first.ids == [item.pk]


def test_a_word_is_found_wherever_it_occurs_as_a_string():
    # jieba cuts 生态环境保护 as 生态 / 环境保护: no 生态环境 token in that document.
    protection = indexed(title="关于加强生态环境保护工作的意见", body="<p>各区：现提出如下意见。</p>")
    bureau = indexed(title="市生态环境局关于开展专项检查的通知", body="<p>请按要求开展检查。</p>")
    ministry = indexed(title="转发生态环境部有关文件的通知", body="<p>现转发给你们。</p>")
    assert "生态环境" not in cut_for_search(protection.title)
    assert "生态环境" in index_tokens(protection.title).split()
    assert set(search("生态环境").ids) == {protection.pk, bureau.pk, ministry.pk}


def test_the_words_pieces_far_apart_do_not_match_the_phrase():
    # Only the fallback to the parts finds it, and the results say so; the phrase ranks above.
    apart = indexed(title="关于生态农业发展的通知", body="<p>加强农村人居环境整治。</p>")
    results = search("生态环境")
    assert results.ids == [apart.pk] and results.split == {"生态环境": ["生态", "环境"]}
    phrase = indexed(title="生态环境监测通知", body="<p>通知。</p>")
    results = search("生态环境")
    assert results.ids == [phrase.pk] and results.split == {}


def test_a_phrase_does_not_span_punctuation():
    item = indexed(title="发展生态，环境整治", body="<p>通知。</p>")
    results = search("生态环境")
    assert results.ids == [item.pk] and results.split == {"生态环境": ["生态", "环境"]}


def test_a_new_word_of_the_hmm_is_found_too():
    town = indexed(title="马登镇人民政府关于秋季防火的通告", body="<p>通告。</p>")
    assert search("马登镇").ids == [town.pk]


def test_each_occurrence_of_a_word_is_one_token():
    tokens = index_tokens("生态环境保护和生态环境监测").split()
    assert tokens.count("生态环境") == 2 and tokens.count("保护") == 1


def test_an_index_with_an_older_schema_is_kept_aside_and_rebuilt(settings, tmp_path):
    old = tantivy.SchemaBuilder()
    old.add_unsigned_field("id", stored=True, indexed=True, fast=True)
    old.add_text_field("text", stored=False, tokenizer_name="whitespace", index_option="freq")
    settings.SEARCH_INDEX_DIR = str(tmp_path / "index")
    (tmp_path / "index").mkdir()
    tantivy.Index(old.build(), path=settings.SEARCH_INDEX_DIR, reuse=True)
    ix.forget_handles()
    item = ItemFactory(title="市生态环境局关于开展检查的通知")
    call_command("rebuild_search_index", processes=1)
    assert search("生态环境").ids == [item.pk]
    assert [p.name.startswith("index.old-schema-") for p in tmp_path.iterdir() if p.name != "index" and p.is_dir()] == [True]
