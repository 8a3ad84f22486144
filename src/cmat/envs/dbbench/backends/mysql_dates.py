"""The few MySQL date functions an agent reaches for on text columns (YEAR, STR_TO_DATE, ...).

Dates travel through SQLite as ISO text (``'1998-03-19'``, ``'1998-03-19 10:30:00'``) and come
back to Python as ``datetime.date``/``datetime.datetime``, as the server sends them. Text that is
not a valid date yields NULL, as on the server (which also warns).
"""

from __future__ import annotations

import calendar
import datetime
import re

_DATE = re.compile(
    r"\s*(\d{4}|\d{2})[-/.:](\d{1,2})[-/.:](\d{1,2})(?:[ T](\d{1,2})[:.](\d{1,2})(?:[:.](\d{1,2}))?)?"
)
_COMPACT = re.compile(r"\s*(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2}))?$")
MONTHS = [calendar.month_name[i] for i in range(1, 13)]
DAYS = [calendar.day_name[i] for i in range(7)]


def _parse(text: str) -> datetime.datetime | None:
    match = _DATE.match(text) or _COMPACT.match(text)
    if not match:
        return None
    year_text = match.group(1)
    year = int(year_text)
    if len(year_text) == 2:
        year += 1900 if year >= 70 else 2000
    try:
        month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups()[1:])
        return datetime.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


def to_date(text: str) -> str | None:
    """``DATE(x)``/``CAST(x AS DATE)``: ISO date text or NULL."""
    value = _parse(text)
    return value.date().isoformat() if value else None


def to_datetime(text: str) -> str | None:
    """``CAST(x AS DATETIME)``: ISO datetime text or NULL."""
    value = _parse(text)
    return value.isoformat(sep=" ") if value else None


def date_part(text: str, part: str) -> int | None:
    """YEAR/MONTH/DAY/QUARTER/HOUR/MINUTE/SECOND/DAYOFWEEK/DAYOFYEAR of a date text."""
    value = _parse(text)
    if value is None:
        return None
    if part == "quarter":
        return (value.month - 1) // 3 + 1
    if part == "dayofweek":
        return value.isoweekday() % 7 + 1
    if part == "dayofyear":
        return value.timetuple().tm_yday
    return int(getattr(value, part))


def datediff(left: str, right: str) -> int | None:
    """DATEDIFF(a, b): days from b to a (time parts ignored)."""
    a, b = _parse(left), _parse(right)
    return None if a is None or b is None else (a.date() - b.date()).days


_SPEC = {
    "Y": r"(?P<Y>\d{1,4})",
    "y": r"(?P<y>\d{1,2})",
    "m": r"(?P<m>\d{1,2})",
    "c": r"(?P<m>\d{1,2})",
    "d": r"(?P<d>\d{1,2})",
    "e": r"(?P<d>\d{1,2})",
    "D": r"(?P<d>\d{1,2})(?:st|nd|rd|th)",
    "M": r"(?P<M>[A-Za-z]+)",
    "b": r"(?P<b>[A-Za-z]{3})",
    "H": r"(?P<H>\d{1,2})",
    "k": r"(?P<H>\d{1,2})",
    "h": r"(?P<h>\d{1,2})",
    "I": r"(?P<h>\d{1,2})",
    "l": r"(?P<h>\d{1,2})",
    "i": r"(?P<i>\d{1,2})",
    "s": r"(?P<s>\d{1,2})",
    "S": r"(?P<s>\d{1,2})",
    "p": r"(?P<p>[AaPp][Mm])",
    "W": r"[A-Za-z]+",
    "a": r"[A-Za-z]{3}",
}
TIME_SPECS = set("HkhIlisSpfTr")


def _format_regex(fmt: str) -> re.Pattern[str] | None:
    fmt = fmt.replace("%T", "%H:%i:%s").replace("%r", "%h:%i:%s %p")
    parts: list[str] = []
    used: set[str] = set()
    i = 0
    while i < len(fmt):
        char = fmt[i]
        if char == "%" and i + 1 < len(fmt):
            spec = fmt[i + 1]
            pattern = _SPEC.get(spec)
            if pattern is None:
                pattern = re.escape(spec)
            group = re.search(r"\?P<(\w)>", pattern)
            if group and group.group(1) in used:
                return None  # the same field twice: MySQL gives NULL too
            if group:
                used.add(group.group(1))
            parts.append(pattern)
            i += 2
        else:
            parts.append(r"\s*" if char.isspace() else re.escape(char))
            i += 1
    return re.compile(r"\s*" + "".join(parts), re.IGNORECASE)


def _month(name: str, short: bool) -> int | None:
    for index, month in enumerate(MONTHS, start=1):
        if (month[:3] if short else month).lower() == name.lower():
            return index
    return None


def str_to_date(text: str, fmt: str) -> str | None:
    """STR_TO_DATE: ISO date (or datetime when the format has time fields) or NULL."""
    regex = _format_regex(fmt)
    match = regex.match(text) if regex else None
    if not match:
        return None
    fields = {k: v for k, v in match.groupdict().items() if v is not None}
    year = int(fields.get("Y", 0))
    if "y" in fields:
        year = int(fields["y"]) + (1900 if int(fields["y"]) >= 70 else 2000)
    month = int(fields.get("m", 0))
    if "M" in fields or "b" in fields:
        found = _month(fields.get("M") or fields["b"], "b" in fields)
        if found is None:
            return None
        month = found
    hour = int(fields.get("H", fields.get("h", 0)))
    if fields.get("p", "").lower() == "pm" and hour < 12:
        hour += 12
    elif fields.get("p", "").lower() == "am" and hour == 12:
        hour = 0
    try:
        value = datetime.datetime(
            year, month, int(fields.get("d", 0)), hour, int(fields.get("i", 0)), int(fields.get("s", 0))
        )
    except ValueError:
        return None
    has_time = any(f"%{spec}" in fmt for spec in TIME_SPECS)
    return value.isoformat(sep=" ") if has_time else value.date().isoformat()


def _suffix(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def date_format(text: str, fmt: str) -> str | None:
    """DATE_FORMAT with the common specifiers (%Y %y %m %c %d %e %D %M %b %W %a %H %h %i %s %p %j)."""
    value = _parse(text)
    if value is None:
        return None
    table = {
        "Y": f"{value.year:04d}",
        "y": f"{value.year % 100:02d}",
        "m": f"{value.month:02d}",
        "c": str(value.month),
        "d": f"{value.day:02d}",
        "e": str(value.day),
        "D": f"{value.day}{_suffix(value.day)}",
        "M": MONTHS[value.month - 1],
        "b": MONTHS[value.month - 1][:3],
        "W": DAYS[value.weekday()],
        "a": DAYS[value.weekday()][:3],
        "H": f"{value.hour:02d}",
        "k": str(value.hour),
        "h": f"{(value.hour % 12) or 12:02d}",
        "l": str((value.hour % 12) or 12),
        "i": f"{value.minute:02d}",
        "s": f"{value.second:02d}",
        "S": f"{value.second:02d}",
        "p": "AM" if value.hour < 12 else "PM",
        "j": f"{value.timetuple().tm_yday:03d}",
    }
    fmt = fmt.replace("%T", "%H:%i:%s").replace("%r", "%h:%i:%s %p")
    return re.sub(r"%(.)", lambda m: table.get(m.group(1), m.group(1)), fmt)
