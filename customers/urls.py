from django.urls import path

from customers.views import book, handovers, imports

app_name = "customers"

urlpatterns = [
    path("", book.customer_list, name="list"),
    path("export.<str:file_format>", book.customer_export, name="export"),
    path("owners/", book.owner_options, name="owners"),
    path("new/", book.customer_new, name="new"),
    path("<int:pk>/", book.customer_detail, name="detail"),
    path("<int:pk>/edit/", book.customer_edit, name="edit"),
    path("<int:pk>/contacts/", book.contact_add, name="contact_add"),
    path(
        "<int:pk>/contacts/<int:contact_pk>/remove/",
        book.contact_remove,
        name="contact_remove",
    ),
    path("<int:pk>/reassign/", book.customer_reassign, name="reassign"),
    path("<int:pk>/credit/", book.customer_credit, name="credit"),
    path("import/", imports.import_upload, name="import"),
    path("import/<int:pk>/", imports.import_preview, name="import_preview"),
    path("import/<int:pk>/columns/", imports.import_columns, name="import_columns"),
    path("import/<int:pk>/status/", imports.import_status, name="import_status"),
    path("handovers/", handovers.handover_list, name="handovers"),
    path("handovers/new/", handovers.handover_new, name="handover_new"),
    path("handovers/<int:pk>/", handovers.handover_detail, name="handover"),
    path(
        "handovers/<int:pk>/export.<str:file_format>",
        handovers.handover_export,
        name="handover_export",
    ),
    path("competitors/", handovers.competitor_list, name="competitors"),
]
