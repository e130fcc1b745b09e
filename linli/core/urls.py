from django.urls import path

from linli.core import notification_views, pickers, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("pick/<slug:kind>/", pickers.pick, name="pick"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", notification_views.notification_open,
         name="notification_open"),
    path("notifications/read/", notification_views.notifications_read_all,
         name="notifications_read_all"),
    path("imports/<slug:kind>/", views.import_upload, name="import_upload"),
    path("imports/job/<int:pk>/", views.import_job, name="import_job"),
    path("imports/job/<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("imports/job/<int:pk>/choices/", views.import_rechoose, name="import_rechoose"),
    path("imports/job/<int:pk>/abandon/", views.import_abandon, name="import_abandon"),
    path("imports/job/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
    path("imports/job/<int:pk>/errors/full/", views.import_errors_reveal,
         name="import_errors_reveal"),
    path("imports/job/<int:pk>/errors/build/", views.import_report_build,
         name="import_report_build"),
]
