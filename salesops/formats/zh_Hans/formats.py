# Money in business documents is grouped by thousands (1,234,567.89) in mainland Chinese
# finance too; Django's own zh_Hans format leaves numbers ungrouped.
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
# One short and one long date format (salesops/formats/en has the English ones): tables use
# SHORT_DATE_FORMAT, the same ISO date as in English.
DATE_FORMAT = "Y年n月j日"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y年n月j日 H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
