"""Fill empty or fuzzy msgstr entries of a .po file from a JSON dictionary {msgid: msgstr}.

After `makemessages`:  python scripts/fill_po.py path/to/django.po translations.json
Prints the msgids still untranslated."""

import json
import sys


def _unquote(line: str) -> str:
    return json.loads(line.strip())


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def fill(po_path: str, mapping: dict[str, str]) -> list[str]:
    entries, current = [], []
    for line in open(po_path, encoding="utf-8").read().split("\n"):
        starts_entry = line.startswith("#") or (line.startswith("msgid ") and not any(x.startswith("#") for x in current[-1:]))
        if line.strip() == "" or (starts_entry and any(x.startswith("msgstr") for x in current)):
            if current:
                entries.append(current)
            current = []
        if line.strip():
            current.append(line)
    if current:
        entries.append(current)
    missing, out = [], []
    for lines in entries:
        msgid, msgstr, section = "", "", None
        plural = any(line.startswith("msgid_plural") for line in lines)
        for line in lines:
            if line.startswith("msgid "):
                section, msgid = "id", _unquote(line[6:])
            elif line.startswith("msgstr "):
                section, msgstr = "str", _unquote(line[7:])
            elif line.startswith('"') and section == "id":
                msgid += _unquote(line)
            elif line.startswith('"') and section == "str":
                msgstr += _unquote(line)
            elif not line.startswith('"'):
                section = None if not line.startswith("msg") else section
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        if msgid == "" or plural or (msgstr and not fuzzy):
            out.append(lines)
            continue
        if msgid in mapping:
            kept = [ln for ln in lines if not ln.startswith(("msgstr", '"')) or ln.startswith("msgid")]
            # drop continuation lines of the old msgstr but keep msgid continuations
            rebuilt, in_str = [], False
            for ln in lines:
                if ln.startswith("msgstr "):
                    in_str = True
                    continue
                if in_str and ln.startswith('"'):
                    continue
                in_str = False
                if ln.startswith("#,") and "fuzzy" in ln:
                    flags = [f.strip() for f in ln[2:].split(",") if f.strip() and f.strip() != "fuzzy"]
                    if flags:
                        rebuilt.append("#, " + ", ".join(flags))
                    continue
                rebuilt.append(ln)
            del kept
            rebuilt.append("msgstr " + _quote(mapping[msgid]))
            out.append(rebuilt)
        else:
            missing.append(msgid)
            out.append(lines)
    with open(po_path, "w", encoding="utf-8") as handle:
        handle.write("\n\n".join("\n".join(lines) for lines in out) + "\n")
    return missing


if __name__ == "__main__":
    for msgid in fill(sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))):
        print("untranslated:", msgid)
