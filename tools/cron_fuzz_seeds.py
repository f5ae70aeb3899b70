#!/usr/bin/env python3
"""Writes the seed corpora of the cron fuzz targets from the public cron vectors.

  tools/cron_fuzz_seeds.py <vectors dir> <out dir>

<out dir>/cron_expression/: one input per distinct (dialect, zone, start, expression) of
next_occurrence.csv and per expression of invalid.csv, in the layout of
fuzz/cron_fuzz_input.hpp. <out dir>/cron_cli/: clockwork-cron argument lists (NUL-separated)
built from the same rows, with the options the command has. Standard library only; files are
named by the SHA-1 of their content, so reruns are idempotent.
"""

import csv
import datetime
import hashlib
import os
import struct
import sys

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia", "Asia/Amman",
         "America/Santiago", "America/Sao_Paulo", "Europe/Dublin", "Antarctica/Troll", "Africa/Casablanca",
         "Europe/London", "Australia/Sydney", "Asia/Kolkata", "America/St_Johns", "Asia/Tehran"]
DIALECTS = {"cronos5": 0, "cronos6": 1, "quartz": 2}
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
SPAN_1970_2040 = 2208988800


def instant_seconds(text):
    """'2017-03-30T23:59:59.9999999+02:00' -> (whole seconds since the epoch, nanoseconds)."""
    main, offset = text[:19], text[19:]
    frac = 0
    if offset.startswith("."):
        digits = ""
        offset = offset[1:]
        while offset and offset[0].isdigit():
            digits, offset = digits + offset[0], offset[1:]
        frac = int((digits + "000000000")[:9])
    local = datetime.datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    sign = -1 if offset.startswith("-") else 1
    hh, mm = (int(offset[1:3]), int(offset[4:6])) if offset not in ("Z", "") else (0, 0)
    seconds = int((local - EPOCH).total_seconds()) - sign * (hh * 3600 + mm * 60)
    return seconds, frac


def expression_input(dialect, zone, inclusive, policy_quartz, seconds, frac, expression):
    zone_index = ZONES.index(zone) if zone in ZONES else 0
    flags = DIALECTS[dialect] | (4 if policy_quartz else 0) | (8 if inclusive else 0) | (zone_index << 4)
    in_range = 0 <= seconds < SPAN_1970_2040
    range_flags = (2 if frac else 0) if in_range else 1
    raw = seconds if in_range else seconds * 1000000000 + frac  # a utc_time tick count
    return bytes([flags, range_flags]) + struct.pack("<Q", raw & 0xFFFFFFFFFFFFFFFF) + struct.pack("<I", frac) + \
        expression.encode("utf-8")


def write(directory, content):
    os.makedirs(directory, exist_ok=True)
    name = hashlib.sha1(content).hexdigest()
    with open(os.path.join(directory, name), "wb") as f:
        f.write(content)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    vectors, out = sys.argv[1], sys.argv[2]
    expr_dir = os.path.join(out, "cron_expression")
    cli_dir = os.path.join(out, "cron_cli")
    count = {"cron_expression": 0, "cron_cli": 0}
    with open(os.path.join(vectors, "next_occurrence.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            try:
                seconds, frac = instant_seconds(row["from"])
            except ValueError:
                continue
            if not -9223372036 < seconds < 9223372036:
                continue  # outside utc_time: the impl-limit rows
            inclusive = row["inclusive"] == "true"
            quartz = row["dialect"] == "quartz"
            write(expr_dir, expression_input(row["dialect"], row["zone"], inclusive, quartz, seconds, frac,
                                             row["expression"]))
            count["cron_expression"] += 1
            args = ["next" if len(row["expected"]) % 2 == 0 else "prev", row["expression"], "--dialect", row["dialect"],
                    "--zone", row["zone"], "--from", row["from"]]
            if inclusive:
                args.append("--inclusive")
            if "dst" in row["features"]:
                args.append("--explain")
            if "list" in row["features"]:
                args += ["-n", "3"]
            write(cli_dir, b"\0".join(a.encode("utf-8") for a in args))
            count["cron_cli"] += 1
    with open(os.path.join(vectors, "invalid.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            write(expr_dir, expression_input(row["dialect"], "UTC", False, False, 1700000000, 0, row["expression"]))
            write(cli_dir, b"\0".join(a.encode("utf-8") for a in
                                     ["next", row["expression"], "-d", row["dialect"], "-z", "UTC"]))
            count["cron_expression"] += 1
            count["cron_cli"] += 1
    for target, n in count.items():
        files = len(os.listdir(os.path.join(out, target)))
        print(f"cron_fuzz_seeds: {target}: {files} distinct seeds from {n} rows")


if __name__ == "__main__":
    main()
