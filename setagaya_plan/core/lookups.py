"""A database lookup Django leaves out: `in` on an integer column with numbers no such column can hold.

Django answers `filter(pk=10**20)` with no rows on every database (IntegerFieldOverflow) but passes the same
number in an `in` list to the database, where SQLite raises OverflowError. Ids from a request reach `in` lists
(ModelMultipleChoiceField, the admin's autocomplete and filter widgets), so twenty digits in a form gave HTTP 500.
Registered for IntegerField (and so for every integer and auto field) when the core app is loaded.
"""

from __future__ import annotations

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    """`in` that leaves out numbers outside the column's range: like `exact`, they match no row."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [value for value in self.rhs if _fits(value, low, high)]
        return super().process_rhs(compiler, connection)


def _fits(value, low: int | None, high: int | None) -> bool:
    if not isinstance(value, int):
        return True
    return (low is None or value >= low) and (high is None or value <= high)
