"""`fieldfolio catalogue …`: list, show, import and search the qualification catalogue."""
from __future__ import annotations

import sys

from app.catalogue.browse import list_catalogue, qualification_detail, qualification_json
from app.catalogue.importer import PackImportError, import_pack_file
from app.catalogue.loader import load_bundled_packs
from app.catalogue.search import MARK_END, MARK_START, search_criteria
from app.cli_errors import whole_number


def register(subparsers) -> None:
    cat = subparsers.add_parser("catalogue", help="qualifications and unit banks")
    sub = cat.add_subparsers(dest="catalogue_command", metavar="ACTION")
    p = sub.add_parser("list", help="loaded qualifications and unit banks with their ids")
    p.set_defaults(run=run_list)
    p = sub.add_parser("show", help="one qualification or unit bank")
    p.add_argument("id", help="an id from `fieldfolio catalogue list`")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(run=run_show)
    p = sub.add_parser("import", help="import a specification pack file")
    p.add_argument("file")
    p.set_defaults(run=run_import)
    p = sub.add_parser("search", help="find assessment criteria by their words")
    p.add_argument("text", nargs="+")
    p.add_argument("--limit", type=whole_number(1, 10_000), default=50,
                   help="at most this many criteria (1 to 10,000; default 50)")
    p.set_defaults(run=run_search)


def _ready(store) -> None:
    # First start from the command line loads the shipped packs just as the window does.
    store.write_now(load_bundled_packs)


def run_list(store, args) -> int:
    _ready(store)
    for q in store.read(list_catalogue):
        kind = "unit bank" if q.kind == "unit_bank" else "qualification"
        numbers = " ".join(n for n in (q.ab_number, q.regulator_number) if n)
        print(f"{q.id}  {kind:13}  {q.title}  [{q.awarding_body}"
              f"{'; ' + numbers if numbers else ''}; {q.unit_count} units; pack {q.pack_id}"
              f"{'; ' + q.version_label if q.version_label else ''}]")
    return 0


def run_show(store, args) -> int:
    from app.cli import print_json
    _ready(store)
    if args.json:
        data = store.read(qualification_json, args.id)
        if data is None:
            print(f"fieldfolio: no qualification or unit bank with id {args.id}", file=sys.stderr)
            return 1
        print_json(data)
        return 0
    d = store.read(qualification_detail, args.id)
    if d is None:
        print(f"fieldfolio: no qualification or unit bank with id {args.id}", file=sys.stderr)
        return 1
    s = d.summary
    print(f"{s.title}\n{s.awarding_body}  (pack {s.pack_id})")
    print("\nRules of combination:")
    for line in d.rules_in_words:
        print(f"  {line}")
    if d.missing:
        print("\nNot in the source:")
        for m in d.missing:
            print(f"  - {m}")
    print(f"\nUnits ({len(d.units)}):")
    for u in d.units:
        print(f"  {u.number:14} {u.reference or '':12} L{u.level or '-'} {u.credit or '-':>3} cr  "
              f"{u.title}" + (f"  (also in: {', '.join(u.also_in)})" if u.also_in else ""))
    return 0


def run_import(store, args) -> int:
    _ready(store)
    try:
        result = import_pack_file(store, args.file)
    except PackImportError as exc:
        print(f"fieldfolio: {exc}", file=sys.stderr)
        return 1
    print(result.message())
    for qid, title in result.qualifications:
        print(f"{qid}  {title}")
    return 0


def run_search(store, args) -> int:
    _ready(store)
    hits = store.read(search_criteria, " ".join(args.text), args.limit)
    for h in hits:
        text = h.highlighted.replace(MARK_START, "[").replace(MARK_END, "]")
        print(f"{h.pack_id} / unit {h.unit_number} / AC {h.number}: {text}")
    if not hits:
        print("No assessment criteria contain those words.", file=sys.stderr)
    return 0
