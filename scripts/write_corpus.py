"""Run inq's safe write path over every .xlsx/.xlsm in a folder and count what happens.

    python scripts/write_corpus.py FOLDER [--verbose] [--limit N]

Each workbook is copied three times; on each copy one write is made through
`workbook.write.apply`: append a row to the first worksheet, set cell B2 there, add a
sheet. Each outcome is one of:

  written   the write succeeded, the new values read back (python-calamine), and every
            part the write did not declare is byte-identical to the original;
  refused   inq refused with its one-line error (grouped by reason), and the copy is
            byte-identical to the original with no temp file left beside it;
  broken    a write or a refusal broke one of those promises (always a bug);
  crashed   anything else escaped (a traceback the user would see: always a bug).

Your files are never touched: only copies in a temporary folder are written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import re
import shutil
import sys
import tempfile
import traceback
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from inquiry_cli.contract.changes import AddSheet, ChangeSet  # noqa: E402
from inquiry_cli.errors import InqError  # noqa: E402
from inquiry_cli.workbook.write import apply  # noqa: E402

DATE = dt.date(2026, 1, 2)
SERIAL = float((DATE - dt.date(1899, 12, 30)).days)
NEW_SHEET = "inq corpus"


def first_worksheet(path: Path) -> str:
    """The first worksheet's name, as the write path sees the workbook (else a guess)."""
    from inquiry_cli.workbook.ooxml import ZipSource
    from inquiry_cli.workbook.xlsxpatch import WorkbookPatch

    try:
        with ZipSource(path) as src:
            for ref in WorkbookPatch(src).sheets:
                if ref.rel_type.endswith("/worksheet") and src.has(ref.part):
                    return ref.name
    except Exception:
        pass
    return "Sheet1"  # apply() then gives the real reason (damaged, not a workbook, ...)


def operations(sheet: str) -> dict[str, ChangeSet]:
    append = ChangeSet(command="corpus append")
    append.append(sheet, {1: "inq corpus", 2: 42, 3: DATE})
    set_cell = ChangeSet(command="corpus set")
    set_cell.set(sheet, 2, 2, "inq set")
    add = ChangeSet(command="corpus add-sheet")
    add.add_sheet(AddSheet(NEW_SHEET, ["Date", "Note"], rows=[[DATE, "inq corpus"]]))
    return {"append": append, "set": set_cell, "add-sheet": add}


def zip_parts(path: Path) -> dict[str, tuple[int, int]]:
    with zipfile.ZipFile(path) as z:
        return {i.filename.replace("\\", "/"): (i.CRC, i.file_size) for i in z.infolist()}


def read_back(path: Path, op: str, sheet: str, rows: list[int]) -> str | None:
    """Why the written values do not read back as declared, or None if they do."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    if op == "add-sheet":
        grid = book.get_sheet_by_name(NEW_SHEET).to_python()
        ok = (
            grid[:1] == [["Date", "Note"]] and grid[1][1:] == ["inq corpus"] and is_date(grid[1][0])
        )
        return None if ok else f"new sheet reads {grid[:2]!r}"
    ws = book.get_sheet_by_name(sheet)
    grid = ws.to_python(skip_empty_area=False)

    def at(r: int, c: int):
        return grid[r - 1][c - 1] if r <= len(grid) and c <= len(grid[r - 1]) else None

    written = [(2, 2)] if op == "set" else [(rows[0], c) for c in (1, 2, 3)]
    for (r1, c1), (r2, c2) in ws.merged_cell_ranges or []:  # 0-based, inclusive
        for r, c in written:
            if r1 < r <= r2 + 1 and c1 < c <= c2 + 1 and (r, c) != (r1 + 1, c1 + 1):
                return f"row {r} column {c} is hidden under a merged range"
    if op == "set":
        return None if at(2, 2) == "inq set" else f"B2 reads {at(2, 2)!r}"
    got = [at(rows[0], c) for c in (1, 2, 3)]
    if got[:2] != ["inq corpus", 42.0] or not is_date(got[2]):
        return f"row {rows[0]} reads {got!r}"
    return None


def is_date(value) -> bool:
    """DATE as calamine reads it. calamine counts a cell format wrapped in
    mc:AlternateContent twice, so past one it may read a date as its serial number: the
    format itself is the write path's checker's to prove (verify._check_kinds)."""
    return value in (DATE, dt.datetime.combine(DATE, dt.time()), SERIAL)


def reason(message: str, name: str) -> str:
    """A refusal message with the file, sheet and cell names taken out, to group by."""
    text = message.replace(name, "FILE")
    text = re.sub(r"'[^']*'", "'…'", text)
    text = re.sub(r"\b[A-Z]{1,3}\d+\b", "CELL", text)
    text = re.sub(r"\d+", "N", text)
    return text[:150]


def run_one(original: Path, work: Path, op: str) -> tuple[str, str]:
    """(outcome, detail) of one write on a copy of `original`."""
    copy = work / original.name
    shutil.copyfile(original, copy)
    before = copy.read_bytes()
    sheet = first_worksheet(copy)
    try:
        try:
            result = apply(copy, operations(sheet)[op])
        except InqError as exc:
            if copy.read_bytes() != before:
                return "broken", f"refused ({exc}) but the file changed"
            if list(work.glob(".~inq-*")):
                return "broken", f"refused ({exc}) but left a temp file"
            return "refused", reason(str(exc), original.name)
        old, new = zip_parts(original), zip_parts(copy)
        declared = set(result.changed_parts)
        for name in set(old) | set(new):
            if name not in declared and old.get(name) != new.get(name):
                return "broken", f"{name} changed but was not declared"
        why = read_back(copy, op, sheet, result.appended_rows.get(sheet, [0]))
        return ("written", "") if why is None else ("broken", why)
    except Exception as exc:
        last = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(last.filename).name}:{last.lineno}"
        return "crashed", f"{type(exc).__name__}: {exc} ({where})"
    finally:
        for leftover in work.iterdir():
            if leftover.is_dir():
                shutil.rmtree(leftover)
            else:
                leftover.unlink()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--verbose", "-v", action="store_true", help="one line per write")
    parser.add_argument("--limit", type=int, default=0, help="stop after N workbooks")
    args = parser.parse_args()
    files = sorted(
        p
        for p in args.folder.rglob("*")
        if p.suffix.lower() in (".xlsx", ".xlsm")
        and p.is_file()
        and not p.name.startswith(("~$", ".~"))
        and "inq-backups" not in p.parts
    )
    if args.limit:
        files = files[: args.limit]
    if not files:
        print(f"no .xlsx/.xlsm files under {args.folder}", file=sys.stderr)
        return 2
    outcomes: Counter[tuple[str, str]] = Counter()
    reasons: Counter[str] = Counter()
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="inq-corpus-") as tmp:
        work = Path(tmp)
        for path in files:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            for op in ("append", "set", "add-sheet"):
                outcome, detail = run_one(path, work, op)
                outcomes[(op, outcome)] += 1
                if outcome == "refused":
                    reasons[detail] += 1
                elif outcome in ("broken", "crashed"):
                    problems.append(f"{outcome}: {path} [{op}] {detail}")
                if args.verbose:
                    print(f"{outcome:8} {op:9} {path}  {detail}")
            if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                problems.append(f"broken: {path} itself changed (it must never be touched)")
    print(f"{len(files)} workbooks, {3 * len(files)} writes")
    print(f"{'':10}{'written':>9}{'refused':>9}{'broken':>9}{'crashed':>9}")
    for op in ("append", "set", "add-sheet"):
        counts = [outcomes[(op, o)] for o in ("written", "refused", "broken", "crashed")]
        print(f"{op:10}" + "".join(f"{n:>9}" for n in counts))
    totals = [
        sum(n for (_, o), n in outcomes.items() if o == k)
        for k in ("written", "refused", "broken", "crashed")
    ]
    print(f"{'all':10}" + "".join(f"{n:>9}" for n in totals))
    if reasons:
        print("\nrefused, by reason:")
        for text, n in reasons.most_common():
            print(f"{n:6}  {text}")
    if problems:
        print("\nbugs:")
        for line in problems:
            print("  " + line)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
