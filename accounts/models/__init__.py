from accounts.handover.models import *  # noqa: F403

from .approvals import (
    ApprovalAuthority,
    ApprovalChainStep,
    ApprovalEvent,
    ApprovalRequest,
    ApprovalStep,
)
from .audit import AuditEvent
from .notifications import Notification
from .numbering import NumberSequence
from .org import DataScope, Department, Position, Region, User
from .settings import SystemSetting

__all__ = [
    "ApprovalAuthority",
    "ApprovalChainStep",
    "ApprovalEvent",
    "ApprovalRequest",
    "ApprovalStep",
    "AuditEvent",
    "DataScope",
    "Department",
    "Notification",
    "NumberSequence",
    "Position",
    "Region",
    "SystemSetting",
    "User",
]
