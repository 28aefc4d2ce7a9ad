from django.urls import path

from territories import views

app_name = "territories"

urlpatterns = [
    path("", views.region_list, name="regions"),
    path("regions/<slug:code>/", views.region_detail, name="region"),
    path("<int:pk>/children/", views.territory_children, name="children"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/draw/", views.draw, name="draw"),
    path("assignments/<int:pk>/end/", views.end_assignment, name="end_assignment"),
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/customers/", views.request_customers, name="request_customers"),
    path("requests/<int:pk>/decide/", views.request_decide, name="request_decide"),
]
