"""What one user may see and do: the single scope mechanism every selector uses.

Scope is a union of region-code prefixes (DESIGN.md §4): a record is inside the
user's subtree when its stored region code starts with one of the membership codes.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from linli.accounts.roles import (
    ORG_ROLES,
    PERSONAL_DOMAINS,
    ROLE_PERMISSIONS,
    SECOND_FACTOR_ROLES,
    Domain,
    domains_for,
)


def minimal_prefixes(codes) -> tuple[str, ...]:
    """Drop every code that lies inside another one: {'6301', '630102'} → ('6301',)."""
    kept: list[str] = []
    for code in sorted(set(codes), key=len):
        if not any(code.startswith(prefix) for prefix in kept):
            kept.append(code)
    return tuple(sorted(kept))


@dataclass(frozen=True)
class Access:
    user_id: int | None
    roles: frozenset[str] = frozenset()
    region_codes: tuple[str, ...] = ()
    domains: frozenset[str] = frozenset()
    permissions: frozenset[str] = frozenset()
    organisation_ids: frozenset[int] = frozenset()
    memberships: tuple = field(default=(), compare=False, repr=False)
    # Per-request memo for reads many parts of a page need (e.g. the scope's root regions).
    memo: dict = field(default_factory=dict, compare=False, repr=False)

    def region_q(self, field_name: str = "region_code") -> Q:
        """A filter matching records inside the scope; matches nothing for an empty scope."""
        query = Q(pk__in=[])
        for code in self.region_codes:
            query |= Q(**{f"{field_name}__startswith": code})
        return query

    def filter(self, queryset: QuerySet, field_name: str = "region_code") -> QuerySet:
        return queryset.filter(self.region_q(field_name))

    def scope_q(self, region_field: str = "region_code",
                organisation_field: str | None = None) -> Q:
        """Inside the region subtree, or — for organisation staff — their organisation's."""
        query = self.region_q(region_field)
        if organisation_field and self.organisation_ids:
            query |= Q(**{f"{organisation_field}__in": sorted(self.organisation_ids)})
        return query

    def covers(self, code: str) -> bool:
        return any(code.startswith(prefix) for prefix in self.region_codes)

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def sees_domain(self, domain: str) -> bool:
        return domain in self.domains

    @property
    def sees_personal_data(self) -> bool:
        """Any domain of people's data (the system administrator and 社会组织管理局 have none)."""
        return bool(self.domains & PERSONAL_DOMAINS)

    @property
    def needs_second_factor(self) -> bool:
        return bool(self.roles & SECOND_FACTOR_ROLES)


NO_ACCESS = Access(user_id=None)


def access_for(user) -> Access:
    """The user's access, computed once per request and cached on the user object.

    An Access passes through unchanged, so selectors accept either.
    """
    if isinstance(user, Access):
        return user
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, "_linli_access", None)
    if cached is not None:
        return cached
    memberships = tuple(
        user.memberships.filter(is_active=True).select_related("region").order_by("region_code")
    )
    access = Access(
        user_id=user.pk,
        roles=frozenset(m.role for m in memberships),
        region_codes=minimal_prefixes(m.region_code for m in memberships
                                      if m.role not in ORG_ROLES),
        organisation_ids=frozenset(m.organisation_id for m in memberships
                                   if m.role in ORG_ROLES),
        domains=frozenset().union(*(domains_for(m.role, m.bureau) for m in memberships)),
        permissions=frozenset().union(*(ROLE_PERMISSIONS[m.role] for m in memberships)),
        memberships=memberships,
    )
    user._linli_access = access
    return access


def hidden_domains(access: Access) -> list[str]:
    """The kinds of people in care the actor's figures leave out (a provincial bureau sees
    its own domains only), for a page to say that its counts are filtered; [] when none."""
    if not access.sees_personal_data:
        return []
    return [str(d.label) for d in Domain if d in PERSONAL_DOMAINS and d not in access.domains]
