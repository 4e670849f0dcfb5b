#!/usr/bin/env python3
# test-calibration-reference.py — boxwood-cli calibration list and report
# against an independent computation (quality_reference.py: SciPy's
# assignment, Shapely's geometry, α from the coincidence matrix), on two
# rounds of random answers built into a real project.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import math
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import quality_reference as ref  # noqa: E402

CLI = os.environ["BOXWOOD_CLI"]
MAKE = os.environ["BW_MAKE_QUALITY_PROJECT"]
SEED = 20261201
SIZES = [80, 80]
TOLERANCE = 1e-9

results = []


def check(name, problems):
    results.append((name, problems))


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=0.0, abs_tol=TOLERANCE)


def cli(*args, expect=0):
    p = subprocess.run([CLI] + list(args), capture_output=True, text=True)
    if p.returncode != expect:
        raise AssertionError("boxwood-cli %s: exit %d, not %d\n%s%s"
                             % (" ".join(args), p.returncode, expect, p.stdout, p.stderr))
    return p


def expected_round(cases, r, tau):
    order = {name: k for k, name in enumerate(cases["people"])}
    paths, answers = [], []
    for index, case in enumerate(cases["images"]):
        if case.get("round") != r:
            continue
        work = sorted(case["work"].items(), key=lambda item: order[item[0]])
        if not work:
            continue  # nobody has handed in: not listed
        paths.append("case-%d.png" % index)
        answers.append([shapes for _, shapes in work])
    return paths, ref.calibration_round(answers, tau)


def compare(cases, report, r, tau):
    label = "round %d, tau=%g" % (r + 1, tau)
    paths, mine = expected_round(cases, r, tau)

    problems = []
    for key in ("alpha", "pairwise_f1"):
        if not close(report[key], mine[key]):
            problems.append("%s %r, reference %r" % (key, report[key], mine[key]))
    if report["units"] != mine["units"]:
        problems.append("units %d, reference %d" % (report["units"], mine["units"]))
    if report["people"] != cases["rounds"][r]["people"]:
        problems.append("people %r" % report["people"])
    check("%s: the round's α over %d objects and pairwise F1" % (label, mine["units"]), problems)

    problems = []
    cats = {c["category"]: c for c in report["categories"]}
    if set(cats) != set(mine["categories"]):
        problems.append("categories %r, reference %r" % (sorted(cats), sorted(mine["categories"])))
    for cat, expected in mine["categories"].items():
        got = cats.get(cat)
        if got is None:
            continue
        for key in ("units", "tp", "fp", "fn"):
            if got[key] != expected[key]:
                problems.append("%s: %s %d, reference %d" % (cat, key, got[key], expected[key]))
        for key in ("alpha", "pairwise_f1"):
            if not close(got[key], expected[key]):
                problems.append("%s: %s %r, reference %r" % (cat, key, got[key], expected[key]))
    check("%s: α and pairwise F1 per category" % label, problems)

    problems = []
    got = {im["image"]: im for im in report["images"]}
    if set(got) != set(paths):
        problems.append("images %d, reference %d" % (len(got), len(paths)))
    for path, alpha in zip(paths, mine["images"]):
        if path in got and not close(got[path]["alpha"], alpha):
            problems.append("%s: alpha %r, reference %r" % (path, got[path]["alpha"], alpha))
    alphas = [im["alpha"] for im in report["images"]]
    known = [a for a in alphas if a is not None]
    if alphas[:len(known)] != known or known != sorted(known):
        problems.append("images are not listed the least agreement first")
    check("%s: each image's α, the least agreement first" % label, problems)


def main():
    cases = ref.make_calibration_cases(SEED, SIZES)
    with tempfile.TemporaryDirectory() as tmp:
        cases_path = os.path.join(tmp, "cases.json")
        project = os.path.join(tmp, "calibration.boxwood")
        with open(cases_path, "w") as f:
            json.dump(cases, f)
        subprocess.run([MAKE, cases_path, project], check=True)

        for tau in (0.5, 0.3):
            rounds = json.loads(cli("calibration", "list", project, "--iou", repr(tau), "--json").stdout)
            problems = []
            if [r["name"] for r in rounds] != [r["name"] for r in cases["rounds"]]:
                problems.append("rounds %r" % [r["name"] for r in rounds])
            for r, size in enumerate(SIZES):
                if r < len(rounds) and rounds[r]["images_in_round"] != size:
                    problems.append("round %d: %d images, not %d" % (r + 1, rounds[r]["images_in_round"], size))
                expected_in = sum(len(c["work"]) for c in cases["images"] if c.get("round") == r)
                if r < len(rounds) and rounds[r]["answers_submitted"] != expected_in:
                    problems.append("round %d: %d answers in, not %d" % (r + 1, rounds[r]["answers_submitted"], expected_in))
            check("tau=%g: calibration list: both rounds, their images and answers" % tau, problems)
            for r in range(len(SIZES)):
                compare(cases, rounds[r], r, tau)
                by_name = json.loads(cli("calibration", "report", project, cases["rounds"][r]["name"],
                                         "--iou", repr(tau), "--json").stdout)
                by_id = json.loads(cli("calibration", "report", project, str(rounds[r]["round"]),
                                       "--iou", repr(tau), "--json").stdout)
                check("round %d, tau=%g: report by name and by number equal the list's" % (r + 1, tau),
                      [] if by_name == rounds[r] == by_id else ["the reports differ"])

        problems = []
        text = cli("calibration", "list", project).stdout
        for name in ("Round 1", "Round 2", "car", "bicycle"):
            if name not in text:
                problems.append("the table lacks %r" % name)
        p = cli("calibration", "report", project, "Round 9", expect=1)
        if "Round 9" not in p.stderr:
            problems.append("an unknown round: %r" % p.stderr)
        p = cli("calibration", "start", project, "--images", "5", expect=1)
        if "new to everyone" not in p.stderr:
            problems.append("a round with no image left to draw: %r" % p.stderr)
        cli("calibration", "start", project, expect=2)
        check("the text table, an unknown round, no image left, a usage error", problems)

    print("1..%d" % len(results))
    print("# rounds of %s images, seed %d" % (SIZES, SEED))
    failed = 0
    for number, (name, problems) in enumerate(results, 1):
        if problems:
            failed += 1
            print("not ok %d %s" % (number, name))
            for line in problems[:20]:
                print("#   %s" % line.replace("\n", "\n#   "))
        else:
            print("ok %d %s" % (number, name))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
