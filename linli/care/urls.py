from django.urls import path

from linli.care import views

app_name = "care"
urlpatterns = [
    path("services/", views.service_list, name="services"),
    path("canteens/", views.canteen_list, name="canteens"),
    path("canteens/<int:pk>/", views.canteen_detail, name="canteen"),
    path("facilities/", views.facility_list, name="facilities"),
    path("circle/", views.circle, name="circle"),
    path("map/", views.county_map, name="map"),
]
