#!/usr/bin/env python3
# coco_check.py — check COCO instances files against the rules Boxwood
# promises, independently of the exporter (standard library only).
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   coco_check.py [--taxonomy ID=NAME,...] [--images-root DIR] FILE.json...
#
# Several files are the splits of one export: their categories must be the
# same and no image may be in two of them. Prints one JSON line of counts
# on success; exits 1 with "FILE: problem" lines otherwise.

import argparse
import json
import math
import os
import sys


class Problems:
    def __init__(self):
        self.lines = []

    def add(self, where, message):
        if len(self.lines) < 50:
            self.lines.append("%s: %s" % (where, message))


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def is_num(v):
    return (isinstance(v, (int, float)) and not isinstance(v, bool)
            and math.isfinite(v))


def shoelace(xs, ys):
    s = 0.0
    n = len(xs)
    for i in range(n):
        j = (i - 1) % n
        s += xs[j] * ys[i] - xs[i] * ys[j]
    return abs(s) / 2.0


def close(a, b, rel=1e-6, abs_tol=1e-6):
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)


def reject_constant(name):
    raise ValueError("not JSON: %s" % name)


def check_file(path, taxonomy, images_root, problems, counts):
    try:
        with open(path, "rb") as f:
            data = json.loads(f.read().decode("utf-8"),
                              parse_constant=reject_constant)
    except (OSError, ValueError) as e:
        problems.add(path, "cannot read: %s" % e)
        return None

    if not isinstance(data, dict):
        problems.add(path, "the top level is not an object")
        return None

    for key in ("info", "licenses", "images", "annotations", "categories"):
        if key not in data:
            problems.add(path, "no %r" % key)
    if problems.lines:
        return None
    if not isinstance(data["info"], dict):
        problems.add(path, "info is not an object")
    if not isinstance(data["licenses"], list):
        problems.add(path, "licenses is not a list")

    categories = {}
    names = set()
    for i, c in enumerate(data["categories"]):
        where = "%s: category %d" % (path, i)
        if not isinstance(c, dict):
            problems.add(where, "not an object")
            continue
        cid = c.get("id")
        if not is_int(cid) or cid < 1:
            problems.add(where, "id %r is not an integer >= 1" % (cid,))
            continue
        if cid in categories:
            problems.add(where, "duplicate id %d" % cid)
        name = c.get("name")
        if not isinstance(name, str) or not name:
            problems.add(where, "name %r is not a non-empty string" % (name,))
        elif name in names:
            problems.add(where, "duplicate name %r" % name)
        names.add(name)
        if not isinstance(c.get("supercategory"), str):
            problems.add(where, "supercategory is not a string")
        categories[cid] = name

    if taxonomy is not None:
        for cid, name in categories.items():
            if taxonomy.get(cid) != name:
                problems.add(path, "category %d is %r, the taxonomy says %r"
                             % (cid, name, taxonomy.get(cid)))

    images = {}
    for i, im in enumerate(data["images"]):
        where = "%s: image %d" % (path, i)
        if not isinstance(im, dict):
            problems.add(where, "not an object")
            continue
        iid = im.get("id")
        if not is_int(iid) or iid < 1:
            problems.add(where, "id %r is not an integer >= 1" % (iid,))
            continue
        if iid in images:
            problems.add(where, "duplicate id %d" % iid)
        w, h = im.get("width"), im.get("height")
        if not is_int(w) or not is_int(h) or w < 1 or h < 1:
            problems.add(where, "width/height %r x %r" % (w, h))
            continue
        fn = im.get("file_name")
        if not isinstance(fn, str) or not fn:
            problems.add(where, "file_name %r" % (fn,))
        elif images_root is not None:
            if os.path.isabs(fn) or ".." in fn.split("/"):
                problems.add(where, "file_name %r leaves the image root" % fn)
            elif not os.path.isfile(os.path.join(images_root, fn)):
                problems.add(where, "no file %r under %s" % (fn, images_root))
        images[iid] = (w, h)

    ann_ids = set()
    for i, a in enumerate(data["annotations"]):
        where = "%s: annotation %d" % (path, i)
        if not isinstance(a, dict):
            problems.add(where, "not an object")
            continue
        aid = a.get("id")
        if not is_int(aid) or aid < 1:
            problems.add(where, "id %r is not an integer >= 1" % (aid,))
        elif aid in ann_ids:
            problems.add(where, "duplicate id %d" % aid)
        ann_ids.add(aid)
        if a.get("image_id") not in images:
            problems.add(where, "image_id %r is not an image" % (a.get("image_id"),))
            continue
        if a.get("category_id") not in categories:
            problems.add(where, "category_id %r is not a category"
                         % (a.get("category_id"),))
        if a.get("iscrowd") != 0 or not is_int(a.get("iscrowd")):
            problems.add(where, "iscrowd is %r, not 0" % (a.get("iscrowd"),))
        bbox = a.get("bbox")
        if (not isinstance(bbox, list) or len(bbox) != 4
                or not all(is_num(v) for v in bbox)):
            problems.add(where, "bbox %r is not 4 finite numbers" % (bbox,))
            continue
        x, y, w, h = bbox
        if w <= 0 or h <= 0:
            problems.add(where, "bbox %r has no size" % (bbox,))
        iw, ih = images[a["image_id"]]
        if x < -1e-6 or y < -1e-6 or x + w > iw + 1e-6 or y + h > ih + 1e-6:
            problems.add(where, "bbox %r leaves the %dx%d image" % (bbox, iw, ih))
        area = a.get("area")
        if not is_num(area):
            problems.add(where, "area %r is not a finite number" % (area,))
            continue
        seg = a.get("segmentation")
        if not isinstance(seg, list):
            problems.add(where, "segmentation is %r, not a list" % (type(seg),))
            continue
        if not seg:
            counts["boxes"] += 1
            if not close(area, w * h):
                problems.add(where, "box area %r is not w*h = %r" % (area, w * h))
            continue
        counts["polygons"] += 1
        if len(seg) > 1:
            counts["multipart"] += 1
        total = 0.0
        xs_all, ys_all = [], []
        for p, part in enumerate(seg):
            if (not isinstance(part, list) or len(part) % 2 != 0
                    or not all(is_num(v) for v in part)):
                problems.add(where, "segmentation part %d is not x,y numbers" % p)
                break
            xs, ys = part[0::2], part[1::2]
            if len(set(zip(xs, ys))) < 3:
                problems.add(where, "segmentation part %d has fewer than 3 points" % p)
                break
            total += shoelace(xs, ys)
            xs_all += xs
            ys_all += ys
        else:
            if not close(area, total):
                problems.add(where, "polygon area %r is not the parts' area %r"
                             % (area, total))
            if not (close(min(xs_all), x) and close(min(ys_all), y)
                    and close(max(xs_all), x + w) and close(max(ys_all), y + h)):
                problems.add(where, "bbox %r does not bound the segmentation" % (bbox,))

    counts["images"] += len(images)
    counts["annotations"] += len(data["annotations"])
    counts["files"] += 1
    return categories, set(images)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--taxonomy", help="ID=NAME,... the project's categories")
    parser.add_argument("--images-root", help="every file_name must exist under it")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()

    taxonomy = None
    if args.taxonomy is not None:
        taxonomy = {}
        for item in args.taxonomy.split(","):
            k, _, v = item.partition("=")
            taxonomy[int(k)] = v

    problems = Problems()
    counts = {"files": 0, "images": 0, "annotations": 0, "boxes": 0,
              "polygons": 0, "multipart": 0}
    seen_images = {}
    first_categories = None
    for path in args.files:
        got = check_file(path, taxonomy, args.images_root, problems, counts)
        if got is None:
            continue
        categories, image_ids = got
        if first_categories is None:
            first_categories = categories
        elif categories != first_categories:
            problems.add(path, "categories differ from the other splits")
        for iid in image_ids:
            if iid in seen_images:
                problems.add(path, "image %d is also in %s" % (iid, seen_images[iid]))
            seen_images[iid] = path

    if problems.lines:
        for line in problems.lines:
            print(line, file=sys.stderr)
        return 1

    print(json.dumps(counts, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
