from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("weekly/", views.weekly, name="weekly"),
    path("weekly/this-week/", views.weekly_current, name="weekly_current"),
    path("weekly/week/<str:week>/", views.weekly_week, name="weekly_week"),
    path("weekly/team/", views.weekly_team, name="weekly_team"),
    path("weekly/<int:pk>/", views.weekly_report, name="weekly_report"),
    path("weekly/<int:pk>/comment/", views.weekly_comment, name="weekly_comment"),
]
