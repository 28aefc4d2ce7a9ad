from django.urls import path

from customers import sales_views as views

app_name = "sales"

urlpatterns = [
    path("", views.sale_list, name="list"),
    path("import/", views.sale_import, name="import"),
    path("new/", views.sale_new, name="new"),
]
