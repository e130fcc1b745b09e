"""Where an organisation of a roster is active (活动地域), read as clerks write it.

From its 活动地域 / 村(社区) column — a code, a village with or without its township, a
township or a county, since an organisation may serve a whole township or county, unlike
a person — else the village written in its 活动场所, else its 乡镇 column, else the sheet's
name or title rows, else the file's default region. Every name is searched in the whole
scope (``PlaceIndex``: 村 = 村委会 = 村民委员会, 社区 = 居委会, suffixes missing, group and
house numbers dropped, a renamed 镇 found under its 街道 name). A place written but not
found is refused, never guessed at its township: the 活动地域 is part of what a community
organisation files. A place of another county answers as one that does not exist."""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.bounds import is_ascii_number
from linli.core.errors import Invalid
from linli.regions.lookup import (
    Found,
    NotInScope,
    PlaceIndex,
    RegionLookup,
    address_places,
    plain,
    short_name,
    township_stem,
    without_numbers,
)
from linli.regions.models import Level, Region

# 城东区民政局, 东关大街街道办事处: the body named, the region meant.
_AUTHORITY_WORDS = re.compile(r"(?:民政局|民政厅|民政部门|人民政府|政府|办事处)$")
_FILL_IN = re.compile(r"^.*[::]")  # 填报单位:东关大街街道办事处 → 东关大街街道办事处
# What a title says besides the place: 某某街道社区社会组织花名册 (whose 社区 is no village's).
_ROSTER_WORDS = re.compile(r"(?:城乡)?社区社会组织|社会组织|花名册|名册|登记表|统计表|一览表|"
                           r"备案表|汇总表|信息表")
# Where a row wrote its township, when not in its 乡镇 column (see Places._township).
_SOURCES = ["", gettext_lazy("活动地域"), gettext_lazy("活动场所")]


@dataclass
class _Township:
    region: Region
    source: str  # "" for the 乡镇 column, else 活动地域 or 活动场所


class Places:
    """The actor's regions from the county down, for one file: its default region
    (``default``, refused with Invalid on the ``region`` option when it is not the actor's)
    and the current sheet's (``context``)."""

    def __init__(self, actor, default: str = ""):
        self.regions = RegionLookup(actor, min_level=Level.COUNTY)
        self.index = PlaceIndex(self.regions)
        self.above: dict[str, Region | None] = {}  # regions above the scope, by code
        self.default = self._option(default)
        self.context, self.context_from = self.default, _("默认区划")

    def _option(self, text) -> Found | None:
        if not text:
            return None
        try:
            return self._context(str(text), strict=True)
        except ValueError as error:
            raise Invalid(_("默认区划:%(e)s") % {"e": error},
                          details={"region": [str(error)]}) from None

    def start_sheet(self, sheet) -> None:
        """Before a sheet's rows: its name or a title row (某某镇社会组织花名册,
        填报单位:某某街道办事处) may say where its organisations are."""
        self.context, self.context_from = self.default, _("默认区划")
        titles = getattr(sheet, "titles", None) or [getattr(sheet, "title", "")]
        sources = [(_("工作表名称"), sheet.name), *((_("表格标题"), t) for t in titles)]
        for source, text in sources:
            text = _ROSTER_WORDS.sub("", _FILL_IN.sub("", text or ""))
            found = self._context(text) if text else None
            if found is not None:
                self.context, self.context_from = found, source
                return

    def _context(self, text: str, *, strict: bool = False) -> Found | None:
        """The village or township a sheet or a title names, None when it names none
        (Sheet1); or, ``strict``, the village, township or county of the default option, or
        the reason. (A county is only taken when asked for: a county's title names the
        whole scope, and a community organisation is never filed with a county.)"""
        township, village = address_places(text)
        attempts = [(self.index.village, village), (self.index.township, township)]
        if strict or not (township or village):
            attempts += [(self._code, text), (self.index.township, text),
                         (self.index.village, text)]
        if strict:
            attempts.append((self._county, text))
        errors = []
        for find, name in attempts:
            if not name:
                continue
            try:
                return find(name)
            except ValueError as error:
                errors.append(error)
        if strict:
            raise errors[0] if errors else NotInScope(_("请填写乡镇(街道)或村(社区)"))
        return None

    def _code(self, text: str) -> Found:
        """A region typed by its code: any level of the scope (county, township, village)."""
        digits = "".join(plain(text).split())
        if not is_ascii_number(digits):
            raise NotInScope(_("在您的辖区内找不到“%(n)s”") % {"n": plain(text)})
        return Found(self.regions.find(digits))

    def _county(self, text: str) -> Found:
        try:
            return Found(self.regions.find(text, level=Level.COUNTY))
        except ValueError as error:
            raise NotInScope(str(error)) from None

    def place(self, text: dict, warnings: list[str]) -> Region:
        """Where the row's organisation is active: its 活动地域 as written, else a guess
        from its 活动场所, its 乡镇 column, the sheet, the title or the default — told in
        ``warnings``. ``text``: the row's cells by column key."""
        typed, address = text.get("region", ""), text.get("address", "")
        typed_township, typed_village = address_places(typed)
        address_township, address_village = address_places(address)
        township, township_error = self._township(
            [text.get("township", ""), typed_township, address_township], warnings)
        near = township.region if township else (self.context.region if self.context else None)
        try:
            if typed:
                region = self._typed(typed, typed_township, typed_village, near, warnings)
            else:
                region = self._guessed(address, address_village, township, near, warnings)
        except NotInScope:
            if township_error is not None and not typed:
                raise township_error from None
            raise
        if township_error is not None:
            warnings.append(_("%(e)s,已按活动地域“%(r)s”登记") % {
                "e": township_error, "r": region.name})
        return region

    def _township(self, names: list[str], warnings: list[str]):
        """(the township the row writes — in its 乡镇 column, its 活动地域 or its 活动场所 —
        or None; the error of one written but not found)."""
        error = None
        for index, name in enumerate(names):
            if not name:
                continue
            try:
                found = self.index.township(name)
            except ValueError as failure:
                error = error or failure
                continue
            warnings += found.warnings
            return _Township(found.region, "" if index == 0 else _SOURCES[index]), None
        return None, error

    def _typed(self, typed: str, township_name: str, village_name: str,
               near: Region | None, warnings: list[str]) -> Region:
        if is_ascii_number("".join(plain(typed).split())):
            return self._code(typed).region
        village = village_name or ("" if township_name else typed)
        errors: list[ValueError] = []
        if village:
            try:
                found = self.index.village(village, township=near)
            except NotInScope as error:
                if village_name:
                    raise  # a village named: not guessed at its township
                errors.append(error)
            else:
                warnings += found.warnings
                return found.region
        for find in (self.index.township, self._county):
            try:
                found = find(township_name or typed)
            except NotInScope as error:
                errors.append(error)
            else:
                warnings += found.warnings
                return found.region
        raise errors[0]

    def _guessed(self, address: str, address_village: str, township,
                 near: Region | None, warnings: list[str]) -> Region:
        """No 活动地域: the village of the 活动场所, the row's township, or the sheet's,
        title's or default region — the guess told in a warning (a township written in
        the 乡镇 column is no guess: an organisation may serve a whole township)."""
        bare = "" if address_village else without_numbers(address)
        missed = None
        for name in (address_village, bare):
            if not name:
                continue
            try:
                found = self.index.village(name, township=near)
            except ValueError as error:
                if name == bare:
                    continue  # only a guess: 北关街12号 names no village
                if not isinstance(error, NotInScope):
                    raise
                missed = error
                continue
            warnings += found.warnings
            warnings.append(_("未填写活动地域,已按活动场所登记为“%(r)s”") % {
                "r": found.region.name})
            return found.region
        if township is not None:
            if township.source or missed:
                source = str(township.source or _("乡镇(街道)"))
                warnings.append(self._guess(township.region, source, missed))
            return township.region
        if self.context is not None:
            warnings += self.context.warnings
            warnings.append(self._guess(self.context.region, self.context_from, missed))
            return self.context.region
        raise NotInScope(_("活动地域为空:请填写“活动地域”列、在活动场所中写明村(社区),"
                           "或为文件指定默认区划"))

    @staticmethod
    def _guess(region: Region, source: str, missed: ValueError | None) -> str:
        if missed is not None:
            return _("活动场所中的村(社区):%(e)s,活动地域已按%(s)s登记为“%(r)s”") % {
                "e": missed, "s": source, "r": region.name}
        return _("未填写活动地域,已按%(s)s登记为“%(r)s”") % {"s": source, "r": region.name}

    def region_at(self, code: str) -> Region | None:
        """A region by code, inside the scope or just above it (a village committee's
        township, with which its community organisations are filed)."""
        if code in self.regions.by_code:
            return self.regions.by_code[code]
        if code not in self.above:
            self.above[code] = Region.objects.filter(code=code).first()
        return self.above[code]

    def authority(self, text: str, region: Region, warnings: list[str]) -> Region:
        """The 备案机关 / 登记管理机关: as written (城东区民政局, 东关大街街道办事处, a
        code), or by default the township of the organisation's village (the region
        itself for a township or county)."""
        above = self.region_at(region.code[:9])
        if not text:
            return above
        name = _AUTHORITY_WORDS.sub("", plain(text)) or plain(text)
        if above is not None and name in (above.code, plain(above.name), short_name(above.name),
                                          township_stem(above.name)[0]):
            return above
        try:
            return self.regions.find(name)
        except ValueError as error:
            first = error
        for find in (self.index.township, self.index.village):
            try:
                found = find(name)
            except ValueError:
                continue
            warnings += found.warnings
            return found.region
        raise ValueError(_("备案机关:%(e)s") % {"e": first})
