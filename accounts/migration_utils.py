"""Helpers for data migrations that seed positions' permissions (DESIGN §1: positions and
their permissions are data, seeded by migrations, then edited by administrators).

Permissions normally appear after all migrations (post_migrate); these helpers create the
ones they need from the historical model options so a migration can grant them at once."""


def ensure_permissions(apps, app_label: str, model_name: str) -> dict:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    model = apps.get_model(app_label, model_name)
    opts = model._meta
    ct, _ = ContentType.objects.get_or_create(app_label=app_label, model=opts.model_name)
    wanted = [
        (f"{action}_{opts.model_name}", f"Can {action} {opts.verbose_name_raw}")
        for action in opts.default_permissions
    ] + list(opts.permissions)
    perms = {}
    for codename, name in wanted:
        perm, _ = Permission.objects.get_or_create(
            content_type=ct, codename=codename, defaults={"name": str(name)[:255]}
        )
        perms[f"{app_label}.{codename}"] = perm
    return perms


def grant(apps, grants: dict[str, list[str]], models: list[tuple[str, str]]) -> None:
    """``grants``: position code -> ["app.codename", ...]; ``models``: (app, model) whose
    permissions may be granted. Positions that do not exist are skipped."""
    Position = apps.get_model("accounts", "Position")
    perms = {}
    for app_label, model_name in models:
        perms.update(ensure_permissions(apps, app_label, model_name))
    for code, names in grants.items():
        position = Position.objects.filter(code=code).first()
        if position is None:
            continue
        position.permissions.add(*[perms[n] for n in names])


def revoke(apps, grants: dict[str, list[str]]) -> None:
    Position = apps.get_model("accounts", "Position")
    Permission = apps.get_model("auth", "Permission")
    for code, names in grants.items():
        position = Position.objects.filter(code=code).first()
        if position is None:
            continue
        for name in names:
            app_label, codename = name.split(".")
            position.permissions.remove(
                *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
