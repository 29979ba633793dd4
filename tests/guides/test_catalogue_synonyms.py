"""Synonyms seeded from the catalogue's own keywords and FAQ (guides.search.synonyms.catalogue_synonyms)."""

from guides.files import CATALOGUE_DIR, check_files, guide_paths
from guides.search.synonyms import catalogue_synonyms


def test_what_citizens_call_a_service_in_its_faq_leads_to_its_name():
    guides, problems = check_files(guide_paths([CATALOGUE_DIR]))
    assert not problems
    pairs = catalogue_synonyms(guides)
    for pair in [
        ("驾照", "机动车驾驶证换证"),
        ("暂住证", "居住证申领"),
        ("社保卡", "社会保障卡申领"),
        ("环评", "建设项目环境影响评价文件审批"),
    ]:
        assert pair in pairs, pair
    names = " ".join(g.name for g in guides)
    assert all(term not in names for term, _ in pairs)  # a word a name already has needs no synonym
    assert all(official in names for _, official in pairs)
    assert not [term for term, _ in pairs if term == "登记费"]  # used by two guides: says nothing about either
