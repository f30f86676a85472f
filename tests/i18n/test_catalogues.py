"""The shipped translations are complete, and the compiled .mo files are what the .po
files say today (a .po edited without recompiling would silently not show)."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "frankly"
SHIPPED = ("de", "fr", "es")
CATALOGUES = sorted(
    po for language in SHIPPED for po in ROOT.glob(f"**/locale/{language}/LC_MESSAGES/*.po")
)

pytestmark = pytest.mark.skipif(
    shutil.which("msgfmt") is None,
    reason="GNU gettext is missing; run `bash scripts/test-prerequisites` to install it.",
)


def _ids(paths):
    return [str(p.relative_to(ROOT)) for p in paths]


def test_every_app_with_translated_strings_ships_the_three_languages():
    locale_dirs = {po.parents[2] for po in CATALOGUES}
    assert ROOT / "locale" in locale_dirs
    for locale_dir in locale_dirs:
        for language in SHIPPED:
            assert (locale_dir / language / "LC_MESSAGES" / "django.po").exists(), (
                f"{locale_dir} has no {language} catalogue"
            )


@pytest.mark.parametrize("po", CATALOGUES, ids=_ids(CATALOGUES))
def test_no_message_is_left_untranslated_or_fuzzy(po):
    # Django ignores fuzzy entries, so a fuzzy one shows in English as surely as an empty one.
    for flag in ("--untranslated", "--only-fuzzy"):
        leftover = subprocess.run(
            ["msgattrib", flag, "--no-obsolete", "--no-wrap", str(po)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert leftover == "", f"{po} has {flag[2:].removeprefix('only-')} entries:\n{leftover}"


@pytest.mark.parametrize("po", CATALOGUES, ids=_ids(CATALOGUES))
def test_the_committed_mo_file_is_compiled_from_the_po_file_as_it_is(po, tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(po)], check=True)
    committed = po.with_suffix(".mo")
    assert committed.exists(), f"{committed} is missing: run compilemessages and commit it"
    assert committed.read_bytes() == compiled.read_bytes(), (
        f"{committed} is stale: run `cd frankly && ../.venv/bin/python ../manage.py "
        "compilemessages` and commit the result"
    )


def test_a_fuzzy_or_empty_entry_is_caught(tmp_path):
    """The check above can fail: msgattrib reports what Django would show in English."""
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy\nmsgid "Save"\nmsgstr "Speichern"\n\nmsgid "Cancel"\nmsgstr ""\n'
    )
    for flag, expected in (("--untranslated", "Cancel"), ("--only-fuzzy", "Save")):
        out = subprocess.run(
            ["msgattrib", flag, str(po)], capture_output=True, text=True, check=True
        ).stdout
        assert expected in out
