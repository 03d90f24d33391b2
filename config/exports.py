"""Exports of lists to CSV and Excel, one mechanism for every list (browser and API).

Callers pass a queryset that already went through the viewer's scope and filters, and the
columns; rows are streamed in batches so memory stays flat."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext as _

from config.exceptions import ApplicationError

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    header: object  # lazy translatable string
    value: Callable


def _rows(queryset, columns: list[Column]) -> Iterable[list]:
    for obj in queryset.iterator(chunk_size=2000) if hasattr(queryset, "iterator") else queryset:
        row = []
        for column in columns:
            value = column.value(obj)
            if value is None:
                value = ""
            elif hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
                value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            elif not isinstance(value, int | float | str):
                value = force_str(value)
            row.append(value)
        yield row


def export_response(*, queryset, columns: list[Column], basename: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise ApplicationError(_("Unknown export format; use csv or xlsx."))
    limit = settings.KAMCRM["EXPORT_MAX_ROWS"]
    if queryset.count() > limit:
        raise ApplicationError(
            _("The export would have more than %(limit)d rows; narrow the filters.")
            % {"limit": limit}
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{basename}-{stamp}.{fmt}"
    headers = [force_str(c.header) for c in columns]
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # so that Excel opens UTF-8 Chinese text correctly
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for row in _rows(queryset, columns):
            writer.writerow([_csv_safe(v) for v in row])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=basename[:31])
        sheet.append(headers)
        for row in _rows(queryset, columns):
            sheet.append([_csv_safe(v) for v in row])
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_safe(value):
    """Neutralise spreadsheet formula injection (=, +, -, @ at the start of text)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
