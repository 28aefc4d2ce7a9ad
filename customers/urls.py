from django.urls import path

from customers import views, views_book

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("export.<str:file_format>", views.customer_export, name="export"),
    path("new/", views.customer_new, name="new"),
    path("<int:pk>/", views.customer_detail, name="detail"),
    path("<int:pk>/edit/", views.customer_edit, name="edit"),
    path("<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path(
        "<int:pk>/contacts/<int:contact_pk>/remove/",
        views.contact_remove,
        name="contact_remove",
    ),
    path("<int:pk>/reassign/", views.customer_reassign, name="reassign"),
    path("<int:pk>/credit/", views.customer_credit, name="credit"),
    path("import/", views_book.import_upload, name="import"),
    path("import/<int:pk>/", views_book.import_preview, name="import_preview"),
    path("import/<int:pk>/columns/", views_book.import_columns, name="import_columns"),
    path("import/<int:pk>/status/", views_book.import_status, name="import_status"),
    path("handovers/", views_book.handover_list, name="handovers"),
    path("handovers/new/", views_book.handover_new, name="handover_new"),
    path("handovers/<int:pk>/", views_book.handover_detail, name="handover"),
    path(
        "handovers/<int:pk>/export.<str:file_format>",
        views_book.handover_export,
        name="handover_export",
    ),
    path("competitors/", views_book.competitor_list, name="competitors"),
]
