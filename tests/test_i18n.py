"""The zh-hans catalogue is complete and compiled; pages render in Chinese by default."""

import gettext
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_entry_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(PO))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert len(po) > 300


def test_compiled_catalogue_matches_the_po_file():
    po = polib.pofile(str(PO))
    with MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for entry in po:
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="xgettext (GNU gettext) is not installed, so new strings cannot be extracted here; "
    "CI installs it",
)
def test_no_string_in_the_code_is_missing_from_the_catalogue(tmp_path, monkeypatch):
    # makemessages writes into the locale folder beside the sources it scans, so scan a
    # scratch copy of the sources (the repository's catalogue must stay untouched)
    tree = tmp_path / "src"
    shutil.copytree(
        ROOT,
        tree,
        ignore=shutil.ignore_patterns(
            ".venv",
            "venv",
            "var",
            ".git",
            "tests",
            "node_modules",
            "__pycache__",
            "*.pyc",
            "staticfiles",
            "vendor",
        ),
    )
    before = PO.read_bytes()
    monkeypatch.chdir(tree)
    with override_settings(LOCALE_PATHS=[str(tree / "locale")]):
        call_command("makemessages", locale=["zh_Hans"], no_obsolete=True, verbosity=0)
    assert PO.read_bytes() == before, "makemessages must not touch the repository's catalogue"
    fresh = polib.pofile(str(tree / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in fresh if not e.translated() or "fuzzy" in e.flags]
    assert missing == [], "run makemessages -l zh_Hans and translate these"


@pytest.mark.django_db
def test_pages_are_chinese_by_default_and_english_on_request(client):
    page = client.get("/accounts/login/").content.decode()
    assert "登录" in page
    assert 'lang="zh-hans"' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/accounts/login/").content.decode()
    assert "Log in" in page
    assert 'lang="en"' in page
