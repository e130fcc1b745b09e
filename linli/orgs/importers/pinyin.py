"""The pinyin search keys of a roster's names, worked out once per run of characters.

pypinyin (``lazy_pinyin``) first cuts a text into runs of Han characters and runs of
others (``pypinyin.seg.simpleseg``) and converts each run on its own: a run's syllables do
not depend on its neighbours. The keys of a name are therefore the keys of its runs put
end to end, and a roster's names share their runs (东关社区 / 第 / 00012 / 号互助小组):
remembering each run's keys makes a name's keys a few dictionary look-ups instead of a
phrase segmentation, which cost a roster's commit more than its COPY. A run of other
characters is its own single syllable (``errors="default"``), as ``pinyin_keys`` reads it.
"""

import re

from pypinyin.constants import RE_HANS

from linli.core.pinyin import pinyin_keys

MEMO = 1 << 16  # runs remembered during one file (a million-row roster stays bounded)
_HAN_RUN = re.compile(f"({RE_HANS.pattern.removeprefix('^').removesuffix('$')})")
_LATIN = re.compile(r"[a-z0-9]+")


class NameKeys:
    """``pinyin_keys(name)`` for many names, the same keys, each run computed once."""

    def __init__(self):
        self.runs: dict[str, tuple[str, str]] = {}

    def __call__(self, name: str) -> tuple[str, str]:
        full, initials = [], []
        for index, run in enumerate(_HAN_RUN.split(name or "")):
            if not run:
                continue
            keys = self.runs.get(run)
            if keys is None:
                keys = pinyin_keys(run) if index % 2 else _other(run)
                if len(self.runs) < MEMO:
                    self.runs[run] = keys
            full.append(keys[0])
            initials.append(keys[1])
        return "".join(full), "".join(initials)


def _other(run: str) -> tuple[str, str]:
    """The keys of a run without Han characters: its one syllable's letters and digits."""
    latin = "".join(_LATIN.findall(run.lower()))
    return latin, latin[:1]
