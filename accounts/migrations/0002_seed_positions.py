"""Seed the positions (岗位) of DESIGN §1 with their data scopes and the permissions of the
accounts app. Other apps grant their own permissions in their own migrations."""

from django.db import migrations

from accounts.migration_utils import grant, revoke

POSITIONS = [
    # code, name, data scope, description
    ("account_manager", "大客户经理", "own", "Account manager: own customers, visits, contracts, plans."),
    ("account_rep", "大客户代表", "own", "Account representative: own customers and visits."),
    ("sales_admin", "营销内勤", "department", "Sales admin: inquiry register, department roster (read)."),
    ("statistician", "营销统计员", "department", "Statistician: customer roster and monthly summaries."),
    ("customer_service", "客服专员", "all", "Customer service: complaints and return visits."),
    ("complaint_specialist", "客诉专员", "all", "Complaint specialist: registers and routes complaints."),
    ("dept_manager", "大客户部经理", "department", "Department manager: approvals, assignment, appraisal."),
    ("sales_director", "销售总监", "all", "Sales director: final approvals, dashboards."),
    ("vp", "经营副总", "all", "Vice president: annual plans and budgets."),
    ("gm", "总经理", "all", "General manager: final approval, executive dashboards."),
    ("finance", "财务", "all", "Finance: payments received and invoices."),
    ("sysadmin", "系统管理员", "all", "System administrator: users, departments, positions, settings."),
]

ACCOUNTS_GRANTS = {
    "sysadmin": [
        "accounts.view_user", "accounts.add_user", "accounts.change_user",
        "accounts.view_department", "accounts.add_department", "accounts.change_department",
        "accounts.view_region", "accounts.add_region", "accounts.change_region",
        "accounts.view_position", "accounts.add_position", "accounts.change_position",
        "accounts.view_approvalchainstep", "accounts.add_approvalchainstep",
        "accounts.change_approvalchainstep", "accounts.delete_approvalchainstep",
        "accounts.view_approvalauthority", "accounts.add_approvalauthority",
        "accounts.change_approvalauthority", "accounts.delete_approvalauthority",
        "accounts.view_auditevent",
    ],
    "dept_manager": ["accounts.view_user"],
    "gm": ["accounts.view_user", "accounts.view_auditevent"],
}
MODELS = [
    ("accounts", "user"), ("accounts", "department"), ("accounts", "region"),
    ("accounts", "position"), ("accounts", "approvalchainstep"),
    ("accounts", "approvalauthority"), ("accounts", "auditevent"),
]


def seed(apps, schema_editor):
    Position = apps.get_model("accounts", "Position")
    for code, name, scope, description in POSITIONS:
        Position.objects.get_or_create(
            code=code, defaults={"name": name, "data_scope": scope, "description": description}
        )
    grant(apps, ACCOUNTS_GRANTS, MODELS)


def unseed(apps, schema_editor):
    revoke(apps, ACCOUNTS_GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
