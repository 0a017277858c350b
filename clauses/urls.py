from django.urls import path

from clauses import views

app_name = "clauses"

urlpatterns = [
    path("clause-library/", views.template_list, name="template_list"),
    path("clause-library/<int:pk>/", views.template_detail, name="template_detail"),
    path("clause-library/compare/", views.template_compare, name="template_compare"),
]
