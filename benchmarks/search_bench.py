"""Search at scale: 10,000 realistic guides, our engine (guides/search) against Wagtail's database backend.

    .venv/bin/python benchmarks/search_bench.py [--guides 10000] [--workers 2] [--wagtail-guides 1000]

Guides are generated from the catalogue's own vocabulary: the catalogue's subjects and those of a
county's real item list, combined with real administrative actions, each keeping the body text,
materials, steps and FAQ of a catalogue guide of the same window category, so term statistics look
like a full county catalogue. Each generated name is a subject of a county's item list with an action
and sometimes a town; the catalogue's 44 guides are among them, so the relevance test set
(tests/guides/search_queries.yaml) measures Recall@5 at full scale. In the same run both engines then
get the same first `--wagtail-guides` of them (Wagtail pages are created one by one, ~0.5 s each here,
so 10,000 would take over an hour): recall, latency and their ratio.

Prints: index build time and size, query latency p50/p95 per query kind, peak memory, Recall@5 and
the share of queries answered right first for both engines, and the ratios. Targets on the idle
2-core machine: p95 ≤ 20 ms for every kind of query, Recall@5 ≥ 0.95 at 10,000, rebuild ≤ 120 s.
"""

import argparse
import gc
import io
import logging
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from guides.files import load_catalogue  # noqa: E402
from guides.search.index import SearchIndex  # noqa: E402

QUERIES = ROOT / "tests" / "guides" / "search_queries.yaml"

# Subjects of a county's item list (Zhejiang 政务服务 catalogue), by window category.
SUBJECTS = {
    "投资项目": "企业投资项目核准 固定资产投资项目节能审查 建设用地规划许可证 乡村建设规划许可证 临时建设工程规划许可 "
    "建设工程消防设计审查 人防工程建设审批 城市建筑垃圾处置核准 占用城市道路许可 挖掘城市道路许可 户外广告设施设置 "
    "取水许可 水土保持方案审批 洪水影响评价 排污许可证 危险废物经营许可证 林地占用审核 林木采伐许可证 "
    "生产建设项目水土保持 施工图审查备案 商品房预售许可证 房屋建筑工程竣工验收备案 供水设施建设",
    "不动产登记": "不动产首次登记 宅基地使用权登记 土地承包经营权登记 预告登记 更正登记 异议登记 查封登记 地役权登记 "
    "海域使用权登记 集体土地所有权登记 林权登记 房屋所有权变更登记 存量房交易 商品房合同备案 不动产继承登记",
    "商事登记": "外商投资企业设立登记 合伙企业设立登记 个人独资企业设立登记 农民专业合作社登记 分公司设立登记 "
    "股权出质登记 动产抵押登记 药品经营许可证 医疗器械经营许可证 第二类医疗器械经营备案 烟草专卖零售许可证 "
    "酒类经营许可证 出版物经营许可证 印刷经营许可证 网吧经营许可证 娱乐场所经营许可证 旅行社设立许可 "
    "公共场所卫生许可证 特种设备使用登记 危险化学品经营许可证 成品油零售经营许可 道路运输经营许可证 "
    "人力资源服务许可 劳务派遣经营许可 民办学校办学许可证 营业性演出许可证",
    "社会事务": "社会团体登记 民办非企业单位登记 养老机构备案 收养登记 殡葬服务 老年人优待证 退役军人优待证 "
    "特困人员救助供养 残疾人两项补贴 孤儿基本生活费 临时生活救助 医疗救助 教育救助 住房保障 公租房申请 "
    "廉租住房补贴 慈善组织认定 宗教活动场所登记 地名命名 门牌号编制 再生育审批 独生子女父母奖励",
    "医保社保": "城镇职工基本医疗保险参保登记 医疗费用零星报销 门诊慢特病待遇认定 工伤认定 劳动能力鉴定 "
    "工伤保险待遇 养老金领取资格认证 城乡居民养老保险参保登记 城乡居民养老金申领 退休审批 丧葬补助金 "
    "遗属待遇 企业职工参保登记 社保费缴纳 个人权益记录查询 医保关系转移 长期护理保险待遇 大病保险 "
    "失业登记 就业创业证 创业担保贷款 职业技能鉴定 技能补贴 稳岗返还",
    "公安服务": "户籍证明 户口登记项目变更 死亡注销户口 收养入户 居民身份证挂失 往来台湾通行证 出入境记录查询 "
    "机动车登记 机动车转移登记 机动车注销登记 机动车号牌补领 驾驶证补证 驾驶证审验 交通违法处理 "
    "无犯罪记录证明 剧毒化学品购买许可 烟花爆竹燃放许可 大型活动安全许可 保安服务许可 旅馆业特种行业许可 "
    "枪支持有许可 养犬登记 暂住登记 户口簿补领",
    "其他综合事务": "住房公积金缴存登记 住房公积金贷款 公证员执业 司法鉴定 人民调解 档案查询 婚姻档案查询 "
    "气象证明 防雷装置设计审核 电力报装 用水报装 燃气报装 有线电视过户 税务登记 增值税专用发票 "
    "个人所得税汇算 契税申报 车船税缴纳 社保费缴费证明 纳税证明 价格认定 计量器具检定 商标质押",
}
ACTIONS = [
    "设立",
    "变更",
    "注销",
    "延续",
    "补领",
    "换发",
    "备案",
    "核准",
    "审批",
    "确认",
    "申领",
    "登记",
    "查询",
    "认定",
    "年检",
    "撤销",
    "变更登记",
    "注销登记",
    "证明",
]
PLACES = [
    "当湖街道",
    "钟埭街道",
    "曹桥街道",
    "乍浦镇",
    "新埭镇",
    "新仓镇",
    "独山港镇",
    "广陈镇",
    "林埭镇",
    "平湖经济技术开发区",
]
DEPARTMENTS = {
    "投资项目": "平湖市发展和改革局 平湖市自然资源和规划局 平湖市住房和城乡建设局 "
    "嘉兴市生态环境局平湖分局 平湖市水利局",
    "不动产登记": "平湖市自然资源和规划局 平湖市不动产登记服务中心",
    "商事登记": "平湖市市场监督管理局 平湖市商务局 平湖市文化和广电旅游体育局 平湖市卫生健康局 平湖市交通运输局",
    "社会事务": "平湖市民政局 平湖市退役军人事务局 平湖市残疾人联合会 平湖市卫生健康局",
    "医保社保": "平湖市人力资源和社会保障局 平湖市医疗保障局",
    "公安服务": "平湖市公安局 平湖市公安局交通警察大队 平湖市公安局出入境管理大队",
    "其他综合事务": "嘉兴市住房公积金管理服务中心平湖分中心 平湖市司法局 国家税务总局平湖市税务局 平湖市档案馆",
}


def generate(count: int, seed: int = 20170901) -> list[dict]:
    """The catalogue plus generated guides up to `count`, as guide data (the shape of the catalogue YAML)."""
    rng = random.Random(seed)
    catalogue = [g.model_dump(mode="json") for g in load_catalogue()]
    by_category: dict[str, list[dict]] = {}
    for g in catalogue:
        by_category.setdefault(g["category"], []).append(g)
    materials = {c: [m for g in gs for m in g["materials"]] for c, gs in by_category.items()}
    out = list(catalogue)
    n = 0
    while len(out) < count:
        n += 1
        category = rng.choice(list(by_category))
        base = rng.choice(by_category[category])
        # Names come from the county list: each catalogue item stays one item, as in a real catalogue,
        # while its vocabulary (materials, conditions, steps, FAQ) is everywhere.
        subject = rng.choice(SUBJECTS[category].split())
        action = rng.choice(ACTIONS)
        place = rng.choice(PLACES) if rng.random() < 0.3 else ""
        name = f"{place}{subject}{action}"
        department = rng.choice(DEPARTMENTS[category].split())
        other = rng.choice(by_category[category])

        def own_words(text: str, base=base, name=name, department=department, place=place) -> str:
            """The base guide's sentence about this guide: its name, department and places replaced."""
            text = text.replace(base["name"], name).replace(base["department"], department)
            return text.replace("平湖市", rng.choice(["平湖市", place or "本市", "嘉兴市"]))

        g = dict(base)
        g |= {
            "code": f"330482-SYN-{n:05d}",
            "name": name,
            "name_en": f"{action} of {subject} (generated {n})",
            "summary": f"{department}负责{place}{subject}{action}，" + own_words(base["summary"]),
            "department": department,
            "keywords": rng.sample([f"办{subject}", f"{subject}怎么办", f"{subject}{action}", f"{action}{subject}"], 2),
            "materials": rng.sample(materials[category], min(len(materials[category]), rng.randint(2, 6))),
            "conditions": [own_words(c) for c in base["conditions"] + other["conditions"][:2]],
            "steps": [
                s | {"actor": department if i else s["actor"], "action": own_words(s.get("action", ""))}
                for i, s in enumerate(base["steps"])
            ],
            "faq": [
                {"question": own_words(f["question"]), "answer": own_words(f["answer"])}
                for f in base["faq"] + other["faq"][:1]
            ],
            "legal_basis": rng.sample(base["legal_basis"] + other["legal_basis"], min(2, len(base["legal_basis"]))),
        }
        out.append(g)
    return out[:count]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def load_queries() -> list[dict]:
    return yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"]


def recall_at_5(search, queries: list[dict]) -> tuple[float, float, dict[str, list[float]]]:
    """Recall@5 and the share of queries whose first result is right over the test set, and the
    latencies (ms) per query kind."""
    found, first, latencies = 0.0, 0, {}
    for q in queries:
        start = time.perf_counter()
        codes = search(q["q"])
        latencies.setdefault(q["kind"], []).append((time.perf_counter() - start) * 1000)
        expected = set(q["expect"])
        found += len(expected & set(codes[:5])) / len(expected)
        first += bool(codes) and codes[0] in expected
    return found / len(queries), first / len(queries), latencies


def bench_engine(guides: list[dict], queries: list[dict], workers: int) -> dict:
    directory = Path(tempfile.mkdtemp(prefix="onetrip-search-bench-"))
    index = SearchIndex(directory)
    start = time.perf_counter()
    index.rebuild(guides, workers=workers)
    build = time.perf_counter() - start
    size = sum(p.stat().st_size for p in directory.rglob("*") if p.is_file()) / 2**20
    print(f"our engine: rebuilt {len(guides)} guides in {build:.1f} s ({workers} workers), index {size:.0f} MB")
    index.search("预热")  # opens the searcher and loads the lexicon, as the first query after a deploy would

    def search(q):
        return [h.code for h in index.search(q, limit=5).hits]

    latencies: dict[str, list[float]] = {}
    for _ in range(3):  # three passes: enough samples for a p95 per kind
        recall, first, lat = recall_at_5(search, queries)
        for k, v in lat.items():
            latencies.setdefault(k, []).extend(v)
    start = time.perf_counter()
    samples = 0
    for q in queries:
        for i in range(1, min(len(q["q"]), 6) + 1):
            index.suggest(q["q"][:i])
            samples += 1
    suggest_ms = (time.perf_counter() - start) * 1000 / samples
    start = time.perf_counter()
    index.update(guides[:50])
    update_ms = (time.perf_counter() - start) * 1000
    return {
        "build": build,
        "recall": recall,
        "first": first,
        "latencies": latencies,
        "suggest_ms": suggest_ms,
        "update_ms": update_ms,
    }


def print_latencies(title: str, latencies: dict[str, list[float]]) -> list[float]:
    print(f"{title}: query latency (ms)")
    print(f"  {'kind':<12} {'n':>4} {'p50':>7} {'p95':>7} {'max':>7}")
    everything = []
    for kind, values in sorted(latencies.items()):
        everything += values
        p50, p95 = percentile(values, 50), percentile(values, 95)
        print(f"  {kind:<12} {len(values):>4} {p50:7.1f} {p95:7.1f} {max(values):7.1f}")
    print(
        f"  {'all':<12} {len(everything):>4} {percentile(everything, 50):7.1f} "
        f"{percentile(everything, 95):7.1f} {max(everything):7.1f}"
    )
    return everything


def bench_wagtail(guides: list[dict], queries: list[dict]) -> dict:
    """The same guides as Wagtail pages in a fresh SQLite database, searched with Wagtail's backend."""
    data_dir = tempfile.mkdtemp(prefix="onetrip-wagtail-bench-")
    os.environ["DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import transaction

    settings.SEARCH_INDEX_DIR = Path(data_dir) / "search-index"
    from wagtail.search.backends import get_search_backend

    from cms.centres.models import CentrePage
    from cms.home.site import ensure_site_tree
    from cms.services.models import Department, GuideIndexPage, ServiceGuidePage
    from cms.services.standard import apply_guide
    from guides.files import CENTRES_FILE
    from guides.schema import Guide

    call_command("migrate", verbosity=0)
    call_command("import_centres", CENTRES_FILE, verbosity=0, stdout=io.StringIO())
    start = time.perf_counter()
    with transaction.atomic():
        ensure_site_tree()
        centres = {c.code: c for c in CentrePage.objects.all()}
        indexes = {i.category: i for i in GuideIndexPage.objects.all()}
        departments = {}
        for data in guides:
            guide = Guide.model_validate(data)
            for name in [guide.department, *guide.co_departments]:
                if name not in departments:
                    departments[name] = Department.objects.get_or_create(name=name)[0]
            page = ServiceGuidePage(slug=guide.code.lower())
            apply_guide(page, guide, departments, centres)
            indexes[guide.category.value].add_child(instance=page)
    created = time.perf_counter() - start
    start = time.perf_counter()
    call_command("update_index", verbosity=0)
    indexed = time.perf_counter() - start
    print(f"wagtail: created {len(guides)} pages in {created:.1f} s, update_index {indexed:.1f} s")
    backend = get_search_backend()
    live = ServiceGuidePage.objects.live()

    def search(q):
        return [p.code for p in backend.search(q, live)[:5]]

    recall, first, latencies = recall_at_5(search, queries)
    matched = {q: backend.search(q, live).count() for q in ("身份证", "营业执照", "护照")}
    return {"recall": recall, "first": first, "latencies": latencies, "matched": matched}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--guides", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--wagtail-guides",
        type=int,
        default=1_000,
        help="guides for the comparison with Wagtail (creating Wagtail pages takes ~0.5 s each)",
    )
    parser.add_argument("--skip-wagtail", action="store_true", help="only our engine")
    args = parser.parse_args()
    queries = load_queries()
    start = time.perf_counter()
    guides = generate(args.guides)
    print(f"generated {len(guides)} guides in {time.perf_counter() - start:.1f} s; {len(queries)} test queries")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
    ours = bench_engine(guides, queries, args.workers)
    ours_all = print_latencies("our engine", ours["latencies"])
    print(
        f"our engine: Recall@5 {ours['recall']:.3f}, right first {ours['first']:.3f}; "
        f"suggest {ours['suggest_ms']:.1f} ms/call; "
        f"update of 50 guides {ours['update_ms']:.0f} ms"
    )
    gc.collect()
    print(f"peak memory (RSS) so far: {peak_rss_mb():.0f} MB")
    worst = max(ours["latencies"], key=lambda k: percentile(ours["latencies"][k], 95))
    targets = (
        f"targets at {len(guides)}: p95 {percentile(ours_all, 95):.1f} ms, worst kind {worst} "
        f"{percentile(ours['latencies'][worst], 95):.1f} ms (≤ 20 for every kind); Recall@5 {ours['recall']:.3f} "
        f"(≥ 0.95); rebuild {ours['build']:.1f} s (≤ 120)"
    )
    if not args.skip_wagtail:
        compare(guides[: args.wagtail_guides], queries, args.workers)
    print(f"peak memory (RSS): {peak_rss_mb():.0f} MB")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")
    print(targets)


def compare(guides: list[dict], queries: list[dict], workers: int) -> None:
    """Both engines on the same guides: ours again at this size, then Wagtail's."""
    print(f"--- comparison on the same {len(guides)} guides (the catalogue among them)")
    ours = bench_engine(guides, queries, workers)
    ours_all = print_latencies("our engine", ours["latencies"])
    logging.disable(logging.INFO)  # Wagtail logs every page it creates
    theirs = bench_wagtail(guides, queries)
    theirs_all = print_latencies("wagtail database backend", theirs["latencies"])
    print(
        f"our engine: Recall@5 {ours['recall']:.3f}, right first {ours['first']:.3f}; "
        f"wagtail: Recall@5 {theirs['recall']:.3f}, right first {theirs['first']:.3f}"
    )
    print(f"wagtail: guides matched by 身份证 / 营业执照 / 护照: {theirs['matched']}")
    ratio = ours["recall"] / theirs["recall"] if theirs["recall"] else float("inf")
    print(
        f"ratio ours/wagtail: Recall@5 {ours['recall']:.3f}/{theirs['recall']:.3f} = "
        + ("∞ (wagtail finds none)" if ratio == float("inf") else f"{ratio:.1f}×")
        + f"; p50 {statistics.median(ours_all):.1f}/{statistics.median(theirs_all):.1f} ms"
        + f"; p95 {percentile(ours_all, 95):.1f}/{percentile(theirs_all, 95):.1f} ms"
    )


if __name__ == "__main__":
    main()
