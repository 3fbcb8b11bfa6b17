"""Words the printed forms share: numbers in words, as the claim form asks ("Number of
units ... (write in words)"), and a unit named as its awarding body numbers it."""
from __future__ import annotations

_SMALL = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
          "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def in_words(n: int) -> str:
    if n < 0:
        raise ValueError("a count of units cannot be negative")
    if n < 20:
        return _SMALL[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens - 2] + (f"-{_SMALL[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_SMALL[hundreds]} hundred" + (f" and {in_words(rest)}" if rest else "")
    return str(n)


def unit_name(number: str, word: str = "Unit") -> str:
    """'205' -> 'Unit 205'; SFJ numbers its units 'Unit 12' already, which stays as it is
    (not 'Unit Unit 12')."""
    return number if number.lower().startswith("unit") else f"{word} {number}"


def unit_reference(reference: str | None, credit: int | None) -> str:
    """'A/506/2130, 5 credits': the national unit reference and credit value where the
    source gives them, '' where it gives neither."""
    parts = [reference or ""] + ([f"{credit} credit{'s' * (credit != 1)}"]
                                 if credit is not None else [])
    return ", ".join(p for p in parts if p)
