"""Response models of the JSON API (they document the OpenAPI schema; extra fields pass through).

One vocabulary across endpoints (docs/web.md): a record's own date is ``date`` (with ``date_end``,
``date_precision``, ``date_source``); its article's publication is ``published`` (with
``published_from``, ``published_to``, ``published_precision``, ``published_source``); periods are
``date_start``/``date_end``; every date is an ISO date (YYYY-MM-DD), never a datetime.
"""
from __future__ import annotations

import datetime as dt
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Page(BaseModel, Generic[T]):
    """Every list endpoint answers with one page of items and how to get the next."""
    items: list[T]
    total: int = Field(description="number of matches over all pages")
    limit: int
    offset: int
    next: str | None = Field(None, description="URL of the next page (same filters), null on the last")
    previous: str | None = Field(None, description="URL of the previous page, null on the first")


class _Evidenced(_Open):
    """What every coded record (event, claim, accord) shows of its proof."""
    id: str
    article_id: str
    sent_idx: int = Field(description="index of the evidence sentence in its article (anchor #s<sent_idx>)")
    evidence: str = Field(description="the evidence sentence")
    evidence_url: str = Field(description="the page of the evidence sentence: /article/ID#sN")


class Event(_Evidenced):
    event_type: str = Field(description="PLOVER category, e.g. AGREE")
    mode: str | None = None
    cameo: str | None = None
    quad_class: int | None = Field(
        None, description="1 verbal coop. · 2 material coop. · 3 verbal conflict · 4 material conflict")
    intensity: float | None = None
    source_code: str | None = None
    target_code: str | None = None
    date: dt.date | None = None
    date_end: dt.date | None = None
    date_precision: str | None = None
    date_source: str | None = None
    negated: bool | None = None
    modality: str | None = None
    n_rows: int | None = Field(None, description="stored rows this happening stands for (2 for a reciprocal event)")


class Story(_Open):
    id: str
    title: str = Field(description="who, what, where, when")
    dyad: str
    dyads: list[str]
    kind: str | None = None
    date: dt.date | None = None
    date_start: dt.date | None = None
    date_end: dt.date | None = None
    date_precision: str | None = None
    place: str | None = None
    headline: str | None = None
    n_events: int | None = None
    n_articles: int | None = None
    n_sources: int | None = None


class Article(_Open):
    id: str
    title: str | None = None
    published: dt.date | None = None
    published_from: dt.date | None = None
    published_to: dt.date | None = None
    published_precision: str | None = None
    published_source: str | None = None
    source: str | None = None
    site: str | None = Field(None, description="the URL's host, else the source it was read from")
    url: str | None = None


class Claim(_Evidenced):
    text: str
    value: float | None = None
    unit: str | None = None
    measure: str | None = None
    status: str | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    actors: list[str] | None = None


class Accord(_Evidenced):
    title: str | None = None
    doc_type: str | None = None
    parties: list[str] | None = None
    date: dt.date | None = None


class Dyad(_Open):
    dyad: str
    events: int = Field(description="distinct happenings (a reciprocal event counts once)")
    rows: int = Field(description="stored directed rows (both directions of a reciprocal event)")
    articles: int
    stories: int
    cooperation: int
    conflict: int
    date_start: dt.date | None = None
    date_end: dt.date | None = None


class Actor(_Open):
    actor_id: str
    name: str | None = None
    kind: str | None = None
    country: str | None = None
    code: str | None = None
    mentions: int | None = None
    articles: int | None = None


class Timeline(BaseModel):
    dyad: str
    stories: list[Story]
    series: list[dict[str, object]] = Field(description="per month and quad class: distinct happenings and mean intensity")


class PlaceStory(_Open):
    id: str
    title: str | None = None
    url: str
    events: int = Field(description="distinct happenings of this story at this place")


class PlacePoint(_Open):
    name: str | None = Field(None, description="the gazetteer's name of the place (else the text as written)")
    country: str | None = Field(None, description="ISO alpha-3 of the state that holds the place")
    precision: str | None = Field(None, description="country, region, city or landmark (a country's point is its capital's)")
    lat: float
    lon: float
    events: int = Field(description="distinct happenings placed here (negated events left out)")
    quads: dict[int, int] = Field(description="distinct happenings per quad class")
    stories: list[PlaceStory] = Field(description="the stories of these events, most events here first")
