"""Templates are sandboxed: a template folder beside the workbook (or named in Settings)
cannot run code, a Settings folder must lie inside the workbook's own folder, and workbook
text inserted into a quote or a mail shows its control characters instead of carrying them.
"""

from __future__ import annotations

import email
import email.policy

import pytest

ESC = "_x001B_"  # how a workbook stores ESC; python-calamine reads it back as \x1b


@pytest.fixture
def wb(build):
    return build(
        buyers=[dict(buyer_id="B0001", name=f"Eve{ESC}[2J", company="Acme", email="eve@acme.com", country="Germany", grade="A")],
        products=[dict(model="LED-1", name=f"Lamp{ESC}]52;c;QQ==", moq=10, price=2.5, new=True)],
    )  # fmt: skip


def attack(marker) -> str:
    return f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}"


@pytest.mark.parametrize("kind", ["quote", "mail"])
def test_a_template_cannot_run_code(inq, wb, tmp_path, kind):
    marker = tmp_path / "PWNED"
    folder = tmp_path / "templates" / kind
    folder.mkdir(parents=True)
    if kind == "quote":
        path = folder / "eu.txt.j2"
        path.write_text(attack(marker), encoding="utf-8")
        result = inq("-w", wb, "quote", "-m", "LED-1", "-q", "10", "--region", "eu", "--no-record")
    else:
        path = folder / "promo.txt.j2"
        path.write_text(f"Subject: hi\n\n{attack(marker)}\n", encoding="utf-8")
        result = inq("-w", wb, "mail", "promo", "--all")
    assert result.exit_code == 1, result.output
    assert result.stderr == (
        f"Error: {kind} template {path} line {1 if kind == 'quote' else 3}: refused, a template "
        "may only use the values inq gives it (access to attribute '__init__' of 'type' "
        "object is unsafe.)\n"
    )
    assert not marker.exists()


def test_a_settings_template_folder_must_lie_beside_the_workbook(inq, build, tmp_path):
    outside = tmp_path / "elsewhere"
    (outside / "quote").mkdir(parents=True)
    (outside / "quote" / "eu.txt.j2").write_text("From elsewhere\n", encoding="utf-8")
    folder = tmp_path / "books"
    folder.mkdir()
    (folder / "linked").symlink_to(outside)
    (folder / "mine" / "quote").mkdir(parents=True)
    (folder / "mine" / "quote" / "eu.txt.j2").write_text("Mine\n", encoding="utf-8")
    products = [dict(model="LED-1", name="Lamp", moq=10, price=2.5)]
    for setting in (str(outside), "../elsewhere", "linked"):
        path = build(f"books/{setting.replace('/', '_')}.xlsx", settings={"template_dir": setting}, products=products)  # fmt: skip
        result = inq("-w", path, "quote", "-m", "LED-1", "-q", "10", "--region", "eu", "--no-record")  # fmt: skip
        assert result.exit_code == 1, result.output
        assert result.stderr == (
            f"Error: Settings template_dir {setting!r} lies outside the workbook's folder "
            f"{folder}: inq takes templates only from inside it (move the folder there, "
            "or clear the setting)\n"
        )
        assert result.stdout == ""
    path = build("books/ok.xlsx", settings={"template_dir": "mine"}, products=products)
    result = inq("-w", path, "quote", "-m", "LED-1", "-q", "10", "--region", "eu", "--no-record")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Mine\n"


def test_inserted_workbook_text_shows_its_control_characters(inq, wb, tmp_path):
    out = tmp_path / "q.txt"
    args = ["-m", "LED-1", "-q", "10", "--region", "eu", "--buyer", "B0001", "--no-record"]
    result = inq("-w", wb, "quote", *args, "--out", out)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x1b" not in out.read_text(encoding="utf-8")
    assert "Dear Eve\\x1b[2J," in result.stdout and "Dear Eve\\x1b[2J," in out.read_text()
    assert "Lamp\\x1b]52;c;QQ==" in result.stdout
    mails = tmp_path / "mails"
    result = inq("-w", wb, "mail", "new-products", "--all", "--out", mails)
    assert result.exit_code == 0, result.output
    msg = email.message_from_bytes((mails / "B0001.eml").read_bytes(), policy=email.policy.default)
    body = msg.get_content()
    assert "\x1b" not in body and "Dear Eve\\x1b[2J," in body and "Lamp\\x1b]52;c;QQ==" in body
