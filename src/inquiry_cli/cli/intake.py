"""`inq intake`: platform notifications, buyers' mail and WhatsApp chats into the workbook."""

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from inquiry_cli.cli import reads
from inquiry_cli.cli.base import app
from inquiry_cli.cli.context import state
from inquiry_cli.cli.options import DryRun, Json

DEFAULT_SINCE_DAYS = 14  # IMAP without --since: the last two weeks (the Message-ID dedupes)


@app.command()
def intake(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help=".eml files, .mbox files, Maildir or other folders, WhatsApp chat exports "
            "(.txt or .zip).",
            show_default=False,
        ),
    ] = None,
    imap: Annotated[
        bool,
        typer.Option(
            "--imap", help="Read the IMAP mailbox ([imap] in the config file; $INQ_IMAP_PASSWORD)."
        ),
    ] = False,
    folder: Annotated[
        str | None,
        typer.Option(
            "--folder", help="IMAP folder (default: [imap] folder, else INBOX).", show_default=False
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help=f"IMAP: messages since this day (default: the last {DEFAULT_SINCE_DAYS} days).",
            show_default=False,
        ),
    ] = None,
    date_order: Annotated[
        str | None,
        typer.Option(
            "--date-order",
            help="Chats: dmy or mdy, when a chat's dates cannot tell (all days 12 or less).",
            show_default=False,
        ),
    ] = None,
    as_json: Json = False,
    dry_run: DryRun = False,
) -> None:
    """Record inquiries from platform notifications and buyers' mail, and chats as contacts.

    Recognises Alibaba.com, Made-in-China.com, Global Sources and HKTDC notifications
    (rules/*.toml, yours beside the workbook win), a buyer's own mail, a reply to a quote
    or a mail inq sent (logged as a contact), and skips newsletters, auto-replies and
    notices with the reason. Every sender is looked up first: a known buyer is linked only
    on a strong match, a new one is added once. One write for the whole run; a message
    recorded before (same Message-ID) is not recorded again.

    Example: inq intake ~/Mail/inquiries/ --dry-run
    """
    from inquiry_cli.errors import UsageError
    from inquiry_cli.inbox import sources

    st = state(ctx)
    paths = list(paths or [])
    if not paths and not imap:
        raise UsageError(
            "say what to read: .eml/.mbox files, Maildir folders or chat exports, or --imap"
        )
    if (folder or since) and not imap:
        raise UsageError("--folder and --since are for --imap")
    if date_order is not None and date_order.lower() not in ("dmy", "mdy", "ymd"):
        raise UsageError(f"--date-order {date_order!r}: use dmy (27/11/2026) or mdy (11/27/2026)")
    sources.check_paths(paths)
    import itertools

    # The mailbox is fetched before the workbook is locked (the network may be slow);
    # files are read one by one inside, each dropped once understood (a big .mbox).
    fetched = _imap(folder, since, st.now) if imap else []
    raws = itertools.chain(sources.from_paths(paths), fetched)
    with st.writing(dry_run):
        run, book = _record(st, raws, date_order.lower() if date_order else None)
        from inquiry_cli.workbook.write import formulas_kept

        kept = formulas_kept(st.workbook, run.changes) if dry_run else {}
        if not dry_run and not run.changes.is_empty():
            from inquiry_cli.workbook.write import apply

            run.changes.command = st.command
            result = apply(st.workbook, run.changes, stamp=book.stamp)
            for note in result.notes:
                typer.echo(f"Note: {note}", err=True)
            kept = result.kept
        _forget_kept(run, kept, book, dry_run)
    if as_json:
        from inquiry_cli.output.json_output import print_json

        print_json(_json(run, dry_run, book))
    else:
        _print(run, dry_run, book)
    if not dry_run and not run.changes.is_empty():  # today's due lists, as it is now
        from inquiry_cli.cli import due_digest

        due_digest.after_write(st.workbook, st.now)


def _imap(folder: str | None, since: str | None, now: dt.datetime) -> list:
    import os

    from inquiry_cli import config
    from inquiry_cli.dates import parse_user_date
    from inquiry_cli.inbox import imap

    cfg = imap.ImapConfig.from_config(config.load_config())
    password = os.environ.get(cfg.password_env)
    imap.check(cfg, password)
    day = (
        parse_user_date(since, base=now).date()
        if since
        else now.date() - dt.timedelta(days=DEFAULT_SINCE_DAYS)
    )
    return list(imap.fetch(cfg, password or "", folder or cfg.folder, day))


def _record(st, raws, date_order: str | None):
    """Read the workbook, understand every message, and decide the one change."""
    from inquiry_cli.output.progress import Progress
    from inquiry_cli.workbook import read

    with Progress() as progress:
        progress.step(f"Reading {st.workbook.name}")
        book = read.read(st.workbook, reads.INTAKE.sheets)
        return _decide(st, book, raws, date_order, progress)


def _decide(st, book, raws, date_order: str | None, progress):
    """Every message understood against the workbook (`progress` counts them)."""
    from inquiry_cli import rulefiles
    from inquiry_cli.domain import intake_recording as recorder
    from inquiry_cli.domain.recording import INQUIRY_CHANNELS
    from inquiry_cli.domain.settings import Settings
    from inquiry_cli.errors import InqError

    settings = Settings.from_sheet(book.key_values("settings"))
    rules = rulefiles.load(st.workbook, settings.rules_dir or None)
    for p in rules.platforms:
        if p.channel not in INQUIRY_CHANNELS:
            raise InqError(
                f"rules: channel {p.channel!r} is not one inq records: use one of "
                f"{', '.join(INQUIRY_CHANNELS)}"
            )
    me = _me(book)
    intakes = []
    progress.step("Reading the messages")  # (a stream: counted as they come)
    for raw in raws:
        intakes += _understand(raw, rules, me, settings.timezone, date_order)
        progress.advance()
    run = recorder.record(book, intakes, now=st.now, tz=settings.timezone)
    return run, book


def _me(book):
    """Your own addresses: the Company sheet's email and the config file's mail sender and
    mailbox users; their domains too, unless free mail (a colleague's mail is not a buyer's)."""
    from email.utils import parseaddr

    from inquiry_cli import config
    from inquiry_cli.domain.intake.classify import Own
    from inquiry_cli.domain.matching import FREE_MAIL

    cfg = config.load_config()
    found = [book.key_values("company").get("email")]
    for table, key in (("mail", "from"), ("smtp", "from"), ("smtp", "user"), ("imap", "user")):
        section = cfg.get(table)
        if isinstance(section, dict):
            found.append(section.get(key))
    addresses = {parseaddr(str(a))[1].strip().lower() for a in found if a}
    addresses = {a for a in addresses if "@" in a}
    domains = {a.rsplit("@", 1)[1] for a in addresses} - FREE_MAIL
    return Own(frozenset(addresses), frozenset(domains))


def _understand(raw, rules, me, tz: str, date_order: str | None) -> list:
    """The records one raw message (or chat) becomes; a damaged one says why, in one record."""
    from inquiry_cli.domain.intake.classify import read_mail
    from inquiry_cli.domain.intake.records import DAMAGED, Intake
    from inquiry_cli.domain.intake.whatsapp import ChatError, parse_chat

    if raw.error:
        return [Intake(raw.source, DAMAGED, reason=raw.error)]
    if raw.chat is not None:
        try:
            return parse_chat(raw.chat, raw.source, raw.title, tz, date_order)
        except ChatError as exc:
            return [Intake(raw.source, DAMAGED, reason=f"chat export: {exc}")]
    try:
        return [read_mail(raw.data, raw.source, rules, me, raw.received)]
    except (ValueError, LookupError, TypeError, AttributeError, IndexError) as exc:
        # the email package's last resort on a mangled message: one line, the run goes on
        return [Intake(raw.source, DAMAGED, reason=f"cannot be read ({exc.__class__.__name__})")]


# ---------------------------------------------------------------- output


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def summary(run) -> str:
    """'Recorded 6 inquiries (2 new buyers) and 1 contact; 1 already recorded; skipped 4.'"""
    from inquiry_cli.domain import intake_recording as r

    inquiries, contacts = run.count(r.INQUIRY_DONE), run.count(r.CONTACT_DONE)
    already = run.count(r.ALREADY)
    skipped = len(run.results) - inquiries - contacts - already
    if inquiries or contacts:
        line = f"Recorded {_n(inquiries, 'inquiry', 'inquiries')}"
        if run.new_buyers:
            line += f" ({_n(run.new_buyers, 'new buyer', 'new buyers')})"
        line += f" and {_n(contacts, 'contact', 'contacts')}"
    else:
        line = "Nothing new to record"
    if already:
        line += f"; {already} already recorded"
    if skipped:
        line += f"; skipped {skipped}"
    return line + "."


def _line(res) -> str:
    from inquiry_cli.domain import intake_recording as r

    it = res.intake
    if res.action == r.INQUIRY_DONE:
        who = f"{res.buyer.key} {res.buyer.label}" + (", new buyer" if res.new_buyer else "")
        what = it.channel
        if res.product:
            what += f", {res.product}"
        if it.quantity is not None:
            qty = int(it.quantity) if float(it.quantity).is_integer() else it.quantity
            what += f" x {qty:,}"
        return f"inquiry {res.inquiry_id or ''} from {who}: {what}".replace("inquiry  ", "inquiry ")
    if res.action == r.CONTACT_DONE:
        return f"contact from {res.buyer.key} {res.buyer.label}: {res.detail}"
    if res.action == r.ALREADY:
        return f"already recorded ({res.detail})"
    if res.action == r.DUPLICATE:
        return f"skipped: {res.detail}"
    if res.action == r.BROKEN:
        return f"skipped, damaged: {res.detail}"
    return f"skipped: {res.detail}"


def _chat_line(group: list) -> str:
    """All messages of one chat export in one line."""
    from inquiry_cli.domain import intake_recording as r

    done = [x for x in group if x.action == r.CONTACT_DONE]
    already = sum(1 for x in group if x.action == r.ALREADY)
    if not done and not already:
        return _line(group[0])
    parts = []
    if done:
        incoming = sum(1 for x in done if x.intake.direction == "in")
        b = done[0].buyer
        parts.append(
            f"{_n(len(done), 'WhatsApp message', 'WhatsApp messages')} with {b.key} {b.label} "
            f"logged ({incoming} in, {len(done) - incoming} out)"
        )
    if already:
        parts.append(f"{already} already recorded")
    return "; ".join(parts)


def lines(run) -> list[str]:
    """One line per message (one per chat), in the order read, then the summary."""
    from inquiry_cli.domain.intake.records import CHAT

    out: list[str] = []
    chats: dict[str, list] = {}
    for res in run.results:
        if res.intake.kind == CHAT:
            group = chats.setdefault(res.intake.source, [])
            group.append(res)
            if len(group) == 1:
                out.append(res.intake.source)
            continue
        out.append(f"{res.intake.source}: {_line(res)}")
    for source, group in chats.items():
        out[out.index(source)] = f"{source}: {_chat_line(group)}"
    return out


def _forget_kept(run, kept: dict[str, list[tuple[int, int]]], book, dry_run: bool) -> None:
    """Cells the write left alone (they hold the user's formulas) are said as kept, not
    as changed."""
    from inquiry_cli.output.views import kept_lines

    run.notes += [
        f"{'Would keep' if dry_run else 'Kept'} {line}"
        for line in kept_lines(kept, run.changes, book)
    ]
    run.changes.drop_sets(kept)


def _print(run, dry_run: bool, book) -> None:
    from inquiry_cli.output.terminal import visible
    from inquiry_cli.output.views import changed_lines

    for res in run.results:
        for warning in res.warnings:
            typer.echo(visible(f"Warning: {res.intake.source}: {warning}"), err=True)
    for line in lines(run):
        typer.echo(visible(line))
    for note in run.notes:
        typer.echo(visible(note))
    for line in changed_lines(run.changes, book, dry_run=dry_run):
        typer.echo(visible(line))
    typer.echo(summary(run))
    if dry_run:
        typer.echo("Dry run: nothing was written.")


def _json(run, dry_run: bool, book) -> dict:
    from inquiry_cli.domain import intake_recording as r
    from inquiry_cli.domain.recording.changed import changed_cells

    messages = []
    for res in run.results:
        it, b = res.intake, res.buyer
        messages.append(
            {
                "source": it.source,
                "action": res.action,
                "reason": res.detail or it.reason or None,
                "channel": it.channel,
                "message_id": it.message_id,
                "received": res.received,
                "subject": it.subject or None,
                "from": it.sender or None,
                "buyer_id": b.buyer_id if b else None,
                "buyer": b.label if b else None,
                "new_buyer": res.new_buyer,
                "inquiry_id": res.inquiry_id,
                "name": it.name,
                "company": it.company,
                "email": it.email,
                "email_domain": it.email_domain,
                "phone": it.phone,
                "country": it.country,
                "product": res.product if res.action == r.INQUIRY_DONE else it.product,
                "quantity": it.quantity,
                "direction": it.direction if it.kind == "chat" else None,
                "attachments": it.attachments,
                "warnings": res.warnings,
            }
        )
    inquiries, contacts = run.count(r.INQUIRY_DONE), run.count(r.CONTACT_DONE)
    already = run.count(r.ALREADY)
    return {
        "dry_run": dry_run,
        "inquiries": inquiries,
        "new_buyers": run.new_buyers,
        "contacts": contacts,
        "already_recorded": already,
        "skipped": len(run.results) - inquiries - contacts - already,
        "notes": run.notes,
        "messages": messages,
        "changed": [  # every cell of a row that was there, before and after
            {
                "sheet": c.sheet,
                "row": c.row,
                "who": c.who or None,
                "column": c.header,
                "old": c.old if c.old != "" else None,
                "new": c.new,
            }
            for c in changed_cells(book, run.changes)
        ],
    }
