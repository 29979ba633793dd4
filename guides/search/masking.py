"""Personal data out of what a citizen typed, before a query is stored in the search log.

Citizens type their ID number, phone number or name into a search box ("王小明身份证丢了",
"13812345678 预约"). The log keeps what they were looking for, never who they are: ID numbers, phone
numbers, other long numbers and codes (passport, licence plate, credit code, booking code), e-mail
addresses and people's names become placeholders. Names are the words jieba's part-of-speech tagger
calls a person's name, unless the index knows the word from a guide (许可证 and 宝宝 are tagged as names
too).
"""

import re
import threading
from collections.abc import Callable

from guides.search import analysis

ID_NUMBER = "[身份证号]"
PHONE = "[电话]"
NUMBER = "[号码]"
EMAIL = "[邮箱]"
NAME = "[姓名]"

_ID = re.compile(r"(?<![0-9a-z])(?:\d{17}[0-9x]|\d{15})(?![0-9a-z])")
_PHONE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?![0-9])")
_EMAIL = re.compile(r"[0-9a-z._%+-]+@[0-9a-z.-]+")
_TOKEN = re.compile(r"[0-9a-z][0-9a-z-]*[0-9a-z]")
_GUIDE_CODE = re.compile(r"\d{6}-[a-z]+-\d+")
_NAME_TAGS = ("nr", "nrt", "nrfg")

_lock = threading.Lock()
_tagger = None


def _pos_tagger():
    """jieba's part-of-speech tagger over the search's own tokenizer, loaded on first use (~2 s, 35 MB)."""
    global _tagger
    if _tagger is None:
        with _lock:
            if _tagger is None:
                import jieba.posseg

                _tagger = jieba.posseg.POSTokenizer(analysis.tokenizer())
    return _tagger


def _a_code(token: str) -> bool:
    """A number or code someone could be found by: five digits at least, or six characters at least
    mixing letters and two digits (booking codes, plates). Guide codes are public and stay."""
    digits = sum(c.isdigit() for c in token)
    if _GUIDE_CODE.fullmatch(token):
        return False
    return digits >= 5 or (len(token.replace("-", "")) >= 6 and digits >= 2 and digits < len(token))


def mask(text: str, known: Callable[[str], bool] = lambda word: False) -> str:
    """`text` normalised, its personal data replaced by placeholders. `known` tells a word of the
    guides (never masked as a name) from others."""
    out = analysis.normalize(text)
    out = _EMAIL.sub(EMAIL, out)
    out = _ID.sub(ID_NUMBER, out)
    out = _PHONE.sub(PHONE, out)
    out = _TOKEN.sub(lambda m: NUMBER if _a_code(m.group()) else m.group(), out)
    if analysis.has_cjk(out):
        words = []
        for pair in _pos_tagger().cut(out):
            name = pair.flag in _NAME_TAGS and analysis.has_cjk(pair.word) and not known(pair.word)
            words.append(NAME if name else pair.word)
        out = "".join(words)
    return out
