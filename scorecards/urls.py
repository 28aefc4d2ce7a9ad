from django.urls import path

from scorecards import views

app_name = "scorecards"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("team/", views.team, name="team"),
    path("team/export.<str:file_format>", views.team_export, name="team_export"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/explain/<slug:measure>/", views.explain, name="explain"),
    path("people/<int:pk>/rate/", views.rate, name="rate"),
    path("people/<int:pk>/complaints/", views.complain, name="complain"),
    path("customer-value/", views.customer_value, name="customer_value"),
    path(
        "customer-value/export.<str:file_format>",
        views.customer_value_export,
        name="customer_value_export",
    ),
]
