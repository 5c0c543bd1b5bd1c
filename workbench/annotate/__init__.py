"""The annotation layer: registered spaCy factories (wb_*) and the pipeline builder.

Importing this package registers every factory, so `nlp.add_pipe("wb_mentions")` works anywhere after
`import workbench.annotate`.
"""
from . import base, entities, figures, mentions, quotes, sentences, timex  # noqa: F401  (registers factories)
from .pipeline import COMPONENTS, build_pipeline, pipeline_info, resolve_model  # noqa: F401
