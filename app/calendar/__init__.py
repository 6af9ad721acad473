"""Calendar files (iCalendar, RFC 5545) for events, series and participants."""
