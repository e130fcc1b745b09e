from django.urls import path

from linli.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.index, name="index"),
    path("options/", views.options, name="options"),
    path("map/", views.choropleth_map, name="map"),
    path("<str:code>/", views.detail, name="detail"),
]
