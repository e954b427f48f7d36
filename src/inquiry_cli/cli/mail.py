"""`inq mail`: mail-outs from templates to a chosen audience, as .eml, .mbox or over SMTP."""

import os
from pathlib import Path
from typing import Annotated

import typer

from inquiry_cli.cli import reads
from inquiry_cli.cli.base import app
from inquiry_cli.cli.context import state
from inquiry_cli.cli.options import ForceOutput


@app.command()
def mail(
    ctx: typer.Context,
    template: Annotated[
        str,
        typer.Argument(
            help="newsletter, new-products, trade-show, greeting, sample-follow-up, or your own "
            "(templates/mail/NAME.txt.j2 beside the workbook).",
            show_default=False,
        ),
    ],
    asked: Annotated[
        str | None,
        typer.Option(
            "--asked", help="Every buyer who ever asked about this model.", show_default=False
        ),
    ] = None,
    grade: Annotated[
        str | None, typer.Option("--grade", help="Grades, e.g. A or A,B.", show_default=False)
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region", help="mideast, sea, us, eu, latam, africa, other...", show_default=False
        ),
    ] = None,
    country: Annotated[
        str | None,
        typer.Option("--country", help="A country: name, 中文 or ISO code.", show_default=False),
    ] = None,
    everyone: Annotated[bool, typer.Option("--all", help="Every buyer.")] = False,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Write one .eml per buyer into this folder.", show_default=False
        ),
    ] = None,
    mbox: Annotated[
        Path | None,
        typer.Option(
            "--mbox", help="Write every mail into one new .mbox file.", show_default=False
        ),
    ] = None,
    send: Annotated[
        bool,
        typer.Option(
            "--send",
            help="Send over SMTP ([smtp] in the config file; password in $INQ_SMTP_PASSWORD).",
        ),
    ] = False,
    log: Annotated[
        bool,
        typer.Option(
            "--log", help="Record each mail as a contact (one change; a killed run resumes)."
        ),
    ] = False,
    resend: Annotated[
        bool,
        typer.Option(
            "--resend",
            help="Mail again the buyers who had this mail (same subject) in the last 30 days.",
        ),
    ] = False,
    force: ForceOutput = False,
    news: Annotated[
        Path | None,
        typer.Option(
            "--news", help="A text file with the news (for newsletter).", show_default=False
        ),
    ] = None,
    occasion: Annotated[
        str | None,
        typer.Option(
            "--occasion", help="For greeting, e.g. 'Happy Eid al-Fitr'.", show_default=False
        ),
    ] = None,
    event: Annotated[
        str | None,
        typer.Option(
            "--event",
            help="For trade-show: part of the show's name (default: the next one).",
            show_default=False,
        ),
    ] = None,
    subject: Annotated[
        str | None,
        typer.Option("--subject", help="Override the template's subject.", show_default=False),
    ] = None,
) -> None:
    """Mail-outs: newsletters, new products, trade-show invitations, greetings, sample follow-ups.

    Pick the audience (filters combine): --asked MODEL, --grade A,B, --region, --country,
    or --all. Each buyer gets a personalised plain-text mail; buyers without an email are
    listed so you can reach them another way. Without --out/--mbox/--send it shows the
    first mail and who would get one. sample-follow-up goes by default to every buyer
    with a sample awaiting feedback. Buyers who had the same mail (template and subject)
    in the last 30 days are skipped unless --resend. With --log each mail is kept in
    inq-backups/ as it goes out, so a run that is killed is logged by the next one and
    nobody is mailed twice.

    Example: inq mail new-products --asked LED-PL-60 --out mails/
    """
    from inquiry_cli import config, dates
    from inquiry_cli.domain import mailing as service
    from inquiry_cli.domain import mailouts
    from inquiry_cli.domain.recording import parse_grade
    from inquiry_cli.errors import UsageError
    from inquiry_cli.output import files, mailfiles
    from inquiry_cli.output.journal import Journal
    from inquiry_cli.workbook import read

    st = state(ctx)
    if sum(x is not None and x is not False for x in (out, mbox, send or None)) > 1:
        raise UsageError("choose one of --out DIR, --mbox FILE or --send")
    if log and not (out or mbox or send):
        raise UsageError("--log records mails you write or send: add --out, --mbox or --send")
    if force and not (out or mbox):
        raise UsageError("--force replaces files written by --out or --mbox")
    if mbox is not None:
        files.check_target(mbox, workbook=st.workbook, force=force)
    if out is not None:
        mailfiles.check_folder(out, workbook=st.workbook)
    grades = [parse_grade(g) for g in grade.replace(" ", "").split(",") if g] if grade else []
    audience = service.Audience(asked, grades, region, country, everyone)
    news_text = None
    if news is not None:
        try:
            news_text = news.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read {news}: {exc}") from None
    cfg = config.load_config()
    smtp_cfg = None
    if send:
        from inquiry_cli.output.smtp import SmtpConfig

        smtp_cfg = SmtpConfig.from_config(cfg)

    journal = Journal(st.workbook)
    with st.writing(not log):
        if log:
            _check_log_can_be_written(st.workbook)
        from inquiry_cli.output.progress import Progress

        with Progress() as progress:
            progress.step(f"Reading {st.workbook.name}")
            book = read.read(st.workbook, reads.MAIL.sheets)
            pending = journal.pending()
            if log and pending:
                book = _log_earlier_run(st, book, journal, pending)
                pending = []
            chosen, who, mails, skipped, notes = _compose(
                st, book, template, audience, cfg, news_text, occasion, event, subject, progress
            )
        from inquiry_cli.output.console import console

        con = console()
        n = len(mails)
        con.print(
            f"{template}: {n} mail{'s' if n != 1 else ''} to {who} "
            f"({len(chosen)} buyer{'s' if len(chosen) != 1 else ''} matched)",
            markup=False,
        )
        if skipped:
            con.print(f"Not mailed ({len(skipped)}): reach them another way", markup=False)
            for sk in skipped:
                con.print(f"  {sk.buyer.key} {sk.buyer.label}: {sk.why}", markup=False)
        for note in notes:
            con.print(note, markup=False)
        if pending:
            k = len(pending)
            con.print(
                f"{k} mail{'s' if k != 1 else ''} of an earlier run {'are' if k != 1 else 'is'} "
                "not in Contacts yet: the next run with --log records them",
                markup=False,
            )
        if not resend:
            mails, again = mailouts.already_mailed(book, mails, template, pending, st.now)
            if again:
                k = len(again)
                con.print(
                    f"Skipped {k} buyer{'s' if k != 1 else ''} already mailed {template} "
                    "(use --resend to mail them again)",
                    markup=False,
                )
        if not mails:
            raise typer.Exit(1 if chosen and n == 0 else 0)

        went: list[mailouts.Sent] = []
        delivery = Progress()

        def gone(mail) -> None:
            """One mail went out: into the journal before the next one goes."""
            sent = mailouts.Sent.of(mail, template, dates.now())
            if log:
                journal.record(sent)
            went.append(sent)
            delivery.advance()

        if not (out or mbox or send):
            _preview(mails)
            return
        try:
            with delivery:
                delivery.step("Sending" if send else "Writing", total=len(mails))
                interrupted = _deliver(st, mails, out, mbox, smtp_cfg, force, gone)
        finally:
            journal.close()
        if log and went:
            _log_this_run(st, journal, went)
        if interrupted:
            from inquiry_cli.output.terminal import echo

            echo(f"Interrupted: {len(went)} of {len(mails)} mails went out.", err=True)
            raise typer.Exit(130)
        if send and len(went) < len(mails):
            raise typer.Exit(1)


def _compose(st, book, template, audience, cfg, news, occasion, event, subject, progress):
    """This run's mails: (buyers matched, who in words, mails, buyers not mailed, notes
    on header text cleaned)."""
    from inquiry_cli.domain import mailing as service
    from inquiry_cli.domain.settings import Settings
    from inquiry_cli.errors import UsageError
    from inquiry_cli.output import mail as compose
    from inquiry_cli.output import templating

    settings = Settings.from_sheet(book.key_values("settings"))
    search = templating.search_path(st.workbook, settings.template_dir or None)
    if template not in compose.template_names(search):
        names = ", ".join(compose.template_names(search))
        raise UsageError(f"no mail template {template!r}: use one of {names}")
    if audience.is_empty():
        if template != "sample-follow-up":
            raise UsageError(
                "say who gets it: --asked MODEL, --grade A,B, --region, --country or --all"
            )
        chosen = service.sample_follow_up_audience(book)
        who = "buyers with a sample awaiting feedback"
    else:
        chosen = service.select(book, audience)
        who = audience.describe()
    mail_cfg = cfg.get("mail") if isinstance(cfg.get("mail"), dict) else {}
    smtp_section = cfg.get("smtp") if isinstance(cfg.get("smtp"), dict) else {}
    sender = service.sender_of(book, mail_cfg.get("from") or smtp_section.get("from"))
    context = service.prepare(
        book,
        template,
        now=st.now,
        news=news,
        occasion=occasion,
        event=event,
        sender=sender,
    )
    recipients, skipped = service.split_recipients(chosen)
    chosen_values, not_applicable = service.mail_values(template, recipients, context)
    progress.step("Writing the mails", total=len(chosen_values))
    mails = compose.render(template, chosen_values, search, subject, tick=progress.advance)
    skipped += not_applicable
    progress.step("Addressing them", total=len(mails))
    company = context.company.get("name")
    notes = compose.build_messages(mails, sender, company, st.now, settings, tick=progress.advance)
    return chosen, who, mails, skipped, notes


def _deliver(st, mails, out, mbox, smtp_cfg, force, gone) -> bool:
    """Write or send the mails, telling `gone` of each as it goes; True if Ctrl-C stopped it."""
    from inquiry_cli.output import files, mailfiles
    from inquiry_cli.output.console import console

    con = console()
    if out is not None:
        names = mailfiles.eml_names(m.buyer.key for m in mails)
        mailfiles.write_eml(
            [m.message for m in mails],
            names,
            out,
            workbook=st.workbook,
            force=force,
            written=lambda i: gone(mails[i]),
        )
        con.print(f"Wrote {len(mails)} .eml files to {out}", markup=False)
    elif mbox is not None:
        files.write(
            mbox, mailfiles.mbox_bytes(m.message for m in mails), workbook=st.workbook, force=force
        )
        for m in mails:
            gone(m)
        con.print(f"Wrote {len(mails)} mails to {mbox}", markup=False)
    else:
        return _send(mails, smtp_cfg, gone)
    return False


def _check_log_can_be_written(workbook: Path) -> None:
    """--log ends in a write: refuse before the first mail goes if it could not be made."""
    from inquiry_cli.errors import InqError, WorkbookBusy
    from inquiry_cli.workbook.guard import refuse_if_open

    try:
        refuse_if_open(workbook)
    except WorkbookBusy as exc:
        raise WorkbookBusy(f"{exc}; nothing was sent or written (--log records in it)") from None
    if not os.access(workbook, os.W_OK) or not os.access(workbook.parent, os.W_OK):
        raise InqError(
            f"{workbook.name} (or its folder) is read-only, so --log could not record the "
            "mails: nothing was sent or written"
        )


def _log_earlier_run(st, book, journal, pending):
    """Log what a killed run sent and Contacts lacks; the book afresh if it was written."""
    from inquiry_cli.cli.record import save
    from inquiry_cli.domain import mailouts
    from inquiry_cli.workbook import read

    missing, logged = mailouts.in_contacts(book, pending)
    if missing:
        k = len(missing)
        line = (
            f"Logged {k} mail{'s' if k != 1 else ''} of an earlier run that stopped before "
            "recording them (none is sent again)"
        )
        save(st, book, mailouts.log_sent(book, missing, line), dry_run=False)
    journal.mark_done(missing + logged)
    return read.read(st.workbook, reads.MAIL.sheets) if missing else book


def _log_this_run(st, journal, went) -> None:
    """The run's mails in Contacts, one write, from a fresh read (a mail-out takes a while).

    Should the write be refused, the mails stay in the journal for the next run."""
    from inquiry_cli.cli.record import save
    from inquiry_cli.domain import mailouts
    from inquiry_cli.errors import InqError
    from inquiry_cli.workbook import read

    book = read.read(st.workbook, reads.MAIL_LOG.sheets, headers_only=reads.MAIL_LOG.heads)
    try:
        save(st, book, mailouts.log_sent(book, went), dry_run=False)
    except InqError as exc:
        k = len(went)
        raise type(exc)(
            f"{exc} (the {k} mail{'s' if k != 1 else ''} that went out {'are' if k != 1 else 'is'} "
            f"kept in {journal.path} and logged by the next `inq mail ... --log`)"
        ) from None
    journal.mark_done(went)


def _send(mails, cfg, gone) -> bool:
    """Send, telling `gone` of each mail the server took; True if Ctrl-C stopped it."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from inquiry_cli.output import smtp
    from inquiry_cli.output.console import console

    password = os.environ.get(cfg.password_env)
    conn = smtp.connect(cfg, password)  # before the progress bar: errors stay one line
    err = console(stderr=True)
    with Progress(
        TextColumn("Sending"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("send", total=len(mails))
        results = []
        interrupted = False
        try:
            for result in smtp.send(mails, cfg, password, conn=conn):
                results.append(result)
                if result.ok:
                    gone(result.mail)
                progress.advance(task)
        except KeyboardInterrupt:
            interrupted = True  # stop sending; what went out is still logged
    out = console()
    ok = [r for r in results if r.ok]
    failed = [r for r in results if not r.ok]
    for r in results:
        who = f"{r.mail.buyer.key} {r.mail.to}"
        out.print(
            f"  {'sent  ' if r.ok else 'FAILED'}  {who}{'' if r.ok else ': ' + r.error}",
            markup=False,
        )
    line = f"Sent {len(ok)} of {len(results)} via {cfg.host}:{cfg.port}"
    if failed:
        line += f"; {len(failed)} failed (listed above)"
    out.print(line, markup=False)
    return interrupted


def _preview(mails) -> None:
    from inquiry_cli.output.console import console

    con = console()
    first = mails[0].message
    con.print("", markup=False)
    con.print(f"--- the first mail of {len(mails)} ---", markup=False)
    for h in ("From", "To", "Subject", "Date"):
        con.print(f"{h}: {first[h]}", markup=False)
    con.print("", markup=False)
    con.print(mails[0].body.rstrip("\n"), markup=False)
    con.print("---", markup=False)
    rest = ", ".join(m.to for m in mails[1:6])
    if len(mails) > 6:
        rest += f" and {len(mails) - 6} more"
    if rest:
        con.print(f"Also to: {rest}", markup=False)
    con.print(
        "Nothing written or sent: add --out DIR (.eml files), --mbox FILE or --send.",
        markup=False,
    )
