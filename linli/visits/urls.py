from django.urls import path

from linli.visits import views

app_name = "visits"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("rate/", views.rate, name="rate"),
    path("record/", views.record, name="record"),
    path("photos/<uuid:pk>/", views.photo, name="photo"),
    path("offline/", views.offline, name="offline"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.json", views.manifest, name="manifest"),
    path("policies/", views.policies, name="policies"),
    path("policies/new/", views.policy_edit, name="policy_create"),
    path("policies/<int:pk>/", views.policy_edit, name="policy_edit"),
]
