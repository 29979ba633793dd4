"""Pinyin input for the on-screen keyboard's Chinese mode: letters typed → Chinese candidates.

The lexicon: common words and characters from jieba's dictionary, with its frequencies (words of two
to four characters seen at least MIN_FREQ times), their readings from pypinyin, and every word of the
catalogue (guide names and keywords) ranked first, since that is what citizens look for here. Typing
"shenfenzheng", "sfz" or "shenf" offers 身份证; "zhang" offers 张, 章, 长… one syllable at a time.

Building it takes a few seconds, so it is built in the background and cached as JSON in the data folder.
"""

import bisect
import json
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

MIN_FREQ = 100
CATALOGUE_BOOST = 1_000_000
VERSION = 4


@dataclass(frozen=True)
class Candidate:
    text: str
    consumed: int  # how many of the typed letters it replaces


def _jieba_dictionary() -> Path:
    import jieba

    return Path(jieba.__file__).with_name("dict.txt")


def _chinese(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


def _gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _readings(word: str) -> tuple[str, str]:
    """Full pinyin and initials: 身份证 → ("shenfenzheng", "sfz")."""
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(word)
    return "".join(syllables), "".join(s[0] for s in syllables)


class PinyinInput:
    def __init__(self, cache: Path | None = None):
        self.cache = cache
        self.ready = threading.Event()
        self._base: dict = {"chars": {}, "words": []}
        self._chars: dict[str, list[tuple[str, int]]] = {}  # syllable → (character, frequency), most used first
        self._words: list[tuple[str, int, str]] = []  # (full pinyin, -frequency, word), sorted
        self._initials: dict[str, list[str]] = {}  # initials → words, most used first
        self._syllables: list[str] = []  # sorted, for prefix lookup
        self._catalogue: set[str] = set()

    # --- building --------------------------------------------------------------------------------------

    def load(self, catalogue_words: Iterable[str] = ()) -> None:
        """Load (or build and cache) the common lexicon, then add the catalogue's words."""
        base = self._read_cache()
        if base is None:
            base = self._build_base()
            self._write_cache(base)
        self._base = base
        self._install(catalogue_words)
        self.ready.set()

    def add_catalogue(self, words: Iterable[str]) -> None:
        """The catalogue changed: its words join the lexicon (ranked first)."""
        if self.ready.is_set():
            self._install(words)

    def _cache_key(self) -> str:
        import pypinyin

        path = _jieba_dictionary()
        return f"{VERSION}:{path.stat().st_size}:{pypinyin.__version__}:{MIN_FREQ}"

    def _read_cache(self) -> dict | None:
        if self.cache is None or not self.cache.is_file():
            return None
        try:
            data = json.loads(self.cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if data.get("key") == self._cache_key() else None

    def _write_cache(self, base: dict) -> None:
        if self.cache is None:
            return
        tmp = self.cache.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps(base, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.cache)
        except OSError as exc:
            log.warning("cannot cache the pinyin lexicon in %s: %s", self.cache, exc)

    def _build_base(self) -> dict:
        from pypinyin import Style, pinyin

        chars: dict[str, list[tuple[str, int]]] = {}
        words: list[tuple[str, str, int, str]] = []
        with _jieba_dictionary().open(encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) < 2 or not parts[1].isdigit() or not _chinese(parts[0]):
                    continue
                word, freq = parts[0], int(parts[1])
                if len(word) == 1:
                    # The first reading is the usual one (信 read "shen" must not crowd out 身), and the
                    # simplified characters of GB 2312 come before traditional and rare ones.
                    if not _gb2312(word):
                        freq //= 1000
                    for n, reading in enumerate(pinyin(word, style=Style.NORMAL, heteronym=True)[0]):
                        chars.setdefault(reading, []).append((word, freq if n == 0 else freq // 1000))
                elif len(word) <= 4 and freq >= MIN_FREQ:
                    words.append((*_readings(word), freq, word))
        return {"key": self._cache_key(), "chars": chars, "words": words}

    def _install(self, catalogue_words: Iterable[str]) -> None:
        fresh = {w for w in catalogue_words if 2 <= len(w) <= 12 and _chinese(w)} - self._catalogue
        if self._words and not fresh:
            return
        self._catalogue |= fresh
        common = {word: (full, initials, freq) for full, initials, freq, word in self._base["words"]}
        for word in self._catalogue:
            full, initials, freq = common.get(word) or (*_readings(word), 0)
            common[word] = (full, initials, freq + CATALOGUE_BOOST)
        initials_map: dict[str, list[tuple[int, str]]] = {}
        for word, (_full, initials, freq) in common.items():
            initials_map.setdefault(initials, []).append((-freq, word))
        # Swapped in whole: a reader on another thread sees the old lexicon or the new, never half.
        self._chars = {s: sorted(cs, key=lambda c: -c[1]) for s, cs in self._base["chars"].items()}
        self._initials = {k: [w for _, w in sorted(v)] for k, v in initials_map.items()}
        self._words = sorted((full, -freq, word) for word, (full, _i, freq) in common.items())
        self._syllables = sorted(self._chars)

    # --- looking up ------------------------------------------------------------------------------------

    def first_syllable(self, letters: str) -> str:
        """The longest syllable the letters start with ("" if they start with none)."""
        for end in range(min(6, len(letters)), 0, -1):
            if letters[:end] in self._chars:
                return letters[:end]
        return ""

    def candidates(self, letters: str, limit: int = 40) -> list[Candidate]:
        letters = letters.lower()
        if not letters or not self.ready.is_set():
            return []
        out: list[Candidate] = []
        seen: set[str] = set()
        for text, consumed in self._ranked(letters):
            if text not in seen:
                seen.add(text)
                out.append(Candidate(text, consumed))
        return out[:limit]

    def _ranked(self, letters: str) -> Iterator[tuple[str, int]]:
        """(text, letters consumed), best first; the same text may come more than once."""
        exact, longer = self._words_spelt(letters)
        for _, word in sorted(exact):
            yield word, len(letters)
        syllable = self.first_syllable(letters)
        if syllable and syllable == letters:  # one whole syllable: its characters before longer words
            for ch, _ in self._chars[syllable][:8]:
                yield ch, len(syllable)
        if len(letters) >= 2:
            for word in self._initials.get(letters, [])[:12]:
                yield word, len(letters)
            for _, word in sorted(longer)[:12]:
                yield word, len(letters)
        if syllable:
            for ch, _ in self._chars[syllable]:
                yield ch, len(syllable)
        else:  # an unfinished syllable ("zh"): the characters of every syllable it could become
            for ch, _ in sorted(self._chars_of_unfinished(letters), key=lambda c: -c[1]):
                yield ch, len(letters)

    def _words_spelt(self, letters: str) -> tuple[list, list]:
        """(frequency, word) of the words spelt exactly `letters`, and of those whose spelling goes on."""
        words = self._words
        start = bisect.bisect_left(words, (letters, -(10**12), ""))
        exact, longer = [], []
        for full, negfreq, word in words[start:]:
            if not full.startswith(letters):
                break
            (exact if full == letters else longer).append((negfreq, word))
        return exact, longer

    def _chars_of_unfinished(self, letters: str) -> list:
        i = bisect.bisect_left(self._syllables, letters)
        pool = []
        while i < len(self._syllables) and self._syllables[i].startswith(letters):
            pool += self._chars[self._syllables[i]]
            i += 1
        return pool
