from django.urls import path

from gongkai.organs.views import workspace as views

app_name = "column_ws"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:organ>/rules/", views.rules, name="rules"),
    path("<slug:organ>/profile/", views.profile, name="profile"),
    path("<slug:organ>/departments/<int:pk>/", views.department, name="department"),
    path("<slug:organ>/leaders/new/", views.leader_new, name="leader_new"),
    path("<slug:organ>/leaders/<int:pk>/", views.leader, name="leader"),
    path("<slug:organ>/leaders/<int:pk>/remove/", views.leader_remove, name="leader_remove"),
]
