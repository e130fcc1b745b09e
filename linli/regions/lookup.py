"""Finding a region from what clerks type in a roster: a code, a full name, or the short
name (北关社区 for 北关社区居民委员会, 东关大街 for 东关大街街道), within the user's scope."""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.core.bounds import ascii_digits, is_ascii_number
from linli.regions.models import Level, Region

_COMMITTEE = ("社区居民委员会", "居民委员会", "村民委员会", "社区居委会", "居委会", "村委会",
              "牧民委员会", "牧委会")
_TOWNSHIP = ("街道办事处", "街道", "民族乡", "镇", "乡")


def short_name(name: str) -> str:
    for suffix in _TOWNSHIP:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    for suffix in _COMMITTEE:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if "居" in suffix:
                return stem + "社区"
            return stem if stem.endswith("村") or "村" not in suffix else stem + "村"
    return name


def _plain(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


class RegionLookup:
    """All regions of at least `min_level` inside the actor's scope, by code and name."""

    def __init__(self, actor, *, min_level: int):
        regions = access_for(actor).filter(Region.objects.filter(level__gte=min_level), "code")
        self.by_code = {r.code: r for r in regions}
        self.by_name: dict[str, list[Region]] = {}
        for region in self.by_code.values():
            for name in {region.name, short_name(region.name)}:
                # Keys in the form find() looks up: NFKC makes the NBS list's full-width
                # brackets (扎玛村（一村）委会) the ASCII ones a roster's cells arrive with.
                self.by_name.setdefault(_plain(name), []).append(region)

    def find(self, text: str, *, within: str = "", level: int | None = None) -> Region:
        """The one region meant, or a ValueError with the reason in Chinese. A code is
        ASCII digits after NFKC (full-width ６３ is 63); a code typed in another script's
        digits (Arabic-Indic ٦٣) is refused, never read as a number."""
        try:
            text = "".join(ascii_digits(text).split())
        except ValueError:
            raise ValueError(_("“%(c)s”含有其他文字的数字,区划代码请只用阿拉伯数字 0-9 填写")
                             % {"c": text.strip()}) from None
        if is_ascii_number(text):
            region = self.by_code.get(text)
            if region is None or (level is not None and region.level != level):
                raise ValueError(_("区划代码 %(c)s 不在您的辖区内或不存在") % {"c": text})
            return region
        candidates = self.by_name.get(text, []) + self.by_name.get(short_name(text), [])
        matches = {r.code: r for r in candidates
                   if r.code.startswith(within) and (level is None or r.level == level)}
        if not matches:
            raise ValueError(_("在您的辖区内找不到“%(n)s”") % {"n": text})
        if len(matches) > 1:
            raise ValueError(_("“%(n)s”对应多个区划,请同时填写乡镇(街道)或填写区划代码")
                             % {"n": text})
        return next(iter(matches.values()))


# --- names as clerks write them (people rosters) ---------------------------------------
# 村 = 村委会 = 村民委员会 (= 牧委会 in pastoral areas); 社区 = 居委会 = 社区居民委员会.
_VILLAGE_SUFFIXES = (("社区居民委员会", "社区"), ("社区居委会", "社区"), ("社区委员会", "社区"),
                     ("居民委员会", "社区"), ("居委会", "社区"), ("村民委员会", "村"),
                     ("牧民委员会", "村"), ("村委会", "村"), ("牧委会", "村"), ("委会", "村"),
                     ("社区", "社区"), ("村", "村"))
# 街道 and 镇 and 乡 are kinds: a 乡 or 镇 renamed 街道 keeps its stem (鲁沙尔镇 → 鲁沙尔街道).
_TOWNSHIP_KINDS = (("街道办事处", "街道"), ("街道办", "街道"), ("街道", "街道"), ("镇", "镇"),
                   ("乡", "乡"))
_ETHNIC = re.compile(r"(?:藏族|回族|蒙古族|土族|撒拉族|哈萨克族)?(?:民族)?$")
# A group, team or house number after the village: 3组, 二社, 一队, 45号, 第三村民小组.
_NUMBERS = re.compile(r"第?[0-9一二三四五六七八九十百零〇两]+"
                      r"(?:村民小组|小组|组|社(?!区)|队|号|栋|幢|单元|户|排|巷|楼|室).*$")
# One place name of an address: everything up to the next suffix of a division.
_PLACE = re.compile(r".+?(?:街道办事处|街道办|街道|民族乡|镇|乡"
                    r"|社区居民委员会|社区居委会|社区委员会|居民委员会|居委会"
                    r"|村民委员会|牧民委员会|村委会|牧委会|社区|村"
                    r"|自治州|州|地区|市|自治县|县|区|行委)")
_SUFFIX_ONLY = {"社区", "居委会", "村委会", "委员会", "居民委员会", "村民委员会", "社区居民委员会"}


def plain(text: str) -> str:
    """NFKC without any space: how names are compared."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


# The name functions below are pure and a roster repeats its names row after row: cached.
_NAMES = 1 << 16


@lru_cache(maxsize=_NAMES)
def village_stem(name: str) -> tuple[str, str]:
    """北关社区居民委员会 → (北关, 社区); 友谊村村民委员会 → (友谊, 村); 扎玛村(一村)委会 →
    (扎玛, 村); a name without a known suffix → (name, "")."""
    name = re.sub(r"\([^)]*\)", "", plain(name))
    for suffix, kind in _VILLAGE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if kind == "村" and stem.endswith("村") and len(stem) >= 2:
                stem = stem[:-1]  # 友谊村村民委员会, 新村村委会 (and 新村 typed) → 新
            return stem, kind
    return name, ""


@lru_cache(maxsize=_NAMES)
def township_stem(name: str) -> tuple[str, str]:
    """鲁沙尔镇 → (鲁沙尔, 镇); 群加藏族乡 → (群加, 乡); 东关大街街道 → (东关大街, 街道)."""
    name = plain(name)
    for suffix, kind in _TOWNSHIP_KINDS:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            stem = name[: -len(suffix)]
            if kind == "乡":
                stem = _ETHNIC.sub("", stem) or stem
            return stem, kind
    return name, ""


@lru_cache(maxsize=_NAMES)
def without_numbers(text: str) -> str:
    """The village part of 某某村3组45号: 某某村."""
    return _NUMBERS.sub("", plain(text))


@lru_cache(maxsize=_NAMES)
def address_places(text: str) -> tuple[str, str]:
    """The township and the village written in an address, as typed ('' when absent):
    青海省西宁市城东区东关大街街道北关社区 → (东关大街街道, 北关社区); 某某村3组 → ('', 某某村)."""
    tokens: list[str] = []
    for match in _PLACE.finditer(plain(text)):
        token = match.group()
        if tokens and token in _SUFFIX_ONLY:
            tokens[-1] += token  # 新村 + 社区: one name split at an inner suffix
        else:
            tokens.append(token)
    township = village = ""
    for token in tokens:
        if not village and township_stem(token)[1] and not township:
            township = token
        elif village_stem(token)[1]:
            village = token
            break
    return township, village


class NotInScope(ValueError):
    """No region of that name in the actor's scope (whether it exists elsewhere is not said)."""


class Ambiguous(ValueError):
    """Several regions of the actor's scope answer to the name; the reason lists them, and
    ``value`` (the name as compared) and ``candidates`` say what the user may choose from."""

    def __init__(self, message: str, *, value: str = "", candidates: tuple = ()):
        super().__init__(message)
        self.value, self.candidates = value, tuple(candidates)


@dataclass
class Found:
    """A place found, with what is worth telling about it. Shared between the rows that
    name the same place (PlaceIndex caches it): read it, never change it."""

    region: Region
    warnings: list[str] = field(default_factory=list)


def place_label(region: Region, others) -> str:
    """乡镇/村 — with the county in front when the candidates lie in several counties."""
    parts = region.path.split("/")
    counties = {r.code[:6] for r in others}
    return "/".join(parts[-3:] if len(counties) > 1 else parts[-2:])


class PlaceIndex:
    """Townships and villages of the actor's scope by the stems clerks write, for rosters
    whose rows say where a person lives in words (a 村(社区) column, the address, the
    sheet's or title's township). Every name is searched in the whole scope: a village
    under another township than the sheet says is found, with a warning."""

    def __init__(self, lookup: RegionLookup):
        self.lookup = lookup
        self.picks: dict[str, str] = {}  # name as compared → the user's pick (pick())
        self.townships: dict[str, list[Region]] = {}
        self.villages: dict[str, list[Region]] = {}
        for region in lookup.by_code.values():
            if region.level == Level.TOWNSHIP:
                self.townships.setdefault(township_stem(region.name)[0], []).append(region)
            elif region.level == Level.VILLAGE:
                self.villages.setdefault(village_stem(region.name)[0], []).append(region)
        # A roster names the same few places row after row: each answer (or refusal) is
        # worked out once. A refusal is kept and raised again without its old traceback.
        self._found: dict[tuple, Found | ValueError] = {}

    def _cached(self, key: tuple, find) -> Found:
        found = self._found.get(key)
        if found is None:
            try:
                found = find()
            except ValueError as error:
                found = error
            if len(self._found) < _NAMES:
                self._found[key] = found
        if isinstance(found, ValueError):
            raise found.with_traceback(None)
        return found

    def township(self, text: str) -> Found:
        """The township meant by ``text`` (code or name); a 镇 written for today's 街道 is
        found with a warning naming the new name."""
        return self._cached(("t", text), lambda: self._township(text))

    def _township(self, text: str) -> Found:
        code = self._code(text, Level.TOWNSHIP)
        if code is not None:
            return Found(code)
        stem, kind = township_stem(text)
        matches = self.townships.get(stem, [])
        if not matches:
            raise NotInScope(_("在您的辖区内找不到乡镇(街道)“%(n)s”") % {"n": plain(text)})
        if len(matches) > 1:
            return self._answered(plain(text), matches)
        found = Found(matches[0])
        new_kind = township_stem(matches[0].name)[1]
        if kind and new_kind and kind != new_kind:
            found.warnings.append(_("“%(o)s”已更名为“%(n)s”,已按新名称登记") % {
                "o": plain(text), "n": matches[0].name})
        return found

    def village(self, text: str, *, township: Region | None = None) -> Found:
        """The village meant by ``text``: inside ``township`` first, else anywhere in the
        scope (with a warning when a township was given); ambiguous names list their
        candidates."""
        return self._cached(("v", text, township.code if township else ""),
                            lambda: self._village(text, township))

    def _village(self, text: str, township: Region | None) -> Found:
        code = self._code(text, Level.VILLAGE)
        if code is not None:
            return Found(code)
        typed = plain(text)
        candidates = self._villages_named(typed)
        if not candidates:
            raise NotInScope(_("在您的辖区内找不到“%(n)s”") % {"n": typed})
        inside = [r for r in candidates if township and r.code.startswith(township.code)]
        matches = inside or candidates
        if len(matches) > 1:
            return self._answered(typed, matches)
        found = Found(matches[0])
        if township and not inside:
            parent = self.lookup.by_code.get(matches[0].code[:9], township)
            found.warnings.append(_("“%(v)s”不在“%(t)s”,已按其所属的“%(p)s”登记") % {
                "v": typed, "t": township.name, "p": parent.name})
        return found

    def _villages_named(self, typed: str) -> list[Region]:
        stem, kind = village_stem(typed)
        candidates = self.villages.get(stem, [])
        if not candidates and without_numbers(typed) != typed:
            stem, kind = village_stem(without_numbers(typed))
            candidates = self.villages.get(stem, [])
        if kind:  # 新庄村 is not 新庄社区 (a name without either word may be either)
            candidates = [r for r in candidates if village_stem(r.name)[1] in (kind, "")]
        return candidates

    def candidates(self, text: str) -> list[Region]:
        """Every township and village of the scope that ``text`` may name (what a user may
        pick from for an ambiguous name), by code."""
        typed = plain(text)
        found = self.townships.get(township_stem(typed)[0], []) + self._villages_named(typed)
        return sorted({r.code: r for r in found}.values(), key=lambda r: r.code)

    def pick(self, name: str, code: str) -> None:
        """The user's pick for a name several places answer to, used wherever the name is
        ambiguous and the pick is one of its candidates there. ValueError when the code is
        not one of the places of the scope the name may mean (whether it exists elsewhere
        is not said)."""
        typed = plain(name)
        if code not in {r.code for r in self.candidates(typed)}:
            raise ValueError(_("“%(n)s”不能对应到“%(c)s”:请从该名称在您辖区内的候选区划中选择")
                             % {"n": typed, "c": code})
        self.picks[typed] = code
        self._found.clear()

    def _answered(self, typed: str, matches: list[Region]) -> Found:
        """The user's pick among ``matches``, or Ambiguous listing them."""
        picked = self.picks.get(typed)
        for region in matches:
            if region.code == picked:
                return Found(region)
        raise self._ambiguous(typed, matches)

    def _code(self, text: str, level: int) -> Region | None:
        """A typed code (of this level or, for a village, a township's) or None for a name."""
        digits = "".join(plain(text).split())
        if not is_ascii_number(digits):
            return None
        return self.lookup.find(digits, level=level)

    @staticmethod
    def _ambiguous(text: str, matches: list[Region]) -> Ambiguous:
        matches = sorted(matches, key=lambda r: r.code)
        names = "、".join(place_label(r, matches) for r in matches)
        return Ambiguous(_("“%(n)s”对应多个区划:%(c)s;请填写乡镇(街道)或区划代码") % {
            "n": plain(text), "c": names}, value=plain(text), candidates=matches)
