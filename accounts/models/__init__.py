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
    "User",
]
