from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from salesops import mfa_views, views
from salesops.forms import QueuedPasswordResetForm

auth_patterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("code/", mfa_views.verify, name="mfa_verify"),
    path("code/setup/", mfa_views.setup, name="mfa_setup"),
    path("code/recovery/", mfa_views.recovery_codes, name="mfa_recovery_codes"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("approvals/", views.waiting, name="waiting"),
    path("approvals/<slug:key>/decide/", views.decide_many, name="decide_many"),
    path("approvals/<slug:key>/<int:pk>/decide/", views.decide, name="decide"),
    path("settings/", views.company_settings, name="company_settings"),
    path("accounts/", include(auth_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("territories/", include("territories.urls")),
    path("customers/", include("customers.urls")),
    path("visits/", include("visits.urls")),
    path("", include("sales.urls")),
    path("expenses/", include("expenses.urls")),
    path("reports/", include("reports.urls")),
    path("scorecards/", include("scorecards.urls")),
    path("rollups/", include("rollups.urls")),
]
