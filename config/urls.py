from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as accounts_views

urlpatterns = [
    path("", accounts_views.HomeView.as_view(), name="home"),
    path("accounts/", include("accounts.urls")),
    path("approvals/", include("accounts.approval_urls")),
    path("customers/", include("customers.urls")),
    path("customers/pool/", include("customers.pool.urls")),
    path("customers/imports/", include("customers.imports.urls")),
    path("customers/lists/", include("customers.lists.urls")),
    path("customers/reviews/", include("customers.review.urls")),
    path("customers/confidential/", include("customers.confidential.urls")),
    path("customers/merge/", include("customers.merge.urls")),
    path("contracts/", include("customers.contracts.urls")),
    path("handovers/", include("accounts.handover.urls")),
    path("visits/", include("visits.urls")),
    path("complaints/", include("complaints.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("healthz", accounts_views.healthz, name="healthz"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "accounts.views.page_not_found"
handler403 = "accounts.views.permission_denied"
