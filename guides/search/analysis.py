"""Text analysis shared by indexing and querying: jieba words, adjacency pairs, pinyin, English, prefixes.

Every function returns plain token lists, so documents can be analysed in worker processes and the
Whoosh fields only split on spaces. Index and query must analyse alike; `ANALYSIS_VERSION` (part of
the index directory's name) changes whenever they would not, which makes every old index "missing".
"""

import hashlib
import logging
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

import jieba
from pypinyin import Style, lazy_pinyin
from whoosh.lang.porter import stem

DICTIONARY_FILE = Path(__file__).with_name("dictionary.txt")
ANALYSIS_VERSION = "2-" + hashlib.sha1(DICTIONARY_FILE.read_bytes()).hexdigest()[:8]  # noqa: S324 — a fingerprint

PAIR = "_"  # joins two adjacent words into one token: 不动产_登记

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{CJK}]")
_TERM = re.compile(f"[{CJK}]+|[a-z0-9]+(?:['-][a-z0-9]+)*")
_ASCII_WORD = re.compile(r"[a-z0-9]+")

# Particles carry no meaning in either documents or queries.
STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "吗",
        "呢",
        "啊",
        "吧",
        "呀",
        "和",
        "与",
        "及",
        "或",
        "等",
        "之",
        "是",
        "在",
        "被",
        "把",
        "对",
        "为",
        "以",
        "于",
        "其",
        "该",
        "并",
    ]
)
# Filler citizens add to a query ("身份证丢了怎么办"): dropped from queries only, documents keep them.
QUERY_FILLER = frozenset(
    [
        "怎么办",
        "怎么",
        "怎样",
        "如何",
        "怎么样",
        "办理",
        "需要",
        "什么",
        "哪里",
        "哪儿",
        "在哪",
        "在哪里",
        "去哪",
        "去哪里",
        "我要",
        "我想",
        "想要",
        "请问",
        "可以",
        "能否",
        "能不能",
        "要",
        "想",
        "我",
        "吗",
        "呢",
        "办",
        "手续",
        "流程",
        "哪些",
        "办证",
    ]
)
EN_STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "my",
        "of",
        "on",
        "or",
        "the",
        "to",
        "what",
        "where",
        "with",
        "do",
        "does",
        "can",
    ]
)

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def tokenizer() -> jieba.Tokenizer:
    """The process's one jieba tokenizer, its dictionary (plus ours) loaded on first use."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.initialize()
                tk.load_userdict(str(DICTIONARY_FILE))
                _tokenizer = tk
    return _tokenizer


def normalize(text: str) -> str:
    """Full-width to half-width, lower case, collapsed spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def has_cjk(text: str) -> bool:
    return bool(_CJK_CHAR.search(text))


def cjk_chars(text: str) -> list[str]:
    return _CJK_CHAR.findall(text)


def terms(text: str) -> list[str]:
    """The runs of Chinese characters and of ASCII words in `text`, in order; everything else separates."""
    return _TERM.findall(normalize(text))


def words(chunk: str) -> list[str]:
    """jieba's precise segmentation of a Chinese run, without particles. HMM off: a run of characters
    is always cut the same way whatever surrounds it, which is what makes query and document meet."""
    return list(_words(chunk))


@lru_cache(maxsize=100_000)
def _words(chunk: str) -> tuple[str, ...]:
    # Guides repeat their phrases (department names, legal bases, "申请人须本人到场"): cut each once.
    return tuple(w for w in tokenizer().cut(chunk, HMM=False) if w.strip() and w not in STOP_WORDS)


def subwords(word: str) -> list[str]:
    """Dictionary words inside `word` (jieba's search mode, any length): 居民身份证 → 居民, 身份, 身份证."""
    freq = tokenizer().FREQ
    n = len(word)
    if n < 3:
        return []
    return [word[i:j] for i in range(n) for j in range(i + 2, n + 1) if (i, j) != (0, n) and freq.get(word[i:j])]


def zh_tokens(text: str, *, pairs: bool = True) -> list[str]:
    """Index tokens of Chinese text: every word, every dictionary word inside it, and (with `pairs`) a
    token for each pair of adjacent words, so a query's words can be required to stand together."""
    out: list[str] = []
    for term in terms(text):
        if not has_cjk(term):
            out.append(term)
            continue
        seq = words(term)
        subs = [subwords(w) for w in seq]
        for w, s in zip(seq, subs, strict=True):
            out.append(w)
            out += s
        if pairs:
            for i in range(len(seq) - 1):
                left = [seq[i]] + [s for s in subs[i] if seq[i].endswith(s)]
                right = [seq[i + 1]] + [s for s in subs[i + 1] if seq[i + 1].startswith(s)]
                out += [f"{a}{PAIR}{b}" for a in left for b in right]
    return out


@lru_cache(maxsize=200_000)
def pinyin(word: str) -> tuple[str, str]:
    """Full pinyin without tones and its initials: 身份证 → ("shenfenzheng", "sfz"); ü is written v."""
    full = lazy_pinyin(word, style=Style.NORMAL, errors="ignore", v_to_u=False)
    return "".join(full), "".join(s[0] for s in full if s)


def spelled_words(tokens: list[str]) -> list[tuple[str, str, str]]:
    """(word, full pinyin, initials) for the Chinese word tokens, pairs and ASCII skipped. A single
    character has no initials: one letter would match the first letter of anything."""
    out = []
    for t in tokens:
        if PAIR not in t and has_cjk(t):
            full, initials = pinyin(t)
            if full:
                out.append((t, full, initials if len(t) > 1 else ""))
    return out


def en_words(text: str) -> list[str]:
    """English words, lower case, without stop words (unstemmed: for spelling suggestions)."""
    return [w for w in _ASCII_WORD.findall(normalize(text)) if w not in EN_STOP_WORDS]


def en_tokens(text: str) -> list[str]:
    """Stemmed English tokens: licences → licenc, registration → registr."""
    return [en_stem(w) for w in en_words(text)]


@lru_cache(maxsize=50_000)
def en_stem(word: str) -> str:
    return stem(word)
