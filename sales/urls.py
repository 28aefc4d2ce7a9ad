from django.urls import path

from sales.views import bonuses, quotas, sales, scoring

app_name = "sales"

# The attainment and quota pages keep their /reports/ addresses.
urlpatterns = [
    path("sales/", sales.sale_list, name="list"),
    path("sales/import/", sales.sale_import, name="import"),
    path("sales/new/", sales.sale_new, name="new"),
    path("reports/attainment/", scoring.my_attainment, name="my_attainment"),
    path("reports/attainment/team/", scoring.team_attainment, name="team_attainment"),
    path("reports/attainment/runs/", scoring.run_scoring, name="run_scoring"),
    path("reports/attainment/runs/<int:pk>/", scoring.scoring_run_status, name="scoring_run"),
    path("reports/bonuses/", bonuses.bonus_list, name="bonuses"),
    path("reports/bonuses/<int:pk>/decide/", bonuses.bonus_decide, name="bonus_decide"),
    path("reports/bonuses/export.<str:file_format>", bonuses.bonus_export, name="bonus_export"),
    path("reports/quotas/", quotas.quota_regions, name="quotas"),
    path("reports/quotas/<slug:region_code>/", quotas.quota_grid, name="quota_grid"),
    path(
        "reports/quotas/<slug:region_code>/dealers/",
        quotas.dealer_targets,
        name="dealer_targets",
    ),
]
