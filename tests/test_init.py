"""The package's lazy re-exports resolve to the real functions and unknown names still fail."""
import pytest

import workbench


def test_reexports_resolve_to_module_functions():
    from workbench.annotate.write import annotate_corpus
    from workbench.corpus import iter_articles

    assert workbench.annotate_corpus is annotate_corpus
    assert workbench.iter_articles is iter_articles


def test_unknown_attribute_raises():
    with pytest.raises(AttributeError):
        workbench.no_such_thing  # noqa: B018
