# Frankly's English dates: day first and unambiguous ("23 Nov 2026"), as the pages
# always showed them. Other languages use Django's own formats for their locale.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i T"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
