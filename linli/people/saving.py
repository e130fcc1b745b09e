"""How a checked roster is saved: a chunk of rows (CHUNK, 1,000) in one transaction, new
people written in bulk with their history, groups (with history) and guardians
(``linli.people.bulk``: COPY on PostgreSQL), people registered before updated with history
and completed with what the roster adds; the visit schedules of those created or changed
follow once the chunk commits. The people importer mixes this in."""

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from linli.accounts.roles import Domain, domain_mask
from linli.core.errors import Invalid
from linli.core.pinyin import pinyin_keys
from linli.people import bulk, identity
from linli.people.models import Contact, GroupMembership, Person
from linli.people.services import EDITABLE, id_number_clash
from linli.people.services import changed as notify_changed

MEMO = 1 << 16  # distinct names whose pinyin is remembered during one file
# What a re-import compares of a registered person, read as values.
_KNOWN = ("id", "id_hash", "region_code", "birth_date", *EDITABLE)


def _known(values: tuple) -> dict:
    return dict(zip(_KNOWN, values, strict=True))


class RosterSaving:
    """check_batch and commit_batch of the people importer. Rows are its cleaned rows
    (``importers.Row``); it provides ``actor``, ``access`` and ``groups``."""

    def _init_saving(self) -> None:
        self._pinyin: dict[str, tuple[str, str]] = {}
        self._checked: tuple[set[str], set[str]] = (set(), set())  # hashes checked, found
        self._masks: dict[tuple, int] = {}  # groups → data domains
        # The words every saved row carries, translated once (gettext costs a row a µs).
        self._words = {"source": _("花名册导入"), "guardian": _("监护人")}

    def check_batch(self, cleaned: list) -> dict[int, str]:
        """A number already registered in another region: refuse, without saying where.
        Which of the chunk's numbers are registered at all is kept for commit_batch."""
        hashes = {r.id_hash for r in cleaned if r.id_hash}
        found = dict(bulk.values_where(Person, "id_hash", hashes, ["id_hash", "region_code"]))
        self._checked = (hashes, set(found))
        return {i: id_number_clash(actor=self.actor, id_hash=r.id_hash)
                for i, r in enumerate(cleaned)
                if r.id_hash in found and not self.access.covers(found[r.id_hash])}

    def _existing(self, rows: list) -> dict[Any, dict]:
        """The people the rows name who are registered already, by natural key: the values
        a re-import compares ({column: value}), not model instances (a roster imported
        again is mostly unchanged; only the changed people are loaded whole). A number
        check_batch has just found unregistered is not looked up again."""
        checked, registered = self._checked
        hashes = [r.id_hash for r in rows if r.id_hash and (
            r.id_hash not in checked or r.id_hash in registered)]
        found = {}
        if hashes:
            found = {known["id_hash"]: known for known in map(
                _known, bulk.values_where(Person, "id_hash", hashes, list(_KNOWN)))}
        without = [r for r in rows if not r.id_hash]
        if without:
            query = Q(pk__in=[])
            for r in without:
                query |= Q(name=r.fields["name"], region_code=r.region.code,
                           birth_date=r.birth_date, id_hash="")
            found |= {(known["name"], known["region_code"], known["birth_date"]): known
                      for known in Person.objects.filter(query).values(*_KNOWN)}
        return found

    def commit_batch(self, cleaned: list) -> list:
        """Up to a chunk of rows saved at once, all or nothing: new people (with their
        history, groups and guardians) written in bulk, changed ones updated with history;
        the visit schedules of those created or changed follow once the chunk commits."""
        with transaction.atomic():
            results, changed_ids = self._save(cleaned)
        notify_changed(*changed_ids)
        return results

    def _save(self, cleaned: list) -> tuple[list, list[int]]:
        existing = self._existing(cleaned)
        new, changes, results = [], {}, []
        for row in cleaned:
            known = existing.get(row.natural_key)
            if known is None:
                new.append(row)
                results.append("created")
            elif not self.access.covers(known["region_code"]):
                results.append(Invalid(id_number_clash(actor=self.actor,
                                                       id_hash=known["id_hash"])))
            elif diff := self._diff(known, row):
                changes[known["id"]] = diff
                results.append("updated")
            else:
                results.append("unchanged")
        history = bulk.History(self.actor, _("花名册导入"))
        created = dict(zip((r.natural_key for r in new), self._create(new, history),
                           strict=True))
        self._update(changes, history)
        kept = {row.natural_key: existing[row.natural_key]["id"]
                for row, result in zip(cleaned, results, strict=True)
                if row.natural_key in existing and isinstance(result, str)}
        touched = self._add_to_existing([r for r in cleaned if r.natural_key in kept], kept)
        # A row that only adds a group, a criterion or a contact has changed the record too.
        results = ["updated" if result == "unchanged" and kept[row.natural_key] in touched
                   else result for row, result in zip(cleaned, results, strict=True)]
        return results, [*created.values(), *changes, *touched]

    def _create(self, rows: list, history: bulk.History) -> list[int]:
        """New people, with history, their groups (with history) and guardians: their ids."""
        numbers = iter(identity.encrypt_many([r.id_value for r in rows if r.id_value]))
        people = [self._new_person(row, next(numbers) if row.id_value else "") for row in rows]
        ids = bulk.insert(Person, people, history=history)
        today = timezone.localdate()
        bulk.insert(GroupMembership, [
            self._membership(pk, row, code, today) for pk, row in zip(ids, rows, strict=True)
            for code in row.groups], history=bulk.History(self.actor))
        bulk.insert(Contact, [self._guardian(pk, row) for pk, row in zip(ids, rows, strict=True)
                              if row.guardian])
        return ids

    def _new_person(self, row, encrypted: str) -> dict:
        """A new person's columns (the rest take their defaults)."""
        name = row.fields["name"]
        keys = self._pinyin.get(name)
        if keys is None:  # a roster repeats its names: pypinyin costs more than the rest
            keys = pinyin_keys(name)
            if len(self._pinyin) < MEMO:  # bounded: a million-row roster has many names
                self._pinyin[name] = keys
        return {**row.fields, "region_id": row.region.pk, "region_code": row.region.code,
                "name_pinyin": keys[0], "name_initials": keys[1], "birth_date": row.birth_date,
                "sex": row.sex, "domain_mask": self._mask(row.groups), "id_hash": row.id_hash,
                "id_encrypted": encrypted,
                "id_masked": identity.mask(row.id_value) if row.id_value else ""}

    def _membership(self, person_id: int, row, code: str, today: date) -> dict:
        return {"person_id": person_id, "group_id": self.groups[code].pk, "started_on": today,
                "source": self._words["source"], "criterion": row.criteria.get(code, "")}

    def _guardian(self, person_id: int, row) -> dict:
        name, phone = row.guardian
        return {"person_id": person_id, "name": name, "relation": self._words["guardian"],
                "phone": phone, "is_guardian": True}

    @staticmethod
    def _diff(known: dict, row) -> dict:
        """What the row changes in a registered person ({field: new value}): the values it
        gives (a blank cell changes nothing), and the village of a person waiting at the
        township level."""
        fields = {k: v for k, v in row.fields.items() if v not in ("", None)}
        fields.pop("no_id_reason", None)
        code = known["region_code"]
        if len(code) < len(row.region.code) and row.region.code.startswith(code):
            fields["region_code"] = row.region.code
        diff = {k: v for k, v in fields.items() if known[k] != v}
        if "region_code" in diff:
            diff["region_id"] = row.region.pk
        return diff

    def _update(self, changes: dict[int, dict], history: bulk.History) -> None:
        """The changed people ({pk: diff}) loaded, changed and saved with history."""
        if not changes:
            return
        people = list(Person.objects.filter(pk__in=list(changes)))
        for person in people:
            for key, value in changes[person.pk].items():
                setattr(person, key, value)
            person.version += 1
            person.name_pinyin, person.name_initials = pinyin_keys(person.name)
        bulk_update_with_history(people, Person, [*EDITABLE, "version", "region",
                                                  "region_code", "name_pinyin",
                                                  "name_initials"], batch_size=1000,
                                 default_user=self.actor, default_change_reason=history.reason)

    def _mask(self, codes: list[str]) -> int:
        key = tuple(codes)
        mask = self._masks.get(key)
        if mask is None:
            mask = self._masks[key] = domain_mask({self.groups[c].domain for c in codes}
                                                  or {Domain.GENERAL})
        return mask

    def _add_to_existing(self, rows: list, saved: dict[Any, int]) -> set[int]:
        """Add the new groups and guardians of people registered before (and a criterion
        or a phone they now give); the ids of the people so changed."""
        if not rows:
            return set()
        ids = list(saved.values())
        codes = {group.pk: code for code, group in self.groups.items()}
        # {(person, group code): (membership id, criterion)}: values, not instances
        have = {(person_id, codes[group_id]): (pk, criterion)
                for pk, person_id, group_id, criterion in GroupMembership.objects.filter(
                    person_id__in=ids, ended_on__isnull=True).values_list(
                    "pk", "person_id", "group_id", "criterion")}
        today = timezone.localdate()
        memberships = [(saved[r.natural_key], r, c) for r in rows for c in r.groups
                       if (saved[r.natural_key], c) not in have]
        bulk.insert(GroupMembership, [self._membership(pk, row, code, today)
                                      for pk, row, code in memberships],
                    history=bulk.History(self.actor))
        touched = {pk for pk, _row, _code in memberships}
        if touched:
            self._refresh_domains(touched)
        completed = self._complete_criteria(rows, saved, have)
        return touched | completed | self._add_contacts(rows, saved, ids)

    @staticmethod
    def _refresh_domains(ids: set[int]) -> None:
        """The data domains of people whose groups changed, from their current groups."""
        current: dict[int, set[str]] = {}
        for person_id, domain in GroupMembership.objects.filter(
                person_id__in=ids, ended_on__isnull=True).values_list("person_id",
                                                                      "group__domain"):
            current.setdefault(person_id, set()).add(domain)
        people = list(Person.objects.filter(pk__in=ids).only("pk", "domain_mask"))
        for person in people:
            person.domain_mask = domain_mask(current.get(person.pk) or {Domain.GENERAL})
        Person.objects.bulk_update(people, ["domain_mask"], batch_size=1000)

    def _complete_criteria(self, rows: list, saved: dict, have: dict) -> set[int]:
        """A criterion now given for a membership imported without one (认定情形待补充)."""
        given = {}  # membership id → the criterion now given
        for row in rows:
            for code, criterion in row.criteria.items():
                membership = have.get((saved[row.natural_key], code))
                if membership is not None and criterion and not membership[1]:
                    given[membership[0]] = criterion
        completed = list(GroupMembership.objects.filter(pk__in=list(given))) if given else []
        for membership in completed:
            membership.criterion = given[membership.pk]
        if completed:
            bulk_update_with_history(completed, GroupMembership, ["criterion"],
                                     batch_size=1000, default_user=self.actor,
                                     default_change_reason=_("花名册导入"))
        return {m.person_id for m in completed}

    def _add_contacts(self, rows: list, saved: dict, ids: list[int]) -> set[int]:
        """New guardians, and a phone for a guardian saved without one."""
        if not any(row.guardian for row in rows):
            return set()
        have = {(person_id, name): (pk, phone) for pk, person_id, name, phone in
                Contact.objects.filter(person_id__in=ids, is_guardian=True).values_list(
                    "pk", "person_id", "name", "phone")}
        new, phoned = [], []
        for row in rows:
            if not row.guardian:
                continue
            name, phone = row.guardian
            person_id = saved[row.natural_key]
            contact = have.get((person_id, name))
            if contact is None:
                new.append(self._guardian(person_id, row))
            elif phone and not contact[1]:
                # only the phone is written (bulk_update writes the fields it is given)
                phoned.append(Contact(pk=contact[0], person_id=person_id, phone=phone))
        bulk.insert(Contact, new)
        Contact.objects.bulk_update(phoned, ["phone"], batch_size=1000)
        return {c["person_id"] for c in new} | {c.person_id for c in phoned}
