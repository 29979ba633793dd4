"""The guide validator: each rule broken on its own, named by field, in Chinese and English."""

import copy
import re
from dataclasses import dataclass

import pytest
import yaml

from guides.centres import load_centres
from guides.enums import WindowCategory
from guides.files import (
    CATALOGUE_DIR,
    CENTRES_FILE,
    check_files,
    demo_centre_windows,
    dump_guide,
    guide_paths,
    load_guide_file,
)
from guides.validate import (
    CHINESE,
    InvalidGuide,
    Untranslated,
    check_catalogue,
    check_guide,
    untranslated,
    untranslated_centre,
)

BASE_FILE = CATALOGUE_DIR / "330482-GA-001.yaml"
BASE = yaml.safe_load(BASE_FILE.read_text(encoding="utf-8"))
FILE = "catalogue/330482-GA-001.yaml"
DELETE = object()


def changed(changes: dict) -> dict:
    """A deep copy of the base guide with `{"materials[1].necessity": value}` changes (DELETE removes)."""
    data = copy.deepcopy(BASE)
    for path, value in changes.items():
        *parents, last = [int(i) if i else k for k, i in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path)]
        target = data
        for key in parents:
            target = target[key]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
    return data


def problems_of(changes: dict) -> list:
    return check_guide(changed(changes), FILE)[1]


def test_the_base_guide_is_valid():
    guide, problems = check_guide(copy.deepcopy(BASE), FILE)
    assert problems == []
    assert guide is not None
    assert guide.code == "330482-GA-001"


@dataclass
class Case:
    id: str
    changes: dict
    field: str
    zh: str
    en: str
    also: tuple = ()  # other fields the same change rightly breaks
    parses: bool = False  # True when the guide is well-formed and only a rule between fields fails

    def param(self):
        return pytest.param(self, id=self.id)


RULES = [
    # _raw_rules: checked on the YAML data, before parsing
    Case("category-not-one-of-seven", {"category": "公安"}, "category", "不是七类之一", "not one of the seven"),
    Case("category-a-list", {"category": ["公安服务"]}, "category", "不是七类之一", "not one of the seven"),
    Case(
        "category-a-mapping",
        {"category": {"公安服务": 1}},
        "category",
        "不是七类之一",
        "not one of the seven",
    ),
    Case(
        "necessity-both-as-list",
        {"materials[1].necessity": ["required", "deferrable"]},
        "materials[1].necessity",
        "既是必需又可容缺",
        "both required and deferrable",
    ),
    Case(
        "necessity-required-plus-deferrable-flag",
        {"materials[1].deferrable": True},
        "materials[1].necessity",
        "既是必需又可容缺",
        "both required and deferrable",
        also=("materials[1].deferrable",),
    ),
    Case(
        "necessity-a-mapping",
        {"materials[1].necessity": {"required": True}},
        "materials[1].necessity",
        "取值必须是其中之一",
        "must be one of",
    ),
    Case(
        "necessity-list-of-lists",
        {"materials[1].necessity": [["required"]]},
        "materials[1].necessity",
        "取值必须是其中之一",
        "must be one of",
    ),
    # _rules: between fields of a well-formed guide
    Case(
        "committed-over-statutory",
        {"committed_days": 61},
        "committed_days",
        "承诺时限（61个工作日）不得超过法定时限（60个工作日）",
        "committed time limit (61 working days) exceeds the statutory limit (60)",
        parses=True,
    ),
    Case(
        "immediate-with-days",
        {"immediate": True},
        "committed_days",
        "即办件的承诺时限应为0个工作日，现为15",
        "immediate item must have committed_days 0, not 15",
        parses=True,
    ),
    Case(
        "steps-longer-than-committed",
        {"steps[2].days": 11},
        "steps",
        "各环节及计入时限的特别程序用时之和（16个工作日）超过承诺时限（15个工作日）",
        "the steps and counted special procedures take 16 working days, more than the committed limit (15)",
        parses=True,
    ),
    Case(
        "counted-special-procedure-overruns-committed",
        {"special_procedures": [{"name": "实地核查", "days": 1, "counts_in_limit": True}]},
        "steps",
        "用时之和（16个工作日）超过承诺时限（15个工作日）",
        "take 16 working days",
        parses=True,
    ),
    Case(
        "licence-library-material-from-applicant",
        {"materials[0].source": DELETE},
        "materials[0].source",
        "“居民户口簿”为免提交材料",
        "'居民户口簿' comes from the e-licence library",
        parses=True,
    ),
    Case(
        "licence-library-material-deferrable",
        {"materials[0].necessity": "deferrable"},
        "materials[0].necessity",
        "“居民户口簿”为免提交材料，无需容缺",
        "cannot be deferred",
        parses=True,
    ),
    Case(
        "free-with-fee-items",
        {"fees.free": True},
        "fees.items",
        "标为免费却列有收费项目",
        "marked free but lists fee items",
        parses=True,
    ),
    Case(
        "charged-without-fee-items",
        {"fees.items": []},
        "fees.items",
        "收费事项须列明收费项目",
        "must list its fee items",
        parses=True,
    ),
    Case(
        "fee-without-basis",
        {"fees.items[1].basis": DELETE},
        "fees.items[1].basis",
        "“丢失补领、损坏换领居民身份证工本费”须注明收费依据",
        "must cite its legal basis",
        parses=True,
    ),
    Case(
        "blank-fee-basis",
        {"fees.items[0].basis": "   "},
        "fees.items[0].basis",
        "须注明收费依据",
        "must cite its legal basis",
        parses=True,
    ),
    Case(
        "two-visits-without-reason",
        {"channels.visits": 2},
        "channels.visits_reason",
        "到现场次数为2次，须说明理由",
        "2 visits need a reason",
        parses=True,
    ),
    Case(
        "zero-visits-not-fully-online",
        {"channels.visits": 0},
        "channels.online_depth",
        "“不用跑”的事项须全程网办",
        "0 visits must be fully online",
        parses=True,
    ),
    Case(
        "online-without-depth",
        {"channels.online_depth": "info"},
        "channels.online_depth",
        "网上申请与网办深度不一致",
        "online and online_depth disagree",
        parses=True,
    ),
    Case(
        "offline-with-online-depth",
        {"channels.online": False},
        "channels.online_depth",
        "网上申请与网办深度不一致",
        "online and online_depth disagree",
        parses=True,
    ),
    Case(
        "express-channel-without-express-delivery",
        {"result.delivery": ["pickup"]},
        "channels.express",
        "快递送达与办理结果的送达方式不一致",
        "express delivery disagrees",
        parses=True,
    ),
    Case(
        "express-delivery-without-express-channel",
        {"channels.express": False},
        "channels.express",
        "快递送达与办理结果的送达方式不一致",
        "express delivery disagrees",
        parses=True,
    ),
    Case(
        "no-12345-hotline",
        {"contact.consultation_phones": ["0573-85011110"]},
        "contact.consultation_phones",
        "咨询电话须包含12345政务服务热线",
        "must include the 12345 hotline",
        parses=True,
    ),
    Case(
        "hotline-as-a-number",  # unquoted 12345 in YAML is an int, which is not the phone string
        {"contact.consultation_phones": [12345, "0573-85011110"]},
        "contact.consultation_phones[0]",
        "类型不正确",
        "wrong type",
    ),
    # pydantic shape errors, explained by _explain
    Case("missing-field", {"name_en": DELETE}, "name_en", "缺少必填字段", "required field is missing"),
    Case(
        "missing-nested-field",
        {"result.certificate": DELETE},
        "result.certificate",
        "缺少必填字段",
        "missing",
    ),
    Case("missing-field-in-list", {"steps[0].actor": DELETE}, "steps[0].actor", "缺少必填字段", "missing"),
    Case("unknown-field", {"owner": "张三"}, "owner", "标准中没有此字段", "unknown field"),
    Case(
        "unknown-nested-field",
        {"channels.ferry": True},
        "channels.ferry",
        "标准中没有此字段",
        "unknown field",
    ),
    Case("bad-item-type", {"item_type": "行政审批"}, "item_type", "取值必须是其中之一", "must be one of"),
    Case("bad-service-object", {"service_object": "person"}, "service_object", "'citizen'", "'citizen'"),
    Case(
        "bad-material-form",
        {"materials[2].form": "scan"},
        "materials[2].form",
        "'electronic'",
        "must be one of",
    ),
    Case("bad-delivery", {"result.delivery[1]": "drone"}, "result.delivery[1]", "'express'", "must be one of"),
    Case("bad-status", {"status": "retired"}, "status", "'abolished'", "must be one of"),
    Case("negative-days", {"statutory_days": -1}, "statutory_days", "不能小于0", "must be at least 0"),
    Case("negative-copies", {"materials[1].copies": -1}, "materials[1].copies", "不能小于0", "at least 0"),
    Case("negative-amount", {"fees.items[0].amount": -20}, "fees.items[0].amount", "不能小于0", "at least 0"),
    Case("negative-visits", {"channels.visits": -1}, "channels.visits", "不能小于0", "at least 0"),
    Case("code-lower-case", {"code": "330482-ga-001"}, "code", "格式不正确", "bad format"),
    Case("code-too-short", {"code": "GA-01"}, "code", "6–40位", "6–40"),
    Case("code-with-space", {"code": "330482 GA 001"}, "code", "格式不正确", "bad format"),
    Case("code-a-number", {"code": 330482001}, "code", "类型不正确", "wrong type"),
    Case("days-a-fraction", {"statutory_days": 1.5}, "statutory_days", "必须是整数", "whole number"),
    Case("days-a-word", {"committed_days": "fifteen"}, "committed_days", "必须是整数", "whole number"),
    Case("flag-not-boolean", {"channels.kiosk": "maybe"}, "channels.kiosk", "true 或 false", "true or false"),
    Case(
        "amount-not-a-number",
        {"fees.items[0].amount": "二十"},
        "fees.items[0].amount",
        "金额数字",
        "an amount",
    ),
    Case("date-not-a-date", {"effective_date": "2017-13-01"}, "effective_date", "YYYY-MM-DD", "must be a date"),
    Case("empty-list", {"legal_basis": []}, "legal_basis", "不能为空", "must not be empty"),
    Case("no-centres", {"centres": []}, "centres", "不能为空", "must not be empty"),
    Case("no-delivery", {"result.delivery": []}, "result.delivery", "不能为空", "must not be empty"),
    Case("empty-string", {"name": ""}, "name", "不能为空", "must not be empty"),
    Case("blank-string", {"steps[1].actor": "   "}, "steps[1].actor", "不能为空", "must not be empty"),
    Case("string-not-list", {"legal_basis": "《居民身份证法》"}, "legal_basis", "类型不正确", "wrong type"),
    Case("list-not-mapping", {"result": ["pickup"]}, "result", "类型不正确", "wrong type"),
    Case("material-not-mapping", {"materials[3]": "监护人身份证"}, "materials[3]", "类型不正确", "wrong type"),
    Case(
        "more-english-than-chinese",
        {"prohibitions_en": ["Do not apply under another person's identity.", "Do not lend your card."]},
        "prohibitions_en",
        "英文条目（2条）多于中文条目（1条）",
        "2 English items for 1 Chinese ones",
        parses=True,
    ),
    Case(
        "date-with-time",
        {"effective_date": BASE["effective_date"].isoformat() + "T10:30:00"},
        "effective_date",
        "取值无效",
        "invalid value",
    ),
]


@pytest.mark.parametrize("case", [c.param() for c in RULES])
def test_each_broken_rule_is_named_by_field_in_both_languages(case):
    guide, problems = check_guide(changed(case.changes), FILE)
    assert sorted(p.field for p in problems) == sorted([case.field, *case.also])
    problem = next(p for p in problems if p.field == case.field)
    assert case.zh in problem.zh
    assert case.en in problem.en
    assert problem.file == FILE
    assert problem.code == str(changed(case.changes)["code"])
    # a rule between fields leaves a usable model; a shape error leaves none
    assert (guide is not None) is case.parses


VALID_VARIANTS = {
    "immediate": {
        "immediate": True,
        "committed_days": 0,
        "steps[1].days": 0,
        "steps[2].days": 0,
        "steps[3].days": 0,
    },
    "free": {"fees.free": True, "fees.items": DELETE},
    "two-visits-with-reason": {"channels.visits": 2, "channels.visits_reason": "须现场勘验"},
    "zero-visits-fully-online": {"channels.visits": 0, "channels.online_depth": "full"},
    "offline": {"channels.online": False, "channels.online_depth": DELETE, "channels.online_payment": False},
    "offline-info-only": {"channels.online": False, "channels.online_depth": "info"},
    "pickup-only": {"channels.express": False, "result.delivery": ["pickup"]},
    "committed-equals-statutory": {"statutory_days": 15},
    "uncounted-special-procedure": {"special_procedures": [{"name": "专家评审", "days": 10}]},
    "deferrable-material": {"materials[3].necessity": "deferrable"},
    "hotline-only": {"contact.consultation_phones": ["12345"]},
    "no-materials": {"materials": []},
    "string-date": {"effective_date": "2017-06-01"},
}


@pytest.mark.parametrize("changes", VALID_VARIANTS.values(), ids=VALID_VARIANTS.keys())
def test_rules_do_not_fire_on_valid_variants(changes):
    guide, problems = check_guide(changed(changes), FILE)
    assert problems == []
    assert guide is not None


def test_several_faults_are_all_reported():
    problems = problems_of(
        {
            "committed_days": 61,
            "fees.items[0].basis": DELETE,
            "channels.visits": 3,
            "contact.consultation_phones": ["0573-85011110"],
        }
    )
    assert [p.field for p in problems] == [
        "committed_days",
        "fees.items[0].basis",
        "channels.visits_reason",
        "contact.consultation_phones",
    ]


def test_several_shape_faults_are_all_reported():
    problems = problems_of(
        {
            "category": "公安",
            "name_en": DELETE,
            "owner": "x",
            "materials[2].form": "scan",
            "statutory_days": -1,
        }
    )
    assert sorted(p.field for p in problems) == [
        "category",
        "materials[2].form",
        "name_en",
        "owner",
        "statutory_days",
    ]


def test_a_raw_rule_replaces_the_type_error_on_the_same_field():
    problems = problems_of({"category": "公安"})
    assert len(problems) == 1
    assert "投资项目" in problems[0].zh
    assert "公安服务" in problems[0].zh
    assert "'公安'" in problems[0].en


def test_the_file_name_code_and_field_appear_in_the_message():
    (problem,) = problems_of({"committed_days": 61})
    text = str(problem)
    assert text.startswith(f"{FILE}: 330482-GA-001: committed_days: ")
    assert problem.zh in text
    assert problem.en in text


def test_a_problem_without_a_field_shows_a_dash():
    _guide, (problem,) = check_guide([BASE], FILE)
    assert str(problem).startswith(f"{FILE}: ?: -: ")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param([BASE], id="list"),
        pytest.param("330482-GA-001", id="string"),
        pytest.param(None, id="empty"),
    ],
)
def test_data_that_is_not_a_mapping(data):
    guide, problems = check_guide(data, FILE)
    assert guide is None
    assert [(p.field, p.code) for p in problems] == [("", "?")]
    assert "键值映射" in problems[0].zh
    assert "a mapping" in problems[0].en


def test_missing_code_is_reported_with_a_placeholder_code():
    problems = problems_of({"code": DELETE})
    assert [(p.field, p.code) for p in problems] == [("code", "?")]


# ---- files: YAML that does not parse, a list instead of a mapping, codes across files


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        pytest.param("code: [330482-GA-001\nname: x\n", "YAML 无法解析", "YAML does not parse", id="unclosed"),
        pytest.param("code: a\n  name: b\n bad: c\n", "YAML 无法解析", "YAML does not parse", id="bad-indent"),
        pytest.param(yaml.safe_dump([BASE], allow_unicode=True), "键值映射", "must hold one guide", id="a-list"),
        pytest.param("", "键值映射", "must hold one guide", id="empty-file"),
    ],
)
def test_files_that_are_not_one_guide(tmp_path, text, zh, en):
    path = write(tmp_path, "broken.yaml", text)
    guides, problems = check_files([path])
    assert guides == []
    assert len(problems) == 1
    assert problems[0].field == ""
    assert zh in problems[0].zh
    assert en in problems[0].en
    assert str(path) in str(problems[0])
    with pytest.raises(InvalidGuide) as info:
        load_guide_file(path)
    assert info.value.problems == problems


def test_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("name: 居民身份证".encode("gbk"))
    _, problems = check_files([path])
    assert [p.field for p in problems] == [""]
    assert "YAML 无法解析" in problems[0].zh
    assert "YAML does not parse" in problems[0].en


def test_duplicate_codes_across_files(tmp_path):
    first = write(tmp_path, "a.yaml", BASE_FILE.read_text(encoding="utf-8"))
    second = write(tmp_path, "b.yaml", BASE_FILE.read_text(encoding="utf-8"))
    guides, problems = check_files([first, second])
    assert len(guides) == 2
    assert [(p.file, p.code, p.field) for p in problems] == [(str(second), "330482-GA-001", "code")]
    assert f"实施编码重复，已在 {first} 中使用" == problems[0].zh
    assert f"duplicate code, already used in {first}" == problems[0].en


def test_duplicate_codes_are_reported_once_per_extra_file():
    guide, _ = check_guide(copy.deepcopy(BASE))
    problems = check_catalogue([("a.yaml", guide), ("b.yaml", guide), ("c.yaml", guide)])
    assert [(p.file, p.field) for p in problems] == [("b.yaml", "code"), ("c.yaml", "code")]
    assert all("a.yaml" in p.zh and "a.yaml" in p.en for p in problems)


def windows(**overrides) -> dict[str, set[WindowCategory]]:
    centre_windows = {code: set(WindowCategory) for code in BASE["centres"]}
    centre_windows.update(overrides)
    return centre_windows


@pytest.mark.parametrize(
    ("centres", "centre_windows", "field", "zh", "en"),
    [
        pytest.param(
            [*BASE["centres"], "nowhere"],
            windows(),
            "centres[5]",
            "未知的服务中心“nowhere”",
            "unknown centre 'nowhere'",
            id="unknown-centre",
        ),
        pytest.param(
            BASE["centres"],
            windows(danghu={WindowCategory.SOCIAL}),
            "centres[1]",
            "服务中心“danghu”没有公安服务窗口",
            "centre 'danghu' has no Public security services window",
            id="centre-without-the-window",
        ),
    ],
)
def test_centres_must_exist_and_have_the_window(centres, centre_windows, field, zh, en):
    guide, _ = check_guide(changed({"centres": centres}))
    problems = check_catalogue([(FILE, guide)], centre_windows)
    assert [(p.file, p.code, p.field) for p in problems] == [(FILE, "330482-GA-001", field)]
    assert zh == problems[0].zh
    assert en == problems[0].en


def test_centres_are_not_checked_without_a_list_of_centres():
    guide, _ = check_guide(changed({"centres": ["nowhere"]}))
    assert check_catalogue([(FILE, guide)]) == []


def test_base_guide_centres_exist_in_the_demo_centres():
    guide, _ = check_guide(copy.deepcopy(BASE))
    assert check_catalogue([(FILE, guide)], demo_centre_windows()) == []


# ---- the catalogue itself

CATALOGUE_FILES = guide_paths([CATALOGUE_DIR])


def test_catalogue_passes_the_validator():
    assert CATALOGUE_FILES, "the catalogue has no guides"
    guides, problems = check_files(CATALOGUE_FILES, demo_centre_windows())
    assert [str(p) for p in problems] == []
    assert len(guides) == len(CATALOGUE_FILES)


@pytest.mark.parametrize("path", CATALOGUE_FILES, ids=[p.name for p in CATALOGUE_FILES])
def test_catalogue_file_is_in_canonical_form(path):
    guide = load_guide_file(path)
    assert dump_guide(guide) == path.read_text(encoding="utf-8")


# ---- English: untranslated texts are warnings, not errors

# (change, the English field reported): each takes away one English text of the base guide
UNTRANSLATED = {
    "department": ({"department_en": DELETE}, "department_en"),
    "condition": ({"conditions_en": BASE["conditions_en"][:2]}, "conditions_en[2]"),
    "prohibitions": ({"prohibitions_en": DELETE}, "prohibitions_en[0]"),
    "legal-basis": ({"legal_basis_en[1]": ""}, "legal_basis_en[1]"),
    "material-name": ({"materials[1].name_en": DELETE}, "materials[1].name_en"),
    "material-notes": ({"materials[0].notes_en": DELETE}, "materials[0].notes_en"),
    "blank-form": ({"materials[3].blank_form": "监护人身份证明表"}, "materials[3].blank_form_en"),
    "step-actor": ({"steps[2].actor_en": DELETE}, "steps[2].actor_en"),
    "step-action": ({"steps[0].action_en": DELETE}, "steps[0].action_en"),
    "fee-name": ({"fees.items[0].name_en": DELETE}, "fees.items[0].name_en"),
    "fee-unit": ({"fees.items[1].unit_en": DELETE}, "fees.items[1].unit_en"),
    "fee-basis": ({"fees.items[1].basis_en": DELETE}, "fees.items[1].basis_en"),
    "certificate": ({"result.certificate_en": DELETE}, "result.certificate_en"),
    "validity": ({"result.validity_en": DELETE}, "result.validity_en"),
    "visits-reason": ({"channels.visits": 2, "channels.visits_reason": "须两次到场"}, "channels.visits_reason_en"),
    "faq-question": ({"faq[1].question_en": DELETE}, "faq[1].question_en"),
    "faq-answer": ({"faq[0].answer_en": DELETE}, "faq[0].answer_en"),
    "special-procedure": ({"special_procedures": [{"name": "实地核查", "days": 0}]}, "special_procedures[0].name_en"),
}


def test_the_base_guide_is_fully_translated():
    guide, _ = check_guide(copy.deepcopy(BASE), FILE)
    assert untranslated(guide, FILE) == []


@pytest.mark.parametrize(("changes", "field"), UNTRANSLATED.values(), ids=UNTRANSLATED.keys())
def test_each_text_without_english_is_a_warning_naming_its_field(changes, field):
    guide, problems = check_guide(changed(changes), FILE)
    assert problems == []  # a warning never stops a guide from being valid
    warnings = untranslated(guide, FILE)
    assert [w.field for w in warnings] == [field]
    warning = warnings[0]
    assert isinstance(warning, Untranslated) and (warning.file, warning.code) == (FILE, "330482-GA-001")
    assert warning.zh.startswith("缺少英文：“") and warning.en.startswith("no English for “")
    assert f"{FILE}: 330482-GA-001: {field}: 警告 warning: 缺少英文" in str(warning)


def test_english_that_still_holds_chinese_is_a_warning():
    guide, _ = check_guide(changed({"steps[1].action_en": "Reviews the application 并上报制证。"}), FILE)
    [warning] = untranslated(guide, FILE)
    assert warning.field == "steps[1].action_en"
    assert (warning.zh, warning.en) == ("英文内容中有中文字符", "the English text contains Chinese characters")


def test_a_long_chinese_text_is_shortened_in_the_warning():
    guide, _ = check_guide(changed({"conditions_en": DELETE}), FILE)
    first = untranslated(guide, FILE)[0]
    assert first.field == "conditions_en[0]"
    assert first.zh == f"缺少英文：“{BASE['conditions'][0][:29]}…”"


@pytest.mark.parametrize("path", CATALOGUE_FILES, ids=[p.name for p in CATALOGUE_FILES])
def test_every_catalogue_guide_is_fully_translated(path):
    assert [str(w) for w in untranslated(load_guide_file(path), path.name)] == []


def test_every_demo_centre_is_fully_translated():
    centres = load_centres(CENTRES_FILE)
    assert [str(w) for c in centres for w in untranslated_centre(c, CENTRES_FILE.name)] == []


def test_a_centre_rule_note_without_english_is_a_warning():
    centre = load_centres(CENTRES_FILE)[0]
    rule = centre.hours[1].model_copy(update={"note_en": ""})
    centre = centre.model_copy(update={"hours": [centre.hours[0], rule, *centre.hours[2:]]})
    assert [w.field for w in untranslated_centre(centre)] == ["hours[1].note_en"]


def test_staggered_hours_are_never_called_lunch_in_english():
    """ "Lunch" reads as "closed for lunch"; staggered windows are the ones that stay open then."""
    for centre in load_centres(CENTRES_FILE):
        for rule in centre.hours:
            assert "lunch" not in rule.note_en.lower(), (centre.code, rule.note_en)


@pytest.mark.parametrize(
    ("text", "chinese"), [("¥20 per card", False), ("“quoted” – dash", False), ("证", True), ("（", True)]
)
def test_what_counts_as_chinese_in_english_text(text, chinese):
    assert bool(CHINESE.search(text)) is chinese


def test_one_department_has_one_english_name_across_files():
    first, _ = check_guide(copy.deepcopy(BASE), FILE)
    second, _ = check_guide(changed({"code": "330482-GA-990", "department_en": "Pinghu Police"}), "other.yaml")
    [problem] = check_catalogue([(FILE, first), ("other.yaml", second)])
    assert (problem.file, problem.code, problem.field) == ("other.yaml", "330482-GA-990", "department_en")
    assert FILE in problem.zh and "Pinghu Public Security Bureau" in problem.en
    unnamed, _ = check_guide(changed({"code": "330482-GA-991", "department_en": DELETE}), "third.yaml")
    assert check_catalogue([(FILE, first), ("third.yaml", unnamed)]) == []  # no English is no disagreement
