"""Benchmark: append one contact row to a workbook's Contacts sheet through the safe path.

Usage: python bench/append_one.py WORKBOOK [--openpyxl]

Times the whole process (interpreter start to exit) when run under `time`, and prints the
in-process time of `apply`. With --openpyxl it also times a plain openpyxl load+save of a
copy of the same file, for the ratio. Edits the workbook in place: run it on a copy.
"""

from __future__ import annotations

import time

_T0 = time.perf_counter()

import datetime as dt  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

from inquiry_cli.contract.changes import ChangeSet  # noqa: E402
from inquiry_cli.workbook.write import apply  # noqa: E402


def main() -> None:
    path = Path(sys.argv[1])
    changes = ChangeSet(command="bench append")
    changes.append(
        "Contacts",
        # Date, Buyer ID, Email, Channel, Direction, Summary, Next step (the contract's order)
        {1: dt.date.today(), 2: "B00001", 4: "email", 5: "out", 6: "Sent catalog", 7: "call"},
    )
    t = time.perf_counter()
    result = apply(path, changes)
    done = time.perf_counter()
    print(
        f"apply: {done - t:.3f} s (row {result.appended_rows['Contacts'][0]}); "
        f"since process start of script: {done - _T0:.3f} s"
    )
    if "--openpyxl" in sys.argv:
        import openpyxl

        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / path.name
            shutil.copy(path, copy)
            t = time.perf_counter()
            wb = openpyxl.load_workbook(copy)
            wb["Contacts"].append([dt.date.today(), "B00001", None, "email", "out", "x", "call"])
            wb.save(copy)
            print(f"openpyxl load+append+save: {time.perf_counter() - t:.3f} s")


if __name__ == "__main__":
    main()
