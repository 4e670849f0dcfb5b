#!/usr/bin/env python3
# test-model-reference.py — the model's error report and the export of
# hard examples (boxwood-cli quality model, export coco --hard-examples)
# against an independent computation (quality_reference.py), on random
# images built into a real project.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import quality_reference as ref  # noqa: E402

CLI = os.environ["BOXWOOD_CLI"]
MAKE = os.environ["BW_MAKE_QUALITY_PROJECT"]
CHECK = os.path.join(HERE, "coco_check.py")
SEED = 20261130
N_IMAGES = 1500
TOLERANCE = 1e-12

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


def model_json(project, tau, max_f1):
    out = cli("quality", "model", project, "--iou", repr(tau), "--max-f1", repr(max_f1), "--json").stdout
    return json.loads(out)


def compare_report(cases, report, tau):
    expected = ref.model_report(cases, tau)
    label = "tau=%g" % tau

    problems = []
    got = {im["image"]: im for im in report["images_by_f1"]}
    if set(got) != set(expected["images"]):
        problems.append("images scored: %d, reference %d (only here: %s; only in the reference: %s)"
                        % (len(got), len(expected["images"]), sorted(set(got) - set(expected["images"]))[:5],
                           sorted(set(expected["images"]) - set(got))[:5]))
    for path, mine in sorted(expected["images"].items()):
        theirs = got.get(path)
        if theirs is None:
            continue
        for key in ("tp", "fp", "fn", "reference_shapes", "predicted_shapes"):
            if theirs[key] != mine[key]:
                problems.append("%s: %s %d, reference %d" % (path, key, theirs[key], mine[key]))
        if not close(theirs["f1"], mine["f1"]):
            problems.append("%s: f1 %r, reference %r" % (path, theirs["f1"], mine["f1"]))
    if report["images"] != len(expected["images"]):
        problems.append("images %d, reference %d" % (report["images"], len(expected["images"])))
    if report["unanswered_images"] != expected["unanswered"]:
        problems.append("unanswered %d, reference %d" % (report["unanswered_images"], expected["unanswered"]))
    check("%s: %d images: per image TP, FP, FN and F1" % (label, len(expected["images"])), problems)

    problems = []
    f1s = [im["f1"] for im in report["images_by_f1"]]
    known = [f for f in f1s if f is not None]
    if f1s[:len(known)] != known:
        problems.append("images without an F1 are not last")
    if known != sorted(known):
        problems.append("images are not in increasing F1")
    check("%s: images listed lowest F1 first, those without one last" % label, problems)

    problems = []
    cats = {c["category"]: c for c in report["categories"]}
    if set(cats) != set(expected["categories"]):
        problems.append("categories %r, reference %r" % (sorted(cats), sorted(expected["categories"])))
    for cat, mine in expected["categories"].items():
        theirs = cats.get(cat)
        if theirs is None:
            continue
        for key in ("tp", "fp", "fn"):
            if theirs[key] != mine[key]:
                problems.append("%s: %s %d, reference %d" % (cat, key, theirs[key], mine[key]))
        for kind in ref.ERROR_KINDS:
            if theirs["errors"][kind] != mine["errors"][kind]:
                problems.append("%s: %s %d, reference %d" % (cat, kind, theirs["errors"][kind], mine["errors"][kind]))
    check("%s: per category FP, FN and errors by kind" % label, problems)

    problems = []
    rows = {(d["annotator"], d["category"]): d for d in report["disagreement_by_annotator"]}
    wanted = {(who, cat): c for who, table in expected["people"].items() for cat, c in table.items()}
    if set(rows) != set(wanted):
        problems.append("rows %r, reference %r" % (sorted(rows), sorted(wanted)))
    for key, mine in wanted.items():
        theirs = rows.get(key)
        if theirs is None:
            continue
        for field in ("tp", "fp", "fn"):
            if theirs[field] != mine[field]:
                problems.append("%s: %s %d, reference %d" % (key, field, theirs[field], mine[field]))
        n = mine["tp"] + mine["fp"] + mine["fn"]
        if not close(theirs["disagreement"], (mine["fp"] + mine["fn"]) / n if n else None):
            problems.append("%s: disagreement %r" % (key, theirs["disagreement"]))
        lo, hi = ref.wilson(mine["fp"] + mine["fn"], n)
        if not (close(theirs["disagreement_interval"][0], lo) and close(theirs["disagreement_interval"][1], hi)):
            problems.append("%s: interval %r, reference %r" % (key, theirs["disagreement_interval"], [lo, hi]))
    los = [d["disagreement_interval"][0] for d in report["disagreement_by_annotator"]]
    if los != sorted(los, reverse=True):
        problems.append("not ranked by the lower end of the interval")
    top = report["disagreement_by_annotator"][0] if report["disagreement_by_annotator"] else None
    if top is None or (top["annotator"], top["category"]) not in (("Bo", "bicycle"), ("Bo", "dog")):
        problems.append("the planted habit (Bo: bicycle as dog) is not first: %r" % top)
    check("%s: whose accepted work the model disagrees with, per category" % label, problems)
    return expected


def compare_hard(cases, expected, project, tmp, tau, max_f1):
    label = "tau=%g max-f1=%r" % (tau, max_f1)
    mine = ref.hard_examples(expected, max_f1)
    report = model_json(project, tau, max_f1)
    by_id = {im["image_id"]: im["image"] for im in report["images_by_f1"]}

    problems = []
    theirs = sorted(by_id[i] for i in report["hard_examples"])
    if theirs != mine:
        problems.append("quality model lists %d hard examples, the reference %d (only here: %s; only in the reference: %s)"
                        % (len(theirs), len(mine), sorted(set(theirs) - set(mine))[:5], sorted(set(mine) - set(theirs))[:5]))

    out = os.path.join(tmp, "hard-%g-%r.json" % (tau, max_f1))
    cli("export", "coco", project, out, "--hard-examples", "--max-f1", repr(max_f1), "--iou", repr(tau))
    p = subprocess.run([sys.executable, CHECK, out], capture_output=True, text=True)
    if p.returncode != 0:
        problems.append("coco_check refuses the export: %s" % p.stdout + p.stderr)
    with open(out) as f:
        coco = json.load(f)
    exported = sorted(im["file_name"] for im in coco["images"])
    if exported != mine:
        problems.append("the export holds %d images, the reference %d (only here: %s; only in the reference: %s)"
                        % (len(exported), len(mine), sorted(set(exported) - set(mine))[:5],
                           sorted(set(mine) - set(exported))[:5]))
    names = {im["id"]: im["file_name"] for im in coco["images"]}
    categories = {c["id"]: c["name"] for c in coco["categories"]}
    per_image = {}
    for a in coco["annotations"]:
        per_image.setdefault(names[a["image_id"]], []).append(categories[a["category_id"]])
    for path in mine:
        case = cases["images"][int(path[len("case-"):-len(".png")])]
        answer, _ = ref.reference_answer(case)
        if sorted(per_image.get(path, [])) != sorted(s["category"] for s in answer):
            problems.append("%s: the export's shapes are not the reference answer's" % path)
    check("%s: %d hard examples, in quality model and in a valid COCO export of the reference answers"
          % (label, len(mine)), problems)
    return mine


def main():
    cases = ref.make_model_cases(SEED, N_IMAGES)
    with tempfile.TemporaryDirectory() as tmp:
        cases_path = os.path.join(tmp, "cases.json")
        project = os.path.join(tmp, "model.boxwood")
        with open(cases_path, "w") as f:
            json.dump(cases, f)
        subprocess.run([MAKE, cases_path, project], check=True)

        for tau in (0.5, 0.3):
            expected = compare_report(cases, model_json(project, tau, 0.5), tau)
            hard = {}
            for max_f1 in (0.0, 0.5, 2 / 3, 0.8, 1.0):
                hard[max_f1] = compare_hard(cases, expected, project, tmp, tau, max_f1)

            # The edge cases are in the data, and land where they should.
            problems = []
            images = expected["images"]
            at_half = [p for p, im in images.items() if im["f1"] == 0.5]
            at_two_thirds = [p for p, im in images.items() if im["f1"] == 2 / 3]
            empty = [p for p, im in images.items() if im["f1"] is None]
            only_predicted = [p for p, im in images.items() if im["reference_shapes"] == 0 and im["predicted_shapes"] > 0]
            only_answers = [p for p, im in images.items() if im["reference_shapes"] > 0 and im["predicted_shapes"] == 0]
            for name, group in (("F1 = 0.5", at_half), ("F1 = 2/3", at_two_thirds), ("empty", empty),
                                ("only predictions", only_predicted), ("only answers", only_answers)):
                if not group:
                    problems.append("no image with %s" % name)
            if set(at_half) & set(hard[0.5]) or not set(at_half) <= set(hard[2 / 3]):
                problems.append("an image at F1 = 0.5 is a hard example below 0.5, or not below 2/3")
            if set(at_two_thirds) & set(hard[2 / 3]) or not set(at_two_thirds) <= set(hard[0.8]):
                problems.append("an image at F1 = 2/3 is a hard example below 2/3, or not below 0.8")
            if set(empty) & set(hard[1.0]):
                problems.append("an image with neither answers nor predictions is a hard example")
            if not (set(only_predicted) <= set(hard[0.5]) and set(only_answers) <= set(hard[0.5])):
                problems.append("an image with only predictions or only answers is not a hard example")
            if hard[0.0]:
                problems.append("hard examples below F1 0")
            check("tau=%g: edge cases: %d at 0.5, %d at 2/3, %d empty, %d only predictions, %d only answers"
                  % (tau, len(at_half), len(at_two_thirds), len(empty), len(only_predicted), len(only_answers)),
                  problems)

        problems = []
        p = cli("export", "coco", project, os.path.join(tmp, "x.json"), "--hard-examples", expect=2)
        if "--max-f1" not in p.stderr:
            problems.append("--hard-examples without --max-f1: %r" % p.stderr)
        p = cli("export", "coco", project, os.path.join(tmp, "x.json"), "--max-f1", "0.5", expect=2)
        p = cli("quality", "model", project, "--model", "nobody", expect=1)
        if "nobody" not in p.stderr or "detector" not in p.stderr:
            problems.append("an unknown model: %r" % p.stderr)
        if os.path.exists(os.path.join(tmp, "x.json")):
            problems.append("a refused export left a file")
        text = cli("quality", "model", project, "--max-f1", "0.5").stdout
        if "detector" not in text or "hard examples" not in text:
            problems.append("the text report: %r" % text[:400])
        check("usage errors, an unknown model, the text report", problems)

    print("1..%d" % len(results))
    print("# %d images, seed %d" % (N_IMAGES, SEED))
    failed = 0
    for number, (name, problems) in enumerate(results, 1):
        if problems:
            failed += 1
            print("not ok %d %s" % (number, name))
            for line in problems[:20]:
                print("#   %s" % line.replace("\n", "\n#   "))
            if len(problems) > 20:
                print("#   … and %d more" % (len(problems) - 20))
        else:
            print("ok %d %s" % (number, name))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
