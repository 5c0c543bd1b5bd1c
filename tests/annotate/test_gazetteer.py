"""Gazetteer loading, variant folding and look-up (workbench/annotate/gazetteer.py)."""
from __future__ import annotations

import pytest

from workbench.annotate.gazetteer import GazEntry, acronym_key, fold, load_gazetteer, lookup

CSV = """name,canonical,label,actor,kind
Abu Example al-Testi,Abu Example al-Testi,PERSON,ARMED_OPPOSITION,commander
Testi,Abu Example al-Testi,PERSON,ARMED_OPPOSITION,commander
Kafr Sample al-Kabir,Kafr Sample al-Kabir,GPE,,village
Example Liberation Front,Example Liberation Front,ORG,ARMED_OPPOSITION,armed group
ELF,Example Liberation Front,ORG,ARMED_OPPOSITION,armed group
Northland,Northland,GPE,RUSSIA,country
"""


@pytest.fixture()
def gaz(tmp_path):
    path = tmp_path / "gazetteer.csv"
    path.write_text(CSV, encoding="utf-8")
    return load_gazetteer(path)


def test_fold_ignores_case_hyphens_and_al_particles():
    assert fold("Maarat al-Numan") == fold("maarat al numan") == fold("Maarat Al-Numan")


def test_fold_collapses_doubled_letters_of_transliterations():
    assert fold("Maraat al-Numan") == fold("Maarat al-Numan")
    assert fold("Bakkor") == fold("Bakor")


def test_fold_drops_possessive_and_leading_the():
    assert fold("the Observatory’s") == fold("Observatory")


def test_lookup_exact_name(gaz):
    assert gaz.lookup("Example Liberation Front") == GazEntry("Example Liberation Front", "ORG", "ARMED_OPPOSITION")


def test_lookup_folds_spelling_variants(gaz):
    assert gaz.lookup("Kafr Sample al Kabir").canonical == "Kafr Sample al-Kabir"
    assert gaz.lookup("kafr sampel al-kabir") is None  # a different spelling, not a folding variant


def test_lookup_strips_titles_in_front_of_a_person(gaz):
    assert gaz.lookup("Colonel Abu Example al-Testi").canonical == "Abu Example al-Testi"


def test_lookup_title_stripping_never_falls_back_to_a_place(gaz):
    assert gaz.lookup("Reconciliation Office for Northland") is None


def test_lookup_unique_surname(gaz):
    assert gaz.lookup("Testi’s").canonical == "Abu Example al-Testi"


def test_acronyms_are_case_sensitive(gaz):
    assert gaz.lookup("ELF").canonical == "Example Liberation Front"
    assert gaz.lookup("elf") is None
    assert acronym_key("U.N.") == "UN" and acronym_key("us") is None


def test_default_gazetteer_variants():
    assert lookup("Bakkor").canonical == lookup("Mustafa Bakour").canonical == "Mustafa Bakour"
    assert lookup("Sergey Lavrov").canonical == lookup("Sergei Lavrov").canonical
    assert lookup("Bashar al Assad").canonical == lookup("al-Assad").canonical == lookup("Assad").canonical
    assert lookup("Maraat al-Numan").canonical == lookup("Maarat al Numan").canonical
    assert lookup("HTS").actor == "JIHADISTS"
    assert lookup("Russian Reconciliation Center").canonical == lookup("the Russian Reconciliation Centre for Syria").canonical == "Russian Reconciliation Centre"


def test_default_gazetteer_rows_are_well_formed():
    from workbench.annotate.gazetteer import LABELS, read_rows
    from workbench.annotate.mentions import load_codebook

    actors = set(load_codebook().actors) | {""}
    rows = read_rows()
    assert rows and all(r.label in LABELS and r.actor in actors for r in rows)
