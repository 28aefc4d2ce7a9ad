from django.urls import path, register_converter

from rollups import views


class MonthConverter:
    regex = r"\d{4}-\d{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return value if isinstance(value, str) else f"{value:%Y-%m}"


register_converter(MonthConverter, "month")

app_name = "rollups"

urlpatterns = [
    path("", views.latest, name="latest"),
    path("<month:month>/", views.rollup, name="rollup"),
    path("<month:month>/explain/<slug:measure>/", views.explain, name="explain"),
    path(
        "<month:month>/explain/<slug:measure>/export.<slug:file_format>",
        views.explain_export,
        name="explain_export",
    ),
    path("<month:month>/export.<slug:file_format>", views.export, name="export"),
    path("<month:month>/rollup.pdf", views.pdf, name="pdf"),
]
