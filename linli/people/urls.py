from django.urls import path

from linli.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("options/", views.person_options, name="options"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
    path("<int:pk>/groups/", views.group_add, name="group_add"),
    path("<int:pk>/groups/<int:membership_pk>/end/", views.group_end, name="group_end"),
    path("<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path("<int:pk>/consents/", views.consent_add, name="consent_add"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/household/", views.household_link, name="household_link"),
    path("<int:pk>/assign/", views.assign, name="assign"),
]
