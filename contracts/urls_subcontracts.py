from django.urls import path

from contracts import views_subcontracts as views

urlpatterns = [
    path("subcontracts/", views.subcontract_list, name="subcontract_list"),
    path("contracts/<int:pk>/subcontracts/", views.subcontracts, name="subcontracts"),
    path("contracts/<int:pk>/subcontracts/new/", views.subcontract_create, name="subcontract_create"),
    path("subcontracts/<int:pk>/", views.subcontract, name="subcontract"),
    path("subcontracts/<int:pk>/edit/", views.subcontract_edit, name="subcontract_edit"),
    path("subcontracts/<int:pk>/act/", views.subcontract_act, name="subcontract_act"),
    path("subcontracts/<int:pk>/application.pdf", views.subcontract_pdf, name="subcontract_pdf"),
    path("subcontracts/<int:pk>/new/", views.subcontract_child_create, name="subcontract_child_create"),
]
