"""Synonyms: what citizens say → the official names guides use. Editors keep the list in the CMS; this
is the list a new installation starts with (and what an index without a synonyms file uses).

A synonym applies where it stands as whole words in the query: "开公司" in "我要开公司", but not
"执照" inside "营业执照".
"""

from collections.abc import Iterable, Mapping

from guides.search import analysis

DEFAULT_SYNONYMS: tuple[tuple[str, str], ...] = (
    ("身份证", "居民身份证"),
    ("房产证", "不动产权证书"),
    ("产权证", "不动产权证书"),
    ("开公司", "有限责任公司设立登记"),
    ("注册公司", "有限责任公司设立登记"),
    ("关公司", "公司注销登记"),
    ("低保", "最低生活保障"),
    ("驾照", "驾驶证"),
    ("上户口", "出生登记"),
    ("报户口", "出生登记"),
    ("户口本", "居民户口簿"),
    ("迁户口", "户口迁移"),
    ("出生证", "出生医学证明"),
    ("暂住证", "居住证"),
    ("社保", "社会保险"),
    ("医保", "基本医疗保险"),
    ("社保卡", "社会保障卡"),
    ("医保卡", "社会保障卡"),
    ("公积金", "住房公积金"),
    ("失业金", "失业保险金"),
    ("养老金", "基本养老保险"),
    ("产假工资", "生育津贴"),
    ("老人补贴", "高龄津贴"),
    ("残疾证", "残疾人证"),
    ("结婚证", "婚姻登记"),
    ("领证", "婚姻登记"),
    ("离婚", "婚姻登记"),
    ("过户", "转移登记"),
    ("二手房", "转移登记"),
    ("按揭", "抵押权登记"),
    ("解押", "抵押权注销登记"),
    ("个体户", "个体工商户"),
    ("开店", "个体工商户设立登记"),
    ("开饭店", "食品经营许可证"),
    ("执照", "营业执照"),
    ("环评", "环境影响评价"),
    ("年检", "机动车检验合格标志"),
    ("车检", "机动车检验合格标志"),
    ("港澳通行证", "往来港澳通行证"),
    ("开工证", "施工许可证"),
    ("立项", "投资项目备案"),
    ("外地看病", "异地就医"),
    ("免费律师", "法律援助"),
    ("license", "licence"),
    ("id card", "identity card"),
)

Synonyms = Mapping[str, tuple[str, ...]]


def synonym_map(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """(term, official) rows → {normalised term: official names}, blank rows and self-maps dropped."""
    out: dict[str, list[str]] = {}
    for term, official in pairs:
        t, o = analysis.normalize(term), analysis.normalize(official)
        if t and o and t != o and o not in out.setdefault(t, []):
            out[t].append(o)
    return {t: tuple(o) for t, o in out.items() if o}


def _boundaries(text: str) -> set[int]:
    cuts = {0, len(text)}
    for _, start, end in analysis.tokenizer().tokenize(text, HMM=False):
        cuts.update((start, end))
    return cuts


def expand(query: str, synonyms: Synonyms, limit: int = 8) -> list[str]:
    """The query's readings with synonyms put in: each synonym on its own, then all of them at once.
    `query` is normalised; the first reading is the query itself."""
    if not synonyms:
        return [query]
    cuts = _boundaries(query)
    found: list[tuple[int, int, str]] = []
    taken = [False] * len(query)
    for term in sorted(synonyms, key=len, reverse=True):  # longest first: 社保卡 before 社保
        start = query.find(term)
        while start >= 0:
            end = start + len(term)
            if start in cuts and end in cuts and not any(taken[start:end]):
                found.append((start, end, term))
                taken[start:end] = [True] * len(term)
            start = query.find(term, start + 1)
    readings = [query]
    for start, end, term in sorted(found):
        readings += [query[:start] + official + query[end:] for official in synonyms[term]]
    if len(found) > 1:
        combined = query
        for start, end, term in sorted(found, reverse=True):
            combined = combined[:start] + synonyms[term][0] + combined[end:]
        readings.append(combined)
    return list(dict.fromkeys(readings))[:limit]
