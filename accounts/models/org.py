"""Organisation: departments (a tree), regions, positions (岗位) and users."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Permission, UserManager
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.models import TimeStampedModel


class DataScope(models.TextChoices):
    OWN = "own", _("Own customers")
    DEPARTMENT = "department", _("Own department")
    ALL = "all", _("Whole company")


class Department(TimeStampedModel):
    """A node of the organisation tree. ``path`` ("/1/4/") makes sub-tree queries one
    indexed prefix match; it is maintained here so that every way of saving keeps it right."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=32, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("tree path"), max_length=255, editable=False, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def _computed_path(self) -> str:
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.pk}/"

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if self.pk is None:
                super().save(*args, **kwargs)
                self.path = self._computed_path()
                Department.objects.filter(pk=self.pk).update(path=self.path)
                return
            old_path = Department.objects.filter(pk=self.pk).values_list("path", flat=True).first()
            if self.parent_id and self.parent.path.startswith(self._own_prefix(old_path)):
                from django.core.exceptions import ValidationError

                raise ValidationError({"parent": _("A department cannot be moved under itself.")})
            self.path = self._computed_path()
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                for child in Department.objects.filter(path__startswith=old_path).exclude(
                    pk=self.pk
                ):
                    child.path = self.path + child.path[len(old_path) :]
                    Department.objects.filter(pk=child.pk).update(path=child.path)

    def _own_prefix(self, old_path):
        return old_path or f"/{self.pk}/"

    def is_within(self, other: "Department") -> bool:
        """True when this department is ``other`` or one of its sub-departments."""
        return bool(self.path) and self.path.startswith(other.path)


class Region(TimeStampedModel):
    code = models.SlugField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="regions",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Position(TimeStampedModel):
    """A job (岗位): a set of permissions and a data scope. Data, edited by administrators."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    data_scope = models.CharField(
        _("data scope"), max_length=16, choices=DataScope.choices, default=DataScope.OWN
    )
    permissions = models.ManyToManyField(
        Permission, verbose_name=_("permissions"), blank=True, related_name="positions"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["name"]

    def __str__(self):
        return self.name


class KamUserManager(UserManager):
    def get_queryset(self):
        return super().get_queryset().select_related("position", "department")


class User(AbstractUser):
    first_name = None
    last_name = None
    name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    objects = KamUserManager()

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.name or self.username

    def get_full_name(self):
        return self.name or self.username

    def get_short_name(self):
        return self.name or self.username

    def set_password(self, raw_password):
        super().set_password(raw_password)
        # API tokens issued before this moment stop working (accounts.authentication).
        self.password_changed_at = timezone.now()

    @property
    def data_scope(self) -> str | None:
        """The user's data scope, or None (sees nothing) without an active position."""
        if self.is_superuser:
            return DataScope.ALL
        if self.position_id and self.position.is_active and self.is_active:
            return self.position.data_scope
        return None
