"""The actor knowledge base: data files shipped in ``nestor/kb/data`` plus an optional user folder.

Files (schema in ``data/README.md``): ``countries.csv``, ``people.csv``, ``orgs.csv``,
``roles.csv``, ``regions.csv`` (named regions that are not states) and ``titles.csv`` (a title that
stands for another office in one country: the Iranian "president" is the head of government). A
user folder (``--kb DIR``, setting ``kb_extra``) may hold files of the same names
and shape; their rows are added to (and, for the same id, override) the shipped ones. A malformed
file is rejected at load with :class:`~nestor.errors.KnowledgeBaseError` naming file, line, field.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from ..errors import KnowledgeBaseError

SECTORS = {"GOV", "MIL", "LEG", "JUD", "COP", "BUS", "MED", "REB", "OPP", "CVL", "REF", "NGO", "EDU", "SPY",
           "UAF", "CRM", "IGO", "ELI", "HLH", "LAB", "AGR", "REL"}
OFFICES = {"head_of_state", "head_of_government", "foreign_minister", "defence_minister", "igo_leader"}
ORG_KINDS = {"IGO", "BUS", "MED", "NGO", "GOVORG", "REB", "PARTY"}   # REB: armed non-state groups
OWNERS = {"state", "private", "mixed"}
INDUSTRIES = {
    # companies
    "energy", "nuclear", "bank", "finance", "fund", "tech", "telecom", "electronics", "defence", "aerospace",
    "space", "auto", "mining", "metals", "chemicals", "pharma", "shipping", "transport", "construction",
    "industry", "conglomerate", "consumer", "agri", "pmc",
    # media
    "agency", "broadcaster", "newspaper", "online",
}
FILES = ("countries.csv", "orgs.csv", "people.csv", "roles.csv", "regions.csv", "titles.csv")
COLUMNS = {
    "countries.csv": ["code", "name", "aliases", "adjectives", "capitals"],
    "people.csv": ["person_id", "name", "aliases", "country", "office", "sector", "start", "end"],
    "orgs.csv": ["code", "name", "aliases", "kind", "country", "sector", "owner", "industry"],
    "roles.csv": ["phrase", "sector", "kind", "office"],
    "regions.csv": ["code", "name", "aliases", "adjectives", "members"],
    "titles.csv": ["country", "phrase", "office", "start", "end"],
}
# columns a file may leave out (older user files keep loading)
OPTIONAL = {"orgs.csv": {"owner", "industry"}, "roles.csv": {"office"}, "regions.csv": {"adjectives"},
            "titles.csv": {"start", "end"}}


@dataclass(frozen=True)
class Office:
    country: str
    office: str
    sector: str
    start: date | None
    end: date | None

    def holds(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass
class Person:
    id: str
    name: str
    aliases: list[str]
    offices: list[Office] = field(default_factory=list)

    def office_at(self, day: date | None) -> tuple[Office | None, float]:
        """The office held on ``day`` (confidence 1), else the nearest one (lower confidence)."""
        if not self.offices:
            return None, 0.0
        if day is None:
            return max(self.offices, key=lambda o: o.start or date.min), 0.5
        held = [o for o in self.offices if o.holds(day)]
        if held:  # several at once (PM and party leader...): the higher office first
            rank = ["head_of_state", "head_of_government", "foreign_minister", "defence_minister", "igo_leader"]
            return sorted(held, key=lambda o: rank.index(o.office))[0], 1.0
        # not in office that day: the last office before it, else the first after
        before = [o for o in self.offices if o.end and o.end <= day]
        if before:
            return max(before, key=lambda o: o.end or date.min), 0.6   # a former official keeps the country
        return min(self.offices, key=lambda o: o.start or date.max), 0.4


@dataclass
class Country:
    code: str
    name: str
    aliases: list[str]
    adjectives: list[str]
    capitals: list[str]


@dataclass
class Org:
    code: str
    name: str
    aliases: list[str]
    kind: str
    country: str | None
    sector: str
    owner: str | None = None      # state | private | mixed (companies and media; None = not given)
    industry: str | None = None   # one of INDUSTRIES (None = not given)


@dataclass
class Region:
    """A named region that is not a state ("Latin America", "the Gulf"): never coded as a country."""
    code: str
    name: str
    aliases: list[str]
    adjectives: list[str]         # "Latin American", "Western": the region's actors, not a state's
    members: list[str]            # ISO alpha-3 codes of the states usually meant (may be empty)


@dataclass
class Role:
    phrase: str
    sector: str
    kind: str
    office: str | None


def _split(v: str | None) -> list[str]:
    return [x.strip() for x in (v or "").split("|") if x.strip()]


def _date(path: str, line: int, fieldname: str, v: str) -> date | None:
    if not v.strip():
        return None
    try:
        return date.fromisoformat(v.strip())
    except ValueError:
        raise KnowledgeBaseError(path, line, fieldname, f"{v!r} is not an ISO date (YYYY-MM-DD)") from None


def _rows(path: Path, name: str) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as e:
        raise KnowledgeBaseError(str(path), None, None, f"not UTF-8 ({e})") from None
    reader = csv.reader(text.splitlines())
    try:
        header = next(reader)
    except StopIteration:
        raise KnowledgeBaseError(str(path), 1, None, "empty file: a header row is required") from None
    want = COLUMNS[name]
    required = [c for c in want if c not in OPTIONAL.get(name, set())]
    missing = [c for c in required if c not in header]
    if missing:
        raise KnowledgeBaseError(str(path), 1, missing[0], f"missing column(s) {missing}; expected {want}")
    out = []
    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not c.strip() for c in row) or row[0].startswith("#"):
                continue
            if len(row) != len(header):
                raise KnowledgeBaseError(str(path), line, None,
                                         f"{len(row)} fields where the header has {len(header)}")
            out.append((line, dict(zip(header, row, strict=False))))
    except csv.Error as e:
        raise KnowledgeBaseError(str(path), reader.line_num, None, f"CSV error: {e}") from None
    return out


@dataclass
class KnowledgeBase:
    countries: dict[str, Country] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    orgs: dict[str, Org] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    # (country, phrase) -> [(office, start, end)]: what a title stands for in one country, when
    titles: dict[tuple[str, str], list[tuple[str, date | None, date | None]]] = field(default_factory=dict)

    @classmethod
    def load(cls, extra: str | Path | None = None) -> KnowledgeBase:
        kb = cls()
        base = resources.files("nestor.kb").joinpath("data")
        folders: list[Path] = [Path(str(base))]
        if extra:
            p = Path(extra)
            if not p.is_dir():
                raise KnowledgeBaseError(str(p), None, None, "not a folder of knowledge-base files")
            folders.append(p)
        for folder in folders:
            for name in FILES:
                f = folder / name
                if f.is_file():
                    kb._add(f, name)
        kb._check_refs()
        return kb

    def _add(self, path: Path, name: str) -> None:
        sp = str(path)

        def one_of(r: dict[str, str], line: int, field: str, allowed: set[str], optional: bool = False) -> str | None:
            value = (r.get(field) or "").strip()
            if optional and not value:
                return None
            return required(r, line, field, allowed)

        def required(r: dict[str, str], line: int, field: str, allowed: set[str]) -> str:
            value = (r.get(field) or "").strip()
            if value not in allowed:
                raise KnowledgeBaseError(sp, line, field, f"{value!r} not one of {sorted(allowed)}")
            return value

        for line, r in _rows(path, name):
            if name == "countries.csv":
                code = r["code"].strip()
                if len(code) != 3 or not code.isalpha() or not code.isupper():
                    raise KnowledgeBaseError(sp, line, "code", f"{code!r} is not an ISO 3166 alpha-3 code")
                self.countries[code] = Country(code, r["name"].strip(), _split(r["aliases"]),
                                               _split(r["adjectives"]), _split(r["capitals"]))
            elif name == "orgs.csv":
                kind = required(r, line, "kind", ORG_KINDS)
                sector = required(r, line, "sector", SECTORS)
                code = r["code"].strip()
                if not code:
                    raise KnowledgeBaseError(sp, line, "code", "empty")
                if code in self.countries or code in self.regions:
                    raise KnowledgeBaseError(sp, line, "code", f"{code!r} is already a country or region code")
                country = r["country"].strip() or None
                if country and country not in self.countries:
                    raise KnowledgeBaseError(sp, line, "country", f"{country!r} is not a country code")
                owner = one_of(r, line, "owner", OWNERS, optional=True)
                industry = one_of(r, line, "industry", INDUSTRIES, optional=True)
                self.orgs[code] = Org(code, r["name"].strip(), _split(r["aliases"]), kind, country, sector,
                                      owner, industry)
            elif name == "people.csv":
                pid = r["person_id"].strip()
                if not pid:
                    raise KnowledgeBaseError(sp, line, "person_id", "empty")
                office = required(r, line, "office", OFFICES)
                sector = required(r, line, "sector", SECTORS)
                start, end = _date(sp, line, "start", r["start"]), _date(sp, line, "end", r["end"])
                if start and end and end < start:
                    raise KnowledgeBaseError(sp, line, "end", f"end {end} is before start {start}")
                person = self.people.get(pid)
                if person is None:
                    person = self.people[pid] = Person(pid, r["name"].strip(), [])
                for a in _split(r["aliases"]) + [r["name"].strip()]:
                    if a not in person.aliases:
                        person.aliases.append(a)
                o = Office(r["country"].strip(), office, sector, start, end)
                if o not in person.offices:
                    person.offices.append(o)
            elif name == "roles.csv":
                sector = required(r, line, "sector", SECTORS)
                role_office = one_of(r, line, "office", OFFICES, optional=True)
                phrase = r["phrase"].strip().lower()
                self.roles[phrase] = Role(phrase, sector, r["kind"].strip() or "role", role_office)
            elif name == "regions.csv":
                code = r["code"].strip()
                if len(code) != 3 or not code.isalpha() or not code.isupper():
                    raise KnowledgeBaseError(sp, line, "code", f"{code!r} is not a three-letter upper-case code")
                if code in self.countries or code in self.orgs:
                    raise KnowledgeBaseError(sp, line, "code", f"{code!r} is already a country or organisation code")
                members = _split(r["members"])
                for c in members:
                    if c not in self.countries:
                        raise KnowledgeBaseError(sp, line, "members", f"{c!r} is not a country code")
                if not r["name"].strip():
                    raise KnowledgeBaseError(sp, line, "name", "empty")
                self.regions[code] = Region(code, r["name"].strip(), _split(r["aliases"]),
                                            _split(r.get("adjectives")), members)
            elif name == "titles.csv":
                country = r["country"].strip()
                if country not in self.countries:
                    raise KnowledgeBaseError(sp, line, "country", f"{country!r} is not a country code")
                phrase = r["phrase"].strip().lower()
                if phrase not in self.roles:
                    raise KnowledgeBaseError(sp, line, "phrase", f"{phrase!r} is not a phrase of roles.csv")
                office = required(r, line, "office", OFFICES)
                start, end = _date(sp, line, "start", r.get("start") or ""), _date(sp, line, "end", r.get("end") or "")
                if start and end and end < start:
                    raise KnowledgeBaseError(sp, line, "end", f"end {end} is before start {start}")
                rules = [x for x in self.titles.get((country, phrase), []) if (x[1], x[2]) != (start, end)]
                self.titles[(country, phrase)] = rules + [(office, start, end)]   # a user row replaces the same period

    def _check_refs(self) -> None:
        for p in self.people.values():
            for o in p.offices:
                if o.country not in self.countries and o.country not in self.orgs:
                    raise KnowledgeBaseError("people.csv", None, "country",
                                             f"{p.id}: unknown country or organisation code {o.country!r}")

    def office_for(self, country: str, phrase: str, day: date | None = None) -> str | None:
        """The office a title stands for in ``country`` on ``day``: ``titles.csv`` first, else ``roles.csv``.

        "president" is ``head_of_state`` in most countries but ``head_of_government`` in Iran, where
        the Supreme Leader is head of state; "leader" is the prime minister in parliamentary systems
        (Pakistan's only since 2008). Undated (``day`` None): the rule still in force.
        """
        phrase = phrase.lower()
        for office, start, end in self.titles.get((country, phrase), []):
            if day is None:
                if end is None:
                    return office
            elif (start is None or start <= day) and (end is None or day < end):
                return office
        role = self.roles.get(phrase)
        return role.office if role else None

    def holder(self, country: str, office: str, day: date | None) -> Person | None:
        """Who held ``office`` in ``country`` on ``day`` (the latest holder when day is None)."""
        best: tuple[date, Person] | None = None
        for p in self.people.values():
            for o in p.offices:
                if o.country != country or o.office != office:
                    continue
                if day is not None and o.holds(day):
                    return p
                if day is None and (best is None or (o.start or date.min) > best[0]):
                    best = (o.start or date.min, p)
        return best[1] if best else None
