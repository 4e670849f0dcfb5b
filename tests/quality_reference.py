# quality_reference.py — an independent implementation of Boxwood's quality
# figures (DESIGN.md, "Quality metrics"), for tests/test-quality-reference.py.
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# It shares no code with src/core: the optimal assignment is SciPy's
# linear_sum_assignment (over all eligible pairs at once, not per cluster),
# polygon geometry is Shapely's, Krippendorff's alpha is computed from the
# coincidence matrix, and the Wilson interval from its formula with z from
# statistics.NormalDist.

import math
import random
import statistics

import numpy as np
from scipy.optimize import linear_sum_assignment
from shapely.geometry import Polygon
from shapely.ops import unary_union
from shapely.validation import make_valid

POOR_MIN = 0.1
MISSED, EXTRA, WRONG, POOR, DUPLICATE, TP = "missed", "extra", "wrong_category", "poor_localisation", "duplicate", "tp"
ERROR_KINDS = [MISSED, EXTRA, WRONG, POOR, DUPLICATE]
Z95 = statistics.NormalDist().inv_cdf(0.975)


# Shapes: {"category": name, "box": [x0, y0, x1, y1]} or
#         {"category": name, "polygon": [[x, y, x, y, ...], ...]}

def bbox(shape):
    if "box" in shape:
        return tuple(shape["box"])
    xs = [p[k] for p in shape["polygon"] for k in range(0, len(p), 2)]
    ys = [p[k] for p in shape["polygon"] for k in range(1, len(p), 2)]
    return (min(xs), min(ys), max(xs), max(ys))


_geometries = {}


def geometry(shape):
    """Shapely's geometry of a shape, made once per shape object."""
    key = id(shape)
    cached = _geometries.get(key)
    if cached is not None and cached[0] is shape:
        return cached[1]
    geom = make_geometry(shape)
    _geometries[key] = (shape, geom)
    return geom


def make_geometry(shape):
    if "box" in shape:
        x0, y0, x1, y1 = shape["box"]
        return Polygon([(x1, y0), (x1, y1), (x0, y1), (x0, y0)])
    parts = []
    for flat in shape["polygon"]:
        part = Polygon([(flat[k], flat[k + 1]) for k in range(0, len(flat), 2)])
        if not part.is_valid:
            part = make_valid(part)
        parts.append(part)
    return parts[0] if len(parts) == 1 else unary_union(parts)


def area(shape, geom):
    if "box" in shape:
        x0, y0, x1, y1 = shape["box"]
        return (x1 - x0) * (y1 - y0)
    return geom.area


_ious = {}


def iou(a, b):
    """IoU, remembered per pair of shape objects (the cases outlive a run)."""
    key = (id(a), id(b))
    cached = _ious.get(key)
    if cached is not None and cached[0] is a and cached[1] is b:
        return cached[2]
    value = compute_iou(a, b)
    _ious[key] = (a, b, value)
    return value


def compute_iou(a, b):
    ax0, ay0, ax1, ay1 = bbox(a)
    bx0, by0, bx1, by1 = bbox(b)
    if ax0 >= bx1 or bx0 >= ax1 or ay0 >= by1 or by0 >= ay1:
        return 0.0
    if "box" in a and "box" in b:
        w = min(ax1, bx1) - max(ax0, bx0)
        h = min(ay1, by1) - max(ay0, by0)
        inter = max(0.0, w) * max(0.0, h)
        union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter
        return inter / union if union > 0 else 0.0
    ga, gb = geometry(a), geometry(b)
    inter = ga.intersection(gb).area
    union = area(a, ga) + area(b, gb) - inter
    if union <= 0 or inter <= 0:
        return 0.0
    return min(1.0, inter / union)


def assign(weights):
    """weights: {(i, j): w > 0}. The assignment of largest total weight."""
    if not weights:
        return {}
    rows = sorted({i for i, _ in weights})
    cols = sorted({j for _, j in weights})
    ri = {r: k for k, r in enumerate(rows)}
    ci = {c: k for k, c in enumerate(cols)}
    w = np.zeros((len(rows), len(cols)))
    for (i, j), value in weights.items():
        w[ri[i], ci[j]] = value
    r, c = linear_sum_assignment(w, maximize=True)
    return {rows[x]: (cols[y], w[x, y]) for x, y in zip(r, c) if w[x, y] > 0}


def match(annotated, reference, tau):
    """Returns ([(kind, partner, iou)] for annotated, the same for reference)."""
    n_a, n_b = len(annotated), len(reference)
    a_out = [(EXTRA, -1, 0.0)] * n_a
    b_out = [(MISSED, -1, 0.0)] * n_b
    if n_a == 0 or n_b == 0:
        return a_out, b_out
    m = {(i, j): iou(annotated[i], reference[j]) for i in range(n_a) for j in range(n_b)}
    a_free = [True] * n_a
    b_free = [True] * n_b

    def same(i, j):
        return annotated[i]["category"] == reference[j]["category"]

    def step(kind, keep):
        pairs = {(i, j): v for (i, j), v in m.items() if v > 0 and a_free[i] and b_free[j] and keep(i, j, v)}
        for i, (j, v) in assign(pairs).items():
            a_out[i] = (kind, j, v)
            b_out[j] = (kind, i, v)
            a_free[i] = False
            b_free[j] = False

    step(TP, lambda i, j, v: same(i, j) and v >= tau)
    step(WRONG, lambda i, j, v: not same(i, j) and v >= tau)
    for i in range(n_a):
        if not a_free[i]:
            continue
        best = None
        for j in range(n_b):
            if b_out[j][0] == TP and m[i, j] >= tau and (best is None or m[i, j] > m[i, best]):
                best = j
        if best is not None:
            a_out[i] = (DUPLICATE, best, m[i, best])
            a_free[i] = False
    step(POOR, lambda i, j, v: same(i, j) and POOR_MIN <= v < tau)
    return a_out, b_out


def new_counts():
    return {"tp": 0, "fp": 0, "fn": 0, "iou_sum": 0.0, "errors": {k: 0 for k in ERROR_KINDS}}


def add_counts(into, c):
    for k in ("tp", "fp", "fn", "iou_sum"):
        into[k] += c[k]
    for k in ERROR_KINDS:
        into["errors"][k] += c["errors"][k]


def count(annotated, reference, a_out, b_out, per_category=None, confusion=None):
    total = new_counts()

    def bump(category, field, kind=None, value=0.0):
        for target in [total] + ([per_category.setdefault(category, new_counts())] if per_category is not None else []):
            target[field] += 1
            target["iou_sum"] += value
            if kind is not None:
                target["errors"][kind] += 1

    for i, (kind, partner, v) in enumerate(a_out):
        cat = annotated[i]["category"]
        if kind == TP:
            bump(cat, "tp", None, v)
        else:
            bump(cat, "fp", kind if kind in (EXTRA, DUPLICATE) else None)
        if confusion is not None:
            ref_cat = reference[partner]["category"] if kind in (TP, WRONG) else None
            confusion[ref_cat, cat] = confusion.get((ref_cat, cat), 0) + 1
    for j, (kind, partner, v) in enumerate(b_out):
        if kind == TP:
            continue
        cat = reference[j]["category"]
        bump(cat, "fn", kind)
        if confusion is not None and kind != WRONG:
            confusion[cat, None] = confusion.get((cat, None), 0) + 1
    return total


def wilson(k, n):
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    centre = (p + Z95 * Z95 / (2 * n)) / (1 + Z95 * Z95 / n)
    half = Z95 / (1 + Z95 * Z95 / n) * math.sqrt(p * (1 - p) / n + Z95 * Z95 / (4 * n * n))
    return (0.0 if k == 0 else max(0.0, centre - half), 1.0 if k == n else min(1.0, centre + half))


def rates(c):
    """The figures of one set of counts, as the JSON names them."""
    tp, fp, fn = c["tp"], c["fp"], c["fn"]
    out = {"tp": tp, "fp": fp, "fn": fn,
           "mean_iou": c["iou_sum"] / tp if tp else None,
           "errors": dict(c["errors"])}
    for name, k, n in (("precision", tp, tp + fp), ("recall", tp, tp + fn), ("accuracy", tp, tp + fp + fn)):
        out[name] = k / n if n else None
        out[name + "_interval"] = list(wilson(k, n))
    lo, hi = wilson(tp, tp + fp + fn)
    out["f1"] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None
    out["f1_interval"] = [2 * lo / (1 + lo), 2 * hi / (1 + hi)]
    return out


def krippendorff_nominal(units):
    """units: lists of values (None = missing). Via the coincidence matrix."""
    o = {}
    for values in units:
        vals = [v for v in values if v is not None]
        m = len(vals)
        if m < 2:
            continue
        for x in range(m):
            for y in range(m):
                if x != y:
                    o[vals[x], vals[y]] = o.get((vals[x], vals[y]), 0.0) + 1.0 / (m - 1)
    n_c = {}
    for (c, _), v in o.items():
        n_c[c] = n_c.get(c, 0.0) + v
    n = sum(n_c.values())
    if n < 2:
        return None
    observed = sum(v for (c, k), v in o.items() if c != k)
    expected = sum(n_c[c] * n_c[k] for c in n_c for k in n_c if c != k)
    if expected == 0:
        return 1.0
    return 1.0 - (n - 1) * observed / expected


def image_alpha(layers, tau):
    """layers: the annotators' shape lists, in person order."""
    n = len(layers)
    units = []
    for k, shapes in enumerate(layers):
        free = [True] * len(shapes)
        for e in range(k):
            candidates = {units[u][e]: u for u in range(len(units))
                          if units[u][e] is not None and units[u][k] is None}
            if not candidates:
                continue
            pairs = {}
            for i in range(len(shapes)):
                if not free[i]:
                    continue
                for s in candidates:
                    v = iou(shapes[i], layers[e][s])
                    if v >= tau:
                        pairs[i, s] = v
            for i, (s, _) in assign(pairs).items():
                units[candidates[s]][k] = i
                free[i] = False
        for i in range(len(shapes)):
            if free[i]:
                unit = [None] * n
                unit[k] = i
                units.append(unit)
    if not units:
        return None
    values = [[layers[k][u[k]]["category"] if u[k] is not None else "\0nothing" for k in range(n)] for u in units]
    return krippendorff_nominal(values)


def compute(cases, tau, alpha_threshold=0.6):
    """The whole report, keyed like boxwood-cli quality --json --by image."""
    people_order = {name: k for k, name in enumerate(cases["people"])}
    annotators = {}
    categories = {}
    confusion = {}
    pairs = {}
    images = []
    gold_images = agreement_images = 0
    alpha_values = []
    for index, case in enumerate(cases["images"]):
        work = sorted(case.get("work", {}).items(), key=lambda item: people_order[item[0]])
        gold = case["gold"]
        scored_gold = gold is not None and len(work) > 0
        if not scored_gold and len(work) < 2:
            continue
        image = {"image": "case-%d.png" % index, "gold": scored_gold, "annotators": [], "alpha": None,
                 "annotator_count": len(work)}
        if scored_gold:
            gold_images += 1
            for name, shapes in work:
                acc = annotators.setdefault(name, {"counts": new_counts(), "images": 0,
                                                   "categories": {}, "confusion": {}})
                a_out, b_out = match(shapes, gold, tau)
                c = count(shapes, gold, a_out, b_out, acc["categories"], acc["confusion"])
                count(shapes, gold, a_out, b_out, categories, confusion)
                image_categories = {}
                count(shapes, gold, a_out, b_out, image_categories)
                add_counts(acc["counts"], c)
                acc["images"] += 1
                image["annotators"].append(dict(rates(c), annotator=name,
                                                categories={cat: rates(cc) for cat, cc in image_categories.items()}))
        if len(work) >= 2:
            agreement_images += 1
            for x in range(len(work)):
                for y in range(x + 1, len(work)):
                    key = (work[x][0], work[y][0])
                    pair = pairs.setdefault(key, {"counts": new_counts(), "images": 0})
                    a_out, b_out = match(work[y][1], work[x][1], tau)
                    add_counts(pair["counts"], count(work[y][1], work[x][1], a_out, b_out))
                    pair["images"] += 1
            image["alpha"] = image_alpha([shapes for _, shapes in work], tau)
            if image["alpha"] is not None:
                alpha_values.append(image["alpha"])
        images.append(image)

    def category_list(table):
        return {name: rates(c) for name, c in table.items()}

    return {
        "iou_threshold": tau,
        "gold_images": gold_images,
        "annotators": {name: dict(rates(acc["counts"]), images=acc["images"],
                                  categories=category_list(acc["categories"]),
                                  confusion=acc["confusion"])
                       for name, acc in annotators.items()},
        "categories": category_list(categories),
        "confusion": confusion,
        "agreement": {
            "images": agreement_images,
            "alpha_images": len(alpha_values),
            "mean_alpha": sum(alpha_values) / len(alpha_values) if alpha_values else None,
            "pairs": {key: dict(rates(p["counts"]), images=p["images"]) for key, p in pairs.items()},
            "flagged": sorted(im["image"] for im in images
                              if im["alpha"] is not None and im["alpha"] < alpha_threshold),
        },
        "images": {im["image"]: im for im in images},
    }


# Random cases

GRID = 1.0 / 256  # coordinates on a dyadic grid: exact in JSON and in the store


def snap(v):
    return round(v / GRID) * GRID


def random_box(rng, size=200.0):
    w, h = rng.uniform(4, 60), rng.uniform(4, 60)
    x, y = rng.uniform(0, size - w), rng.uniform(0, size - h)
    return [snap(x), snap(y), snap(x + w), snap(y + h)]


def star_polygon(rng, cx, cy, r, n=None):
    n = n or rng.randint(3, 9)
    angles = sorted(rng.uniform(0, 2 * math.pi) for _ in range(n))
    # Distinct angles, or the ring may fold on itself.
    angles = [a + k * 1e-3 for k, a in enumerate(angles)]
    flat = []
    for a in angles:
        rr = r * rng.uniform(0.5, 1.0)
        flat += [snap(cx + rr * math.cos(a)), snap(cy + rr * math.sin(a))]
    return flat


def random_shape(rng, categories):
    cat = rng.choice(categories)
    kind = rng.random()
    if kind < 0.5:
        return {"category": cat, "box": random_box(rng)}
    cx, cy, r = rng.uniform(30, 170), rng.uniform(30, 170), rng.uniform(5, 30)
    parts = [star_polygon(rng, cx, cy, r)]
    if kind > 0.85:  # multi-part: a second part near by, sometimes overlapping
        parts.append(star_polygon(rng, cx + rng.uniform(-r, 2 * r), cy + rng.uniform(-r, r), r * 0.6))
    return {"category": cat, "polygon": parts}


def jitter(rng, shape, amount):
    out = {"category": shape["category"]}
    if "box" in shape:
        x0, y0, x1, y1 = shape["box"]
        w, h = x1 - x0, y1 - y0
        nx0, ny0 = x0 + rng.uniform(-amount, amount) * w, y0 + rng.uniform(-amount, amount) * h
        nx1, ny1 = x1 + rng.uniform(-amount, amount) * w, y1 + rng.uniform(-amount, amount) * h
        nx0, nx1 = min(nx0, nx1), max(nx0, nx1)
        ny0, ny1 = min(ny0, ny1), max(ny0, ny1)
        out["box"] = [snap(nx0), snap(ny0), snap(max(nx1, nx0 + 1.5)), snap(max(ny1, ny0 + 1.5))]
    else:
        x0, y0, x1, y1 = bbox(shape)
        scale = max(x1 - x0, y1 - y0)
        out["polygon"] = [[snap(v + rng.uniform(-amount, amount) * scale) for v in part]
                          for part in shape["polygon"]]
    return out


def as_box(shape):
    x0, y0, x1, y1 = bbox(shape)
    return {"category": shape["category"], "box": [x0, y0, max(x1, x0 + 1), max(y1, y0 + 1)]}


def annotate(rng, gold, categories, skill):
    """One annotator's answer to the gold shapes: jittered, some missed,
    some relabelled, some doubled, some extra, some boxes for polygons."""
    out = []
    for shape in gold:
        r = rng.random()
        if r < 0.1 * skill:
            continue  # missed
        s = jitter(rng, shape, rng.choice([0.0, 0.02, 0.1, 0.3]) * skill)
        if rng.random() < 0.1 * skill:
            s["category"] = rng.choice(categories)
        if rng.random() < 0.15 and "polygon" in s:
            s = as_box(s)
        out.append(s)
        if rng.random() < 0.05 * skill:
            out.append(jitter(rng, shape, 0.05))  # duplicate
    for _ in range(rng.choice([0, 0, 0, 1, 2])):
        out.append(random_shape(rng, categories))  # extra
    rng.shuffle(out)
    return out


def special_case(rng, categories, kind):
    c0, c1 = categories[0], categories[1]
    if kind == "touching":
        a = {"category": c0, "box": [10.0, 10.0, 50.0, 50.0]}
        b = {"category": c0, "box": [50.0, 10.0, 90.0, 50.0]}
        p = {"category": c0, "polygon": [[50.0, 10.0, 90.0, 10.0, 90.0, 50.0]]}
        return [a], [b, p]
    if kind == "nested":
        big = {"category": c0, "box": [10.0, 10.0, 110.0, 110.0]}
        small = {"category": c0, "box": [40.0, 40.0, 80.0, 80.0]}
        inner = {"category": c1, "polygon": [[30.0, 30.0, 90.0, 30.0, 90.0, 90.0, 30.0, 90.0],
                                             [50.0, 50.0, 70.0, 50.0, 70.0, 70.0]]}
        return [big, small], [small, big, inner]
    if kind == "ties":
        # The same box twice in the answer, and two gold boxes the answer
        # sits between at equal IoU.
        g1 = {"category": c0, "box": [0.0, 0.0, 20.0, 20.0]}
        g2 = {"category": c0, "box": [10.0, 0.0, 30.0, 20.0]}
        mid = {"category": c0, "box": [5.0, 0.0, 25.0, 20.0]}
        dup = {"category": c0, "box": [100.0, 100.0, 140.0, 130.0]}
        return [g1, g2, dict(dup)], [mid, dup, dict(dup)]
    raise ValueError(kind)


def make_cases(seed, n_images):
    rng = random.Random(seed)
    categories = ["car", "person", "bicycle", "dog"]
    people = ["Ana", "Bo", "Chen", "Dee"]
    images = []
    for index in range(n_images):
        case = {"width": 200, "height": 200, "gold": None, "work": {}, "in_progress": {}}
        r = rng.random()
        if r < 0.05:
            kind = rng.choice(["touching", "nested", "ties"])
            gold, answer = special_case(rng, categories, kind)
            case["gold"] = gold
            case["work"][rng.choice(people)] = answer
            if rng.random() < 0.5:
                case["work"]["Dee"] = [jitter(rng, s, 0.05) for s in gold]
        elif r < 0.10:
            # Empty images: empty gold, empty answers, or both.
            case["gold"] = [] if rng.random() < 0.7 else [random_shape(rng, categories)]
            for name in rng.sample(people, rng.randint(1, 3)):
                case["work"][name] = [] if rng.random() < 0.6 else [random_shape(rng, categories)]
        else:
            truth = [random_shape(rng, categories) for _ in range(rng.randint(0, 8))]
            if r < 0.7:
                case["gold"] = truth
            for name in rng.sample(people, rng.choice([1, 1, 2, 2, 3])):
                case["work"][name] = annotate(rng, truth, categories, rng.choice([0.5, 1.0, 2.0]))
            if rng.random() < 0.1:
                # Work in progress never counts.
                left = [p for p in people if p not in case["work"]]
                if left:
                    case["in_progress"][rng.choice(left)] = annotate(rng, truth, categories, 1.0)
        images.append(case)
    return {"categories": categories, "people": people, "images": images}


# The model's errors (boxwood-cli quality model, export coco --hard-examples)

def reference_answer(case):
    """The answer a model is scored against: the gold answer of a gold
    image, else the accepted work, else None (not scored)."""
    if case["gold"] is not None:
        return case["gold"], None
    who = case.get("accepted")
    if who is not None:
        return case["work"][who], who
    return None, None


def model_report(cases, tau):
    """Per image F1 of the model's predictions against the reference
    answer, per category counts, and per (annotator, category) counts."""
    images = {}
    categories = {}
    people = {}
    unanswered = 0
    for index, case in enumerate(cases["images"]):
        predicted = case.get("model", [])
        reference, who = reference_answer(case)
        if reference is None:
            if case.get("model") is not None:
                unanswered += 1  # a model layer, even an empty one
            continue
        a_out, b_out = match(predicted, reference, tau)
        c = count(predicted, reference, a_out, b_out, categories)
        if who is not None:
            count(predicted, reference, a_out, b_out, people.setdefault(who, {}))
        denom = 2 * c["tp"] + c["fp"] + c["fn"]
        images["case-%d.png" % index] = {
            "tp": c["tp"], "fp": c["fp"], "fn": c["fn"],
            "f1": 2 * c["tp"] / denom if denom else None,
            "reference_shapes": len(reference), "predicted_shapes": len(predicted),
        }
    return {"images": images, "categories": categories, "people": people, "unanswered": unanswered}


def hard_examples(report, max_f1):
    """The images whose F1 is below max_f1; never one without an F1."""
    return sorted(path for path, im in report["images"].items()
                  if im["f1"] is not None and im["f1"] < max_f1)


def predict(rng, truth, categories):
    """A model's output: like an annotator, with its own habits."""
    out = annotate(rng, truth, categories, rng.choice([0.3, 1.0, 2.5]))
    if rng.random() < 0.1:
        out = [s for s in out if s["category"] != categories[0]]  # a blind spot
    return out


def make_model_cases(seed, n_images):
    """Images with a reference answer (gold, or one person's accepted
    work) or none, and a model's predictions or none, with the edge cases
    of hard examples: empty images, images with only predictions, only
    answers, and F1 exactly at 0.5 and 2/3."""
    rng = random.Random(seed)
    categories = ["car", "person", "bicycle", "dog"]
    people = ["Ana", "Bo", "Chen", "Dee"]
    images = []
    box = {"category": categories[0], "box": [10.0, 10.0, 50.0, 50.0]}
    far = {"category": categories[1], "box": [120.0, 120.0, 160.0, 150.0]}
    far2 = {"category": categories[2], "box": [60.0, 120.0, 90.0, 190.0]}
    for index in range(n_images):
        case = {"width": 200, "height": 200, "gold": None, "work": {}, "in_progress": {}}
        r = rng.random()
        who = rng.choice(people)
        if r < 0.04:
            # Empty: an empty answer, no predictions.
            case["work"][who] = []
            case["accepted"] = who
        elif r < 0.07:
            # Only predictions: the answer is empty (or gold and empty).
            if rng.random() < 0.5:
                case["gold"] = []
            else:
                case["work"][who] = []
                case["accepted"] = who
            case["model"] = [random_shape(rng, categories) for _ in range(rng.randint(1, 3))]
        elif r < 0.10:
            # Only answers: the model predicted nothing here.
            case["work"][who] = [random_shape(rng, categories) for _ in range(rng.randint(1, 4))]
            case["accepted"] = who
        elif r < 0.13:
            # F1 exactly 0.5 (1 TP, 1 FP, 1 FN) or 2/3 (1 TP, 1 FP).
            case["work"][who] = [dict(box), dict(far)] if rng.random() < 0.5 else [dict(box)]
            case["accepted"] = who
            case["model"] = [dict(box), dict(far2)]
        elif r < 0.16:
            # Predictions, no reference answer yet: not scored.
            truth = [random_shape(rng, categories) for _ in range(rng.randint(1, 4))]
            case["work"][who] = annotate(rng, truth, categories, 1.0)
            case["model"] = predict(rng, truth, categories)
        else:
            truth = [random_shape(rng, categories) for _ in range(rng.randint(0, 8))]
            if r < 0.4:
                case["gold"] = truth
                case["work"][who] = annotate(rng, truth, categories, 1.0)
            else:
                # Bo labels bicycles as dogs now and then: a habit the
                # model's disagreement should point at.
                work = annotate(rng, truth, categories, 0.5)
                if who == "Bo":
                    work = [dict(s, category="dog") if s["category"] == "bicycle" and rng.random() < 0.7
                            else s for s in work]
                case["work"][who] = work
                case["accepted"] = who
            if rng.random() < 0.9:
                case["model"] = predict(rng, truth, categories)
        images.append(exportable(case))
    return {"categories": categories, "people": people, "images": images}


def exportable(case):
    """The case without shapes a COCO file could not hold as they are
    (outside the image; polygons of several parts or too small for six
    digits of area, or folded on themselves, whose area coco_check.py
    computes its own way),
    so that exports of it pass coco_check.py."""
    def keep(shape):
        x0, y0, x1, y1 = bbox(shape)
        if x0 < 0 or y0 < 0 or x1 > case["width"] or y1 > case["height"]:
            return False
        if "box" in shape:
            return True
        flat = shape["polygon"][0]
        ring = Polygon([(flat[k], flat[k + 1]) for k in range(0, len(flat), 2)])
        return len(shape["polygon"]) == 1 and ring.is_valid and ring.area >= 20.0

    for key in ("work", "in_progress"):
        case[key] = {who: [s for s in shapes if keep(s)] for who, shapes in case[key].items()}
    for key in ("gold", "model"):
        if case.get(key) is not None:
            case[key] = [s for s in case[key] if keep(s)]
    return case


# Calibration rounds (boxwood-cli calibration report)

def image_units(layers, tau):
    """The objects of one image: for each, each annotator's shape index or
    None (the same grouping as image_alpha)."""
    n = len(layers)
    units = []
    for k, shapes in enumerate(layers):
        free = [True] * len(shapes)
        for e in range(k):
            candidates = {units[u][e]: u for u in range(len(units))
                          if units[u][e] is not None and units[u][k] is None}
            if not candidates:
                continue
            pairs = {}
            for i in range(len(shapes)):
                for s in candidates:
                    v = iou(shapes[i], layers[e][s])
                    if free[i] and v >= tau:
                        pairs[i, s] = v
            for i, (s, _) in assign(pairs).items():
                units[candidates[s]][k] = i
                free[i] = False
        for i in range(len(shapes)):
            if free[i]:
                unit = [None] * n
                unit[k] = i
                units.append(unit)
    return units


def calibration_round(images, tau):
    """images: for each image of a round, the answers handed in, as a list
    of shape lists in person order. The round's pooled alpha, per category
    alpha (over the objects someone gave that category) and pairwise
    counts, and each image's alpha."""
    pooled = []
    per_category = {}
    pair_counts = {}
    total_pairs = new_counts()
    image_alphas = []
    for layers in images:
        if len(layers) < 2:
            image_alphas.append(None)
            continue
        for x in range(len(layers)):
            for y in range(x + 1, len(layers)):
                a_out, b_out = match(layers[y], layers[x], tau)
                add_counts(total_pairs, count(layers[y], layers[x], a_out, b_out, pair_counts))
        values = []
        for unit in image_units(layers, tau):
            row = [layers[k][s]["category"] if s is not None else "\0nothing" for k, s in enumerate(unit)]
            values.append(row)
            for cat in set(v for v in row if v != "\0nothing"):
                per_category.setdefault(cat, []).append(row)
        pooled += values
        image_alphas.append(krippendorff_nominal(values) if values else None)
    categories = {}
    for cat in set(per_category) | set(pair_counts):
        c = pair_counts.get(cat, new_counts())
        denom = 2 * c["tp"] + c["fp"] + c["fn"]
        categories[cat] = {
            "alpha": krippendorff_nominal(per_category[cat]) if cat in per_category else None,
            "units": len(per_category.get(cat, [])),
            "tp": c["tp"], "fp": c["fp"], "fn": c["fn"],
            "pairwise_f1": 2 * c["tp"] / denom if denom else None,
        }
    denom = 2 * total_pairs["tp"] + total_pairs["fp"] + total_pairs["fn"]
    return {
        "alpha": krippendorff_nominal(pooled) if pooled else None,
        "units": len(pooled),
        "pairwise_f1": 2 * total_pairs["tp"] / denom if denom else None,
        "categories": categories,
        "images": image_alphas,
    }


def make_calibration_cases(seed, sizes):
    """Calibration rounds of sizes[r] images each: every person of the
    round answers each image (some do not yet, or have only started),
    with empty images and images with a single answer among them."""
    rng = random.Random(seed)
    categories = ["car", "person", "bicycle", "dog"]
    people = ["Ana", "Bo", "Chen", "Dee"]
    rounds = [{"name": "Round %d" % (r + 1), "people": people[:3] if r == 0 else people}
              for r in range(len(sizes))]
    images = []
    for r, size in enumerate(sizes):
        members = rounds[r]["people"]
        for _ in range(size):
            case = {"width": 200, "height": 200, "gold": None, "work": {}, "in_progress": {}, "round": r}
            kind = rng.random()
            truth = [] if kind < 0.08 else [random_shape(rng, categories) for _ in range(rng.randint(1, 7))]
            for name in members:
                skill = {"Ana": 0.5, "Bo": 1.0, "Chen": 2.0, "Dee": 1.0}[name] / (r + 1)
                if kind > 0.08 and kind < 0.14 and name != members[0]:
                    continue  # a single answer so far
                if rng.random() < 0.08:
                    case["in_progress"][name] = annotate(rng, truth, categories, skill)
                    continue
                case["work"][name] = annotate(rng, truth, categories, skill)
            images.append(exportable(case))
    return {"categories": categories, "people": people, "rounds": rounds, "images": images}
