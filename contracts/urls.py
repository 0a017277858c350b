from django.urls import path

from contracts import views

urlpatterns = [
    path("contracts/new/", views.contract_create, name="contract_create"),
    path("contracts/<int:pk>/activate/", views.contract_activate, name="contract_activate"),
    path("contracts/<int:pk>/work-start/", views.contract_work_start, name="contract_work_start"),
    path("contracts/<int:pk>/end/", views.contract_end, name="contract_end"),
]
