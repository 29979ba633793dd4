"""guides.search on the real catalogue and a real Whoosh index in a temporary directory."""

import json
import multiprocessing
import threading
from pathlib import Path

import pytest
import yaml

from guides.files import load_catalogue
from guides.search import IndexUnavailable, SearchIndex, analysis, open_index
from guides.search.documents import document, fingerprint, guide_data
from guides.search.synonyms import derivative, expand, main_item_token, synonym_map

QUERIES = yaml.safe_load((Path(__file__).parent / "search_queries.yaml").read_text(encoding="utf-8"))["queries"]


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def index(catalogue, tmp_path_factory):
    ix = SearchIndex(tmp_path_factory.mktemp("search"))
    ix.rebuild(catalogue)
    return ix


@pytest.fixture
def fresh(catalogue, tmp_path):
    """An index of its own, for tests that change it."""
    ix = SearchIndex(tmp_path / "index", lock_timeout=0.2)
    ix.rebuild(catalogue)
    return ix


def codes(results) -> list[str]:
    return [hit.code for hit in results.hits]


# --- the relevance test set ------------------------------------------------------------------------------


def test_the_relevance_set_is_large_and_varied():
    kinds = {q["kind"] for q in QUERIES}
    assert len(QUERIES) >= 60
    assert {"colloquial", "pinyin", "initials", "english", "typo", "two-char"} <= kinds
    assert len({q["q"] for q in QUERIES}) == len(QUERIES), "a query is listed twice"


def test_every_expected_guide_exists(catalogue):
    known = {g.code for g in catalogue}
    assert {c for q in QUERIES for c in q["expect"]} <= known


def test_recall_at_5_is_at_least_97_percent(index):
    found, misses = 0.0, []
    for q in QUERIES:
        top = codes(index.search(q["q"], limit=5))
        share = len(set(q["expect"]) & set(top)) / len(q["expect"])
        found += share
        if share < 1:
            misses.append((q["q"], q["expect"], top))
    recall = found / len(QUERIES)
    assert recall >= 0.97, f"Recall@5 {recall:.3f}; misses: {misses}"


CITIZENS = [q for q in QUERIES if q["kind"] in ("life", "english-resident")]


def test_the_citizens_own_words_are_forty_queries_at_least():
    assert len(CITIZENS) >= 40


def test_what_citizens_type_finds_the_service_they_mean_first(index):
    """Recall@5 ≥ 0.97 and the right guide first for ≥ 95 % of the citizens' own queries."""
    found, first, misses = 0.0, 0, []
    for q in CITIZENS:
        top = codes(index.search(q["q"], limit=5))
        found += len(set(q["expect"]) & set(top)) / len(q["expect"])
        first += bool(top) and top[0] in q["expect"]
        if not top or top[0] not in q["expect"]:
            misses.append((q["q"], q["expect"], top))
    assert found / len(CITIZENS) >= 0.97, misses
    assert first / len(CITIZENS) >= 0.95, misses


@pytest.mark.parametrize("kind", ["colloquial", "pinyin", "initials", "english", "typo", "two-char", "official"])
def test_each_kind_of_query_mostly_finds_its_guide(index, kind):
    queries = [q for q in QUERIES if q["kind"] == kind]
    hits = sum(bool(set(q["expect"]) & set(codes(index.search(q["q"], limit=5)))) for q in queries)
    assert hits / len(queries) >= 0.9


# --- analysis --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("居民身份证换领", {"居民身份证", "身份证", "身份", "换领"}, set()),  # search mode: words inside words
        ("不动产登记", {"不动产", "不动", "登记", "不动产_登记"}, set()),  # and a token for the adjacent pair
        ("身份证丢了", {"身份证", "丢", "身份证_丢"}, {"了"}),  # particles go
        ("ID card", {"id", "card"}, set()),
    ],
)
def test_chinese_tokens(text, present, absent):
    tokens = set(analysis.zh_tokens(text))
    assert present <= tokens
    assert not absent & tokens


@pytest.mark.parametrize(
    ("word", "full", "initials"),
    [("身份证", "shenfenzheng", "sfz"), ("营业执照", "yingyezhizhao", "yyzz"), ("绿化", "lvhua", "lh")],
)
def test_pinyin(word, full, initials):
    assert analysis.pinyin(word) == (full, initials)


def test_the_dictionary_loads_once_per_process():
    assert analysis.tokenizer() is analysis.tokenizer()
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(analysis.tokenizer())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(tk is analysis.tokenizer() for tk in seen)


def test_normalize_folds_width_and_case():
    assert analysis.normalize("  ＳＦＺ　身份证  ") == "sfz 身份证"


# --- documents -----------------------------------------------------------------------------------------------


def test_a_document_from_a_guide_or_its_data_is_the_same(catalogue):
    guide = catalogue[0]
    assert document(guide) == document(guide_data(guide))


def test_a_mapping_with_only_code_and_name_is_enough():
    doc = document({"code": "TEST-000001", "name": "居民身份证换领"})
    assert "身份证" in doc["name"].split()
    assert "shenfenzheng" in doc["name_py"].split()
    assert "sfz" in doc["name_pyi"].split()


def test_a_guide_that_is_neither_is_refused():
    with pytest.raises(TypeError):
        document(42)


def test_the_fingerprint_follows_the_content(catalogue):
    data = guide_data(catalogue[0])
    assert fingerprint(data) == fingerprint(dict(data))
    assert fingerprint(data) != fingerprint(data | {"summary": data["summary"] + "。"})


# --- ranking, filters, extras ------------------------------------------------------------------------------


def test_a_query_word_never_matches_a_fragment(tmp_path):
    ix = SearchIndex(tmp_path)
    ix.rebuild(
        [
            {"code": "T-00001", "name": "不动产登记", "summary": "办理不动产登记。"},
            {"code": "T-00002", "name": "婚姻登记", "summary": "婚后财产一动不动，另行登记。"},  # 不动 … 登记 apart
            {"code": "T-00003", "name": "动产抵押", "summary": "机器设备等动产抵押，依法办理登记。"},
        ]
    )
    assert codes(ix.search("不动产登记")) == ["T-00001"]


def test_words_together_outrank_words_apart(tmp_path):
    ix = SearchIndex(tmp_path)
    ix.rebuild(
        [
            {"code": "T-00001", "name": "不动产抵押及预告登记"},
            {"code": "T-00002", "name": "不动产登记资料查询"},
        ]
    )
    assert codes(ix.search("不动产登记")) == ["T-00002", "T-00001"]


# --- the main service first ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "身份证",
        "换身份证",
        "shenfenzheng",
        "sfz",
        "身份证坏了",
        "身份证过期",
        "身份证过期了",
        "identity card",
        "ID card",
    ],
)
def test_the_temporary_card_never_outranks_the_card(index, typed):
    top = codes(index.search(typed, limit=5))
    assert top[0] == "330482-GA-001"
    assert "330482-GA-002" not in top[:1]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("身份证急用", "330482-GA-002"),  # 急用 → 临时: the query asks for the temporary card
        ("temporary id card", "330482-GA-002"),
        ("身份证丢了", "330482-GA-001"),  # 丢了 → 补领: the card's own item replaces it
        ("房贷还清了", "330482-BDC-004"),  # 还清了 → 注销
        ("抵押", "330482-BDC-003"),  # not the cancellation
    ],
)
def test_a_derivative_item_comes_first_when_the_query_asks_for_it(index, typed, meant):
    assert codes(index.search(typed, limit=5))[0] == meant


def test_derivative_items_rank_below_the_main_one_whatever_the_service(tmp_path):
    """The rule is the names' qualifiers, not a list of services: made-up guides follow it too."""
    ix = SearchIndex(tmp_path)
    ix.rebuild(
        [
            {"code": "T-00001", "name": "临时渔船证", "keywords": ["渔船"]},
            {"code": "T-00002", "name": "渔船登记证核发"},
            {"code": "T-00003", "name": "渔船登记证注销"},
        ]
    )
    assert codes(ix.search("渔船登记证"))[0] == "T-00002"
    assert codes(ix.search("渔船"))[0] == "T-00002"
    assert codes(ix.search("渔船登记证注销"))[0] == "T-00003"
    assert codes(ix.search("渔船急用"))[0] == "T-00001"


def test_a_qualified_name_with_no_main_item_beside_it_is_the_main_item(tmp_path):
    """困难群众临时救助 is the service for 救助: no 困难群众救助 stands beside it, so 临时 costs it nothing."""
    ix = SearchIndex(tmp_path)
    ix.set_synonyms([])
    ix.rebuild(
        [
            {"code": "T-00001", "name": "困难群众临时救助", "keywords": ["救助"]},
            {"code": "T-00002", "name": "教育救助认定"},
            {"code": "T-00003", "name": "临时居民身份证", "keywords": ["身份证"]},
            {"code": "T-00004", "name": "居民身份证申领"},
        ]
    )
    assert codes(ix.search("救助"))[0] == "T-00001"
    assert codes(ix.search("身份证"))[0] == "T-00004"


@pytest.mark.parametrize(
    ("name", "token"),
    [
        ("临时居民身份证", "居民身份证"),
        ("抵押权注销登记", "抵押权"),
        ("居民身份证挂失查询", "居民身份证"),
        ("困难群众临时救助", "困难群众"),
        ("居民身份证申领/换领/补领", ""),
    ],
)
def test_the_token_a_main_item_would_have(name, token):
    assert main_item_token(name) == token


@pytest.mark.parametrize(
    ("name", "kinds"),
    [
        ("临时居民身份证", ["临时"]),
        ("居民身份证申领/换领/补领", []),  # lists the main item first: it is the main item
        ("营业执照遗失补领/换发", ["补领"]),
        ("抵押权注销登记", ["注销"]),
        ("公司变更登记", ["变更"]),
        ("有限责任公司设立登记", []),
    ],
)
def test_what_makes_an_item_derivative(name, kinds):
    assert derivative(name) == kinds


def test_the_snippet_is_the_guides_own_words_not_its_answer_about_another_guide(index):
    hits = index.search("身份证", limit=5).hits
    card = next(h for h in hits if h.code == "330482-GA-001")
    assert "临时" not in card.snippet_html and "10元" not in card.snippet_html
    assert "<mark>居民身份证</mark>" in card.snippet_html


def test_with_one_word_unknown_to_names_the_name_still_answers(tmp_path):
    """身份证过期 without a synonym for 过期: the card's name, not a guide whose body has both words."""
    ix = SearchIndex(tmp_path)
    ix.set_synonyms([])
    ix.rebuild(
        [
            {"code": "T-00001", "name": "居民身份证换领", "summary": "有效期满换领。"},
            {"code": "T-00002", "name": "普通护照签发", "summary": "护照过期的，带上居民身份证重新申请。"},
        ]
    )
    assert codes(ix.search("身份证过期"))[0] == "T-00001"


GUIDES_BY_FIELD = {
    "name": {"code": "T-00001", "name": "护照签发"},
    "keywords": {"code": "T-00002", "name": "出境证件", "keywords": ["护照"]},
    "materials": {"code": "T-00003", "name": "签证办理", "materials": [{"name": "护照"}]},
    "body": {"code": "T-00004", "name": "出国公证", "summary": "需要带上护照。"},
}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (["name", "keywords", "materials", "body"], ["T-00001", "T-00002"]),  # the best fields answer alone
        (["keywords", "materials", "body"], ["T-00002"]),
        (["materials", "body"], ["T-00003"]),  # materials before the body
        (["body"], ["T-00004"]),
    ],
)
def test_field_boosts_rank_name_then_keywords_then_materials_then_body(tmp_path, fields, expected):
    ix = SearchIndex(tmp_path)
    ix.rebuild([GUIDES_BY_FIELD[f] for f in fields])
    assert codes(ix.search("护照")) == expected


def test_within_a_pass_the_name_outranks_materials(tmp_path):
    ix = SearchIndex(tmp_path)
    ix.rebuild([GUIDES_BY_FIELD["materials"], {"code": "T-00005", "name": "护照补办", "materials": [{"name": "照片"}]}])
    assert codes(ix.search("护照")) == ["T-00005"]
    assert codes(ix.search("护照 照片")) == ["T-00005"]


@pytest.mark.parametrize(
    ("filters", "field", "top"),
    [
        ({"category": "公安服务"}, "category", "330482-GA-001"),
        ({"department": "平湖市公安局"}, "department", "330482-GA-001"),
        ({"category": "不动产登记"}, "category", None),  # only guides that ask for the ID card as a material
    ],
)
def test_filters(index, filters, field, top):
    results = index.search("居民身份证", limit=50, **filters)
    assert results.hits and all(getattr(hit, field) == filters[field] for hit in results.hits)
    if top:
        assert top in codes(results)[:2]


def test_centre_filter(index, catalogue):
    everywhere = {g.code for g in catalogue if "city" in g.centres}
    at_city = set(codes(index.search("登记", centre="city", limit=100)))
    assert at_city and at_city <= everywhere
    assert not codes(index.search("登记", centre="no-such-centre"))


def test_paging_is_stable_and_counted(index):
    first, second = index.search("登记", limit=3), index.search("登记", limit=3, offset=3)
    assert first.total == second.total > 6
    assert not set(codes(first)) & set(codes(second))
    assert codes(index.search("登记", limit=6)) == codes(first) + codes(second)


def test_highlights_mark_the_matched_words_and_escape_the_rest(index):
    hit = index.search("身份证丢了", limit=1).hits[0]
    assert "<mark>" in hit.name_html and "身份证</mark>" in hit.name_html
    assert "<mark>" in hit.snippet_html
    english = index.search("passport", limit=1).hits[0]
    assert "<mark>Passport</mark>" in english.name_en_html


def test_highlight_escapes_html(tmp_path):
    ix = SearchIndex(tmp_path)
    ix.rebuild([{"code": "T-00001", "name": "护照<script>", "summary": "护照 <b>x</b>"}])
    hit = ix.search("护照").hits[0]
    assert "<script>" not in hit.name_html and "&lt;script&gt;" in hit.name_html
    assert "<b>" not in hit.snippet_html


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("身分证", "身份证"), ("营业职照", "营业执照"), ("pasport", "passport"), ("shenfenzhen", "身份证")],
)
def test_did_you_mean(index, typed, meant):
    results = index.search(typed)
    assert results.suggestion == meant
    assert results.hits


def test_a_query_that_matches_needs_no_suggestion(index):
    assert index.search("身份证").suggestion is None


def test_nonsense_finds_nothing_and_suggests_nothing(index):
    results = index.search("xqzvbnm")
    assert results.total == 0 and not results.hits and results.suggestion is None


@pytest.mark.parametrize("blank", ["", "   ", "？！"])
def test_blank_queries_find_nothing(index, blank):
    assert index.search(blank).total == 0


@pytest.mark.parametrize(
    ("prefix", "guide"),
    [
        ("身份", "330482-GA-001"),
        ("sfz", "330482-GA-001"),
        ("shenf", "330482-GA-001"),
        ("yingye", "330482-SS-006"),
        ("pass", "330482-GA-003"),
        ("低", "330482-SH-002"),
    ],
)
def test_prefix_autocomplete(index, prefix, guide):
    assert guide in [s.code for s in index.suggest(prefix)]


def test_autocomplete_is_bounded(index):
    assert len(index.suggest("s", limit=3)) <= 3
    assert index.suggest("") == []


# --- synonyms ------------------------------------------------------------------------------------------------


def test_synonyms_apply_to_whole_words_only():
    synonyms = synonym_map([("执照", "营业执照"), ("开公司", "有限责任公司设立登记")])
    assert expand("营业执照", synonyms) == ["营业执照"]  # 执照 inside 营业执照 is no synonym
    assert expand("我要开公司", synonyms) == ["我要开公司", "我要有限责任公司设立登记"]


def test_editors_synonyms_take_effect_without_a_rebuild(fresh):
    assert "330482-SS-002" not in codes(fresh.search("小本生意", limit=5))
    fresh.set_synonyms([("小本生意", "个体工商户")])
    assert codes(fresh.search("小本生意", limit=1)) == ["330482-SS-002"]
    fresh.set_synonyms([])
    assert "330482-SS-002" not in codes(fresh.search("小本生意", limit=5))


# --- keeping it true ----------------------------------------------------------------------------------------


def test_update_and_delete(fresh, catalogue):
    guide = next(g for g in catalogue if g.code == "330482-GA-003")
    renamed = guide.model_copy(update={"name": "因私普通护照签发", "keywords": [*guide.keywords, "因私出国"]})
    assert fresh.update([renamed])
    assert codes(fresh.search("因私出国", limit=1)) == ["330482-GA-003"]
    assert fresh.fingerprints()["330482-GA-003"] == fingerprint(guide_data(renamed))
    assert fresh.delete(["330482-GA-003"])
    assert "330482-GA-003" not in codes(fresh.search("护照", limit=50))
    assert fresh.doc_count() == len(catalogue) - 1


def test_a_busy_index_queues_the_change_and_the_next_writer_applies_it(fresh, catalogue):
    from whoosh.util.filelock import FileLock

    lock = FileLock(str(fresh.directory / "write.lock"))
    assert lock.acquire()
    try:
        assert fresh.delete(["330482-GA-003"]) is False  # waited 0.2 s, then queued; no LockError
        assert len(fresh.pending()) == 1
        assert "330482-GA-003" in codes(fresh.search("护照"))  # not applied yet
    finally:
        lock.release()
    assert fresh.update([catalogue[0]])  # the next writer applies the queue first
    assert not fresh.pending()
    assert "330482-GA-003" not in codes(fresh.search("护照", limit=50))


def test_a_rebuild_applies_changes_queued_while_it_ran(fresh, catalogue):
    fresh._enqueue([], ["330482-GA-003"])
    fresh.rebuild(catalogue)
    assert not fresh.pending()
    assert "330482-GA-003" not in fresh.fingerprints()


def _delete_in_child(directory: str, code: str, timeout: float) -> None:
    SearchIndex(directory, lock_timeout=timeout).delete([code])


def test_concurrent_writers_in_several_processes_never_fail(fresh, catalogue):
    ctx = multiprocessing.get_context("spawn")
    victims = [g.code for g in catalogue[:6]]
    children = [ctx.Process(target=_delete_in_child, args=(str(fresh.directory), code, 0.05)) for code in victims]
    for child in children:
        child.start()
    for child in children:
        child.join(60)
    assert all(child.exitcode == 0 for child in children)
    fresh.apply_pending()
    assert not fresh.pending()
    assert not set(victims) & set(fresh.fingerprints())


def test_a_missing_index_is_unavailable_and_changes_wait_for_the_rebuild(tmp_path, catalogue):
    ix = SearchIndex(tmp_path)
    assert not ix.exists()
    with pytest.raises(IndexUnavailable):
        ix.search("身份证")
    assert ix.update([catalogue[0]]) is False and ix.pending()
    ix.rebuild(catalogue)
    assert ix.exists() and not ix.pending()


def test_a_corrupt_index_is_unavailable_then_rebuilt(fresh, catalogue):
    assert fresh.search("护照").hits
    for f in fresh.storage.glob("*.seg"):
        f.write_bytes(b"\0" * 64)
    for f in fresh.storage.glob("*.toc"):
        f.write_bytes(b"garbage")
    fresh._drop_searcher()
    with pytest.raises(IndexUnavailable):
        fresh.search("护照")
    fresh.rebuild(catalogue)
    assert codes(fresh.search("护照", limit=1)) == ["330482-GA-003"]


def test_the_synonyms_file_is_plain_json(fresh):
    fresh.set_synonyms([("身份证", "居民身份证"), ("身份证", "居民身份证"), (" ", "x")])
    assert json.loads((fresh.directory / "synonyms.json").read_text(encoding="utf-8")) == {"身份证": ["居民身份证"]}


def test_open_index_keeps_one_index_per_directory(tmp_path):
    assert open_index(tmp_path) is open_index(str(tmp_path))
