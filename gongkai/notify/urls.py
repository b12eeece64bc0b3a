from django.urls import path

from gongkai.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("delivery/", views.delivery, name="delivery"),
    path("delivery/<int:pk>/retry/", views.retry, name="retry"),
]
