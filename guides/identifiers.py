"""The one identifier (DESIGN.md §1): citizen ID number (身份证号) or unified social credit code (统一社会信用代码).

Checks use python-stdnum; errors say why, in Chinese and English. `mask` is how every list shows one.
"""

import datetime as dt

from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.util import isdigits

from guides import clock


class IdentifierError(ValueError):
    # A plain class, not a frozen dataclass: Python sets `__traceback__` on exceptions passing through
    # context managers, and a frozen dataclass refuses that assignment.
    def __init__(self, zh: str, en: str):
        super().__init__(zh, en)
        self.zh = zh
        self.en = en

    def __str__(self) -> str:
        return f"{self.zh} / {self.en}"


def validate_id_number(value: str, today: dt.date | None = None) -> str:
    """A resident ID number in canonical form (18 characters, capital X), or IdentifierError.

    Unlike `ric.validate` we accept a region code whatever the birth year: a code is given at first
    registration, so people born in 平湖县 before 1991 rightly carry 330482 (平湖市) today.
    """
    number = "".join(ric.compact(value or "").split()).upper()  # spaces inside too, 全角 included
    if len(number) != 18:
        raise IdentifierError("身份证号应为18位", "an ID number has 18 characters")
    if not isdigits(number[:17]) or not (isdigits(number[17]) or number[17] == "X"):  # ASCII digits only
        raise IdentifierError("身份证号前17位应为数字，末位为数字或X", "an ID number is 17 digits then a digit or X")
    if number[17] != ric.calc_check_digit(number):
        raise IdentifierError("身份证号校验码不正确，请核对", "the ID number's check digit is wrong; please check it")
    try:
        birth = ric.get_birth_date(number)
    except InvalidComponent:
        raise IdentifierError(
            "身份证号中的出生日期无效", "the birth date in the ID number is not a real date"
        ) from None
    if birth > (today or clock.today()):
        raise IdentifierError("身份证号中的出生日期在未来", "the birth date in the ID number is in the future")
    if not any("county" in props for _, props in numdb.get("cn/loc").info(number[:6])):
        raise IdentifierError("身份证号前6位不是有效的行政区划代码", "the first six digits are not a known region code")
    return number


def validate_uscc(value: str) -> str:
    """A unified social credit code in canonical form, or IdentifierError."""
    code = uscc.compact(value or "").upper()
    try:
        uscc.validate(code)
    except InvalidLength:
        raise IdentifierError("统一社会信用代码应为18位", "a unified social credit code has 18 characters") from None
    except (InvalidFormat, InvalidComponent):
        raise IdentifierError(
            "统一社会信用代码含有无效字符（不使用 I、O、Z、S、V）",
            "the unified social credit code has invalid characters (I, O, Z, S and V are not used)",
        ) from None
    except InvalidChecksum:
        raise IdentifierError(
            "统一社会信用代码校验码不正确，请核对", "the unified social credit code's check character is wrong"
        ) from None
    return code


def validate_identifier(value: str) -> str:
    """Either kind: an ID number if it starts with a digit-only body, else a USCC.

    Many credit codes (those converted from old organisation codes) also have 17 digits first, so one
    that fails as an ID number is tried as a USCC before the ID number's error is reported.
    """
    compact = "".join(ric.compact(value or "").split()).upper()
    if isdigits(compact[:17]):
        try:
            return validate_id_number(compact)
        except IdentifierError as id_error:
            try:
                return validate_uscc(compact)
            except IdentifierError:
                raise id_error from None
    return validate_uscc(compact)


def mask(identifier: str) -> str:
    """`**************1234`: the last four only. Region and birth date narrow the rest to a few hundred
    guesses, so a printed slip or a screen shows nothing else."""
    if len(identifier) <= 4:
        return "*" * len(identifier)
    return "*" * (len(identifier) - 4) + identifier[-4:]
