from django.urls import path

from gongkai.interaction.views import public as views

app_name = "interaction_public"

urlpatterns = [
    path("", views.organ_list, name="organs"),
    path("message/", views.lookup, name="lookup"),
    path("message/<str:number>/", views.message, name="message"),
    path("message/<str:number>/rate/", views.rate, name="rate"),
    path("message/<str:number>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<slug:slug>/", views.write, name="form"),
    path("<slug:slug>/done/<str:token>/", views.done, name="done"),
    path("<slug:slug>/answers/", views.answers, name="answers"),
]
