from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fields import BlindIndexField, EncryptedTextField


class Role(models.TextChoices):
    CLIENT_ADMIN = "client_admin", _("Public-body administrator")
    CLIENT_STAFF = "client_staff", _("Municipal staff (approver)")
    AUDITOR = "auditor", _("Auditor")
    CONTRACTOR_ADMIN = "contractor_admin", _("Contractor manager")
    CONTRACTOR_STAFF = "contractor_staff", _("Contractor staff")


CLIENT_ROLES = frozenset({Role.CLIENT_ADMIN, Role.CLIENT_STAFF, Role.AUDITOR})
CONTRACTOR_ROLES = frozenset({Role.CONTRACTOR_ADMIN, Role.CONTRACTOR_STAFF})
ADMIN_ROLES = frozenset({Role.CLIENT_ADMIN, Role.CONTRACTOR_ADMIN})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        # Used by Django's own tooling (createsuperuser, tests); the portal creates people
        # through core.services.users so that memberships and audit events come with them.
        from core.crypto import platform_data_key

        extra.setdefault("data_key", platform_data_key())
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    # The e-mail address is the login and the delivery address, so it stays searchable in clear;
    # names and phone numbers are personal data and are encrypted (docs/keys.md).
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = EncryptedTextField(_("full name"), blank=True)
    full_name_kana = EncryptedTextField(_("full name (kana)"), blank=True)
    full_name_index = BlindIndexField(source="full_name")
    phone = EncryptedTextField(_("phone number"), blank=True)
    data_key = models.ForeignKey("core.DataKey", on_delete=models.PROTECT, related_name="+")
    language = models.CharField(
        _("language"), max_length=8, choices=[("ja", "日本語"), ("en", "English")], default="ja"
    )

    class NotificationMode(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DIGEST = "digest", _("Once a day (digest)")

    notification_mode = models.CharField(
        _("e-mail notifications"),
        max_length=20,
        choices=NotificationMode.choices,
        default=NotificationMode.IMMEDIATE,
    )
    # SHA-256 of the private calendar-feed token; empty when the feed is off.
    calendar_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("Django admin access"), default=False)
    date_joined = models.DateTimeField(_("joined at"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name or self.email


class Membership(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="memberships"
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # Municipal staff and auditors may be limited to one department; empty means the whole body.
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique_user_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def is_client_side(self) -> bool:
        return self.role in CLIENT_ROLES

    @property
    def is_contractor_side(self) -> bool:
        return self.role in CONTRACTOR_ROLES


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    department = models.ForeignKey(
        "core.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    email = models.EmailField(_("e-mail address"))
    # Only the SHA-256 of the token is stored: a database dump does not give working links.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        User, verbose_name=_("invited by"), on_delete=models.PROTECT, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="invitation_accepted"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return self.Status(self.status).label
