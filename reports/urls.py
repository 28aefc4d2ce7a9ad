from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("attainment/", views.my_attainment, name="my_attainment"),
    path("attainment/team/", views.team_attainment, name="team_attainment"),
    path("attainment/runs/", views.run_scoring, name="run_scoring"),
    path("attainment/runs/<int:pk>/", views.scoring_run_status, name="scoring_run"),
    path("quotas/", views.quota_regions, name="quotas"),
    path("quotas/<slug:region_code>/", views.quota_grid, name="quota_grid"),
]
