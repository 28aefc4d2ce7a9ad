from django.urls import path

from visits import views

app_name = "visits"

urlpatterns = [
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/planned/", views.planned_add, name="planned_add"),
    path(
        "plans/<int:pk>/planned/<int:planned_pk>/remove/",
        views.planned_remove,
        name="planned_remove",
    ),
    path("plans/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/complete/", views.plan_complete, name="plan_complete"),
    path("approvals/", views.approval_queue, name="approvals"),
    path("approvals/<int:pk>/decide/", views.approval_decide, name="approval_decide"),
    path("approvals/<int:pk>/summary/", views.approval_summary, name="approval_summary"),
    path("", views.visit_log, name="log"),
    path("new/", views.visit_new, name="visit_new"),
    path("customers/", views.customer_options, name="customer_options"),
    path("salespeople/", views.salesperson_options, name="salespeople"),
    path("<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("territories/<int:pk>/market/", views.market, name="market"),
]
