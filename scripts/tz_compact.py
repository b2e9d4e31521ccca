#!/usr/bin/env python3
"""Writes src/calendar/zones.bin: every IANA zone of chrono-tz, compact.

The calendar needs one thing from a zone: its UTC offset at a UTC instant.
chrono-tz (0.10.4) compiles each zone to a table of spans with base and
DST offsets and abbreviations, one copy per link: ~143 KB of the gzipped
wasm. This keeps only the total offset, drops transitions that do not
change it, shares identical zones, and lays each zone's transitions out as
separate streams that gzip compresses well (day gaps, times of day, offset
indices). The result is read by src/calendar/zone.rs, and
tests/zones.rs checks every zone against chrono-tz itself, instant by
instant around every transition, so a chrono-tz upgrade that changes the
data fails until this is run again:

    python3 scripts/tz_compact.py ~/.cargo/registry/src/*/chrono-tz-0.10.4

Format (all integers LEB128 varints; signed ones zigzag-encoded):
    b"TZC1", zones, sets
    per zone, sorted by name: name length, name bytes, set index
    per set: its length in bytes (so a reader can skip it), then
      first offset (signed), transitions n, distinct offsets k (< 256),
      k offsets (signed), n offset indices (one byte each), n day gaps
      (the first from 1970-01-01, signed), n seconds of the day
"""
import os
import re
import sys


def uvar(n):
    assert n >= 0
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def svar(n):
    return uvar((n << 1) if n >= 0 else ((-n << 1) - 1))


def main(crate_dir, out_path):
    src = open(os.path.join(crate_dir, 'src/prebuilt/timezones.rs')).read()
    names = dict(re.findall(r'Tz::(\w+) => "([^"]+)",', src))
    body = src[src.index('fn timespans(&self) -> FixedTimespanSet {'):]
    arms = re.split(r'\n\s*Tz::(\w+) => \{', body)[1:]
    sets = {}
    zones = []
    for variant, arm in zip(arms[0::2], arms[1::2]):
        rest = [(int(t), int(u) + int(d)) for t, u, d in re.findall(
            r'\((-?\d+), FixedTimespan \{ utc_offset: (-?\d+), dst_offset: (-?\d+)', arm)]
        m = re.search(r'first: FixedTimespan \{\s*utc_offset: (-?\d+),\s*dst_offset: (-?\d+)', arm)
        first = int(m.group(1)) + int(m.group(2))
        changes, current = [], first
        for t, off in rest:
            if off != current:
                changes.append((t, off))
                current = off
        key = (first, tuple(changes))
        zones.append((names[variant], sets.setdefault(key, len(sets))))
    assert len(names) == len(zones), (len(names), len(zones))
    out = bytearray(b'TZC1')
    out += uvar(len(zones)) + uvar(len(sets))
    for name, s in sorted(zones):
        b = name.encode()
        out += uvar(len(b)) + b + uvar(s)
    for (first, changes), _ in sorted(sets.items(), key=lambda kv: kv[1]):
        offsets = sorted({off for _, off in changes})
        assert len(offsets) < 256
        one = bytearray()
        one += svar(first) + uvar(len(changes)) + uvar(len(offsets))
        for off in offsets:
            one += svar(off)
        one += bytes(offsets.index(off) for _, off in changes)
        prev_day = 0
        for t, _ in changes:
            one += svar(t // 86400 - prev_day)
            prev_day = t // 86400
        for t, _ in changes:
            one += uvar(t % 86400)
        out += uvar(len(one)) + one
    open(out_path, 'wb').write(out)
    print(f'{out_path}: {len(zones)} zones, {len(sets)} distinct, '
          f'{sum(len(c) for _, c in sets)} transitions, {len(out)} bytes')


if __name__ == '__main__':
    here = os.path.dirname(os.path.abspath(__file__))
    main(sys.argv[1], os.path.join(here, '..', 'src', 'calendar', 'zones.bin'))
