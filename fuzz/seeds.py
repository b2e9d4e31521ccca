#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/corpus/<target>/ from the project's own
files (run from the repository root: `python3 fuzz/seeds.py`). Seeds are
named by content hash, as libFuzzer names what it finds."""
import glob, hashlib, json, os, shutil, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VECTORS = os.environ.get("VECTORS", os.path.join(ROOT, "..", "shared", "vectors"))


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(ROOT, "fuzz", "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def read(p):
    with open(os.path.join(ROOT, p), encoding="utf-8") as f:
        return f.read()


# pack_source: files joined with NUL (loaded as 00.rhai, 01.rhai, ...).
default = sorted(glob.glob("rules/*.rhai", root_dir=ROOT))
for p in default + sorted(glob.glob("rules/examples/*/*.rhai", root_dir=ROOT)) + sorted(glob.glob("tests/data/*.rhai", root_dir=ROOT)):
    put("pack_source", read(p))
put("pack_source", "\0".join(read(p) for p in default))
put("pack_source", "\0".join([read(p) for p in default] + [read("rules/examples/vip-services/adjust_priority.rhai")]))
put("pack_source", "\0".join(read(p) if not p.endswith("forms.rhai") else read("rules/examples/rfc1297-chain/forms.rhai") for p in default))
put("pack_source", read("tests/data/tiny-pack.rhai") + "\0" + read("tests/data/runaway-hook.rhai"))

# pack_source, compiled: the input is also tried as a compiled pack, so
# compiled packs (`ticket-rules compile`) as seeds let the fuzzer reach the
# replay of declarations: the default pack's embedded compiled form, and
# the examples over the default pack, compiled by the package's CLI (needs
# `make wasm`; skipped without it).
put("pack_source", read("src/pack/default.compiled.json"))
CLI = os.path.join(ROOT, "pkg", "bin", "ticket-rules.mjs")
if not os.path.exists(os.path.join(ROOT, "pkg", "node", "ticket_rules_bg.wasm")):
    print("pkg/node/ not built (make wasm): no compiled seeds of the examples", file=sys.stderr)
elif shutil.which("node") is None:
    print("no node on PATH: no compiled seeds of the examples", file=sys.stderr)
else:
    def compiled(files):
        """The CLI's compiled pack of `files`, or (None, what it said)."""
        with tempfile.TemporaryDirectory() as d:
            for p in files:
                shutil.copy(os.path.join(ROOT, p), d)
            r = subprocess.run(["node", CLI, "compile", d], capture_output=True)
            return (r.stdout, "") if r.returncode == 0 else (None, r.stderr.decode(errors="replace"))

    for example in sorted(glob.glob("rules/examples/*/", root_dir=ROOT)):
        own = sorted(glob.glob(example + "*.rhai", root_dir=ROOT))
        # A whole pack of its own (glpi-5x5), or files over the default
        # pack's (a file of the same name replaces the default's).
        names = {os.path.basename(p) for p in own}
        text, alone = compiled(own)
        if text is None:
            text, over = compiled([p for p in default if os.path.basename(p) not in names] + own)
        if text is None:
            # Reported, not fatal: the other targets' seeds still get written.
            print(f"{example}: not compiled, alone:\n{alone}over the default pack:\n{over}", file=sys.stderr)
            continue
        put("pack_source", text)

# ticket_ops: one ticket per file; fixtures carry their `now` in the ticket.
for p in ["examples/tickets.jsonl", "examples/history.jsonl"]:
    for line in read(p).splitlines():
        if line.strip():
            put("ticket_ops", line)
for p in sorted(glob.glob("rules/tests/*.json", root_dir=ROOT)) + sorted(glob.glob("rules/examples/*/tests/*.json", root_dir=ROOT)):
    fixture = json.loads(read(p))
    for f in fixture if isinstance(fixture, list) else [fixture]:
        t = dict(f["ticket"])
        if "now" in f:
            t["now"] = f["now"]
        put("ticket_ops", json.dumps(t))

# calendar_spec: the vectors' calendars (distinct), and the module docs' one.
seen = set()
for name in ["business_time_vectors.json", "business_time_between_vectors.json"]:
    with open(os.path.join(VECTORS, name)) as f:
        for c in json.load(f)["cases"]:
            s = json.dumps(c["calendar"], sort_keys=True)
            if s not in seen:
                seen.add(s)
                put("calendar_spec", s)
put("calendar_spec", json.dumps({
    "timezone": "America/New_York",
    "weekly": {"mon": [["08:00", "12:00"], ["13:00", "17:00"]], "tue-fri": ["08:00-17:00"], "sat": [], "sun": ["22:00-06:00"]},
    "holidays": ["2025-12-25", "07-04", "4th Thursday of November", "4th Thursday of November +1d",
                 {"rule": "last Monday of May", "name": "Memorial Day"}],
    "observed": True,
    "overrides": {"2025-12-24": [["08:00", "12:00"]], "2025-12-27": ["09:00-13:00"]},
}))
print({t: len(os.listdir(os.path.join(ROOT, "fuzz", "corpus", t))) for t in os.listdir(os.path.join(ROOT, "fuzz", "corpus"))})
