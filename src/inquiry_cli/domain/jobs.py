"""Which everyday jobs can run on this workbook, and what each one lacks.

`inq due` on a tracker whose last-contact column inq cannot read says "Nothing due" for
every buyer: the job is blind, and nothing tells the user. Each job here says whether it
can run (ready), runs with gaps (limited), cannot run until data is added (not ready),
runs without seeing what it should (blind), or is off because the user said the workbook
keeps no such column (`inq map SHEET FIELD --none`); with the likely column and the exact
`inq map` command that fixes it. `inq check` exits 1 while any job is blind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inquiry_cli.contract import schema
from inquiry_cli.contract.records import Table, Workbook
from inquiry_cli.contract.usermap import map_command

READY, LIMITED, NOT_READY, BLIND, OFF = "ready", "limited", "not ready", "blind", "off"
_LINKS = ("buyer_id", "email", "client", "company")


@dataclass
class Job:
    """One everyday job and whether this workbook lets it work."""

    name: str  # the job, in a word or two
    command: str  # the command that does it
    what: str  # what it does, in a few words
    status: str = READY
    lacks: list[str] = field(default_factory=list)
    fixes: list[str] = field(default_factory=list)

    def worse(self, status: str, lack: str, fix: str | None = None) -> None:
        """Note what the job lacks; the job's status is the worst of its lacks."""
        order = (READY, OFF, LIMITED, NOT_READY, BLIND)
        if order.index(status) > order.index(self.status):
            self.status = status
        self.lacks.append(lack)
        if fix and fix not in self.fixes:
            self.fixes.append(fix)

    @property
    def blind(self) -> bool:
        return self.status == BLIND

    def to_json(self) -> dict:
        return {"job": self.name, "command": self.command, "what": self.what,
                "status": self.status, "lacks": self.lacks, "fixes": self.fixes}  # fmt: skip


class _Sheets:
    """What the read found of each sheet: its table, absent, or not read at all."""

    def __init__(self, book: Workbook) -> None:
        self.book = book

    def known(self, *keys: str) -> bool:
        return all(k in self.book.tables or k in self.book.missing_sheets for k in keys)

    def get(self, key: str) -> Table | None:
        return self.book.tables.get(key)


def jobs(book: Workbook) -> list[Job]:
    """Every everyday job this read can judge (all of them when every sheet was read)."""
    sheets = _Sheets(book)
    buyers = sheets.get("buyers")
    if buyers is None or not buyers.columns:
        return []  # no buyer list at all: the command says so in its own line
    out: list[Job] = []
    if sheets.known("contacts"):
        out.append(_due(buyers, sheets))
    if sheets.known("inquiries"):
        out.append(_replies(sheets.get("inquiries")))
    out.append(_lookup(buyers, book.unread.get("buyers", [])))
    if sheets.known("contacts", "inquiries"):
        out.append(_log(buyers, sheets))
    out.append(_grade(buyers))
    if sheets.known("inquiries"):
        out.append(_inquiry(sheets.get("inquiries")))
    if sheets.known("products", "company"):
        out.append(_quote(sheets))
    return out


def fix_for(table: Table, key: str) -> str:
    """The exact command that maps a field: with the likely column when inq saw one."""
    title = table.spec.title
    header = table.spec.column(key).header
    likely = table.suggestions.get(key) or table.guessed(key)
    if likely is not None:
        return map_command(title, header, likely.header)
    return map_command(title, header, "HEADER")


def _missing(table: Table, key: str) -> str:
    """'Buyers (客户列表) has no Last contact column (likely: 跟单日期, a column of dates)'."""
    header = table.spec.column(key).header
    where = table.spec.title
    if table.name != where:
        where += f" ({table.name})"
    text = f"{where} has no {header} column inq can read"
    likely = table.suggestions.get(key)
    if likely is not None:
        text += f" (likely: {likely.header!r}, {likely.why.removeprefix('its cells are ')})"
    return text


def _guess(table: Table, key: str) -> str:
    match = table.guessed(key)
    assert match is not None
    header = table.spec.column(key).header
    return f"{table.spec.title}: {match.header!r} is only guessed to be {header}"


def _due(buyers: Table, sheets: _Sheets) -> Job:
    job = Job("follow-ups", "inq due", "follow-ups by grade and last contact")
    contacts = sheets.get("contacts")
    logged = (
        contacts is not None
        and contacts.has("date")
        and any(contacts.has(k) for k in _LINKS)
        and len(contacts) > 0
    )
    dates = [k for k in ("last_contact", "next_follow_up") if buyers.has(k)]
    if not dates and not logged:
        said_none = "last_contact" in buyers.declared_none
        job.worse(
            LIMITED if said_none else BLIND,
            _missing(buyers, "last_contact") + ", nor any Next follow-up or contact log: "
            "no buyer ever falls due",
            None if said_none else fix_for(buyers, "last_contact"),
        )
    for key in dates:
        if buyers.guessed(key):
            job.worse(LIMITED, _guess(buyers, key), fix_for(buyers, key))
    if not buyers.has("grade") and "grade" not in buyers.declared_none:
        job.worse(
            LIMITED,
            _missing(buyers, "grade") + ": only open inquiries fall due, not the grade cadence",
            fix_for(buyers, "grade"),
        )
    return job


def _replies(inquiries: Table | None) -> Job:
    job = Job("reply clock", "inq due", "replies owed: 2 h target, 24 h limit, fax 12 h")
    if inquiries is None:
        job.worse(NOT_READY, "no Inquiries sheet yet (`inq inquiry` or `inq intake` adds it)")
        return job
    if not inquiries.columns:
        job.worse(BLIND, f"sheet {inquiries.name!r} has no header row inq can read")
        return job
    if not inquiries.has("received"):
        job.worse(
            BLIND,
            _missing(inquiries, "received") + ": no inquiry's clock can run",
            fix_for(inquiries, "received"),
        )
    if not inquiries.has("replied"):
        if "replied" in inquiries.declared_none:
            job.status = OFF if job.status == READY else job.status
            job.lacks.append("you keep no Replied column (inq map ... --none): no reply is owed")
        else:
            job.worse(
                BLIND,
                _missing(inquiries, "replied") + ": inq cannot tell which inquiries are answered",
                fix_for(inquiries, "replied"),
            )
            job.fixes.append(map_command(inquiries.spec.title, "Replied"))
    elif inquiries.guessed("replied"):
        job.worse(LIMITED, _guess(inquiries, "replied"), fix_for(inquiries, "replied"))
    if not any(inquiries.has(k) for k in _LINKS):
        job.worse(
            LIMITED,
            f"{inquiries.spec.title} names no buyer (no Buyer ID, Email or Client column): "
            "replies owed show no buyer",
            fix_for(inquiries, "email"),
        )
    return job


def _lookup(buyers: Table, unread: list[str]) -> Job:
    job = Job("lookup", "inq lookup", "who a sender is, before replying")
    if unread:
        names = ", ".join(repr(n) for n in unread)
        job.worse(
            LIMITED,
            f"only {buyers.name!r} is read as the buyer list; {names} "
            f"{'is' if len(unread) == 1 else 'are'} named like one too, and its buyers are "
            "found by no command",
            f"keep one buyer list: move those rows into {buyers.name!r} (or rename the sheet "
            "if it is no buyer list)",
        )
    if not buyers.has("email") and "email" not in buyers.declared_none:
        job.worse(
            LIMITED,
            _missing(buyers, "email") + ": a sender's email finds nobody",
            fix_for(buyers, "email"),
        )
    if not buyers.has("name") and not buyers.has("company"):
        job.worse(LIMITED, "Buyers has neither a Name nor a Company column inq can read")
    return job


def _log(buyers: Table, sheets: _Sheets) -> Job:
    job = Job("log", "inq log", "record a contact; Last contact follows")
    contacts = sheets.get("contacts")
    if contacts is not None:
        if not contacts.columns:
            job.worse(BLIND, f"sheet {contacts.name!r} has no header row inq can read")
        elif not any(contacts.has(k) for k in _LINKS):
            job.worse(
                BLIND,
                f"{contacts.spec.title} ({contacts.name}) names no buyer (no Buyer ID, Email or "
                "Client column): a logged contact links to nobody",
                fix_for(contacts, "email"),
            )
    if not buyers.has("last_contact"):
        if "last_contact" not in buyers.declared_none:
            job.worse(
                LIMITED,
                _missing(buyers, "last_contact") + ": Last contact is not updated",
                fix_for(buyers, "last_contact"),
            )
    elif buyers.guessed("last_contact"):
        job.worse(
            LIMITED,
            _guess(buyers, "last_contact") + ": not updated until you confirm it",
            fix_for(buyers, "last_contact"),
        )
    inquiries = sheets.get("inquiries")
    if inquiries is not None and inquiries.guessed("replied"):
        job.worse(
            LIMITED,
            _guess(inquiries, "replied") + ": not marked until you confirm it",
            fix_for(inquiries, "replied"),
        )
    return job


def _grade(buyers: Table) -> Job:
    job = Job("grade", "inq grade", "grade buyers A/B/C/D")
    if not buyers.has("grade"):
        if "grade" in buyers.declared_none:
            job.worse(OFF, "you keep no Grade column (inq map ... --none)")
        else:
            job.worse(
                BLIND,
                _missing(buyers, "grade") + ": a grade has nowhere to go",
                fix_for(buyers, "grade"),
            )
    elif buyers.guessed("grade"):
        job.worse(
            LIMITED,
            _guess(buyers, "grade") + ": read, not written until you confirm it",
            fix_for(buyers, "grade"),
        )
    return job


def _inquiry(inquiries: Table | None) -> Job:
    job = Job("inquiry", "inq inquiry", "record an inquiry")
    if inquiries is None:
        return job  # the Inquiries sheet is added with the first one
    if not inquiries.columns:
        job.worse(BLIND, f"sheet {inquiries.name!r} has no header row inq can read")
    elif not any(inquiries.has(k) for k in _LINKS):
        job.worse(
            BLIND,
            f"{inquiries.spec.title} ({inquiries.name}) names no buyer (no Buyer ID, Email or "
            "Client column): a recorded inquiry links to nobody",
            fix_for(inquiries, "email"),
        )
    return job


def _quote(sheets: _Sheets) -> Job:
    job = Job("quote", "inq quote", "a plain-text quote with the company's particulars")
    products = sheets.get("products")
    if products is None:
        job.worse(NOT_READY, "no Products sheet: add your catalog (Model, Name, Price, ...)")
    elif not products.has("model"):
        job.worse(
            BLIND if len(products) else NOT_READY,
            _missing(products, "model") + ": no product can be quoted",
            fix_for(products, "model"),
        )
    else:
        if not products.has("price") and not products.has("price_tiers"):
            job.worse(
                BLIND if len(products) else NOT_READY,
                _missing(products, "price") + ": no price to quote",
                fix_for(products, "price"),
            )
        if not any(products.keys("model")):
            job.worse(NOT_READY, f"{products.name} lists no products yet")
    _company(job, sheets.book)
    return job


def _company(job: Job, book: Workbook) -> None:
    """Every company particular a quote gives (docs/routine.md §1), missing ones at once."""
    table = book.get("company")
    if table is None:
        job.worse(NOT_READY, "no Company sheet: add one (Field | Value: Name, Tel, Fax, ...)")
        return
    raw = book.key_values("company")
    missing, example = [], []
    for key, label, aliases, placeholder in schema.COMPANY_FIELDS:
        names = map(schema.norm, (key, label, *aliases))
        value = next((raw[n] for n in names if raw.get(n) not in (None, "")), None)
        if value is None:
            missing.append(label)
        elif str(value).strip() == placeholder:
            example.append(label)
    if len(missing) == len(schema.COMPANY_FIELDS) and raw:
        job.worse(
            BLIND,
            f"{table.name}: none of its fields is one inq knows "
            "(write them as Name, Year founded, Tel, Fax, ... or 公司名称, 电话, 传真, ...)",
        )
    elif missing:
        job.worse(NOT_READY, f"{table.name} lacks {', '.join(missing)}")
    if example:
        job.worse(LIMITED, f"{table.name} still holds inq init's example for {', '.join(example)}")
