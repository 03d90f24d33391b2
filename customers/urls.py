from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("export/", views.customer_export, name="export"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_update, name="update"),
    path("<int:pk>/delete/", views.customer_delete, name="delete"),
    path("<int:pk>/status/", views.customer_status, name="status"),
    path("<int:pk>/assign/", views.customer_assign, name="assign"),
    path("<int:pk>/team/add/", views.team_add, name="team-add"),
    path("<int:pk>/team/<int:member_pk>/remove/", views.team_remove, name="team-remove"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact-create"),
    path("contacts/<int:contact_pk>/edit/", views.contact_update, name="contact-update"),
    path("contacts/<int:contact_pk>/delete/", views.contact_delete, name="contact-delete"),
    path("<int:pk>/surveys/new/", views.survey_create, name="survey-create"),
    path("<int:pk>/certification/new/", views.certification_create, name="certification-create"),
    path(
        "certifications/<int:cert_pk>/edit/",
        views.certification_update,
        name="certification-update",
    ),
    path(
        "certifications/<int:cert_pk>/submit/",
        views.certification_submit,
        name="certification-submit",
    ),
]
