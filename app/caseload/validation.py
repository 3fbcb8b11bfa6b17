"""Field checks shared by every form and command: messages a user can act on."""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime


class InvalidInput(Exception):
    """Input that cannot be saved. `problems` maps field name -> message."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))


def ascii_digits(text: str) -> str:
    """Every decimal digit as its ASCII form: full-width '１２３' and Arabic-Indic '١٢٣' type
    as digits on some keyboards, pass Python's isdigit(), and once made a second learner
    with Amelia Hughes's ULN because '１９２…' is not '192…' to the database."""
    if text.isascii():
        return text
    return "".join(str(unicodedata.decimal(ch)) if unicodedata.decimal(ch, None) is not None
                   else ch for ch in text)


CENTRE_NUMBER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9 /.-]{0,18}[A-Za-z0-9])?")


def centre_number_problem(number: str) -> str | None:
    """As an awarding body writes it ('RT-04412', '123456', 'C/0042'): it is printed in the
    header of every form, so no emoji or stray symbols."""
    if number and not CENTRE_NUMBER.fullmatch(number):
        return ("Letters and digits as your awarding body wrote it (with - / . or spaces "
                "between), at most 20 characters.")
    return None


def uln_problem(uln: str) -> str | None:
    """The Learning Records Service rule: 10 digits, first not 0, and the digits weighted
    10..1 summed must leave remainder 10 when divided by 11. Give it ascii_digits() first."""
    if not re.fullmatch(r"[0-9]{10}", uln):
        return "A ULN is exactly 10 digits (you typed %d characters)." % len(uln) \
            if not uln.isascii() or not uln.isdigit() else "A ULN is exactly 10 digits (you typed %d)." % len(uln)
    if uln[0] == "0":
        return "A ULN never starts with 0."
    total = sum(int(d) * w for d, w in zip(uln, range(10, 0, -1)))
    if total % 11 != 10:
        return "This ULN's check digit is wrong: please check it against the learner's record."
    return None


DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def parse_date(text: str) -> date | None:
    """Dates as assessors type them (31/01/2026) or ISO. Empty means no date.
    Raises ValueError with a message for anything else."""
    text = ascii_digits(text.strip())
    if not text:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date: type it as DD/MM/YYYY, e.g. 31/01/2026.")


def past_date(value: str | date | None, missing: str,
              future: str) -> tuple[date | None, str | None]:
    """A date something happened on, typed or given: (the date, None), or (None, why not)
    when it is missing, not a date, or after today on this laptop's calendar."""
    if isinstance(value, date):
        when = value
    else:
        try:
            when = parse_date(value or "")
        except ValueError as exc:
            return None, str(exc)
    if when is None:
        return None, missing
    if when > date.today():
        return None, future
    return when, None


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def required_name(value: str, what: str, limit: int = 100) -> str | None:
    value = value.strip()
    if not value:
        return f"{what} is required."
    if len(value) > limit:
        return f"{what} is too long ({len(value)} characters; at most {limit})."
    return None


def limited(value: str, what: str, limit: int) -> str | None:
    if len(value) > limit:
        return f"{what} is too long ({len(value)} characters; at most {limit})."
    return None


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email_problem(value: str) -> str | None:
    value = value.strip()
    if value and not EMAIL.match(value):
        return f"'{value}' does not look like an email address."
    return limited(value, "Email", 200)
