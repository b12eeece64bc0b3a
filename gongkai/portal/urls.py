from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from gongkai.applications.views import public as applications
from gongkai.catalogue.views import public as catalogue
from gongkai.organs.views import public as organs
from gongkai.portal import cache as page_cache
from gongkai.portal import views
from gongkai.portal.feeds import ColumnAtomFeed, ColumnFeed
from gongkai.portal.sitemaps import SITEMAPS
from gongkai.reports.views import public as reports_views
from gongkai.search.views import public as search_views

app_name = "portal"


def _cached(view, names=lambda kwargs: ["items"]):
    """Feeds and sitemaps: cached like the pages, refreshed on every publish."""

    def wrapped(request, *args, **kwargs):
        return page_cache.cached_page(request, names(kwargs), lambda: view(request, *args, **kwargs))

    return wrapped


def _organ_names(kwargs):
    from gongkai.organs.models import Organ

    organ = Organ.objects.filter(slug=kwargs["organ_slug"]).only("pk").first()
    return [page_cache.organ_key(organ.pk)] if organ else ["items"]


rss, atom = ColumnFeed(), ColumnAtomFeed()

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", search_views.search, name="search"),
    path("statistics/", reports_views.city_statistics, name="statistics"),
    path("feed/rss/", _cached(rss), name="feed_rss"),
    path("feed/atom/", _cached(atom), name="feed_atom"),
    path(
        "sitemap.xml",
        _cached(lambda request: sitemap_views.index(request, SITEMAPS, sitemap_url_name="portal:sitemap_section")),
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        _cached(lambda request, section: sitemap_views.sitemap(request, SITEMAPS, section=section)),
        name="sitemap_section",
    ),
    path("files/attachments/<int:pk>/", catalogue.attachment, name="attachment"),
    path("<slug:organ_slug>/", views.column_home, name="column"),
    path("<slug:organ_slug>/guide/", views.guide, name="guide"),
    path("<slug:organ_slug>/statistics/", reports_views.statistics, name="organ_statistics"),
    path("<slug:organ_slug>/catalogue/", catalogue.catalogue, name="catalogue"),
    path("<slug:organ_slug>/rules/", organs.rules, name="rules"),
    path("<slug:organ_slug>/statutory/", catalogue.statutory, name="statutory"),
    path("<slug:organ_slug>/on-application/", applications.on_application, name="on_application"),
    path("<slug:organ_slug>/on-application/form.<str:fmt>", applications.blank_form, name="blank_form"),
    path("<slug:organ_slug>/organisation/", organs.organisation, name="organisation"),
    path("<slug:organ_slug>/leaders/", organs.leaders, name="leaders"),
    path("<slug:organ_slug>/items/<int:pk>/", catalogue.item_detail, name="item"),
    path("<slug:organ_slug>/search/", search_views.search, name="organ_search"),
    path("<slug:organ_slug>/feed/rss/", _cached(rss, _organ_names), name="organ_feed_rss"),
    path("<slug:organ_slug>/feed/atom/", _cached(atom, _organ_names), name="organ_feed_atom"),
]
