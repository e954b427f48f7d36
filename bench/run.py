"""Time `inq` commands as whole processes on the bench workbooks, next to a baseline."""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import generate_own  # noqa: E402

from inquiry_cli.cli import reads  # noqa: E402
from inquiry_cli.contract import schema  # noqa: E402


def titles(*keys: str) -> tuple[str, ...]:
    """Sheet names (as the bench workbooks have them) for contract sheet keys."""
    return tuple(schema.SHEETS_BY_KEY[k].title for k in keys)


def reads_of(read: reads.Read) -> tuple[str, ...]:
    """The sheets a command reads whole (cli/reads.py, its own list, so a baseline cannot
    drift from it): its sheets and the history sheets it reads once it knows the buyer."""
    return titles(*dict.fromkeys((*read.sheets, *read.history)))


ALL_TABLES = tuple(s.title for s in schema.SHEETS)  # what `inq check` reads
READ_TARGET = 1.2  # a read command: at most 1.2x python-calamine reading the same sheets
STARTUP_RUNS = 21  # --help rows: a tenth of a second each, so a median of many
MEMORY_TARGET_MB = 300  # issue 17: lookup, log and due at 50k


@dataclass(frozen=True)
class Bench:
    """One row of the table.

    argv placeholders: {inq} (the inq command), {python}, {wb} (the workbook; a fresh copy
    for write rows), {email} and {name} (a buyer that exists in every bench workbook).
    `sheets` are the sheets the command needs: the read baseline reads exactly those.
    `needs` is the subcommand to probe with --help (skipped with a note when it fails);
    `needs_file` a file that must exist (relative to the repo root).
    Read rows are judged against READ_TARGET x baseline; write rows against an absolute
    number of seconds per size, with `openpyxl load+save` as the baseline for scale.
    """

    label: str
    argv: tuple[str, ...]
    sheets: tuple[str, ...] = ALL_TABLES
    write: bool = False
    ok_codes: tuple[int, ...] = (0,)
    needs: tuple[str, ...] = ()
    needs_file: str | None = None
    # Target seconds per size ("any": every size): write and --help rows, and read rows
    # whose target is a time (a repeat from the cache), not a ratio.
    seconds: dict[str, float] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)  # this row's environment on top


# Each read row's baseline reads the sheets its command reads (cli/reads.py). Before
# 2026-12-03 (eleventh session) they were listed here by hand: `stats` counted Contacts
# and Quotes it never reads, `trip` left out Samples and Events, `grade --suggest`
# counted Contacts and Settings (before 2026-12-02 `due` left out Quotes).
DUE_SHEETS = reads_of(reads.DUE)

# The benchmark list: later issues add their commands here.
BENCHES: list[Bench] = [
    Bench(
        "inq check --json",
        ("{inq}", "-w", "{wb}", "check", "--json"),
        reads_of(reads.CHECK),
        ok_codes=(0, 1),  # 1: it found (the generator's deliberate) problems
        needs=("check",),
    ),
    Bench(
        "inq lookup EMAIL --json",  # a first lookup: no index (each run would build one)
        ("{inq}", "-w", "{wb}", "lookup", "{email}", "--json"),
        reads_of(reads.LOOKUP),
        needs=("lookup",),
        env={"INQ_INDEX": "off"},
    ),
    Bench(
        "inq lookup EMAIL --json, repeat (index)",  # the warm-up run builds the index
        ("{inq}", "-w", "{wb}", "lookup", "{email}", "--json"),
        titles("buyers", "settings"),
        needs=("lookup",),
        env={"INQ_INDEX": "inline"},
        seconds={"50k": 0.15},  # issue 17: a repeat lookup at 50k under 0.15 s
    ),
    Bench(
        "inq due today --json",  # a first due: no digest (each run would write one)
        ("{inq}", "-w", "{wb}", "due", "today", "--json"),
        DUE_SHEETS,
        needs=("due",),
        env={"INQ_INDEX": "off"},
    ),
    Bench(
        "inq due today (table)",
        ("{inq}", "-w", "{wb}", "due", "today"),
        DUE_SHEETS,
        needs=("due",),
        env={"INQ_INDEX": "off"},
    ),
    Bench(
        "inq due today (table), repeat (digest)",  # the warm-up run writes the digest
        ("{inq}", "-w", "{wb}", "due", "today"),
        DUE_SHEETS,
        needs=("due",),
        env={"INQ_INDEX": "inline"},
        seconds={"any": 0.5},  # issue 17: a repeat due under 0.5 s
    ),
    Bench(
        "inq due today --json, repeat (digest)",
        ("{inq}", "-w", "{wb}", "due", "today", "--json"),
        DUE_SHEETS,
        needs=("due",),
        env={"INQ_INDEX": "inline"},
    ),
    Bench(
        "inq stats --json",
        ("{inq}", "-w", "{wb}", "stats", "--json"),
        reads_of(reads.STATS),
        needs=("stats",),
    ),
    Bench(
        "inq trip Germany",
        ("{inq}", "-w", "{wb}", "trip", "Germany"),
        reads_of(reads.TRIP),
        needs=("trip",),
    ),
    Bench(
        "inq grade --suggest --json",
        ("{inq}", "-w", "{wb}", "grade", "--suggest", "--json"),
        reads_of(reads.GRADE_SUGGEST),
        needs=("grade",),
    ),
    Bench("inq --help", ("{inq}", "--help"), (), seconds={"any": 0.15}),
    Bench("inq lookup --help", ("{inq}", "lookup", "--help"), (), seconds={"any": 0.2}),
    Bench(
        "append one Contacts row (bench/append_one.py)",
        ("{python}", "bench/append_one.py", "{wb}"),
        titles("contacts"),
        write=True,
        needs_file="bench/append_one.py",
        seconds={"1k": 1.0, "10k": 1.0, "50k": 3.0},  # issue 3's targets
    ),
    Bench(
        "inq log EMAIL -c tel -s ...",
        (
            "{inq}",
            "-w",
            "{wb}",
            "log",
            "{email}",
            "-c",
            "tel",
            "-s",
            "Bench: called about the quote",
        ),
        titles("buyers", "inquiries", "contacts"),
        write=True,
        needs=("log",),
        seconds={"1k": 1.0, "10k": 1.0, "50k": 3.0},  # issue 4: log <= 1 s at 10k
    ),
]

CALAMINE = (
    "import sys, python_calamine as pc\n"
    "wb = pc.CalamineWorkbook.from_path(sys.argv[1])\n"
    "for name in sys.argv[2:]:\n"
    "    wb.get_sheet_by_name(name).to_python()\n"
)
OPENPYXL = "import sys, openpyxl\nwb = openpyxl.load_workbook(sys.argv[1])\nwb.save(sys.argv[1])\n"


def inq_command() -> list[str]:
    exe = Path(sys.executable).with_name("inq")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "inquiry_cli"]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("INQ_WORKBOOK", None)
    # An installed inq runs from bytecode (pip compiles it). With PYTHONDONTWRITEBYTECODE
    # set (some build machines set it) every run would compile inq's modules again, about
    # 0.15 s here; the warm-up run writes the .pyc files instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["INQ_NOW"] = generate.ANCHOR.isoformat() + "T10:00"
    # inq's cache (the lookup index) in a folder of the bench's own, not the user's.
    env["INQ_CACHE"] = cache = tempfile.mkdtemp(prefix="inq-bench-cache-")
    atexit.register(shutil.rmtree, cache, ignore_errors=True)
    env["NO_COLOR"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p
    )
    return env


@dataclass(frozen=True)
class Workbooks:
    """Where a generator's workbooks are, the buyer every run looks up, and what its
    sheets are called (contract title -> its own; a sheet it lacks is left out)."""

    name: str
    prefix: str
    email: str
    person: str
    sheets: dict[str, str]
    make: Callable[[str], Path]  # size -> the workbook it generates

    def path(self, size: str) -> Path:
        return generate.OUT_DIR / f"{self.prefix}-{size}.xlsx"

    def titles(self, contract: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(self.sheets[t] for t in contract if t in self.sheets)


CONTRACT = Workbooks(
    "contract", "bench", generate.KNOWN_EMAIL, generate.KNOWN_NAME,
    {t: t for t in ALL_TABLES}, generate.generate,
)  # fmt: skip
# bench/generate_own.py: a salesperson's own layout (Chinese, by email, no Settings).
OWN = Workbooks(
    "own", "own", generate_own.KNOWN_EMAIL, "Mei Chen",
    {
        schema.SHEETS_BY_KEY[k].title: t
        for k, t in {
            "buyers": "客户资料", "inquiries": "询盘记录", "contacts": "跟进记录",
            "quotes": "报价", "samples": "样品", "products": "产品",
        }.items()
    },
    generate_own.generate,
)  # fmt: skip
GENERATORS = {w.name: w for w in (CONTRACT, OWN)}


def expand(argv: tuple[str, ...], wb: Path, books: Workbooks = CONTRACT) -> list[str]:
    out: list[str] = []
    for arg in argv:
        if arg == "{inq}":
            out += inq_command()
        else:
            out.append(
                arg.replace("{python}", sys.executable)
                .replace("{wb}", str(wb))
                .replace("{email}", books.email)
                .replace("{name}", books.person)
            )
    return out


def run_once(argv: list[str], env: dict, ok: tuple[int, ...]) -> tuple[float, float, str | None]:
    """Seconds and peak memory (MB, the process's max RSS) for one whole process, and an
    error line when the exit code is unexpected."""
    t = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        took = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    peak = usage.ru_maxrss / 1024  # (KB on Linux)
    if proc.returncode not in ok:
        lines = [ln for ln in stderr.strip().splitlines() if ln.strip()]
        return took, peak, f"exit {proc.returncode}: {lines[-1] if lines else '(no stderr)'}"
    return took, peak, None


def timed(argv_for, repeat: int, env: dict, ok: tuple[int, ...], fresh: Path | None):
    """Median of `repeat` runs after one warm-up; a write gets a fresh copy of `fresh` each run."""
    times: list[float] = []
    peaks: list[float] = []
    with tempfile.TemporaryDirectory(prefix="inq-bench-") as tmp:
        for i in range(repeat + 1):
            target = None
            if fresh is not None:
                target = Path(tmp) / fresh.name
                shutil.copyfile(fresh, target)
            took, peak, err = run_once(argv_for(target), env, ok)
            if err:
                return None, None, err
            if i:  # the first run warms the page cache and .pyc files
                times.append(took)
                peaks.append(peak)
    return statistics.median(times), max(peaks), None


def stale_reason(wb: Path, books: Workbooks = CONTRACT) -> str | None:
    """Why the workbook must be (re)generated: missing, or lacking a sheet it should have."""
    if not wb.exists():
        return "is missing"
    import python_calamine as pc

    names = pc.CalamineWorkbook.from_path(str(wb)).sheet_names
    lacking = [t for t in books.sheets.values() if t not in names]
    return f"lacks the {lacking[0]} sheet" if lacking else None


def available(bench: Bench, env: dict) -> str | None:
    """None when the benchmark can run, else why not."""
    if bench.needs_file and not (ROOT / bench.needs_file).exists():
        return f"skipped: {bench.needs_file} does not exist yet"
    if bench.needs:
        probe = subprocess.run(
            [*inq_command(), *bench.needs, "--help"],
            cwd=ROOT,
            env=env,
            capture_output=True,
        )
        if probe.returncode != 0:
            return f"skipped: `inq {' '.join(bench.needs)}` is not available yet"
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="1k,10k", help="comma-separated: 1k, 10k, 50k")
    ap.add_argument("--repeat", type=int, default=5, help="runs per command (median)")
    ap.add_argument("--only", default="", help="run only rows whose label contains this")
    ap.add_argument(
        "--no-openpyxl",
        action="store_true",
        help="skip the openpyxl load+save baseline of write rows (minutes at 10k and up)",
    )
    ap.add_argument(
        "--generator",
        choices=sorted(GENERATORS),
        default="contract",
        help="contract: bench/generate.py (the default); own: bench/generate_own.py, a "
        "salesperson's own layout (its write rows are left out: append_one.py writes Contacts)",
    )
    args = ap.parse_args(argv)
    books = GENERATORS[args.generator]
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    bad = [s for s in sizes if s not in generate.SIZES]
    if bad:
        ap.error(f"unknown size {bad[0]!r}: use {', '.join(generate.SIZES)}")
    env = environment()
    benches = [b for b in BENCHES if args.only in b.label]
    if books is not CONTRACT:
        benches = [b for b in benches if not b.needs_file]
    notes: list[str] = []
    runnable = []
    for b in benches:
        why = available(b, env)
        if why:
            notes.append(f"- {b.label}: {why}")
        else:
            runnable.append(b)

    rows: list[tuple[str, ...]] = []
    for size in sizes:
        wb = books.path(size)
        stale = stale_reason(wb, books)
        if stale:
            print(f"{wb.name} {stale}: generating it", file=sys.stderr)
            books.make(size)
        baselines: dict[tuple, tuple[float | None, float | None, str | None]] = {}
        for b in runnable:
            startup = not b.sheets and not b.write  # --help: start-up, against seconds
            runs = max(args.repeat, STARTUP_RUNS) if startup else args.repeat
            if b.write:
                key: tuple = ("openpyxl",)
                label = "openpyxl load+save"
                base_argv = lambda p: [sys.executable, "-c", OPENPYXL, str(p)]  # noqa: E731
                fresh = wb
            elif startup:
                key = ("python",)
                label = "python -c pass"
                base_argv = lambda p: [sys.executable, "-c", "pass"]  # noqa: E731
                fresh = None
            else:
                sheets = books.titles(b.sheets)
                key = ("calamine", *sheets)
                label = f"calamine: {len(sheets)} sheets"
                base_argv = lambda p, s=sheets, wb=wb: [  # noqa: E731
                    sys.executable, "-c", CALAMINE, str(wb), *s,
                ]  # fmt: skip
                fresh = None
            if key not in baselines:
                if b.write and args.no_openpyxl:
                    baselines[key] = (None, None, "skipped")
                else:
                    baselines[key] = timed(base_argv, runs, env, (0,), fresh)
            base, base_peak, base_err = baselines[key]
            med, peak, err = timed(
                lambda p, b=b, wb=wb: expand(b.argv, p if p is not None else wb, books),
                runs,
                {**env, **b.env},
                b.ok_codes,
                wb if b.write else None,
            )
            limit = b.seconds.get(size, b.seconds.get("any"))
            if b.write or startup or limit:  # (a read row with seconds: judged by them)
                target = f"≤ {limit:g} s" if limit else "-"
                verdict = "-" if med is None or not limit else ("ok" if med <= limit else "MISS")
            else:
                target = f"≤ {READ_TARGET:g}×"
                verdict = (
                    "-"
                    if med is None or not base
                    else ("ok" if med <= READ_TARGET * base else "MISS")
                )
            ratio = f"{med / base:.2f}×" if med is not None and base else "-"
            rows.append(
                (
                    b.label,
                    size,
                    f"{med:.2f}" if med is not None else (err or "failed"),
                    label,
                    f"{base:.2f}" if base is not None else (base_err or "failed"),
                    ratio,
                    target,
                    verdict,
                    f"{peak:.0f}" if peak is not None else "-",
                    f"{base_peak:.0f}" if base_peak is not None else "-",
                )
            )
            print(" | ".join(rows[-1]), file=sys.stderr, flush=True)
            if startup:  # the same at every size: once is enough
                runnable = [r for r in runnable if r is not b]

    head = (
        "command", "size", "median s", "baseline", "baseline s", "ratio", "target", "",
        "peak MB", "baseline MB",
    )  # fmt: skip
    print(f"\nmedian of {args.repeat} whole-process runs ({STARTUP_RUNS} for --help) "
          "after one warm-up; "
          f"workbooks: {books.name} ({books.path('SIZE').name}); "
          f"INQ_NOW={env['INQ_NOW']}; python {sys.version.split()[0]}; "
          f"{os.cpu_count()} CPUs\n")  # fmt: skip
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if notes:
        print("\n" + "\n".join(notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
