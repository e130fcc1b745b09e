"""Finding a region from what clerks type in a roster: a code, a full name, or the short
name (北关社区 for 北关社区居民委员会, 东关大街 for 东关大街街道), within the user's scope."""

import unicodedata

from django.utils.translation import gettext as _

from linli.accounts.access import access_for
from linli.core.bounds import ascii_digits, is_ascii_number
from linli.regions.models import Region

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
