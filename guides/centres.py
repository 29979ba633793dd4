"""Service centres (服务中心 / 便民服务中心) and their hour rules, as published in `demo/centres.yaml`.

A centre opens per window category on a regular week; rules add staggered (错时) and extended
(延时) periods and Sunday-rota (周日轮值) openings. Hours arithmetic lives in `guides.hours`.
"""

import datetime as dt
import re
from enum import StrEnum
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from guides.enums import WindowCategory

Weekday = int  # 1 = Monday … 7 = Sunday, as ISO 8601
_PERIOD = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")


class CentreKind(StrEnum):
    CITY = "city"  # 市行政服务中心
    TOWN = "town"  # 镇（街道）便民服务中心
    VILLAGE = "village"  # 村（社区）便民服务站


class RuleKind(StrEnum):
    REGULAR = "regular"
    STAGGERED = "staggered"  # 错时: e.g. open through midday
    EXTENDED = "extended"  # 延时: e.g. evenings
    SUNDAY_ROTA = "sunday_rota"  # 周日轮值


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class HourRule(_Strict):
    """Opening periods on some weekdays for some categories (all of the centre's, if none are named).

    A sunday_rota rule opens on Sundays every `every_weeks` weeks counted from `rota_start`.
    """

    kind: RuleKind
    categories: list[WindowCategory] = []
    weekdays: list[Weekday] = Field(default=[1, 2, 3, 4, 5], min_length=1)
    periods: list[str] = Field(min_length=1)  # "HH:MM-HH:MM", Asia/Shanghai
    every_weeks: int = Field(default=1, ge=1)
    rota_start: dt.date | None = None
    note: str = ""
    note_en: str = ""

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        if any(not 1 <= d <= 7 for d in value):
            raise ValueError("weekdays are 1 (Monday) to 7 (Sunday)")
        return value

    @field_validator("periods")
    @classmethod
    def _periods(cls, value: list[str]) -> list[str]:
        for period in value:
            if not _PERIOD.match(period) or period[:5] >= period[6:]:
                raise ValueError(f"period {period!r} is not HH:MM-HH:MM with start before end")
        return value

    @model_validator(mode="after")
    def _rota(self) -> "HourRule":
        if self.kind is RuleKind.SUNDAY_ROTA and (self.weekdays != [7] or self.rota_start is None):
            raise ValueError("a sunday_rota rule has weekdays [7] and a rota_start (a Sunday)")
        if self.rota_start is not None and self.rota_start.isoweekday() != 7:
            raise ValueError("rota_start must be a Sunday")
        return self


class Centre(_Strict):
    """服务中心: where guides are handled, with windows per category and hour rules."""

    code: str = Field(pattern=r"^[a-z][a-z0-9-]{1,39}$")
    name: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    kind: CentreKind
    town: str = Field(min_length=1)
    address: str = Field(min_length=1)
    address_en: str = ""
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    phone: str = Field(min_length=1)
    windows: dict[WindowCategory, int] = Field(min_length=1)  # category → number of windows
    hours: list[HourRule] = Field(min_length=1)
    volunteers: bool = False  # 义工 guidance at the door

    @model_validator(mode="after")
    def _rules_use_own_categories(self) -> "Centre":
        for rule in self.hours:
            unknown = set(rule.categories) - set(self.windows)
            if unknown:
                raise ValueError(f"hour rule names categories without windows here: {sorted(unknown)}")
        return self


def load_centres(path: Path) -> list[Centre]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    centres = [Centre.model_validate(item) for item in data]
    codes = [c.code for c in centres]
    if len(codes) != len(set(codes)):
        raise ValueError(f"duplicate centre codes in {path}")
    return centres
