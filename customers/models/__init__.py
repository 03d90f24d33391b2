"""Models of the customers app. The archive (customers, contacts, team, surveys,
certification) is in ``archive``; each feature sub-package adds its own models module here."""

from customers.confidential.models import *  # noqa: F403
from customers.contracts.models import *  # noqa: F403
from customers.imports.models import *  # noqa: F403
from customers.merge.models import *  # noqa: F403
from customers.pool.models import *  # noqa: F403
from customers.review.models import *  # noqa: F403

from .archive import *  # noqa: F403
from .archive import (
    CUSTOMER_TRANSITIONS,
    ROSTER_STATUSES,
    CertificationApplication,
    Contact,
    CreditRating,
    Customer,
    CustomerQuerySet,
    CustomerStatus,
    CustomerSurvey,
    CustomerTeamMember,
    CustomerType,
    Grade,
    Industry,
    RelationshipClass,
)

__all__ = [
    "CUSTOMER_TRANSITIONS",
    "ROSTER_STATUSES",
    "CertificationApplication",
    "Contact",
    "CreditRating",
    "Customer",
    "CustomerQuerySet",
    "CustomerStatus",
    "CustomerSurvey",
    "CustomerTeamMember",
    "CustomerType",
    "Grade",
    "Industry",
    "RelationshipClass",
]
