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

# What citizens say about the moments of their lives, to the words the catalogue's names and keywords
# use (its keywords already say 身份证到期, 执照坏了, 公司搬家; these carry the same meaning to every
# guide). Seeded once like the list above (migration 0003); editors change them in the admin.
LIFE_EVENT_SYNONYMS: tuple[tuple[str, str], ...] = (
    ("过期", "到期"),
    ("快到期", "到期"),
    ("到期", "有效期满"),
    ("坏了", "损坏"),
    ("不能用了", "损坏"),
    ("丢了", "补领"),
    ("丢", "补领"),
    ("被偷了", "补领"),
    ("被偷", "补领"),
    ("急用", "临时"),
    ("还清了", "注销"),
    ("还清", "注销"),
    ("改名字", "变更"),
    ("改名", "变更"),
    ("搬家", "变更"),
    ("搬家", "迁移"),
    ("生孩子", "出生登记"),
    ("生孩子", "生育津贴"),
    ("宝宝", "新生儿"),
    ("出生了", "出生登记"),
    ("结婚", "婚姻登记"),
    ("失业了", "失业保险金"),
    ("没工作", "灵活就业"),
    ("退休", "提取"),
    ("开奶茶店", "个体工商户"),
    ("打工", "居住证"),
    ("外地人", "居住证"),
    ("贷款", "抵押"),
    ("买房", "转移登记"),
    ("出国", "护照"),
    ("90岁", "高龄津贴"),
    ("get married", "marriage registration"),
    ("divorce", "marriage registration"),
    ("open a shop", "individual business"),
    ("close", "deregistration"),
    ("lost", "replacement"),
    ("drivers license", "driving licence"),
    ("baby", "newborn"),
    ("housing fund", "housing provident fund"),
    ("notarization", "notarisation"),
    ("see a doctor", "medical treatment"),
    ("another city", "outside the insured area"),
)


def catalogue_synonyms(guides: Iterable) -> list[tuple[str, str]]:
    """What citizens call a service, in the catalogue's own words → the service's name: a word of one guide's
    keywords or FAQ questions that no guide's name has and no other guide uses, and that shares its first
    character, or two characters, with a word of that guide's name (驾照 → 机动车驾驶证换证, 暂住证 →
    居住证申领, 医保 → 城乡居民基本医疗保险参保登记). Seeded when a guide is first imported; editors keep them."""
    guides = list(guides)
    names = " ".join(g.name for g in guides)
    used: dict[str, set[str]] = {}
    for g in guides:
        for text in [*g.keywords, *(f.question for f in g.faq)]:
            for word in analysis.words(text):
                if len(word) >= 2 and analysis.has_cjk(word) and word not in names:
                    used.setdefault(word, set()).add(g.code)
    by_code = {g.code: g for g in guides}
    pairs = []
    for word, codes in sorted(used.items()):
        if len(codes) != 1:
            continue
        name = by_code[next(iter(codes))].name
        official = name.split("/", 1)[0]
        for part in analysis.words(official):
            shared = len(set(part) & set(word))
            if len(part) >= 2 and (shared >= 2 or (shared == 1 and part[0] == word[0])):
                pairs.append((word, official))
                break
    return pairs


# What an index uses until editors keep their own list (the kiosk always).
STARTING_SYNONYMS = DEFAULT_SYNONYMS + LIFE_EVENT_SYNONYMS

# Words that make an item derivative of a main one: the temporary card beside the card, the
# replacement, cancellation or change of a registration. A guide whose name has one (`derivative`) is
# ranked below the main item unless the query asks for it in the same words or their synonyms
# (急用 → 临时, 丢了 → 补领, 还清了 → 注销 above). Chinese words as they stand in names; English as
# citizens type them.
DERIVATIVE: dict[str, tuple[str, ...]] = {
    "临时": ("临时", "temporary"),
    "补领": ("补领", "补发", "补办", "补证", "遗失", "丢失", "挂失", "replacement", "replace", "reissue", "lost"),
    "注销": ("注销", "撤销", "deregistration", "cancellation", "cancel"),
    "变更": ("变更", "change", "changes"),
}


def derivative(name: str) -> list[str]:
    """What would make the item named `name` derivative (keys of `DERIVATIVE`). A name listing
    alternatives (居民身份证申领/换领/补领) is the main item when its first alternative is."""
    first = name.split("/", 1)[0]
    return [kind for kind, words in DERIVATIVE.items() if any(w in first for w in words if analysis.has_cjk(w))]


def main_item_token(name: str) -> str:
    """The word its main item's name would have: the word the qualifier qualifies, the one before it
    (抵押权注销登记 → 抵押权, 居民身份证挂失查询 → 居民身份证) or, leading the name, the one after it
    (临时居民身份证 → 居民身份证). The item is derivative only if some item that is not has this word in
    its name: 困难群众临时救助 is the main item for 救助, no other item names 困难群众."""
    qualifiers = [w for words in DERIVATIVE.values() for w in words if analysis.has_cjk(w)]
    seq = analysis.words(name.split("/", 1)[0])
    marked = [any(q in w for q in qualifiers) for w in seq]
    if True not in marked:
        return ""
    start = marked.index(True)
    if start:
        return seq[start - 1]
    rest = [w for w, m in zip(seq, marked, strict=True) if not m]
    return rest[0] if rest else ""


def asked_for(marks: Iterable[str], en_stems: Iterable[str]) -> set[str]:
    """The kinds of derivative item a query asks for, from its Chinese words and English stems."""
    marks, stems = list(marks), set(en_stems)
    return {
        kind
        for kind, words in DERIVATIVE.items()
        if any(w in m for w in words if analysis.has_cjk(w) for m in marks)
        or any(analysis.en_stem(w) in stems for w in words if not analysis.has_cjk(w))
    }


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
