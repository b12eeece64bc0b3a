import pytest


@pytest.fixture(autouse=True)
def _fresh_search_memos():
    """The synonym table and the suggestion vocabulary are kept per process: rebuild them per test."""
    from gongkai.search import suggest, synonyms

    synonyms.forget_local()
    suggest.forget_local()
    yield
    synonyms.forget_local()
    suggest.forget_local()
