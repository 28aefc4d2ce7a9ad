# One short and one long date format per language (salesops/formats/zh_Hans has the Chinese
# ones): tables use SHORT_DATE_FORMAT, so an ISO date never sits next to "Nov. 28, 2026".
DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "j M Y H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
# Money is grouped by thousands with two decimals, as in Chinese (1,234,567.89).
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
