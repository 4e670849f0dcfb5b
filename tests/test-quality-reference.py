#!/usr/bin/env python3
# test-quality-reference.py — boxwood-cli quality against an independent
# implementation (quality_reference.py: SciPy and Shapely), on a few
# thousand random images built into a real project.
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The project is written by bw-make-quality-project through the store;
# every figure compared here was computed by boxwood-cli, then recomputed
# in Python from the same cases.

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
SEED = 20261129
N_IMAGES = 3000
TOLERANCE = 1e-9

results = []


def check(name, problems):
    results.append((name, problems))


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=0.0, abs_tol=TOLERANCE)


def compare_figures(where, mine, theirs, problems, identities=True):
    """mine: the reference's rates(); theirs: an object of the CLI's JSON.
    A wrong-category pair counts its error in the reference's category and
    its false positive in the annotated one, so the identities between
    errors and fp / fn hold for whole answers, not per category."""
    for key in ("tp", "fp", "fn"):
        if mine[key] != theirs[key]:
            problems.append("%s: %s %s, reference %s" % (where, key, theirs[key], mine[key]))
    for key in ("precision", "recall", "f1", "accuracy", "mean_iou"):
        if not close(mine[key], theirs[key]):
            problems.append("%s: %s %r, reference %r" % (where, key, theirs[key], mine[key]))
    for key in ("precision", "recall", "f1", "accuracy"):
        a, b = mine[key + "_interval"], theirs[key + "_interval"]
        if not (close(a[0], b[0]) and close(a[1], b[1])):
            problems.append("%s: %s_interval %r, reference %r" % (where, key, b, a))
    if mine["errors"] != theirs["errors"]:
        problems.append("%s: errors %r, reference %r" % (where, theirs["errors"], mine["errors"]))
    if not identities:
        return
    e = theirs["errors"]
    if theirs["fp"] != e["extra"] + e["duplicate"] + e["wrong_category"] + e["poor_localisation"]:
        problems.append("%s: fp is not the sum of its error kinds" % where)
    if theirs["fn"] != e["missed"] + e["wrong_category"] + e["poor_localisation"]:
        problems.append("%s: fn is not the sum of its error kinds" % where)


def confusion_of(cells):
    return {(c["reference"], c["annotated"]): c["count"] for c in cells}


def run_quality(project, tau):
    out = subprocess.run([CLI, "quality", project, "--iou", repr(tau), "--by", "image", "--json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def compare(cases, report, tau):
    expected = ref.compute(cases, tau)
    label = "tau=%g" % tau

    problems = []
    if not close(report["iou_threshold"], tau):
        problems.append("iou_threshold %r" % report["iou_threshold"])
    if report["gold_images"] != expected["gold_images"]:
        problems.append("gold_images %d, reference %d" % (report["gold_images"], expected["gold_images"]))
    images = {im["image"]: im for im in report["images"]}
    if set(images) != set(expected["images"]):
        problems.append("images scored differ: %d here, %d in the reference"
                        % (len(images), len(expected["images"])))
    for path, exp in sorted(expected["images"].items()):
        got = images.get(path)
        if got is None:
            continue
        if got["gold"] != exp["gold"] or got["annotator_count"] != exp["annotator_count"]:
            problems.append("%s: gold %r / %d annotators, reference %r / %d"
                            % (path, got["gold"], got["annotator_count"], exp["gold"], exp["annotator_count"]))
        if not close(got["alpha"], exp["alpha"]):
            problems.append("%s: alpha %r, reference %r" % (path, got["alpha"], exp["alpha"]))
        theirs = {a["annotator"]: a for a in got["annotators"]}
        for mine in exp["annotators"]:
            if mine["annotator"] not in theirs:
                problems.append("%s: no figures for %s" % (path, mine["annotator"]))
                continue
            compare_figures("%s %s" % (path, mine["annotator"]), mine, theirs[mine["annotator"]], problems)
            cats = {c["category"]: c for c in theirs[mine["annotator"]].get("categories", [])}
            if set(cats) != set(mine["categories"]):
                problems.append("%s %s: categories %r, reference %r"
                                % (path, mine["annotator"], sorted(cats), sorted(mine["categories"])))
            for cat, figures in mine["categories"].items():
                if cat in cats:
                    compare_figures("%s %s / %s" % (path, mine["annotator"], cat), figures, cats[cat],
                                    problems, False)
    check("%s: per image: %d images, alpha and each annotator's figures, per category" % (label, len(expected["images"])),
          problems)

    problems = []
    theirs = {a["annotator"]: a for a in report["annotators"]}
    if set(theirs) != set(expected["annotators"]):
        problems.append("annotators %r, reference %r" % (sorted(theirs), sorted(expected["annotators"])))
    for name, mine in expected["annotators"].items():
        got = theirs.get(name)
        if got is None:
            continue
        if got["images"] != mine["images"]:
            problems.append("%s: images %d, reference %d" % (name, got["images"], mine["images"]))
        compare_figures(name, mine, got, problems)
        cats = {c["category"]: c for c in got["categories"]}
        if set(cats) != set(mine["categories"]):
            problems.append("%s: categories %r, reference %r" % (name, sorted(cats), sorted(mine["categories"])))
        for cat, figures in mine["categories"].items():
            if cat in cats:
                compare_figures("%s / %s" % (name, cat), figures, cats[cat], problems, False)
        if confusion_of(got["confusion"]) != mine["confusion"]:
            problems.append("%s: confusion differs" % name)
    check("%s: per annotator and per category, with confusion" % label, problems)

    problems = []
    cats = {c["category"]: c for c in report["categories"]}
    for cat, figures in expected["categories"].items():
        if cat not in cats:
            problems.append("no totals for %s" % cat)
            continue
        compare_figures("all / %s" % cat, figures, cats[cat], problems, False)
    if confusion_of(report["confusion"]) != expected["confusion"]:
        problems.append("the project's confusion matrix differs")
    check("%s: categories over all annotators, confusion matrix" % label, problems)

    problems = []
    agreement, exp = report["agreement"], expected["agreement"]
    for key in ("images", "alpha_images"):
        if agreement[key] != exp[key]:
            problems.append("agreement %s %d, reference %d" % (key, agreement[key], exp[key]))
    if not close(agreement["mean_alpha"], exp["mean_alpha"]):
        problems.append("mean alpha %r, reference %r" % (agreement["mean_alpha"], exp["mean_alpha"]))
    if sorted(f["image"] for f in agreement["flagged"]) != exp["flagged"]:
        problems.append("flagged images differ")
    pairs = {tuple(p["annotators"]): p for p in agreement["pairs"]}
    if set(pairs) != set(exp["pairs"]):
        problems.append("pairs %r, reference %r" % (sorted(pairs), sorted(exp["pairs"])))
    for key, mine in exp["pairs"].items():
        got = pairs.get(key)
        if got is None:
            continue
        for field in ("images", "tp", "fp", "fn"):
            if got[field] != mine[field]:
                problems.append("%s: %s %d, reference %d" % (key, field, got[field], mine[field]))
        for field in ("f1", "mean_iou"):
            if not close(got[field], mine[field]):
                problems.append("%s: %s %r, reference %r" % (key, field, got[field], mine[field]))
    check("%s: agreement: %d images, pairwise F1 and mean IoU, alpha, flagged"
          % (label, exp["images"]), problems)


def main():
    cases = ref.make_cases(SEED, N_IMAGES)
    n_shapes = sum(len(c["gold"] or []) + sum(len(s) for s in c["work"].values()) for c in cases["images"])
    with tempfile.TemporaryDirectory() as tmp:
        cases_path = os.path.join(tmp, "cases.json")
        project = os.path.join(tmp, "quality.boxwood")
        with open(cases_path, "w") as f:
            json.dump(cases, f)
        subprocess.run([MAKE, cases_path, project], check=True)
        for tau in (0.5, 0.3, 0.75):
            compare(cases, run_quality(project, tau), tau)

    print("1..%d" % len(results))
    print("# %d images, %d shapes, seed %d" % (N_IMAGES, n_shapes, SEED))
    failed = 0
    for number, (name, problems) in enumerate(results, 1):
        if problems:
            failed += 1
            print("not ok %d %s" % (number, name))
            for line in problems[:20]:
                print("#   %s" % line)
            if len(problems) > 20:
                print("#   … and %d more" % (len(problems) - 20))
        else:
            print("ok %d %s" % (number, name))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
