"""guides.search.masking: what the search log may keep of a query."""

from pathlib import Path

import pytest
import yaml

from guides.files import load_catalogue
from guides.search import SearchIndex
from guides.search.masking import EMAIL, ID_NUMBER, NAME, NUMBER, PHONE, mask

QUERIES = yaml.safe_load((Path(__file__).parent / "search_queries.yaml").read_text(encoding="utf-8"))["queries"]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    ix = SearchIndex(tmp_path_factory.mktemp("masking"))
    ix.rebuild(load_catalogue())
    return ix


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("330482199001011234 身份证丢了", f"{ID_NUMBER} 身份证丢了"),
        ("33048219900101123X", ID_NUMBER),
        ("330482900101123", ID_NUMBER),  # the old 15-digit number
        ("13812345678 预约", f"{PHONE} 预约"),
        ("+86 138-1234-5678", PHONE),
        ("护照E12345678补办", f"护照{NUMBER}补办"),
        ("浙F12345 年检", f"浙{NUMBER} 年检"),
        ("预约码 K4W5UE8R", f"预约码 {NUMBER}"),
        ("zhang.san@example.com 社保", f"{EMAIL} 社保"),
        ("王小明身份证丢了", f"{NAME}身份证丢了"),
        ("我叫李华，要办护照", f"我叫{NAME},要办护照"),
        ("张伟的社保卡", f"{NAME}的社保卡"),
    ],
)
def test_personal_data_is_masked(index, typed, kept):
    assert mask(typed, index.knows) == kept


@pytest.mark.parametrize(
    "typed", ["330482-GA-001", "2024年 公积金", "sfz", "80岁补贴", "建筑工程施工许可证", "宝宝报户口"]
)
def test_what_is_not_personal_stays(index, typed):
    """Guide codes, years, short numbers and the guides' own words (许可证 and 宝宝 look like names to
    jieba's tagger) are kept."""
    assert mask(typed, index.knows) == typed.lower()


def test_every_query_of_the_relevance_set_is_kept_as_typed(index):
    changed = [(q["q"], mask(q["q"], index.knows)) for q in QUERIES if mask(q["q"], index.knows) != q["q"].lower()]
    assert not changed
