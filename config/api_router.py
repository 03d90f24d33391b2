from importlib import import_module

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts import apis as accounts_apis
from customers import apis as customers_apis

router = DefaultRouter()
router.register("users", accounts_apis.UserViewSet, basename="user")
router.register("departments", accounts_apis.DepartmentViewSet, basename="department")
router.register("regions", accounts_apis.RegionViewSet, basename="region")
router.register("positions", accounts_apis.PositionViewSet, basename="position")
router.register("notifications", accounts_apis.NotificationViewSet, basename="notification")
router.register("approvals", accounts_apis.ApprovalViewSet, basename="approval")
router.register("customers", customers_apis.CustomerViewSet, basename="customer")
router.register("contacts", customers_apis.ContactViewSet, basename="contact")
router.register("customer-team", customers_apis.TeamMemberViewSet, basename="customer-team")
router.register("customer-surveys", customers_apis.SurveyViewSet, basename="customer-survey")
router.register("certifications", customers_apis.CertificationViewSet, basename="certification")

# every feature adds its own viewsets
for _module in (
    "accounts.handover.apis",
    "customers.contracts.apis",
    "customers.imports.apis",
    "customers.lists.apis",
    "customers.pool.apis",
    "customers.review.apis",
    "customers.confidential.apis",
    "customers.merge.apis",
    "visits.apis",
    "complaints.apis",
):
    import_module(_module).register(router)

app_name = "api"
urlpatterns = [
    path("auth/token/", accounts_apis.TokenLoginView.as_view(), name="token"),
    path("auth/logout/", accounts_apis.LogoutView.as_view(), name="logout"),
    path("auth/logout-all/", accounts_apis.LogoutAllView.as_view(), name="logout-all"),
    path("users/me/", accounts_apis.MeView.as_view(), name="me"),
    path("", include(router.urls)),
]
