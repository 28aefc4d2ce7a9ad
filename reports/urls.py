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
    path("weekly/<int:pk>/correct/", views.weekly_correct, name="weekly_correct"),
    path(
        "weekly/<int:pk>/visits/<int:visit_pk>/correct/",
        views.weekly_visit_correct,
        name="weekly_visit_correct",
    ),
    path("weekly/<int:pk>/pdf/", views.weekly_pdf, name="weekly_pdf"),
    path("summaries/", views.summaries, name="summaries"),
    path("summaries/week/<str:week>/", views.summary_week, name="summary_week"),
    path("summaries/<int:pk>/", views.summary, name="summary"),
    path("summaries/<int:pk>/comment/", views.summary_comment, name="summary_comment"),
    path("summaries/<int:pk>/pdf/", views.summary_pdf, name="summary_pdf"),
    path("monthly/", views.monthly, name="monthly"),
    path("monthly/this-month/", views.monthly_current, name="monthly_current"),
    path("monthly/month/<str:month>/", views.monthly_month, name="monthly_month"),
    path("monthly/team/", views.monthly_team, name="monthly_team"),
    path("monthly/<int:pk>/", views.monthly_report, name="monthly_report"),
    path("monthly/<int:pk>/comment/", views.monthly_comment, name="monthly_comment"),
    path("monthly/<int:pk>/pdf/", views.monthly_pdf, name="monthly_pdf"),
]
