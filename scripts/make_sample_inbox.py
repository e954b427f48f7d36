"""Write the sample morning's mail (tests/intake_mail.py) as .eml files, for `inq intake`.

Twelve messages as the platforms and mail clients send them: one per platform, a known
and a new buyer writing, a reply to a quote, a newsletter, an auto-reply, a notice and a
damaged file. Usage: python scripts/make_sample_inbox.py [FOLDER]   (default: sample_inbox)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import intake_mail  # noqa: E402


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "sample_inbox")
    intake_mail.sample_folder(folder)
    print(f"Wrote {len(intake_mail.SAMPLE_MESSAGES)} messages to {folder}/")


if __name__ == "__main__":
    main()
