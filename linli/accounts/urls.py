from django.urls import path

from linli.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.verify_view, name="verify"),
    path("logout/", views.logout_view, name="logout"),
    path("me/", views.profile_view, name="profile"),
    path("me/password/", views.password_change_view, name="password_change"),
    path("me/second-factor/", views.second_factor_view, name="second_factor"),
    path("me/tokens/", views.token_create_view, name="token_create"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("users/", views.user_list_view, name="user_list"),
    path("users/new/", views.user_create_view, name="user_create"),
    path("users/<int:pk>/", views.user_detail_view, name="user_detail"),
    path("users/<int:pk>/memberships/<int:membership_pk>/revoke/",
         views.membership_revoke_view, name="membership_revoke"),
    path("users/<int:pk>/<slug:action>/", views.user_action_view, name="user_action"),
]
