"""Generate a large workbook laid out as a salesperson keeps one, not as `inq init` makes it.

An independent generator for the benchmark (issue 17: "on both the project's and an
independent generator's workbooks"): its own code, data and seed, written by openpyxl's
write-only mode (shared strings, as Excel saves). Chinese sheet names and headers in an
order of its own, a title row and a blank row above the header, a 序号 column, columns
inq has no use for (微信, 备注), the buyer named by email in every log (no Buyer ID), a
"是否回复" column ticked or blank, and no Settings sheet (the routine's defaults).

    python bench/generate_own.py 10k 50k   # -> bench/out/own-<size>.xlsx
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT_DIR = HERE / "out"
SIZES = {"1k": 1_000, "10k": 10_000, "50k": 50_000}  # buyers; 10 contacts, 2 inquiries each
ANCHOR = dt.datetime(2026, 11, 27, 10, 0)  # run.py's INQ_NOW
KNOWN_EMAIL = "mei.chen@huaguang-lighting.sg"  # a buyer mid-sheet every run can look up

GIVEN = "Wei Mei Ali Omar Sara Jonas Lena Pablo Ana Kofi Ama Raj Priya Ivan Olga Tuan Linh".split()
FAMILY = "Chen Tan Haddad Weber Lind Ruiz Gil Mensah Osei Patel Rao Petrov Ivanova Nguyen".split()
PLACES = [
    ("Singapore", "Singapore"),
    ("United Arab Emirates", "Dubai"),
    ("Saudi Arabia", "Riyadh"),
    ("Germany", "Hamburg"),
    ("Sweden", "Malmö"),
    ("Spain", "Valencia"),
    ("Ghana", "Accra"),
    ("India", "Pune"),
    ("Russia", "Kazan"),
    ("Vietnam", "Da Nang"),
    ("Brazil", "Recife"),
    ("Mexico", "Monterrey"),
    ("Australia", "Perth"),
    ("United States", "Houston"),
]
CHANNELS_IN = ["Alibaba", "邮件", "WhatsApp", "展会", "电话"]
CHANNELS_LOG = ["电话", "邮件", "微信", "WhatsApp", "视频会议"]
MODELS = [f"HG-{kind}-{n:03d}" for kind in ("HB", "PL", "SL", "T8", "FL") for n in range(10)]


def generate(size: str, out_dir: Path = OUT_DIR) -> Path:
    import openpyxl

    buyers = SIZES[size]
    rng = random.Random(f"own-{size}")
    out_dir.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook(write_only=True)
    day = ANCHOR.date()

    people = []
    for i in range(buyers):
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        country, city = rng.choice(PLACES)
        email = f"{given}.{family}{i}@{family.lower()}-trade{i % 997}.com".lower()
        if i == buyers // 2:
            given, family, email, country, city = (
                "Mei",
                "Chen",
                KNOWN_EMAIL,
                "Singapore",
                "Singapore",
            )
        people.append((f"{given} {family}", email, country, city))

    sheet = wb.create_sheet("客户资料")
    sheet.append([f"{day.year}年客户管理表（更新：{day:%Y-%m-%d}）"])
    sheet.append([])
    sheet.append(
        [
            "序号",
            "客户名称",
            "公司名称",
            "国家",
            "城市",
            "邮箱",
            "电话",
            "微信",
            "客户等级",
            "首次联系",
            "最后联系",
            "下次跟进",
            "主营产品",
            "状态",
            "备注",
        ]
    )
    for i, (name, email, country, city) in enumerate(people):
        first = day - dt.timedelta(days=rng.randint(60, 900))
        last = day - dt.timedelta(days=rng.randint(0, 60))
        follow = last + dt.timedelta(days=rng.randint(3, 40)) if rng.random() < 0.3 else None
        sheet.append(
            [
                i + 1,
                name,
                f"{name.split()[1]} Lighting Co. {i}",
                country,
                city,
                email,
                f"+{rng.randint(1, 99)} {rng.randint(100, 999)} {rng.randint(1000000, 9999999)}",
                f"wx{rng.randint(10**6, 10**7)}" if rng.random() < 0.4 else None,
                rng.choice("AABBBCCCD"),
                first,
                last,
                follow,
                ", ".join(rng.sample(MODELS, 2)),
                rng.choice(["跟进中", "已下单", "样品阶段", "跟进中", "流失"]),
                "老客户，价格敏感" if rng.random() < 0.1 else None,
            ]
        )

    sheet = wb.create_sheet("询盘记录")
    sheet.append(
        [
            "日期",
            "询盘编号",
            "客户邮箱",
            "询盘渠道",
            "产品型号",
            "数量",
            "目标价",
            "询盘内容",
            "是否回复",
            "报价单号",
            "状态",
        ]
    )
    n = 0
    for _name, email, _c, _city in people:
        for _ in range(2):
            n += 1
            at = ANCHOR - dt.timedelta(minutes=rng.randint(30, 60 * 24 * 200))
            recent = (ANCHOR - at).days < 2
            sheet.append(
                [
                    at,
                    f"XP{n:06d}",
                    email,
                    rng.choice(CHANNELS_IN),
                    rng.choice(MODELS),
                    rng.choice([100, 200, 500, 1000, 3000]),
                    round(rng.uniform(1, 20), 2),
                    "Please send your best price and catalog. " * rng.randint(1, 5),
                    None if recent and rng.random() < 0.5 else "✓",
                    f"QT{n:06d}" if rng.random() < 0.3 else None,
                    rng.choice(["跟进中", "已报价", "已下单", "关闭", "跟进中"]),
                ]
            )

    sheet = wb.create_sheet("跟进记录")
    sheet.append(["日期", "客户邮箱", "方式", "方向", "沟通内容", "下一步"])
    for _name, email, _c, _city in people:
        at = ANCHOR - dt.timedelta(days=rng.randint(100, 400))
        for _ in range(10):
            at += dt.timedelta(hours=rng.randint(5, 240))
            if at > ANCHOR:
                break
            sheet.append(
                [
                    at,
                    email,
                    rng.choice(CHANNELS_LOG),
                    rng.choice(["来", "去", "去"]),
                    "讨论了价格和交期，客户要求样品" * rng.randint(1, 3),
                    rng.choice([None, "寄样", "报价", "电话跟进"]),
                ]
            )

    sheet = wb.create_sheet("报价")
    sheet.append(
        ["报价单号", "报价日期", "客户邮箱", "型号", "数量", "单价", "币种", "贸易条款", "有效期至"]
    )
    for i in range(buyers // 2):
        _name, email, _c, _city = people[rng.randrange(buyers)]
        when = day - dt.timedelta(days=rng.randint(0, 90))
        sheet.append(
            [
                f"QT{i:06d}",
                when,
                email,
                rng.choice(MODELS),
                rng.choice([500, 1000]),
                round(rng.uniform(1, 20), 2),
                "USD",
                "FOB",
                when + dt.timedelta(days=30),
            ]
        )

    sheet = wb.create_sheet("样品")
    sheet.append(
        ["寄样日期", "客户邮箱", "型号", "样品类型", "运费", "快递", "单号", "状态", "反馈"]
    )
    for _ in range(buyers // 20):
        _name, email, _c, _city = people[rng.randrange(buyers)]
        sheet.append(
            [
                day - dt.timedelta(days=rng.randint(0, 60)),
                email,
                rng.choice(MODELS),
                rng.choice(["实物", "电子"]),
                "到付",
                "DHL",
                f"{rng.randint(10**9, 10**10)}",
                rng.choice(["已寄出", "已收到反馈"]),
                None,
            ]
        )

    sheet = wb.create_sheet("产品")
    sheet.append(["型号", "产品名称", "FOB单价", "MOQ"])
    for model in MODELS:
        sheet.append([model, f"LED {model[3:5]} light", round(rng.uniform(1, 30), 2), 100])

    path = out_dir / f"own-{size}.xlsx"
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    tmp.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="+", choices=sorted(SIZES), metavar="SIZE")
    ap.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = ap.parse_args(argv)
    for size in args.sizes:
        start = time.perf_counter()
        path = generate(size, args.out_dir)
        took = time.perf_counter() - start
        print(f"{path}: {SIZES[size]:,} buyers, {path.stat().st_size / 1e6:.1f} MB in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
