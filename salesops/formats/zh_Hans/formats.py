# Money in business documents is grouped by thousands (1,234,567.89) in mainland Chinese
# finance too; Django's own zh_Hans format leaves numbers ungrouped.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
