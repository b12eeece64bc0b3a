from django.utils.functional import SimpleLazyObject

from gongkai.portal import cache as page_cache


def configuration(request):
    """``conf_version``: the version of organs, topics and categories, read
    only when a template uses it (the column's navigation and footer are
    rendered once per version: ``{% cache … conf_version … %}``)."""
    return {"conf_version": SimpleLazyObject(lambda: page_cache.versions(["conf"]))}
