"""URLs of the ledgers app, in the `ledgers` namespace ("ledgers:device_list")."""

from django.urls import path

from ledgers.views import devices

app_name = "ledgers"

urlpatterns = [
    # The device ledger (パソコン等・記録媒体の管理台帳, 000 §5.3)
    path("contracts/<int:pk>/devices/", devices.device_list, name="device_list"),
    path("contracts/<int:pk>/devices/new/", devices.device_register, name="device_register"),
    path("devices/<int:pk>/", devices.device_detail, name="device_detail"),
    path("devices/<int:pk>/change/", devices.device_update, name="device_update"),
]
