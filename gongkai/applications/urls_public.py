from django.urls import path

from gongkai.applications.views import account
from gongkai.applications.views import public as views

app_name = "applications_public"

urlpatterns = [
    path("", views.organ_list, name="apply"),
    path("case/", views.case_login, name="case_login"),
    path("account/", account.mine, name="account"),
    path("account/claim/", account.claim, name="account_claim"),
    path("account/register/", account.register, name="account_register"),
    path("account/verify/<str:token>/", account.verify, name="account_verify"),
    path("account/login/", account.account_login, name="account_login"),
    path("case/<str:tracking_number>/", views.case, name="case"),
    path("case/<str:tracking_number>/receipt/", views.receipt, name="receipt"),
    path("case/<str:tracking_number>/correct/", views.correct, name="correct"),
    path("case/<str:tracking_number>/withdraw/", views.withdraw, name="withdraw"),
    path("case/<str:tracking_number>/letters/<int:letter_id>/<str:fmt>/", views.letter, name="letter"),
    path("case/<str:tracking_number>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("case/<str:tracking_number>/released/<int:file_id>/<str:token>/", views.released_file, name="released_file"),
    path("<slug:slug>/", views.apply, name="form"),
    path("<slug:slug>/done/<str:token>/", views.done, name="done"),
]
