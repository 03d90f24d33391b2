from django.utils.translation import gettext_lazy as _

from accounts.models import AuditEvent
from accounts.services.audit import audit_record
from config.exports import Column

CUSTOMER_COLUMNS = [
    Column(_("customer code"), lambda c: c.code),
    Column(_("name"), lambda c: c.name),
    Column(_("unified social credit code"), lambda c: c.credit_code),
    Column(_("grade"), lambda c: c.grade),
    Column(_("relationship class"), lambda c: c.get_relationship_class_display()),
    Column(_("customer type"), lambda c: c.get_customer_type_display()),
    Column(_("status"), lambda c: c.get_status_display()),
    Column(_("account manager"), lambda c: c.owner),
    Column(_("region"), lambda c: c.region),
    Column(_("industry"), lambda c: c.industry),
    Column(_("legal representative"), lambda c: c.legal_representative),
    Column(_("address"), lambda c: c.address),
    Column(_("phone"), lambda c: c.phone),
    Column(_("registered capital (10k CNY)"), lambda c: c.registered_capital),
    Column(_("certified at"), lambda c: c.certified_at),
    Column(_("created at"), lambda c: c.created_at),
]


def audit_export(*, request, what: str, count: int, fmt: str) -> None:
    audit_record(
        kind=AuditEvent.Kind.EXPORT,
        request=request,
        detail={"what": what, "rows": count, "format": fmt, "query": request.GET.urlencode()},
    )
