"""nestor's exceptions.

The tree::

    NestorError                    base of everything nestor raises on purpose
    ├── ModelNotFound              no usable spaCy pipeline is installed
    ├── KnowledgeBaseError         a (user) knowledge-base file is malformed: file, line, field
    ├── StoreError                 the DuckDB store cannot be opened or is of another schema
    ├── InputError                 a user argument is wrong (bad date, unknown type, ...)
    ├── SparkUnavailable           ``--engine spark`` without the ``spark`` extra
    └── WorkerError                a worker process could not start or died: the run stops

Per-document problems (binary file, bad encoding, ...) are *not* exceptions that stop a run:
ingestion turns them into :class:`nestor.models.Skip` records with a typed reason.
"""
from __future__ import annotations


class NestorError(Exception):
    """Base class; the CLI prints ``str(err)`` on one line and exits with status 2."""


class ModelNotFound(NestorError):
    pass


class KnowledgeBaseError(NestorError):
    def __init__(self, path: str, line: int | None, field: str | None, reason: str) -> None:
        self.path, self.line, self.field, self.reason = path, line, field, reason
        where = path + (f", line {line}" if line is not None else "") + (f", field {field!r}" if field else "")
        super().__init__(f"{where}: {reason}")


class StoreError(NestorError):
    pass


class InputError(NestorError):
    pass


class SparkUnavailable(NestorError):
    pass


class WorkerError(NestorError):
    pass
