"""The index's schema, and a guide turned into one index document.

A guide is a `guides.schema.Guide` or a mapping of the same shape (the catalogue YAML, the API's guide
detail); only `code` and `name` are needed. Analysis happens here, outside Whoosh, so documents can be
prepared in worker processes and queued for the writer as plain data.
"""

import hashlib
import json
from collections import Counter
from collections.abc import Mapping
from typing import Any

from whoosh.fields import ID, KEYWORD, STORED, Schema
from whoosh.system import pack_uint

from guides.search import analysis
from guides.search.synonyms import derivative, main_item_token

ZH_FIELDS = ("name", "keywords", "materials", "body")
PINYIN_FIELDS = ("name", "keywords", "materials")  # body has no pinyin: it would double the index for little
INITIALS_FIELDS = ("name", "keywords")  # nobody types the initials of a material


class Tokens(KEYWORD):
    """Space-separated tokens made by `analysis`, counted straight into postings: Whoosh's analyzer
    chain would build a Token object per word, which at 10,000 guides is most of the rebuild."""

    def __init__(self):
        super().__init__(scorable=True)

    def index(self, value, **kwargs):
        for word, n in Counter(value.split()).items():
            yield word.encode("utf-8"), n, float(n), pack_uint(n)


def _tokens() -> Tokens:
    return Tokens()


SCHEMA = Schema(
    code=ID(stored=True, unique=True),
    code_key=KEYWORD(),
    **{f: _tokens() for f in ZH_FIELDS},
    **{f"{f}_py": _tokens() for f in PINYIN_FIELDS},
    **{f"{f}_pyi": _tokens() for f in INITIALS_FIELDS},
    name_en=_tokens(),
    en=_tokens(),
    spell_en=KEYWORD(),
    py2zh=KEYWORD(),
    chars=KEYWORD(scorable=True),
    derivative=KEYWORD(stored=True),  # what would make the item derivative of a main one (synonyms.DERIVATIVE)
    main_item=KEYWORD(),  # the word its main item's name would have (synonyms.main_item_token)
    category=ID(stored=True),
    department=ID(stored=True),
    centres=KEYWORD(stored=True),
    title=STORED(),
    title_en=STORED(),
    summary=STORED(),
    passages=STORED(),  # the guide's own passages a snippet is taken from, summary first
    fingerprint=STORED(),
)


def guide_data(guide: Any) -> dict:
    """A guide as plain data: pydantic models are dumped, mappings are taken as they are."""
    if hasattr(guide, "model_dump"):
        return guide.model_dump(mode="json")
    if isinstance(guide, Mapping):
        return dict(guide)
    raise TypeError(f"a guide must be a Guide or a mapping, not {type(guide).__name__}")


def fingerprint(data: Mapping) -> str:
    """Changes whenever anything the index holds about the guide would change."""
    raw = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str) + analysis.ANALYSIS_VERSION
    return hashlib.sha1(raw.encode()).hexdigest()  # noqa: S324 — a fingerprint, not a secret


def _texts(rows: list | None, *keys: str) -> list[str]:
    return [str(row.get(k) or "") for row in rows or [] for k in keys]


def document(guide: Any) -> dict:
    """The index document of one guide: analysed token fields (space-joined) plus stored display fields."""
    d = guide_data(guide)
    code, name = d["code"], d["name"]
    keywords = list(d.get("keywords") or [])
    materials, result = d.get("materials") or [], d.get("result") or {}
    departments = [d.get("department") or "", *(d.get("co_departments") or [])]
    # the guide's own passages, each one a snippet may show: summary, conditions, a material with its
    # notes, a question with its answer
    passages = [
        p
        for p in [
            d.get("summary") or "",
            *(d.get("conditions") or []),
            *(" ".join(_texts([m], "name", "notes")).strip() for m in materials),
            *(" ".join(_texts([f], "question", "answer")).strip() for f in d.get("faq") or []),
        ]
        if p
    ]
    # What citizens read and search for; legal bases, steps and fees are left out: they are the same
    # boilerplate across hundreds of guides and would double the index (and a rebuild's time).
    body_parts = [*passages, *departments, d.get("category") or "", d.get("item_type") or ""]
    zh = {
        "name": analysis.zh_tokens(name),
        "keywords": [t for k in keywords for t in analysis.zh_tokens(k)],
        "materials": [
            t for m in [*_texts(materials, "name"), result.get("certificate") or ""] for t in analysis.zh_tokens(m)
        ],
        # no pair tokens in the body: they would double the index, and adjacency counts most in names
        "body": analysis.zh_tokens("\n".join(body_parts), pairs=False),
    }
    doc = {f: " ".join(tokens) for f, tokens in zh.items()}
    py2zh = set()
    for f in PINYIN_FIELDS:
        spelled = analysis.spelled_words(zh[f])
        doc[f"{f}_py"] = " ".join(full for _, full, _ in spelled)
        if f in INITIALS_FIELDS:
            doc[f"{f}_pyi"] = " ".join(initials for _, _, initials in spelled if initials)
            py2zh.update(f"{full}:{word}" for word, full, _ in spelled)
    name_en = d.get("name_en") or ""
    en_text = "\n".join([*_texts(materials, "name_en"), result.get("certificate_en") or ""])
    centres = [str(c) for c in d.get("centres") or []]
    doc |= {
        "code": code,
        "code_key": " ".join({code.lower(), code.lower().split("-", 1)[-1]}),
        "name_en": " ".join(analysis.en_tokens(name_en)),
        "en": " ".join(analysis.en_tokens(en_text)),
        "spell_en": " ".join(set(analysis.en_words(name_en))),
        "py2zh": " ".join(sorted(py2zh)),
        "chars": " ".join(sorted(set(analysis.cjk_chars(" ".join([name, *keywords]))))),
        "category": d.get("category") or "",
        "department": d.get("department") or "",
        "centres": " ".join(centres),
        "title": name,
        "title_en": name_en,
        "summary": d.get("summary") or "",
        "derivative": " ".join(derivative(name)),
        "main_item": main_item_token(name),
        "passages": passages,
        "fingerprint": fingerprint(d),
    }
    return doc
