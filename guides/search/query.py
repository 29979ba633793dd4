"""From what a citizen typed to a Whoosh query, a spelling correction and highlighted snippets.

A query is read three ways at once and the readings are OR-ed: as typed, with each synonym put in,
and all synonyms together. Within a reading every part must match (AND):

- a Chinese run → its jieba words; each word of two or more characters must occur as a whole word
  (search-mode tokens make 身份证 a word of 居民身份证换领, but 不动 is never 不动产); single characters
  only add score. Adjacent words score again as a pair token, so 不动产登记 together outranks
  不动产 … 登记 apart.
- ASCII words → English (stemmed), full pinyin and initials (split into indexed words: "shenfenzheng
  huanling", "sfzhl"), or a guide code.

Field boosts rank name > keywords > materials > body, and the search widens in passes (`TIERS`):
names and keywords; then materials; then the body, each only if the narrower one found nothing.
When the query has a word the index lacks, it is corrected (homophones through pinyin, misspelt
pinyin and English through edit distance) and run again; if that finds something it answers, offered
as "did you mean". When nothing matches at all, any single word (or two characters of a name) will do.
"""

import bisect
import html
import itertools
import re
from dataclasses import dataclass, field

from whoosh.query import And, AndMaybe, NullQuery, Query, Term
from whoosh.query import Or as _Or

from guides.search import analysis
from guides.search.synonyms import DERIVATIVE, Synonyms, expand


def Or(subqueries: list[Query], **kwargs) -> _Or:
    """Whoosh's Or, always as a tree of union matchers: with many clauses Whoosh would otherwise read
    every posting of every clause into arrays up front, which at 10,000 guides costs a second."""
    q = _Or(subqueries, **kwargs)
    q.matcher_type = _Or.DEFAULT_MATCHER
    return q


ZH_BOOSTS = {"name": 8.0, "keywords": 5.0, "materials": 2.5, "body": 1.0}
PY_BOOSTS = {"name": 8.0, "keywords": 5.0, "materials": 2.5}
PYI_BOOSTS = {"name": 8.0, "keywords": 5.0}
# search-as-you-type completes words of names and keywords, in Chinese, pinyin, initials and English
COMPLETION_BOOSTS = {
    "name": 3.0,
    "keywords": 1.0,
    "name_py": 3.0,
    "keywords_py": 1.0,
    "name_pyi": 3.0,
    "keywords_pyi": 1.0,
    "spell_en": 1.0,
}
MAX_COMPLETIONS = 48  # words a prefix expands to, at most
EN_BOOSTS = {"name_en": 8.0, "en": 1.5}


@dataclass(frozen=True)
class Tier:
    """The fields one pass of a search looks in. Passes widen until one finds something: a guide
    matching only further down would rank below every guide matching higher up anyway, and the
    wide fields (materials every guide shares, the body) hold most of the postings to score."""

    zh: dict[str, float]
    py: dict[str, float]
    pyi: dict[str, float]
    en: dict[str, float]


def _pick(boosts: dict[str, float], *fields: str) -> dict[str, float]:
    return {f: boosts[f] for f in fields}


TIERS = (
    Tier(
        _pick(ZH_BOOSTS, "name", "keywords"),
        _pick(PY_BOOSTS, "name", "keywords"),
        PYI_BOOSTS,
        _pick(EN_BOOSTS, "name_en"),
    ),
    Tier(_pick(ZH_BOOSTS, "name", "keywords", "materials"), PY_BOOSTS, PYI_BOOSTS, EN_BOOSTS),
    Tier(ZH_BOOSTS, PY_BOOSTS, PYI_BOOSTS, EN_BOOSTS),
)
DERIVATIVE_PENALTY = 0.5  # per kind of derivation the query did not ask for
PAIR_BOOST = 1.5  # on top of the words' own scores, per adjacent pair
SINGLE_BOOST = 0.3  # single characters (证, 丢) only nudge the ranking
MAX_QUERY = 100
MAX_WORD = 30  # longest pinyin piece tried when splitting a run of letters


@dataclass
class Reading:
    """What the query means, as Whoosh clauses plus the words a snippet should mark."""

    query: Query
    marks: set[str] = field(default_factory=set)  # Chinese words to highlight
    en_stems: set[str] = field(default_factory=set)  # English stems to highlight


class Lexicon:
    """The terms of one index generation that query reading needs: pinyin words and their Chinese."""

    def __init__(self, reader):
        self.reader = reader
        self.py = set().union(*(reader.field_terms(f"{f}_py") for f in PY_BOOSTS))
        self.pyi = set().union(*(reader.field_terms(f"{f}_pyi") for f in PYI_BOOSTS))
        self.completable = {
            f: sorted(t for t in reader.field_terms(f) if analysis.PAIR not in t) for f in COMPLETION_BOOSTS
        }
        self.en = set(reader.field_terms("name_en")) | set(reader.field_terms("en"))
        self.codes = set(reader.field_terms("code_key"))
        self.derivative = self._derivative(reader)

    @staticmethod
    def _derivative(reader) -> dict[str, set[int]]:
        """kind → the items derivative of a main item the index holds (synonyms.main_item_token)."""
        qualified = {
            kind: set(reader.postings("derivative", kind).all_ids())
            for kind in DERIVATIVE
            if reader.doc_frequency("derivative", kind)
        }
        if not qualified:
            return {}
        every = set().union(*qualified.values())
        with_main = set()
        for token in reader.field_terms("main_item"):
            if reader.doc_frequency("name", token) and set(reader.postings("name", token).all_ids()) - every:
                with_main |= set(reader.postings("main_item", token).all_ids())
        return {kind: docs & with_main for kind, docs in qualified.items()}

    def rank(self, scored: list[tuple[float, int]], asked: set[str]) -> list[tuple[float, int]]:
        """(score, docnum) best first, a derivative item's score cut for each kind of derivation the
        query did not ask for: the temporary card falls below the card, whatever the words' weights."""
        out = []
        for score, docnum in scored:
            extra = sum(docnum in docs for kind, docs in self.derivative.items() if kind not in asked)
            out.append((score * DERIVATIVE_PENALTY**extra, docnum))
        return sorted(out, key=lambda s: -s[0])  # stable: equal scores keep Whoosh's order

    def completions(self, prefix: str) -> list[tuple[str, str]]:
        """(field, word) for indexed words starting with `prefix`, shortest words first."""
        found = []
        for f, words in self.completable.items():
            i = bisect.bisect_left(words, prefix)
            while i < len(words) and words[i].startswith(prefix) and len(found) < MAX_COMPLETIONS * 4:
                found.append((f, words[i]))
                i += 1
        return sorted(found, key=lambda fw: (len(fw[1]), fw[1]))[:MAX_COMPLETIONS]

    def known(self, word: str) -> bool:
        return any(self.reader.doc_frequency(f, word) for f in ZH_BOOSTS)

    def chinese(self, spelled: str) -> str | None:
        """The most common Chinese word spelled `spelled` in the index."""
        best, best_df = None, 0
        for term in self.reader.expand_prefix("py2zh", f"{spelled}:"):
            term = term.decode() if isinstance(term, bytes) else term
            df = self.reader.doc_frequency("py2zh", term)
            if df > best_df:
                best, best_df = term.split(":", 1)[1], df
        return best


def _fields(word: str, boosts: dict[str, float], factor: float = 1.0) -> Query:
    return Or([Term(f, word, boost=b * factor) for f, b in boosts.items()])


def _py_fields(word: str, kind: str, tier: Tier) -> Query:
    boosts = tier.py if kind == "py" else tier.pyi
    return Or([Term(f"{f}_{kind}", word, boost=b) for f, b in boosts.items()])


def wordbreak(letters: str, vocabulary: set[str], min_len: int = 2) -> list[str] | None:
    """Split a run of letters into the fewest indexed words: "sfzhl" → ["sfz", "hl"]; None if it can't."""
    n = len(letters)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(min(n, i + MAX_WORD), i + min_len - 1, -1):
            piece = letters[i:j]
            if piece in vocabulary and (best[j] is None or len(best[i]) + 1 < len(best[j])):
                best[j] = [*best[i], piece]
    return best[n]


def _chinese_clause(chunk: str, reading: Reading, boosts: dict[str, float]) -> Query | None:
    seq = analysis.words(chunk)
    meaningful = [w for w in seq if w not in analysis.QUERY_FILLER] or seq
    if not meaningful:
        return None
    required = [w for w in meaningful if len(w) > 1] or meaningful
    singles = [w for w in meaningful if w not in required]
    reading.marks.update(required)
    strict = And([_fields(w, boosts) for w in required])
    bonus = [
        Or([Term(f, f"{a}{analysis.PAIR}{b}", boost=boost * PAIR_BOOST) for f, boost in boosts.items()])
        for a, b in itertools.pairwise(meaningful)
    ]
    bonus += [_fields(w, boosts, SINGLE_BOOST) for w in singles]
    return AndMaybe(strict, Or(bonus)) if bonus else strict


def _ascii_clause(ascii_words: list[str], lexicon: Lexicon, reading: Reading, tier: Tier) -> Query | None:
    """English, pinyin, initials or code: every reading the index has words for."""
    options: list[Query] = []
    joined = "".join(ascii_words)
    if joined in lexicon.codes:
        options.append(Term("code_key", joined, boost=50.0))
    letters = re.sub(r"[^a-z0-9]", "", joined)
    en = [w for w in analysis.en_words(" ".join(ascii_words))]
    stems = [analysis.en_stem(w) for w in en]
    english = bool(stems) and all(s in lexicon.en for s in stems)
    if english:
        options.append(And([_fields(s, tier.en) for s in stems]))
        reading.en_stems.update(stems)
    for kind, vocabulary in (("py", lexicon.py), ("pyi", lexicon.pyi)):
        if kind == "pyi" and (english or len(letters) > 12):
            continue  # initials are short and never English words
        pieces = wordbreak(letters, vocabulary)
        if pieces and english and len(pieces) > 1:
            continue  # an English word that merely splits into syllables ("change" = chang+e) is English
        if pieces:
            options.append(And([_py_fields(p, kind, tier) for p in pieces]))
            if kind == "py":
                reading.marks.update(w for p in pieces if (w := lexicon.chinese(p)))
    if not options:
        return None
    return options[0] if len(options) == 1 else Or(options)


def read(text: str, lexicon: Lexicon, tier: Tier = TIERS[-1]) -> Reading | None:
    """One reading of a normalised query in the fields of `tier`; None when a part of it means
    nothing to this index."""
    reading = Reading(NullQuery)
    parts, ascii_run = [], []
    for term in analysis.terms(text):
        if analysis.has_cjk(term):
            if ascii_run:
                parts.append(_ascii_clause(ascii_run, lexicon, reading, tier))
                ascii_run = []
            clause = _chinese_clause(term, reading, tier.zh)
            if clause is not None:
                parts.append(clause)
        else:
            ascii_run.append(term)
    if ascii_run:
        parts.append(_ascii_clause(ascii_run, lexicon, reading, tier))
    if not parts or any(p is None for p in parts):
        return None
    reading.query = parts[0] if len(parts) == 1 else And(parts)
    return reading


def leave_one_out(text: str, most: int = 5) -> list[str]:
    """The query with one of its Chinese words left out, for each word of two or more characters, when
    it has two such words at least (and at most `most`): 身份证过期 → 过期, 身份证."""
    spans, pos = [], 0
    for term in analysis.terms(text):
        if not analysis.has_cjk(term):
            continue
        start = text.find(term, pos)
        for w in analysis.words(term):
            at = text.find(w, start)
            if len(w) > 1 and w not in analysis.QUERY_FILLER:
                spans.append((at, at + len(w)))
            start = at + len(w)
        pos = start
    if not 2 <= len(spans) <= most:
        return []
    # joined where the word was: 身份证不能用了 → 身份证用了, one run whose single characters only add
    # score (a separate run of one character would have to match)
    return [" ".join(f"{text[:a]}{text[b:]}".split()) for a, b in spans]


def combine(readings: list[Reading]) -> Reading | None:
    readings = [r for r in readings if r is not None]
    if not readings:
        return None
    out = Reading(readings[0].query if len(readings) == 1 else Or([r.query for r in readings]))
    for r in readings:
        out.marks |= r.marks
        out.en_stems |= r.en_stems
    return out


def relaxed(text: str, lexicon: Lexicon, synonyms: Synonyms) -> Reading | None:
    """Any of the query's words, or of their synonyms (外地人 → 居住证), for when all of them together
    match nothing. A Chinese word the index does not know counts by its characters, matched against
    the characters of names and keywords (我要开个小店 → 开, 店 of 开店), the more of them the better."""
    readings, chars = [], []
    for term in analysis.terms(text):
        if not analysis.has_cjk(term):
            readings += [read(r, lexicon) for r in expand(term, synonyms)]
            continue
        for w in analysis.words(term):
            if w in analysis.QUERY_FILLER:
                continue
            if len(w) > 1 and lexicon.known(w):
                readings.append(read(w, lexicon))
            elif w in synonyms:
                readings += [read(r, lexicon) for r in synonyms[w]]
            else:
                chars += analysis.cjk_chars(w)
    chars = list(dict.fromkeys(chars))[:8]
    if len(chars) == 1:
        readings.append(Reading(Term("chars", chars[0])))
    elif chars:  # two characters at least, or one common character would match half the catalogue
        pairs = [And([Term("chars", a), Term("chars", b)]) for i, a in enumerate(chars) for b in chars[i + 1 :]]
        readings.append(Reading(Or(pairs)))
    return combine(readings)


def correct(text: str, lexicon: Lexicon, spell_en) -> str | None:
    """A corrected query, or None. Chinese words the index lacks are replaced by indexed homophones of
    the same length sharing a character (身分证 → 身份证, 营业职照 → 营业执照); pinyin and English words
    the index lacks by the nearest indexed spelling (shenfenzhen → 身份证, pasport → passport)."""
    out, changed = [], False
    for term in analysis.terms(text):
        fixed = _correct_chinese(term, lexicon) if analysis.has_cjk(term) else _correct_ascii(term, lexicon, spell_en)
        changed |= fixed is not None and fixed != term
        out.append(fixed or term)
    return " ".join(out) if changed else None


def _correct_chinese(chunk: str, lexicon: Lexicon) -> str | None:
    if all(len(w) > 1 and lexicon.known(w) for w in analysis.words(chunk)):
        return None  # every word is indexed: nothing to correct (single characters prove nothing)
    spelled = "".join(analysis.pinyin(w)[0] for w in analysis.words(chunk))
    pieces = wordbreak(spelled, lexicon.py)
    if not pieces:
        return None
    fixed = "".join(lexicon.chinese(p) or "" for p in pieces)
    same = sum(a == b for a, b in zip(fixed, chunk, strict=False))
    return fixed if len(fixed) == len(chunk) and same * 2 >= len(chunk) else None


def _correct_ascii(word: str, lexicon: Lexicon, spell_en) -> str | None:
    letters = re.sub(r"[^a-z0-9]", "", word)
    if (
        not letters.isalpha()
        or word in lexicon.codes
        or analysis.en_stem(word) in lexicon.en
        or wordbreak(letters, lexicon.py)
        or (len(letters) <= 12 and wordbreak(letters, lexicon.pyi))
    ):
        return None
    maxdist = 1 if len(letters) < 8 else 2
    candidates = [(c, "en") for c in spell_en("spell_en", letters, maxdist)]
    candidates += [(c, "py") for f in ("name_py", "keywords_py") for c in spell_en(f, letters, maxdist)]
    if not candidates:
        return None
    best, kind = min(candidates, key=lambda c: (_distance(c[0], letters), c[1] != "py"))
    return (lexicon.chinese(best) or best) if kind == "py" else best


def _distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


# --- highlighting -------------------------------------------------------------------------------------


def mark(text: str, words: set[str]) -> str:
    """`text` as HTML with every occurrence of `words` in <mark>, longest words first."""
    spans = _spans(text, words)
    return _render(text, spans, 0, len(text))


def snippet(text: str, words: set[str], width: int = 90) -> str:
    """The `width` characters of `text` with the most distinct marked words, as HTML."""
    spans = _spans(text, words)
    if not spans:
        end = min(len(text), width)
        return html.escape(text[:end]) + ("…" if end < len(text) else "")
    best_start, best_score = 0, -1
    for start, _, _ in spans:
        lo = max(0, start - width // 5)
        covered = {w for s, e, w in spans if s >= lo and e <= lo + width}
        if len(covered) > best_score:
            best_start, best_score = lo, len(covered)
    lo, hi = best_start, min(len(text), best_start + width)
    inside = [(s, e, w) for s, e, w in spans if s >= lo and e <= hi]
    return ("…" if lo else "") + _render(text, inside, lo, hi) + ("…" if hi < len(text) else "")


def passage(passages: list[str], words: set[str], avoid: set[str]) -> str:
    """The guide's passage with the most distinct `words`, earliest first (the summary leads); one that
    names another guide (`avoid`: the card's answer about the temporary card) comes last."""
    best, best_key = "", None
    for i, text in enumerate(passages):
        key = (not any(a in text for a in avoid), len({s[2] for s in _spans(text, words)}), -i)
        if best_key is None or key > best_key:
            best, best_key = text, key
    return best


def mark_english(text: str, stems: set[str]) -> str:
    if not stems:
        return html.escape(text)
    found = {w for w in re.findall(r"[A-Za-z]+", text) if analysis.en_stem(w.lower()) in stems}
    return mark(text, found)


def _spans(text: str, words: set[str]) -> list[tuple[int, int, str]]:
    taken = [False] * len(text)
    spans = []
    for w in sorted((w for w in words if w), key=len, reverse=True):
        start = text.find(w)
        while start >= 0:
            end = start + len(w)
            if not any(taken[start:end]):
                taken[start:end] = [True] * len(w)
                spans.append((start, end, w))
            start = text.find(w, end)
    return sorted(spans)


def _render(text: str, spans, lo: int, hi: int) -> str:
    out, pos = [], lo
    for start, end, _ in spans:
        out += [html.escape(text[pos:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        pos = end
    out.append(html.escape(text[pos:hi]))
    return "".join(out)
