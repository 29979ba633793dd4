"""The guide validator: every broken rule, named by file, guide code and field, in Chinese and English.

`check_guide(data)` checks one guide as parsed from YAML; `check_catalogue(files)` adds the rules
that span files (unique codes, known centres). Both return a list of `Problem`, empty when valid.
`untranslated(guide)` lists the texts that still lack English, as warnings (`Untranslated`): they do
not stop a guide from being imported or published, but editors see them and the dashboard counts them.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from guides.centres import Centre
from guides.enums import Delivery, MaterialSource, Necessity, OnlineDepth, WindowCategory
from guides.schema import Guide

HOTLINE = "12345"
# Han characters, CJK punctuation and full-width forms: none of them belongs in an English text.
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
# Lists whose `<name>_en` holds the English of each item, in the same order.
TRANSLATED_LISTS = ("co_departments", "legal_basis", "conditions", "prohibitions")


@dataclass(frozen=True)
class Problem:
    """One broken rule. `field` is a dotted path such as `materials[2].necessity`."""

    file: str
    code: str
    field: str
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.file}: {self.code}: {self.field or '-'}: {self.zh} / {self.en}"


@dataclass(frozen=True)
class Untranslated(Problem):
    """A warning, not an error: a text citizens read that has no English yet, or whose English still
    holds Chinese. `field` names the English field, e.g. `materials[0].notes_en`."""

    def __str__(self) -> str:
        return f"{self.file}: {self.code}: {self.field}: 警告 warning: {self.zh} / {self.en}"


class InvalidGuide(ValueError):
    """Raised by loaders when a guide breaks the standard; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def check_guide(data: Any, file: str = "") -> tuple[Guide | None, list[Problem]]:
    """Validate one guide (a mapping from YAML). Returns the model (None if malformed) and problems."""
    code = str(data.get("code", "?")) if isinstance(data, Mapping) else "?"

    def problem(field: str, zh: str, en: str) -> Problem:
        return Problem(file, code, field, zh, en)

    if not isinstance(data, Mapping):
        return None, [problem("", "文件内容应为一个指南（键值映射）", "the file must hold one guide (a mapping)")]

    problems = [problem(f, zh, en) for f, zh, en in _raw_rules(data)]
    try:
        guide = Guide.model_validate(data)
    except ValidationError as exc:
        reported = {p.field for p in problems}
        for err in exc.errors():
            field = _path(err["loc"])
            if field not in reported:
                problems.append(problem(field, *_explain(err)))
        return None, problems
    problems += [problem(f, zh, en) for f, zh, en in _rules(guide)]
    return guide, problems


def check_catalogue(
    guides: Iterable[tuple[str, Guide]], centre_windows: Mapping[str, set[WindowCategory]] | None = None
) -> list[Problem]:
    """Rules across guides: unique codes, one English name per department and, when `centre_windows`
    (centre code → its window categories) is given, centres that exist and have a window for the
    guide's category."""
    problems = []
    first_file: dict[str, str] = {}
    english: dict[str, tuple[str, str]] = {}  # department → (its English name, the file that first gave it)
    for file, guide in guides:
        named = [("department_en", guide.department, guide.department_en)]
        named += [
            (f"co_departments_en[{i}]", n, e)
            for i, (n, e) in enumerate(zip(guide.co_departments, guide.co_departments_en, strict=False))
        ]
        for field, name, name_en in named:
            if not name_en:
                continue
            known, where = english.setdefault(name, (name_en, file))
            if known != name_en:
                problems.append(
                    Problem(
                        file,
                        guide.code,
                        field,
                        f"部门“{name}”的英文名称与 {where} 中的（{known}）不同",
                        f"department '{name}' has another English name in {where} ({known})",
                    )
                )
        if guide.code in first_file:
            problems.append(
                Problem(
                    file,
                    guide.code,
                    "code",
                    f"实施编码重复，已在 {first_file[guide.code]} 中使用",
                    f"duplicate code, already used in {first_file[guide.code]}",
                )
            )
        first_file.setdefault(guide.code, file)
        for i, centre in enumerate(guide.centres if centre_windows is not None else []):
            if centre not in centre_windows:
                zh, en = f"未知的服务中心“{centre}”", f"unknown centre '{centre}'"
            elif guide.category not in centre_windows[centre]:
                zh = f"服务中心“{centre}”没有{guide.category}窗口"
                en = f"centre '{centre}' has no {guide.category.label_en} window"
            else:
                continue
            problems.append(Problem(file, guide.code, f"centres[{i}]", zh, en))
    return problems


def untranslated(guide: Guide, file: str = "") -> list[Untranslated]:
    """Every Chinese text of the guide without English, and every English text with Chinese in it."""
    return _untranslated(_translation_pairs(guide), guide.code, file)


def untranslated_centre(centre: Centre, file: str = "") -> list[Untranslated]:
    """The same check for a centre: its name, address and the notes of its hour rules."""
    pairs = [("name_en", centre.name, centre.name_en), ("address_en", centre.address, centre.address_en)]
    pairs += [(f"hours[{i}].note_en", rule.note, rule.note_en) for i, rule in enumerate(centre.hours)]
    return _untranslated(pairs, centre.code, file)


def _untranslated(pairs: Iterable[tuple[str, str, str]], code: str, file: str) -> list[Untranslated]:
    out = []
    for field, zh, en in pairs:
        if zh and not en:
            shown = zh if len(zh) <= 30 else zh[:29] + "…"
            out.append(Untranslated(file, code, field, f"缺少英文：“{shown}”", f"no English for “{shown}”"))
        elif CHINESE.search(en):
            zh, en = "英文内容中有中文字符", "the English text contains Chinese characters"
            out.append(Untranslated(file, code, field, zh, en))
    return out


def _translation_pairs(g: Guide) -> Iterable[tuple[str, str, str]]:
    """(English field's path, Chinese text, English text) for every text of the guide."""
    yield "name_en", g.name, g.name_en
    yield "summary_en", g.summary, g.summary_en
    yield "department_en", g.department, g.department_en
    for name in TRANSLATED_LISTS:
        english = getattr(g, f"{name}_en")
        for i, zh in enumerate(getattr(g, name)):
            yield f"{name}_en[{i}]", zh, english[i] if i < len(english) else ""
    rows = {
        "materials": ("name", "blank_form", "sample", "notes", "not_needed_when"),
        "steps": ("name", "actor", "action"),
        "special_procedures": ("name",),
        "fees.items": ("name", "unit", "basis"),
        "faq": ("question", "answer"),
    }
    for path, fields in rows.items():
        items = g.fees.items if path == "fees.items" else getattr(g, path)
        for i, row in enumerate(items):
            for f in fields:
                yield f"{path}[{i}].{f}_en", getattr(row, f), getattr(row, f"{f}_en")
    yield "result.certificate_en", g.result.certificate, g.result.certificate_en
    yield "result.validity_en", g.result.validity, g.result.validity_en
    yield "channels.visits_reason_en", g.channels.visits_reason, g.channels.visits_reason_en


def _raw_rules(data: Mapping) -> Iterable[tuple[str, str, str]]:
    """Rules best checked before parsing, so that their message is specific rather than a type error."""
    category = data.get("category")
    if category is not None and category not in list(WindowCategory):  # a list: YAML may give unhashables
        yield (
            "category",
            f"窗口类别“{category}”不是七类之一：{'、'.join(WindowCategory)}",
            f"window category '{category}' is not one of the seven: {', '.join(WindowCategory)}",
        )
    materials = data.get("materials")
    for i, m in enumerate(materials if isinstance(materials, list) else []):
        if not isinstance(m, Mapping):
            continue
        necessity = m.get("necessity")
        listed = necessity if isinstance(necessity, list) else [necessity]
        values = {v for v in listed if isinstance(v, str)}  # YAML may give unhashable lists or mappings
        if m.get("deferrable") is True:
            values.add(Necessity.DEFERRABLE.value)
        if {Necessity.REQUIRED.value, Necessity.DEFERRABLE.value} <= values:
            yield (
                f"materials[{i}].necessity",
                "材料不能既是必需又可容缺",
                "a material cannot be both required and deferrable",
            )


def _rules(g: Guide) -> Iterable[tuple[str, str, str]]:
    """Rules between fields of a well-formed guide."""
    for rules in (_time_rules, _material_rules, _translation_rules, _fee_rules, _channel_rules, _contact_rules):
        yield from rules(g)


def _translation_rules(g: Guide) -> Iterable[tuple[str, str, str]]:
    for name in TRANSLATED_LISTS:
        chinese, english = getattr(g, name), getattr(g, f"{name}_en")
        if len(english) > len(chinese):
            yield (
                f"{name}_en",
                f"英文条目（{len(english)}条）多于中文条目（{len(chinese)}条）",
                f"{len(english)} English items for {len(chinese)} Chinese ones",
            )


def _contact_rules(g: Guide) -> Iterable[tuple[str, str, str]]:
    if HOTLINE not in g.contact.consultation_phones:
        yield (
            "contact.consultation_phones",
            "咨询电话须包含12345政务服务热线",
            "consultation phones must include the 12345 hotline",
        )


def _time_rules(g: Guide) -> Iterable[tuple[str, str, str]]:
    if g.committed_days > g.statutory_days:
        yield (
            "committed_days",
            f"承诺时限（{g.committed_days}个工作日）不得超过法定时限（{g.statutory_days}个工作日）",
            f"committed time limit ({g.committed_days} working days) exceeds the statutory limit ({g.statutory_days})",
        )
    if g.immediate and g.committed_days != 0:
        yield (
            "committed_days",
            f"即办件的承诺时限应为0个工作日，现为{g.committed_days}",
            f"an immediate item must have committed_days 0, not {g.committed_days}",
        )
    # Special procedures that count in the limit run inside it, so they must fit beside the steps.
    step_days = sum(s.days for s in g.steps) + sum(p.days for p in g.special_procedures if p.counts_in_limit)
    if step_days > g.committed_days:
        yield (
            "steps",
            f"各环节及计入时限的特别程序用时之和（{step_days}个工作日）超过承诺时限（{g.committed_days}个工作日）",
            f"the steps and counted special procedures take {step_days} working days, more than the committed "
            f"limit ({g.committed_days})",
        )


def _material_rules(g: Guide) -> Iterable[tuple[str, str, str]]:
    for i, m in enumerate(g.materials):
        if m.from_licence_library and m.source is not MaterialSource.GOVERNMENT:
            yield (
                f"materials[{i}].source",
                f"“{m.name}”为免提交材料（电子证照库调取），不能要求申请人提供",
                f"'{m.name}' comes from the e-licence library; the applicant must not be asked to bring it",
            )
        if m.from_licence_library and m.necessity is Necessity.DEFERRABLE:
            yield (
                f"materials[{i}].necessity",
                f"“{m.name}”为免提交材料，无需容缺",
                f"'{m.name}' comes from the e-licence library, so it cannot be deferred",
            )


def _fee_rules(g: Guide) -> Iterable[tuple[str, str, str]]:
    if g.fees.free and g.fees.items:
        yield ("fees.items", "标为免费却列有收费项目", "marked free but lists fee items")
    if not g.fees.free and not g.fees.items:
        yield ("fees.items", "收费事项须列明收费项目", "a charged item must list its fee items")
    for i, fee in enumerate(g.fees.items):
        if not fee.basis:
            yield (
                f"fees.items[{i}].basis",
                f"收费项目“{fee.name}”须注明收费依据",
                f"fee item '{fee.name}' must cite its legal basis",
            )


def _channel_rules(g: Guide) -> Iterable[tuple[str, str, str]]:
    ch = g.channels
    if ch.visits > 1 and not ch.visits_reason:
        yield (
            "channels.visits_reason",
            f"到现场次数为{ch.visits}次，须说明理由",
            f"{ch.visits} visits need a reason",
        )
    if ch.visits == 0 and ch.online_depth is not OnlineDepth.FULL:
        yield (
            "channels.online_depth",
            "“不用跑”的事项须全程网办（online_depth: full）",
            "an item with 0 visits must be fully online (online_depth: full)",
        )
    if ch.online != (ch.online_depth in (OnlineDepth.PRE_REVIEW, OnlineDepth.FULL)):
        yield (
            "channels.online_depth",
            "网上申请与网办深度不一致：可网上申请时深度应为 pre_review 或 full，反之为 none 或 info",
            "online and online_depth disagree: online items are pre_review or full, others none or info",
        )
    if ch.express != (Delivery.EXPRESS in g.result.delivery):
        yield (
            "channels.express",
            "快递送达与办理结果的送达方式不一致",
            "express delivery disagrees with the result's delivery options",
        )


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _explain(err: Mapping) -> tuple[str, str]:
    """A bilingual message for one pydantic error."""
    kind, ctx = err["type"], err.get("ctx", {})
    if kind == "missing":
        return "缺少必填字段", "required field is missing"
    if kind == "extra_forbidden":
        return "标准中没有此字段", "unknown field (not in the guide standard)"
    if kind == "enum":
        return f"取值必须是其中之一：{ctx.get('expected')}", f"must be one of {ctx.get('expected')}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "必须是整数", "must be a whole number"
    if kind in ("bool_type", "bool_parsing"):
        return "必须是 true 或 false", "must be true or false"
    if kind in ("decimal_type", "decimal_parsing"):
        return "必须是金额数字", "must be an amount"
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing"):
        return "必须是日期（YYYY-MM-DD）", "must be a date (YYYY-MM-DD)"
    if kind in ("greater_than_equal",):
        return f"不能小于{ctx.get('ge')}", f"must be at least {ctx.get('ge')}"
    if kind in ("too_short", "string_too_short"):
        return "不能为空", "must not be empty"
    if kind == "string_pattern_mismatch":
        return "格式不正确（大写字母、数字和连字符，6–40位）", "bad format (capitals, digits and hyphens, 6–40)"
    if kind in ("string_type", "list_type", "model_type", "dict_type"):
        return "类型不正确", f"wrong type: {err['msg']}"
    return f"取值无效：{err['msg']}", f"invalid value: {err['msg']}"
