"""Pinyin search keys, so 张秀英 is found by `zhangxiuying` and by `zxy`."""

import re

from django.db.models import Q
from pypinyin import lazy_pinyin

_LATIN = re.compile(r"[a-z0-9]+")


def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin, initials), lower-case, without spaces or punctuation."""
    syllables = [s.lower() for s in lazy_pinyin(text or "", errors="default")]
    full = "".join("".join(_LATIN.findall(s)) for s in syllables)
    initials = "".join(s[0] for s in ("".join(_LATIN.findall(s)) for s in syllables) if s)
    return full, initials


def name_search_q(q: str, field: str = "name") -> Q:
    """Chinese substring, full pinyin substring or initials prefix."""
    q = q.strip()
    if not q:
        return Q()
    query = Q(**{f"{field}__contains": q})
    latin = "".join(_LATIN.findall(q.lower()))
    if latin and latin == q.lower().replace(" ", ""):
        query |= Q(**{f"{field}_pinyin__contains": latin})
        query |= Q(**{f"{field}_initials__startswith": latin})
    return query
