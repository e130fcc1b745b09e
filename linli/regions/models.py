from django.db import models
from django.utils.translation import gettext_lazy as _

# NBS codes are prefix-hierarchical: 63 → 6301 → 630102 → 630102001 → 630102001001.
CODE_LENGTHS = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}
PROVINCE_CODE = "63"  # 青海省


class Level(models.IntegerChoices):
    PROVINCE = 1, _("省")
    PREFECTURE = 2, _("市(州)")
    COUNTY = 3, _("县(市、区、行委)")
    TOWNSHIP = 4, _("乡镇(街道)")
    VILLAGE = 5, _("村(社区)")


class VillageKind(models.TextChoices):
    URBAN = "urban", _("城镇社区")
    RURAL = "rural", _("农村")


class Region(models.Model):
    """One administrative division of Qinghai from the NBS 统计用区划代码 2023."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    path = models.CharField(_("全称路径"), max_length=255)
    village_kind = models.CharField(
        _("城乡类别"), max_length=8, choices=VillageKind.choices, blank=True,
        help_text=_("仅村(社区)级:居委会/社区为城镇社区,村委会为农村"),
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        indexes = [
            # "Inside my subtree" is a LIKE 'prefix%' on code; PostgreSQL needs the
            # pattern opclass to use an index for it (SQLite ignores opclasses).
            models.Index(fields=["code"], name="region_code_prefix",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "code"], name="region_level_code"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def child_level(self) -> int | None:
        return self.level + 1 if self.level < Level.VILLAGE else None

    def ancestor_codes(self) -> list[str]:
        """Codes of the ancestors, province first (derived from the code alone)."""
        return [self.code[:CODE_LENGTHS[lvl]] for lvl in range(1, self.level)]
