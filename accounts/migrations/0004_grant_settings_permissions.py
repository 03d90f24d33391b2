from django.db import migrations

from accounts.migration_utils import grant, revoke

GRANTS = {
    "sysadmin": [
        "accounts.view_systemsetting", "accounts.add_systemsetting",
        "accounts.change_systemsetting", "accounts.delete_systemsetting",
        "customers.view_industry", "customers.add_industry", "customers.change_industry",
    ],
}


def forwards(apps, schema_editor):
    grant(apps, GRANTS, [("accounts", "systemsetting"), ("customers", "industry")])


def backwards(apps, schema_editor):
    revoke(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_system_settings"),
        ("customers", "0004_last_activity"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
