"""The knowledge bundle that per-article extraction reads: actors, ontology and patterns.

Loaded once per process (each worker of the local pool, each Spark executor) by
:meth:`Knowledge.load` and passed down explicitly; no stage keeps a module-level cache of it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .config import Settings


@dataclass(frozen=True)
class Knowledge:
    actors: Any            # nestor.extract.actors.ActorKB
    ontology: Any          # nestor.extract.events.Ontology
    settings: Settings

    @classmethod
    def load(cls, settings: Settings) -> Knowledge:
        from .extract.actors import ActorKB
        from .extract.events import Ontology

        return cls(actors=ActorKB.load(settings.kb_extra), ontology=Ontology.load(), settings=settings)
