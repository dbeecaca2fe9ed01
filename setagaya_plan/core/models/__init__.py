"""The shared models: sections and roles (organisation), fiscal-year settings (years), the audit entry base."""

from setagaya_plan.core.models.audit import AuditEntry
from setagaya_plan.core.models.organisation import Membership, Section
from setagaya_plan.core.models.years import FiscalYearSetting

__all__ = ["AuditEntry", "FiscalYearSetting", "Membership", "Section"]
