from django.urls import path

from gongkai.applications.views import workspace as views

app_name = "applications_ws"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("export.xlsx", views.export, name="export"),
    path("register/", views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/do/<str:action>/", views.action, name="action"),
    path("<int:pk>/letters/<int:letter_id>/<str:fmt>/", views.letter, name="letter"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:pk>/released/<int:file_id>/<str:copy>/", views.released_file, name="released_file"),
]
