"""/api/: the public catalogue (read), the OA push (write), the schema.
Other apps mount their own endpoints under /api/ in their own URL modules
(e.g. disclosure on application); add them to this list with include()."""

from django.urls import include, path

from gongkai.api import views
from gongkai.catalogue.views import api as catalogue

app_name = "api"
urlpatterns = [
    path("", views.Docs.as_view(), name="home"),
    path("schema/", views.Schema.as_view(), name="schema"),
    path("docs/", views.Docs.as_view(), name="docs"),
    path("items/", catalogue.ItemList.as_view(), name="items"),
    path("items/<int:pk>/", catalogue.ItemDetail.as_view(), name="item"),
    path("organs/", views.OrganList.as_view(), name="organs"),
    path("topics/", catalogue.TopicList.as_view(), name="topics"),
    path("categories/", catalogue.CategoryList.as_view(), name="categories"),
    path("search/", views.Search.as_view(), name="search"),
    path("oa/items/", catalogue.Push.as_view(), name="push"),
    path("oa/items/<int:pk>/", catalogue.PushedItem.as_view(), name="pushed_item"),
    path("applications/", include("gongkai.applications.urls_api")),
]
