from django.urls import path

from gongkai.interaction.views import workspace as views

app_name = "interaction_ws"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("statistics/", views.statistics, name="statistics"),
    path("register/", views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:pk>/<str:verb>/", views.action, name="action"),
]
