"""How the plan's values are stored: the one Decimal shape of targets, totals, baselines and actuals."""

# NULL where a cell holds words instead of a number; the words go in the text field beside it.
VALUE_FIELD_OPTIONS = {"max_digits": 18, "decimal_places": 4, "null": True, "blank": True}
