"""Fill a Simplified Chinese catalogue from a reviewed table of translations.

Usage: python scripts/fill_catalogue.py TABLE.py CATALOGUE.po [...]
TABLE.py defines ZH = {english: chinese}. Entries already translated are kept as they are;
the script prints every msgid it could not find in the table, so nothing is filled by guess.
"""

import runpy
import sys

import polib


def fill(table: dict[str, str], path: str) -> list[str]:
    catalogue = polib.pofile(path)
    missing = []
    for entry in catalogue:
        if entry.translated() and "fuzzy" not in entry.flags:
            continue
        if entry.msgid in table:
            entry.msgstr = table[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        else:
            missing.append(entry.msgid)
    catalogue.save(path)
    return missing


if __name__ == "__main__":
    table = runpy.run_path(sys.argv[1])["ZH"]
    for catalogue_path in sys.argv[2:]:
        for msgid in fill(table, catalogue_path):
            print(f"{catalogue_path}: no translation for {msgid!r}")
