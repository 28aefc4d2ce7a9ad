from django.urls import path

from expenses import views

app_name = "expenses"

urlpatterns = [
    path("", views.claim_list, name="claims"),
    path("open/", views.claim_open, name="open"),
    path("<int:pk>/", views.claim_detail, name="claim"),
    path("<int:pk>/items/", views.item_add, name="item_add"),
    path("items/<int:pk>/remove/", views.item_remove, name="item_remove"),
    path("<int:pk>/submit/", views.claim_submit, name="submit"),
    path("<int:pk>/decide/", views.claim_decide, name="decide"),
    path("queue/", views.approval_queue, name="queue"),
    path("advances/", views.advances, name="advances"),
    path("plans/<int:pk>/", views.plan_spend, name="plan_spend"),
    path("plans/", views.spend_summary, name="spend_summary"),
]
