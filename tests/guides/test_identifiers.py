"""The one identifier: 身份证号 and 统一社会信用代码, checked with real check digits from python-stdnum."""

import contextlib
import datetime as dt
import pickle

import pytest
from stdnum.cn import ric, uscc

from guides import clock
from guides.identifiers import IdentifierError, mask, validate_id_number, validate_identifier, validate_uscc

TODAY = dt.date(2026, 6, 1)


def id_number(body: str) -> str:
    """17 digits plus their real check digit (ric wants a placeholder check digit appended)."""
    assert len(body) == 17
    return body + ric.calc_check_digit(body + "0")


def credit_code(body: str) -> str:
    """17 characters plus their real check character."""
    assert len(body) == 17
    return body + uscc.calc_check_digit(body)


def id_number_ending_in_x(prefix: str) -> str:
    """The first valid ID number with this 14-digit prefix whose check digit is X."""
    return next(n for n in (id_number(f"{prefix}{seq:03d}") for seq in range(1000)) if n.endswith("X"))


PINGHU_1985 = id_number("33048219850101123")
PINGHU_X = id_number_ending_in_x("33048219850101")
BEIJING_2000 = id_number("11010120000229002")  # 2000 was a leap year
TONGXIANG_COUNTY = id_number("33042519800315001")  # 桐乡县, a code retired in 1993, still on old cards
PINGHU_1950 = id_number("33048219500701002")

# 91 = 工商 enterprise, 92 = 个体工商户, 12 = 事业单位, 93 = 农民专业合作社; the last has an
# all-digit body, as codes converted from old organisation codes do.
COMPANY = credit_code("91330482MA28A3KX1")
SOLE_TRADER = credit_code("92330482MA29B7YQ5")
PUBLIC_INSTITUTION = credit_code("12330482470107722")
COOPERATIVE = credit_code("93330482MA2BC1W0X")
ALL_DIGIT_BODY = credit_code("91330100799655058")


def test_test_data_is_what_it_claims():
    assert PINGHU_X.endswith("X")
    assert ALL_DIGIT_BODY[:17].isdigit()
    # stdnum alone rejects 330482 for births before 平湖市 existed (1991); we accept it on purpose.
    assert not ric.is_valid(PINGHU_1985)
    assert all(uscc.is_valid(c) for c in (COMPANY, SOLE_TRADER, PUBLIC_INSTITUTION, COOPERATIVE, ALL_DIGIT_BODY))


def spaced(number: str) -> str:
    return f"{number[:6]} {number[6:14]} {number[14:]}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(PINGHU_1985, PINGHU_1985, id="pinghu-born-1985"),
        pytest.param(PINGHU_1950, PINGHU_1950, id="pinghu-born-1950"),
        pytest.param(PINGHU_X, PINGHU_X, id="check-digit-X"),
        pytest.param(PINGHU_X.lower(), PINGHU_X, id="lower-case-x"),
        pytest.param(spaced(PINGHU_1985), PINGHU_1985, id="spaces"),
        pytest.param(f"  {PINGHU_X.lower()}\n", PINGHU_X, id="surrounding-whitespace"),
        pytest.param(spaced(PINGHU_1985).replace(" ", "\u3000"), PINGHU_1985, id="ideographic-spaces"),
        pytest.param(
            PINGHU_1985.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
            PINGHU_1985,
            id="full-width-digits",
        ),
        pytest.param(BEIJING_2000, BEIJING_2000, id="feb-29-leap-year"),
        pytest.param(TONGXIANG_COUNTY, TONGXIANG_COUNTY, id="retired-county-code"),
        pytest.param(id_number("33048220260601001"), id_number("33048220260601001"), id="born-today"),
    ],
)
def test_valid_id_numbers_come_back_canonical(value, expected):
    assert validate_id_number(value, today=TODAY) == expected


def test_id_number_defaults_to_the_clock_s_today():
    tomorrow = clock.today() + dt.timedelta(days=1)
    with pytest.raises(IdentifierError) as info:
        validate_id_number(id_number(f"330482{tomorrow:%Y%m%d}001"))
    assert "未来" in info.value.zh
    assert validate_id_number(PINGHU_1985) == PINGHU_1985


LENGTH = ("应为18位", "18 characters")
FORMAT = ("前17位应为数字", "17 digits then a digit or X")
CHECKSUM = ("校验码不正确", "check digit is wrong")
DATE = ("出生日期无效", "not a real date")
FUTURE = ("出生日期在未来", "in the future")
REGION = ("行政区划代码", "not a known region code")


def wrong_check_digit(number: str) -> str:
    return number[:17] + ("1" if number[17] != "1" else "2")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(wrong_check_digit(PINGHU_1985), CHECKSUM, id="wrong-checksum"),
        pytest.param(wrong_check_digit(PINGHU_X), CHECKSUM, id="X-expected-digit-given"),
        pytest.param(
            PINGHU_1985[:16] + str((int(PINGHU_1985[16]) + 1) % 10) + PINGHU_1985[17],
            CHECKSUM,
            id="mistyped-body-digit",
        ),
        pytest.param(PINGHU_1985[:17], LENGTH, id="17-characters"),
        pytest.param(PINGHU_1985 + "0", LENGTH, id="19-characters"),
        pytest.param("", LENGTH, id="empty"),
        pytest.param(None, LENGTH, id="none"),
        pytest.param(PINGHU_1985[:10] + "A" + PINGHU_1985[11:], FORMAT, id="letter-in-body"),
        pytest.param(PINGHU_1985[:17] + "Y", FORMAT, id="letter-other-than-X-at-end"),
        pytest.param(PINGHU_1985[:16] + "²" + PINGHU_1985[17], FORMAT, id="superscript-digit-in-body"),
        pytest.param(
            PINGHU_1985[:17].translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")) + PINGHU_1985[17],
            FORMAT,
            id="arabic-indic-digits",
        ),
        pytest.param(id_number("33048219851332001"), DATE, id="month-13-day-32"),
        pytest.param(id_number("33048219850229001"), DATE, id="feb-29-non-leap-year"),
        pytest.param(id_number("33048219000000001"), DATE, id="zero-month-and-day"),
        pytest.param(id_number("33048220260602001"), FUTURE, id="born-tomorrow"),
        pytest.param(id_number("33048230010101001"), FUTURE, id="born-3001"),
        pytest.param(id_number("99999919850101001"), REGION, id="unknown-region-999999"),
        pytest.param(id_number("33049919850101001"), REGION, id="unknown-county-in-zhejiang"),
    ],
)
def test_invalid_id_numbers_say_why(value, message):
    with pytest.raises(IdentifierError) as info:
        validate_id_number(value, today=TODAY)
    zh, en = message
    assert zh in info.value.zh
    assert en in info.value.en
    assert str(info.value) == f"{info.value.zh} / {info.value.en}"


def test_identifier_error_is_a_value_error():
    with pytest.raises(ValueError, match="18"):
        validate_id_number("123")


@contextlib.contextmanager
def passing_through():
    yield


def test_identifier_error_survives_context_managers_and_pickling():
    # contextlib assigns __traceback__ on the way out, which a frozen dataclass would refuse.
    with pytest.raises(IdentifierError) as info, passing_through():
        validate_id_number("123")
    assert info.value.en == "an ID number has 18 characters"
    copy = pickle.loads(pickle.dumps(info.value))
    assert (copy.zh, copy.en) == (info.value.zh, info.value.en)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(COMPANY, COMPANY, id="91-company"),
        pytest.param(SOLE_TRADER, SOLE_TRADER, id="92-sole-trader"),
        pytest.param(PUBLIC_INSTITUTION, PUBLIC_INSTITUTION, id="12-public-institution"),
        pytest.param(COOPERATIVE, COOPERATIVE, id="93-cooperative"),
        pytest.param(ALL_DIGIT_BODY, ALL_DIGIT_BODY, id="all-digit-body"),
        pytest.param(COMPANY.lower(), COMPANY, id="lower-case"),
        pytest.param(f"{COMPANY[:8]} {COMPANY[8:]}", COMPANY, id="space"),
        pytest.param(f"{COMPANY[:8]}-{COMPANY[8:]}", COMPANY, id="hyphen"),
    ],
)
def test_valid_credit_codes_come_back_canonical(value, expected):
    assert validate_uscc(value) == expected


USCC_LENGTH = ("应为18位", "18 characters")
USCC_CHARS = ("不使用 I、O、Z、S、V", "I, O, Z, S and V are not used")
USCC_CHECKSUM = ("校验码不正确", "check character is wrong")


def wrong_check_char(code: str) -> str:
    return code[:17] + ("1" if code[17] != "1" else "2")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        *[pytest.param(COMPANY[:12] + letter + COMPANY[13:], USCC_CHARS, id=f"letter-{letter}") for letter in "IOZSV"],
        pytest.param(COMPANY[:17] + "O", USCC_CHARS, id="O-as-check-character"),
        pytest.param("9133O482MA28A3KX1" + COMPANY[17], USCC_CHARS, id="letter-in-region-code"),
        pytest.param(wrong_check_char(COMPANY), USCC_CHECKSUM, id="bad-check-character"),
        pytest.param(wrong_check_char(SOLE_TRADER), USCC_CHECKSUM, id="bad-check-character-sole-trader"),
        pytest.param(COMPANY[:17], USCC_LENGTH, id="17-characters"),
        pytest.param(COMPANY + "1", USCC_LENGTH, id="19-characters"),
        pytest.param("", USCC_LENGTH, id="empty"),
    ],
)
def test_invalid_credit_codes_say_why(value, message):
    with pytest.raises(IdentifierError) as info:
        validate_uscc(value)
    zh, en = message
    assert zh in info.value.zh
    assert en in info.value.en


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(PINGHU_1985, PINGHU_1985, id="id-number"),
        pytest.param(PINGHU_X.lower(), PINGHU_X, id="id-number-lower-x"),
        pytest.param(spaced(PINGHU_1985), PINGHU_1985, id="id-number-spaces"),
        pytest.param(COMPANY, COMPANY, id="company"),
        pytest.param(SOLE_TRADER.lower(), SOLE_TRADER, id="sole-trader-lower-case"),
        pytest.param(f"{COMPANY[:8]} {COMPANY[8:]}", COMPANY, id="company-space"),
        pytest.param(
            PINGHU_1985.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
            PINGHU_1985,
            id="id-number-full-width-digits",
        ),
        pytest.param(ALL_DIGIT_BODY, ALL_DIGIT_BODY, id="credit-code-with-all-digit-body"),
        pytest.param(credit_code("91330482704204961"), credit_code("91330482704204961"), id="credit-code-all-digits"),
    ],
)
def test_identifier_accepts_either_kind(value, expected):
    assert validate_identifier(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(wrong_check_digit(PINGHU_1985), CHECKSUM, id="id-number-wrong-checksum"),
        pytest.param(PINGHU_1985 + "0", LENGTH, id="id-number-19-digits"),
        pytest.param(id_number("33048219850229001"), DATE, id="id-number-bad-date"),
        pytest.param(wrong_check_char(COMPANY), USCC_CHECKSUM, id="credit-code-wrong-check"),
        pytest.param(COMPANY[:12] + "I" + COMPANY[13:], USCC_CHARS, id="credit-code-letter-I"),
        pytest.param("", USCC_LENGTH, id="empty"),
    ],
)
def test_identifier_rejects_with_the_message_of_its_kind(value, message):
    with pytest.raises(IdentifierError) as info:
        validate_identifier(value)
    zh, en = message
    assert zh in info.value.zh
    assert en in info.value.en


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("330482198501011234", "**************1234", id="id-number"),
        pytest.param(PINGHU_X, "*" * 14 + PINGHU_X[-4:], id="id-number-x"),
        pytest.param(COMPANY, "*" * 14 + COMPANY[-4:], id="credit-code"),
        pytest.param("12345678901", "*******8901", id="eleven-characters"),
        pytest.param("1234", "****", id="short"),
        pytest.param("", "", id="empty"),
    ],
)
def test_mask(value, expected):
    assert mask(value) == expected
    assert len(mask(value)) == len(value)


def test_mask_hides_the_region_and_the_birth_date():
    masked = mask(PINGHU_1985)
    assert "19850101" not in masked and "330482" not in masked
    assert masked.endswith(PINGHU_1985[-4:])
