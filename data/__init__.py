"""The annotation vocabularies (yaml, csv), installed as the package `workbench.vocab` (see pyproject.toml)."""
