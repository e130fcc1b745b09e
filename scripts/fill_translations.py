"""Fill the English catalogue from a {Chinese: English} mapping file and report gaps.

Usage: python scripts/fill_translations.py MAPPING.py   (the file defines T = {...})
Source strings are Chinese (the default language); English is the translation.
"""

import runpy
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "linli" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def main() -> None:
    mapping = runpy.run_path(sys.argv[1])["T"] if len(sys.argv) > 1 else {}
    catalogue = polib.pofile(str(PO))
    missing = []
    for entry in catalogue:
        if entry.msgid in mapping:
            entry.msgstr = mapping[entry.msgid] or " "
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        elif not entry.msgstr:
            missing.append(entry.msgid)
    catalogue.save()
    print(f"{len(catalogue) - len(missing)} translated, {len(missing)} missing")
    for msgid in missing:
        print("  missing:", msgid)


if __name__ == "__main__":
    main()
