from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from core.models import (
    DataKey,
    Department,
    Event,
    Invitation,
    Membership,
    Organisation,
    OutboundMessage,
    User,
)


@admin.register(Organisation)
class OrganisationAdmin(GuardedModelAdmin):
    list_display = ("name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    readonly_fields = ("group", "data_key")


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "is_active")
    readonly_fields = ("group",)


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "is_active", "is_superuser", "last_login")
    search_fields = ("email",)
    exclude = ("password", "full_name_index", "user_permissions")
    readonly_fields = ("data_key", "last_login", "date_joined")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "department", "is_active")
    list_filter = ("role", "is_active")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "role", "created_at", "expires_at", "accepted_at", "revoked_at")
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("id", "occurred_at", "kind", "actor", "organisation", "object_type", "object_id")
    list_filter = ("kind",)


@admin.register(DataKey)
class DataKeyAdmin(ReadOnlyAdmin):
    list_display = ("id", "scope", "master_key_id", "created_at", "destroyed_at")
    exclude = ("wrapped_key",)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    """The outbox (docs/outbox.md): what is waiting, what failed and why. Bodies are not shown:
    they may hold one-time links."""

    list_display = ("id", "created_at", "kind", "state", "attempts", "uncertain", "sent_at")
    list_filter = ("state", "kind")
    exclude = ("body", "html", "data_key")
