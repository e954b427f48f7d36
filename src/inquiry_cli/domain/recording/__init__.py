"""Turn "add this buyer / inquiry / contact / grade / quote" into a change set.

Each command has its module; each function reads what the workbook holds (records of the
contract), decides the new rows and the cells to update, and returns them as a ChangeSet
plus a plain summary (Outcome); the CLI hands the ChangeSet to the safe write path.
Nothing here touches a file.
"""

from inquiry_cli.domain.channels import CHANNELS, INQUIRY_CHANNELS
from inquiry_cli.domain.recording.buyers import (
    NewBuyer,
    add_buyer,
    clean_new_buyer,
    duplicate_check,
    fill_from_query,
)
from inquiry_cli.domain.recording.common import (
    Outcome,
    append_row,
    channel,
    ensure_column,
    new_sheet_ids,
    parse_quantity,
    pending,
    region_of,
    reply_value,
    resolve_buyer,
    row_for,
    say_taken,
    set_cell,
    table_or_new_sheet,
)
from inquiry_cli.domain.recording.contacts import (
    check_contact,
    log_contact,
    log_outgoing,
    mark_replied,
)
from inquiry_cli.domain.recording.grades import (
    GradeTarget,
    Ungraded,
    parse_grade,
    resolve_grade_target,
    set_grade,
    target_for_row,
    ungraded,
)
from inquiry_cli.domain.recording.inquiries import record_inquiry
from inquiry_cli.domain.recording.numbering import add_row, next_id
from inquiry_cli.domain.recording.quotes import record_quote

__all__ = [
    "CHANNELS",
    "INQUIRY_CHANNELS",
    "GradeTarget",
    "NewBuyer",
    "Outcome",
    "Ungraded",
    "add_buyer",
    "add_row",
    "append_row",
    "channel",
    "check_contact",
    "clean_new_buyer",
    "duplicate_check",
    "ensure_column",
    "fill_from_query",
    "log_contact",
    "log_outgoing",
    "mark_replied",
    "new_sheet_ids",
    "next_id",
    "parse_grade",
    "parse_quantity",
    "pending",
    "record_inquiry",
    "record_quote",
    "region_of",
    "reply_value",
    "resolve_buyer",
    "resolve_grade_target",
    "row_for",
    "say_taken",
    "set_cell",
    "set_grade",
    "table_or_new_sheet",
    "target_for_row",
    "ungraded",
]
