"""The shared models: sections and roles (organisation), fiscal-year settings (years), the one audit trail (audit)
and the base of every reviewed record (review)."""

from setagaya_plan.core.models.audit import AuditEntry
from setagaya_plan.core.models.organisation import Membership, Section
from setagaya_plan.core.models.review import ReviewedRecord
from setagaya_plan.core.models.years import FiscalYearSetting

__all__ = ["AuditEntry", "FiscalYearSetting", "Membership", "ReviewedRecord", "Section"]
