from django.urls import path

from gongkai.letters import views

app_name = "letters"
urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:organ>/<str:kind>/", views.edit, name="edit"),
    path("<slug:organ>/<str:kind>/preview.pdf", views.preview_pdf, name="preview_pdf"),
    path("<slug:organ>/<str:kind>/preview.docx", views.preview_docx, name="preview_docx"),
    path("<slug:organ>/<str:kind>/reset/", views.reset, name="reset"),
]
