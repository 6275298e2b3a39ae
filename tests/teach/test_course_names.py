"""Ids, name matching and class-list reading: the pure parts of the course tools (fast)."""

from __future__ import annotations

import pytest

from calliope_lib.teach.course.names import (Person, clean_id, fold, make_id, split_full_name,
                                       strip_copy_suffix, valid_id, who_is)
from calliope_lib.teach.course.students import read_class_list

CLASS = [Person.of("ada.lovelace", "Ada", "Lovelace"),
         Person.of("joerg.mueller", "Jörg", "Müller"),
         Person.of("anna.mueller", "Anna", "Müller"),
         Person.of("maria.schmidt", "Maria", "Schmidt"),
         Person.of("am.schmidt", "Anna Maria", "Schmidt"),
         Person.of("4711", "Tom", "Ohne")]


@pytest.mark.parametrize("raw, made", [
    ("Jörg M", "joerg_m"), ("  ada.lovelace ", "ada.lovelace"), ("O'Brien", "o_brien"),
    ("*", ""), ("../x", "x"), ("Ærø", "aeroe"),
])
def test_clean_id(raw, made):
    assert clean_id(raw) == made
    assert made == "" or valid_id(made)


def test_make_id_and_names():
    assert make_id("Anna Maria", "Schmidt-Weiß") == "anna-maria.schmidt-weiss"
    assert split_full_name("Lovelace, Ada") == ("Ada", "Lovelace")
    assert split_full_name("Anna Maria  Schmidt") == ("Anna Maria", "Schmidt")
    assert fold("Çelik Öztürk") == "celik oeztuerk"
    assert not valid_id("Ada") and not valid_id("a..b") and not valid_id("-a")


@pytest.mark.parametrize("stem, bare", [
    ("01-hallo-calliope-Copy1", "01-hallo-calliope"),
    ("01-hallo-calliope (1)", "01-hallo-calliope"),
    ("01-hallo-calliope (2) (1)", "01-hallo-calliope"),
    ("01-hallo-calliope-Kopie", "01-hallo-calliope"),
    ("01-hallo-calliope", "01-hallo-calliope"),
])
def test_strip_copy_suffix(stem, bare):
    assert strip_copy_suffix(stem) == bare


@pytest.mark.parametrize("parts, expected", [
    (("Ada Lovelace_1001_assignsubmission_file_", "01-hallo-calliope"), ("ada.lovelace", "name")),
    (("Lovelace_Ada_01-hallo-calliope",), ("ada.lovelace", "name")),
    (("ada.lovelace", "01-hallo-calliope-Copy1"), ("ada.lovelace", "id")),
    (("Müller, Jörg", "01-hallo-calliope"), ("joerg.mueller", "name")),
    (("Mueller_Joerg_01",), ("joerg.mueller", "name")),
    (("Anna Maria Schmidt",), ("am.schmidt", "name")),       # longest name wins
    (("Maria Schmidt",), ("maria.schmidt", "name")),
    (("ada_01-hallo-calliope",), ("ada.lovelace", "first_name")),
    (("4711_01-hallo-calliope",), ("4711", "id")),
    (("Müller_01-hallo-calliope",), (None, "none")),          # two Müllers, no first name
    (("Zorro_Zack_01-hallo-calliope",), (None, "none")),
    (("abgaben", "Lovelace_Ada", "Maria Schmidt"), ("maria.schmidt", "name")),  # file wins
])
def test_who_is(parts, expected):
    assert who_is(parts, CLASS) == expected


def test_first_name_shared_by_two_kids_is_no_match():
    two_annas = CLASS + [Person.of("anna.x", "Anna", "Xu")]
    assert who_is(("anna_01",), two_annas) == (None, "none")


def test_read_class_list_iserv_style(tmp_path):
    path = tmp_path / "iserv.csv"
    path.write_bytes("Account;Vorname;Nachname;Klasse\n"
                     "joerg.mueller;Jörg;Müller;7b\n;;;\nada.l;Ada;Lovelace;7b\n"
                     .encode("cp1252"))
    members, report = read_class_list(path)
    assert report.encoding == "Windows-1252" and report.delimiter == ";"
    assert [(m.first_name, m.last_name, m.raw_id) for m in members] == [
        ("Jörg", "Müller", "joerg.mueller"), ("Ada", "Lovelace", "ada.l")]


def test_read_class_list_vorname_name(tmp_path):
    path = tmp_path / "moodle.csv"
    path.write_text("Vorname,Name,E-Mail-Adresse\nAda,Lovelace,ada@example.org\n",
                    encoding="utf-8")
    members, _ = read_class_list(path)
    assert (members[0].first_name, members[0].last_name, members[0].email) == (
        "Ada", "Lovelace", "ada@example.org")
