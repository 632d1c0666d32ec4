"""Imported by the process pool's fork server only: loads the model, the knowledge base and the
gazetteer once, so that the workers forked from the server start with them (see
:func:`nestor.engine.pool_context`)."""
from . import preload

preload()
