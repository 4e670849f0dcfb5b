#!/usr/bin/env python3
# test-review-reference.py — boxwood-cli review, audit and export
# --with-review against an independent model of the review workflow.
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A random scenario (annotators, shapes, review passes with verdicts,
# reasons, fixes, returns and resubmissions) is replayed into a real
# project by bw-make-review-project through the store. This file then
# works out, on its own, what the project must hold: which submissions
# the random audit samples (SHA-256 of the seed and the ids, here with
# hashlib), which verdicts stand, each person's figures, the rejection
# rate of the audited sample with its 95 % Wilson interval (SciPy) and
# the sample size a margin needs (the root of the Wilson half-width's
# quadratic), and compares every figure boxwood-cli prints.

import hashlib
import json
import math
import os
import random
import struct
import subprocess
import sys
import tempfile

from scipy.stats import binomtest, norm

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

CLI = os.environ["BOXWOOD_CLI"]
MAKE = os.environ["BW_MAKE_REVIEW_PROJECT"]
COCO_CHECK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "coco_check.py")
SEED = 20261129
TOLERANCE = 1e-9

REASONS = ["Missed object", "Extra object", "Wrong category", "Box too loose",
           "Box too tight", "Polygon inaccurate", "Guideline not followed", "Other"]
ANNOTATORS = ["Ana", "Ben", "Chen", "Dana"]
REVIEWER = "Rosa"
CATEGORIES = ["car", "person", "bike"]

results = []
notes = []


def check(name, problems):
    results.append((name, problems))


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=0.0, abs_tol=TOLERANCE)


# The scenario

def make_scenario(rng, n_images, rate, seed, policy):
    images = []
    for i in range(n_images):
        annotator = rng.choice(ANNOTATORS[:3] if i % 7 else ANNOTATORS)
        n_shapes = rng.choice([0, 1, 2, 3, 3, 4, 5, 6])
        shapes = []
        for _ in range(n_shapes):
            x, y = rng.uniform(0, 800), rng.uniform(0, 600)
            shapes.append({"category": rng.choice(CATEGORIES),
                           "box": [round(x, 1), round(y, 1),
                                   round(x + rng.uniform(10, 150), 1), round(y + rng.uniform(10, 150), 1)]})
        n_passes = rng.choice([0, 1, 1, 1, 2, 2, 3])
        passes = []
        for p in range(n_passes):
            verdicts = []
            for _ in range(n_shapes):
                r = rng.random()
                if r < 0.4:
                    verdicts.append(None)
                else:
                    kind = "accept" if r < 0.7 else "reject" if r < 0.9 else "fix"
                    reason = None if kind == "accept" or rng.random() < 0.15 else rng.choice(REASONS)
                    comment = rng.choice(["", "", "look again", "edge “here”"])
                    verdicts.append({"verdict": kind, "reason": reason, "comment": comment})
            last = p == n_passes - 1
            layer = "accept" if last and rng.random() < 0.8 else "return"
            passes.append({"verdicts": verdicts, "layer": layer,
                           "reason": rng.choice(REASONS + [None]) if layer == "return" else None,
                           "review_seconds": round(rng.uniform(1, 90), 2),
                           "edit": rng.randrange(n_shapes) if n_shapes and rng.random() < 0.8 else None,
                           "resubmit": last and rng.random() < 0.5})
        images.append({"annotator": annotator, "shapes": shapes, "passes": passes,
                       "work_seconds": round(rng.uniform(5, 400), 2)})
    return {"audit": {"rate": rate, "seed": str(seed), "policy": policy},
            "categories": CATEGORIES, "reviewer": REVIEWER, "images": images}


# The model

def audit_draw(seed, layer_id, submission):
    """bw_audit_draw(): the first 53 bits of SHA-256 of the seed, the layer
    id (64-bit little-endian each) and the submission (32-bit)."""
    digest = hashlib.sha256(struct.pack("<QqI", seed, layer_id, submission)).digest()
    return (int.from_bytes(digest[:8], "big") >> 11) / float(1 << 53)


class Review:
    seq = 0

    def __init__(self, annotation, version, verdict, reason, comment, submission):
        Review.seq += 1
        self.seq = Review.seq
        self.annotation = annotation      # index, or None for the layer
        self.version = version
        self.verdict = verdict            # "accept", "reject", "fix"
        self.reason = reason
        self.comment = comment
        self.submission = submission


def replay(scenario, ids):
    """What the store must hold after the scenario: one record per image."""
    audit = scenario["audit"]
    seed, rate, policy = int(audit["seed"]), audit["rate"], audit["policy"]
    images = []
    for image, got in zip(scenario["images"], ids):
        n = len(image["shapes"])
        state = {"annotator": image["annotator"], "layer_id": got["layer_id"],
                 "annotation_ids": got["annotations"], "n_shapes": n,
                 "version": [1] * n, "fixed_by_reviewer": [False] * n,
                 "reviews": [], "submissions": [], "status": None,
                 "work_seconds": image["work_seconds"], "review_seconds": 0.0}
        submission = 1
        while True:
            returned_before = any(r.annotation is None and r.verdict == "reject" for r in state["reviews"])
            sampled = returned_before or audit_draw(seed, got["layer_id"], submission) < rate
            state["submissions"].append(sampled)
            if not sampled:
                state["status"] = "accepted" if policy == "accept" else "held"
                break
            if submission > len(image["passes"]):
                state["status"] = "waiting"
                break
            p = image["passes"][submission - 1]
            state["review_seconds"] += p["review_seconds"]
            for k, v in enumerate(p["verdicts"]):
                if v is None:
                    continue
                state["reviews"].append(Review(k, state["version"][k], v["verdict"], v["reason"],
                                               v["comment"], submission))
                if v["verdict"] == "fix":
                    state["version"][k] += 1
                    state["fixed_by_reviewer"][k] = True
            if p["layer"] == "accept":
                state["reviews"].append(Review(None, None, "accept", None, "", submission))
                for k in range(n):
                    judged = any(r.annotation == k and r.version == state["version"][k]
                                 for r in state["reviews"] if r.annotation is not None)
                    if not state["fixed_by_reviewer"][k] and not judged:
                        state["reviews"].append(Review(k, state["version"][k], "accept", None, "",
                                                       submission))
                state["status"] = "accepted"
                break
            state["reviews"].append(Review(None, None, "reject", p["reason"], "", submission))
            if submission == len(image["passes"]) and not p["resubmit"]:
                state["status"] = "returned"
                break
            if p["edit"] is not None:
                state["version"][p["edit"]] += 1
                state["fixed_by_reviewer"][p["edit"]] = False
            submission += 1
        images.append(state)
    return images


def wilson(k, n):
    if n == 0:
        return 0.0, 1.0
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    return ci.low, ci.high


def needed(k, n, margin):
    """The smallest n whose Wilson half-width at p is at most the margin,
    p being the point of the interval nearest 1/2: the larger root of
    m²(n + z²)² = z²(p(1 − p) n + z²/4), rounded up."""
    lo, hi = wilson(k, n)
    p = min(max(0.5, lo), hi)
    z = norm.ppf(0.975)
    a = margin ** 2
    b = 2 * margin ** 2 * z ** 2 - z ** 2 * p * (1 - p)
    c = margin ** 2 * z ** 4 - z ** 4 / 4
    root = (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)
    result = max(1, math.ceil(root - 1e-9))
    # Rounding at an exact root: the half-width decides.
    half = lambda m: z * math.sqrt(p * (1 - p) * m + z * z / 4) / (m + z * z)
    while result > 1 and half(result - 1) <= margin:
        result -= 1
    while half(result) > margin:
        result += 1
    return result


def audit_figures(images):
    by = {}
    for im in images:
        f = by.setdefault(im["annotator"], {"drawn": 0, "sampled": 0, "reviewed": 0,
                                            "judged": 0, "rejected": 0})
        for s, sampled in enumerate(im["submissions"], 1):
            f["drawn"] += 1
            if not sampled:
                continue
            f["sampled"] += 1
            if any(r.annotation is None and r.submission == s for r in im["reviews"]):
                f["reviewed"] += 1
            last = {}
            for r in im["reviews"]:
                if r.annotation is not None and r.submission == s:
                    last[r.annotation] = r
            f["judged"] += len(last)
            f["rejected"] += sum(1 for r in last.values() if r.verdict in ("reject", "fix"))
    overall = {key: sum(f[key] for f in by.values()) for key in ("drawn", "sampled", "reviewed",
                                                                 "judged", "rejected")}
    return by, overall


def compare_audit(images, report, margin, label):
    problems = []
    by, overall = audit_figures(images)
    got = {a["annotator"]: a for a in report["annotators"]}
    if [a["annotator"] for a in report["annotators"]] != sorted(by):
        problems.append("annotators %r, reference %r" % ([a["annotator"] for a in report["annotators"]],
                                                         sorted(by)))
    if not close(report["margin"], margin):
        problems.append("margin %r" % report["margin"])
    enough = 0
    for name, f in list(by.items()) + [("overall", overall)]:
        g = report["overall"] if name == "overall" else got.get(name)
        if g is None:
            continue
        for key, theirs in (("drawn", "submissions_drawn"), ("sampled", "submissions_sampled"),
                            ("reviewed", "submissions_reviewed"), ("judged", "annotations_judged"),
                            ("rejected", "annotations_rejected")):
            if g[theirs] != f[key]:
                problems.append("%s: %s %d, reference %d" % (name, theirs, g[theirs], f[key]))
        k, n = f["rejected"], f["judged"]
        rate = k / n if n else None
        lo, hi = wilson(k, n)
        if not close(g["rejection_rate"], rate):
            problems.append("%s: rate %r, reference %r" % (name, g["rejection_rate"], rate))
        if not (close(g["rejection_rate_interval"][0], lo) and close(g["rejection_rate_interval"][1], hi)):
            problems.append("%s: interval %r, reference [%r, %r]" % (name, g["rejection_rate_interval"], lo, hi))
        n_needed = needed(k, n, margin)
        if g["needed"] != n_needed:
            problems.append("%s: needed %d, reference %d" % (name, g["needed"], n_needed))
        if g["enough"] != (n >= n_needed):
            problems.append("%s: enough %r with %d of %d" % (name, g["enough"], n, n_needed))
        enough += n >= n_needed
    check("%s: audit report at ± %g: counts, rate, Wilson interval, sample size (%d of %d enough)"
          % (label, margin, enough, len(by) + 1), problems)


def compare_stats(images, stats, label):
    problems = []
    expected = {}
    for im in images:
        e = expected.setdefault(im["annotator"], {"submitted": 0, "accepted": 0, "returned": 0,
                                                  "first_reviewed": 0, "first_pass_accepted": 0,
                                                  "reasons": {}, "annotate_seconds": 0.0,
                                                  "review_seconds": 0.0})
        e["submitted"] += len(im["submissions"])
        e["accepted"] += im["status"] == "accepted"
        layer_verdicts = [r for r in im["reviews"] if r.annotation is None]
        e["returned"] += sum(1 for r in layer_verdicts if r.verdict == "reject")
        if layer_verdicts:
            e["first_reviewed"] += 1
            e["first_pass_accepted"] += layer_verdicts[0].verdict == "accept"
        for r in im["reviews"]:
            if r.reason is not None:
                e["reasons"][r.reason] = e["reasons"].get(r.reason, 0) + 1
        e["annotate_seconds"] += im["work_seconds"]
    review_seconds = sum(im["review_seconds"] for im in images)
    if review_seconds > 0:
        expected[REVIEWER] = {"submitted": 0, "accepted": 0, "returned": 0, "first_reviewed": 0,
                              "first_pass_accepted": 0, "reasons": {}, "annotate_seconds": 0.0,
                              "review_seconds": review_seconds}

    got = {p["name"]: p for p in stats["people"]}
    if sorted(got) != sorted(expected):
        problems.append("people %r, reference %r" % (sorted(got), sorted(expected)))
    for name, e in expected.items():
        g = got.get(name)
        if g is None:
            continue
        for key in ("submitted", "accepted", "returned", "first_reviewed", "first_pass_accepted"):
            if g[key] != e[key]:
                problems.append("%s: %s %d, reference %d" % (name, key, g[key], e[key]))
        k, n = e["first_pass_accepted"], e["first_reviewed"]
        lo, hi = wilson(k, n)
        if not close(g["first_pass_acceptance"], k / n if n else None):
            problems.append("%s: first-pass acceptance %r" % (name, g["first_pass_acceptance"]))
        if not (close(g["first_pass_acceptance_interval"][0], lo)
                and close(g["first_pass_acceptance_interval"][1], hi)):
            problems.append("%s: first-pass interval %r, reference [%r, %r]"
                            % (name, g["first_pass_acceptance_interval"], lo, hi))
        reasons = {r["reason"]: r["count"] for r in g["rejection_reasons"]}
        if reasons != e["reasons"]:
            problems.append("%s: reasons %r, reference %r" % (name, reasons, e["reasons"]))
        counts = [r["count"] for r in g["rejection_reasons"]]
        if counts != sorted(counts, reverse=True):
            problems.append("%s: reasons not most used first: %r" % (name, counts))
        for key in ("annotate_seconds", "review_seconds"):
            if not math.isclose(g[key], e[key], rel_tol=1e-9, abs_tol=1e-6):
                problems.append("%s: %s %r, reference %r" % (name, key, g[key], e[key]))
    check("%s: review stats of %d people" % (label, len(expected)), problems)


def compare_queue(images, queue, label):
    problems = []
    waiting = [im for im in images if im["status"] == "waiting"]
    got = queue["queue"]
    if [q["layer_id"] for q in got] != [im["layer_id"] for im in waiting]:
        problems.append("queue %r, reference %r" % ([q["layer_id"] for q in got][:10],
                                                     [im["layer_id"] for im in waiting][:10]))
    else:
        for q, im in zip(got, waiting):
            if (q["annotator"] != im["annotator"] or q["shapes"] != im["n_shapes"] or not q["audited"]
                    or q["submission"] != len(im["submissions"])):
                problems.append("queue entry %r, reference %s %d shapes, submission %d"
                                % (q, im["annotator"], im["n_shapes"], len(im["submissions"])))
    check("%s: review queue of %d submissions, oldest first" % (label, len(waiting)), problems)


def standing(im, k):
    """The review that stands on annotation k, as export --with-review says."""
    last = None
    for r in im["reviews"]:
        if r.annotation == k:
            last = r
    if last is None:
        return None
    if last.verdict == "fix":
        return last
    return last if last.version == im["version"][k] else None


VERDICT_NAMES = {"accept": "accepted", "reject": "rejected", "fix": "fixed"}


def compare_export(images, path, only_accepted, label):
    problems = []
    run = subprocess.run([sys.executable, COCO_CHECK, path], capture_output=True, text=True)
    if run.returncode != 0:
        problems.append("coco_check: %s" % run.stderr.strip())
    try:
        from pycocotools.coco import COCO
        coco = COCO(path)
        loaded = "pycocotools loads it (%d annotations)" % len(coco.getAnnIds())
    except ImportError:
        loaded = "pycocotools is not installed: coco_check.py checked the standard members"
    with open(path, encoding="utf-8") as f:
        data = json.load(f)

    wanted = ("accepted",) if only_accepted else ("accepted", "waiting", "held")
    exported = {im["layer_id"]: im for im in images if im["status"] in wanted}
    by_annotation = {}
    for im in exported.values():
        for k, aid in enumerate(im["annotation_ids"]):
            by_annotation[aid] = (im, k)
    got_ids = sorted(a["id"] for a in data["annotations"])
    if got_ids != sorted(by_annotation):
        problems.append("%d annotations exported, reference %d" % (len(got_ids), len(by_annotation)))
    if len(data["images"]) != len(exported):
        problems.append("%d images exported, reference %d" % (len(data["images"]), len(exported)))

    counts = {}
    for a in data["annotations"]:
        if a["id"] not in by_annotation:
            continue
        im, k = by_annotation[a["id"]]
        ext = dict(a.get("boxwood_review") or {})
        # Every annotation here was drawn under the project's guidelines
        # as they stand: a version, never null.
        gv = ext.pop("guideline_version", "missing")
        if not isinstance(gv, int) or gv < 1:
            problems.append("annotation %d: guideline_version %r" % (a["id"], gv))
        r = standing(im, k)
        expected = {"annotator": im["annotator"],
                    "verdict": VERDICT_NAMES[r.verdict] if r else None,
                    "reason": r.reason if r else None,
                    "comment": (r.comment or None) if r else None,
                    "reviewer": REVIEWER if r else None}
        if ext != expected:
            problems.append("annotation %d: %r, reference %r" % (a["id"], ext, expected))
        counts[expected["verdict"]] = counts.get(expected["verdict"], 0) + 1
    check("%s: export coco --with-review%s: %s; verdicts %s"
          % (label, " --only-accepted" if only_accepted else "", loaded,
             ", ".join("%s %d" % (k or "none", v) for k, v in sorted(counts.items(), key=lambda kv: str(kv[0])))),
          problems)


def cli_json(*args):
    out = subprocess.run([CLI] + list(args), check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def run_scenario(tmp, label, rng, n_images, rate, seed, policy):
    scenario = make_scenario(rng, n_images, rate, seed, policy)
    scenario_path = os.path.join(tmp, label + ".json")
    ids_path = os.path.join(tmp, label + "-ids.json")
    project = os.path.join(tmp, label + ".boxwood")
    with open(scenario_path, "w", encoding="utf-8") as f:
        json.dump(scenario, f)
    subprocess.run([MAKE, scenario_path, project, ids_path], check=True)
    with open(ids_path, encoding="utf-8") as f:
        ids = json.load(f)
    images = replay(scenario, ids)

    drawn = sum(1 for im in images for s in im["submissions"][:1])
    sampled = sum(1 for im in images if im["submissions"][0])
    notes.append("%s: %d images, %d first submissions, %d sampled at %g (%s)"
                 % (label, n_images, drawn, sampled, rate, policy))

    for margin in (0.05, 0.1, 0.02):
        compare_audit(images, cli_json("audit", project, "--report", "--margin", repr(margin), "--json"),
                      margin, label)
    compare_stats(images, cli_json("review", "stats", project, "--json"), label)
    compare_queue(images, cli_json("review", "list", project, "--json"), label)
    for only_accepted in (False, True):
        out = os.path.join(tmp, "%s-%d.json" % (label, only_accepted))
        args = [CLI, "export", "coco", project, out, "--with-review"]
        if only_accepted:
            args.append("--only-accepted")
        subprocess.run(args, check=True, capture_output=True)
        compare_export(images, out, only_accepted, label)


def main():
    rng = random.Random(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        run_scenario(tmp, "accept", rng, 600, 0.3, 18446744073709551557, "accept")
        run_scenario(tmp, "hold", rng, 300, 0.5, 7, "hold")

    print("1..%d" % len(results))
    for line in notes:
        print("# " + line)
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
