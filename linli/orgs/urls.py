from django.urls import path

from linli.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create, name="create"),
    path("options/", views.organisation_options, name="options"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/edit/", views.organisation_edit, name="edit"),
    path("<int:pk>/status/", views.organisation_status, name="status"),
    path("<int:pk>/filings/", views.filing_create, name="filing_create"),
    path("<int:pk>/certificate.docx", views.certificate, name="certificate"),
    path("<int:pk>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("<int:pk>/tax/", views.tax_add, name="tax_add"),
    path("filings/", views.filing_list, name="filings"),
    path("filings/<int:pk>/", views.filing_detail, name="filing_detail"),
    # before filing_action, whose <slug:action> would take "attachments"
    path("filings/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("filings/<int:pk>/<slug:action>/", views.filing_action, name="filing_action"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path("stations/", views.stations, name="stations"),
    path("stations/<str:code>/", views.station_edit, name="station_edit"),
    path("incubation/", views.incubation, name="incubation"),
    path("incubation/<int:pk>/", views.incubation_detail, name="incubation_detail"),
    path("tax/", views.tax_list, name="tax"),
    path("volunteers/", views.volunteer_list, name="volunteers"),
    path("volunteers/new/", views.volunteer_create, name="volunteer_create"),
    path("volunteers/<int:pk>/", views.volunteer_detail, name="volunteer_detail"),
    path("indicators/", views.indicators, name="indicators"),
]
