#!/usr/bin/env python3
# test-exam-reference.py — exam scores, hints, passes, the limit on
# attempts and certificates, as boxwood-cli exam results prints them,
# against an independent computation (quality_reference.py: SciPy and
# Shapely) on random attempts; and the exam commands' own behaviour.
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The project is written by bw-make-exam-project through the store (the
# attempts are started, answered and handed in as the app does); every
# figure compared here was computed by the store when the last image of
# an attempt was handed in.

import json
import math
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import quality_reference as ref  # noqa: E402

CLI = os.environ["BOXWOOD_CLI"]
MAKE = os.environ["BW_MAKE_EXAM_PROJECT"]
SEED = 20261129
N_IMAGES = 12
FIT_IOU = 0.75          # BW_EXAM_FIT_IOU
TAU = 0.5
MIN_F1, MIN_ACC = 0.6, 0.45
BICYCLE_F1 = 0.55
MAX_ATTEMPTS = 2
TOLERANCE = 1e-9

results = []


def check(name, problems):
    results.append((name, problems))


def close(a, b):
    return math.isclose(a, b, rel_tol=0.0, abs_tol=TOLERANCE)


def rate(num, den):
    return num / den if den > 0 else 1.0


def make_cases(seed):
    rng = random.Random(seed)
    categories = ["car", "van", "bicycle", "dog"]
    images = []
    for _ in range(N_IMAGES):
        gold = [ref.random_shape(rng, categories) for _ in range(rng.randint(0, 6))]
        images.append({"width": 200, "height": 200, "gold": gold})
    # Ana passes at once; Bo fails, then passes; Chen fails twice and is
    # refused a third; Dee passes and is refused another.
    plan = [("Ana", 0.3), ("Bo", 2.5), ("Chen", 3.0), ("Bo", 0.2), ("Chen", 3.0),
            ("Chen", 0.1), ("Dee", 0.0), ("Dee", 0.0), ("Eve", 1.0), ("Eve", 1.5)]
    attempts = []
    for person, skill in plan:
        answers = []
        for image in images:
            if skill == 0.0:
                answers.append([dict(s) for s in image["gold"]])
            else:
                answers.append(ref.annotate(rng, image["gold"], categories, skill))
        attempts.append({"person": person, "answers": answers})
    exam = {"name": "Road users", "min_f1": MIN_F1, "min_accuracy": MIN_ACC, "iou": TAU,
            "max_attempts": MAX_ATTEMPTS,
            "thresholds": [{"category": "bicycle", "min_f1": BICYCLE_F1, "min_accuracy": 0.0}]}
    return {"categories": categories, "images": images, "exam": exam, "attempts": attempts}


def score(cases, answers):
    """What the store should have computed for one attempt."""
    per_category = {}
    fit = {}
    confusion = {}
    total = ref.new_counts()
    for image, answer in zip(cases["images"], answers):
        gold = image["gold"]
        a_out, b_out = ref.match(answer, gold, TAU)
        ref.add_counts(total, ref.count(answer, gold, a_out, b_out, per_category, confusion))
        for i, (kind, partner, v) in enumerate(a_out):
            if kind in (ref.TP, ref.POOR) and v < FIT_IOU:
                mine = ref.area(answer[i], ref.geometry(answer[i]))
                theirs = ref.area(gold[partner], ref.geometry(gold[partner]))
                entry = fit.setdefault(gold[partner]["category"], {"loose": 0, "tight": 0, "tie": 0})
                if abs(mine - theirs) <= 1e-9 * max(mine, theirs, 1.0):
                    entry["tie"] += 1
                elif mine > theirs:
                    entry["loose"] += 1
                else:
                    entry["tight"] += 1
    return total, per_category, fit, confusion


def f1_of(c):
    return rate(2 * c["tp"], 2 * c["tp"] + c["fp"] + c["fn"])


def acc_of(c):
    return rate(c["tp"], c["tp"] + c["fp"] + c["fn"])


def compare(cases, printed, refused):
    problems = []
    attempts = printed["attempts"]
    expected_refused = []
    counted = {}
    passed_before = set()
    made = []
    for index, attempt in enumerate(cases["attempts"]):
        person = attempt["person"]
        if person in passed_before or counted.get(person, 0) >= MAX_ATTEMPTS:
            expected_refused.append(index)
            continue
        counted[person] = counted.get(person, 0) + 1
        made.append((index, attempt))
        total, per_category, fit, confusion = score(cases, attempt["answers"])
        bicycle = per_category.get("bicycle", ref.new_counts())
        passed = (f1_of(total) >= MIN_F1 and acc_of(total) >= MIN_ACC and f1_of(bicycle) >= BICYCLE_F1)
        if passed:
            passed_before.add(person)
        made[-1] = (index, attempt, total, per_category, fit, confusion, passed)

    check("attempts refused past the limit or after a pass", [] if refused == expected_refused else
          ["refused %s, expected %s" % (refused, expected_refused)])
    if len(attempts) != len(made):
        check("attempts made", ["%d printed, %d expected" % (len(attempts), len(made))])
        return
    check("attempts made", [])

    score_problems, hint_problems, pass_problems = [], [], []
    for printed_attempt, (index, attempt, total, per_category, fit, confusion, passed) in zip(attempts, made):
        label = "attempt %d (%s #%d)" % (index, attempt["person"], printed_attempt["number"])
        if printed_attempt["person"] != attempt["person"]:
            score_problems.append("%s: printed for %s" % (label, printed_attempt["person"]))
            continue
        scores = {s["category"]: s for s in printed_attempt["scores"]}
        expected = {None: total}
        expected.update(per_category)
        for category in set(scores) | set(expected):
            s, e = scores.get(category), expected.get(category)
            if e is None:
                e = ref.new_counts()  # a category with a threshold shows with nothing in it
            if s is None:
                score_problems.append("%s: no score for %s" % (label, category))
                continue
            for key in ("tp", "fp", "fn"):
                if s[key] != e[key]:
                    score_problems.append("%s %s: %s %d, expected %d" % (label, category, key, s[key], e[key]))
            for kind in ref.ERROR_KINDS:
                if s[kind] != e["errors"][kind]:
                    score_problems.append("%s %s: %s %d, expected %d" % (label, category, kind, s[kind],
                                                                        e["errors"][kind]))
            if not close(s["f1"], f1_of(e)) or not close(s["accuracy"], acc_of(e)):
                score_problems.append("%s %s: F1 %r accuracy %r, expected %r %r"
                                      % (label, category, s["f1"], s["accuracy"], f1_of(e), acc_of(e)))
            if e["tp"] and not close(s["mean_iou"], e["iou_sum"] / e["tp"]):
                score_problems.append("%s %s: mean IoU %r, expected %r" % (label, category, s["mean_iou"],
                                                                          e["iou_sum"] / e["tp"]))
            if category is not None:
                f = fit.get(category, {"loose": 0, "tight": 0, "tie": 0})
                if not (f["loose"] <= s["loose"] <= f["loose"] + f["tie"] and
                        s["loose"] + s["tight"] == f["loose"] + f["tight"] + f["tie"]):
                    score_problems.append("%s %s: loose %d tight %d, expected %s"
                                          % (label, category, s["loose"], s["tight"], f))
        if printed_attempt["passed"] != passed:
            pass_problems.append("%s: passed %s, expected %s" % (label, printed_attempt["passed"], passed))

        # Hints: every error the attempt made, by kind and category, and
        # nothing of the gold shapes themselves.
        want = set()
        for category, c in per_category.items():
            for kind, key in (("missed", ref.MISSED), ("extra", ref.EXTRA), ("duplicate", ref.DUPLICATE)):
                if c["errors"][key]:
                    want.add((kind, category, None, c["errors"][key]))
        for (gold_category, given), n in confusion.items():
            if gold_category is not None and given is not None and gold_category != given:
                want.add(("wrong_category", gold_category, given, n))
        got = set()
        loose_tight = {}
        for h in printed_attempt["hints"]:
            if h["kind"] in ("loose", "tight"):
                loose_tight[h["category"], h["kind"]] = h["count"]
            else:
                got.add((h["kind"], h["category"], h["given"], h["count"]))
            if "“%s”" % h["category"] not in h["text"]:
                hint_problems.append("%s: the hint “%s” does not name %s" % (label, h["text"], h["category"]))
        if got != want:
            hint_problems.append("%s: hints %s, expected %s" % (label, sorted(got - want, key=str),
                                                                sorted(want - got, key=str)))
        for category in per_category:
            s = scores[category]
            for kind in ("loose", "tight"):
                if loose_tight.get((category, kind), 0) != s[kind]:
                    hint_problems.append("%s: %s hint for %s says %d, the score %d"
                                         % (label, kind, category, loose_tight.get((category, kind), 0), s[kind]))

    check("scores per category equal the reference", score_problems)
    check("passes and fails follow the thresholds", pass_problems)
    check("hints name the categories of the errors", hint_problems)

    certificate_problems = []
    passes = [(a, m) for a, m in zip(attempts, made) if m[-1]]
    if len(printed["certificates"]) != len(passes):
        certificate_problems.append("%d certificates for %d passes" % (len(printed["certificates"]), len(passes)))
    by_attempt = {c["attempt_id"]: c for c in printed["certificates"]}
    for a, m in passes:
        c = by_attempt.get(a["id"])
        if c is None:
            certificate_problems.append("no certificate for attempt %d" % a["id"])
            continue
        if c["person"] != a["person"] or c["exam"] != "Road users":
            certificate_problems.append("certificate %d: %s, %s" % (c["id"], c["person"], c["exam"]))
        if not close(c["f1"], f1_of(m[2])) or not close(c["accuracy"], acc_of(m[2])):
            certificate_problems.append("certificate %d: F1 %r accuracy %r" % (c["id"], c["f1"], c["accuracy"]))
        if not c["date"] or not c["date"].startswith("20"):
            certificate_problems.append("certificate %d: date %r" % (c["id"], c["date"]))
        if "guideline_version" not in c:
            certificate_problems.append("certificate %d has no guideline version" % c["id"])
    check("a certificate for each pass: person, exam, score, date, guideline version", certificate_problems)


def cli(*args, expect=0):
    proc = subprocess.run([CLI] + list(args), capture_output=True, text=True)
    if proc.returncode != expect:
        return None, "boxwood-cli %s: exit %d, expected %d: %s" % (" ".join(args), proc.returncode, expect,
                                                                 proc.stderr.strip())
    return proc, None


def check_commands(project):
    problems = []
    listed, err = cli("exam", "list", project, "--json")
    if err:
        check("exam list --json", [err])
        return
    exams = json.loads(listed.stdout)["exams"]
    if len(exams) != 1 or exams[0]["name"] != "Road users" or len(exams[0]["images"]) != N_IMAGES or \
            exams[0]["max_attempts"] != MAX_ATTEMPTS or exams[0]["required"] != "all" or \
            exams[0]["categories"][0]["category"] != "bicycle":
        problems.append("exam list --json: %s" % exams)
    check("exam list --json", problems)

    problems = []
    images = exams[0]["images"]
    made, err = cli("exam", "create", project, "Cars only", "--image", str(images[0]), "--image", str(images[1]),
                    "--min-f1", "80%", "--category", "car:0.9:0.8", "--max-attempts", "3", "--required", "new")
    if err:
        problems.append(err)
    else:
        listed, _ = cli("exam", "list", project, "--json")
        new = [e for e in json.loads(listed.stdout)["exams"] if e["name"] == "Cars only"]
        if not new or new[0]["id"] != int(made.stdout) or new[0]["min_f1"] != 0.8 or \
                new[0]["images"] != images[:2] or new[0]["categories"][0]["min_accuracy"] != 0.8 or \
                new[0]["required"] != "new":
            problems.append("exam create: %s" % new)
    _, err = cli("exam", "create", project, "Cars only", "--image", str(images[0]), expect=1)
    if err:
        problems.append("a second exam of the same name: " + err)
    _, err = cli("exam", "create", project, "Nothing", expect=2)
    if err:
        problems.append("an exam without images: " + err)
    _, err = cli("exam", "create", project, "Bad", "--all-gold", "--min-f1", "1.5", expect=2)
    if err:
        problems.append("a threshold of 1.5: " + err)
    _, err = cli("exam", "create", project, "Bad", "--all-gold", "--category", "unicorn:0.5", expect=1)
    if err:
        problems.append("a threshold of an unknown category: " + err)
    check("exam create, and what it refuses", problems)

    problems = []
    _, err = cli("exam", "set", project, "Road users", "--max-attempts", "3")
    if err:
        problems.append(err)
    listed, _ = cli("exam", "list", project, "--json")
    if [e["max_attempts"] for e in json.loads(listed.stdout)["exams"] if e["name"] == "Road users"] != [3]:
        problems.append("exam set --max-attempts 3 did not change the limit")
    _, err = cli("exam", "set", project, "Cars only", "--again")
    if err:
        problems.append(err)
    listed, _ = cli("exam", "list", project, "--json")
    again = [e for e in json.loads(listed.stdout)["exams"] if e["name"] == "Cars only"]
    if not again or again[0]["required"] != "all" or again[0]["required_again_from"] != again[0]["guideline_version"]:
        problems.append("exam set --again: %s" % again)
    one, err = cli("exam", "results", project, "Road users", "--person", "Chen", "--json")
    if err:
        problems.append(err)
    else:
        printed = json.loads(one.stdout)
        if {a["person"] for a in printed["attempts"]} != {"Chen"} or len(printed["attempts"]) != 2:
            problems.append("results --person Chen: %s" % [a["person"] for a in printed["attempts"]])
    text, err = cli("exam", "results", project)
    if err:
        problems.append(err)
    elif "Certificates:" not in text.stdout or "Missed" not in text.stdout:
        problems.append("exam results prints no certificates or hints:\n" + text.stdout)
    _, err = cli("exam", "results", project, "No such exam", expect=1)
    if err:
        problems.append(err)
    check("exam set and results", problems)


def main():
    cases = make_cases(SEED)
    with tempfile.TemporaryDirectory() as tmp:
        cases_path = os.path.join(tmp, "cases.json")
        project = os.path.join(tmp, "exam.boxwood")
        with open(cases_path, "w") as f:
            json.dump(cases, f)
        made = subprocess.run([MAKE, cases_path, project], check=True, capture_output=True, text=True)
        refused = [int(line.split()[1]) for line in made.stdout.split("\n") if line.startswith("refused ")]
        printed, err = cli("exam", "results", project, "--json")
        if err:
            check("exam results --json", [err])
        else:
            compare(cases, json.loads(printed.stdout), refused)
        check_commands(project)

    print("1..%d" % len(results))
    print("# %d images, %d attempts, seed %d" % (N_IMAGES, len(cases["attempts"]), SEED))
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
