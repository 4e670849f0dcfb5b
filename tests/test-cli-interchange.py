#!/usr/bin/env python3
# test-cli-interchange.py — boxwood-cli export coco|yolo, import coco|labelme,
# end to end on the real program (TAP output).
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import traceback
import zlib

CLI = os.environ.get("BOXWOOD_CLI", "boxwood-cli")
HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(os.environ.get("G_TEST_SRCDIR", HERE), "coco_check.py")

tests = []


def test(func):
    tests.append(func)
    return func


def png(path, w, h, seed=0):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    raw = b"".join(b"\x00" + bytes(((x * 7 + y * 3 + seed) % 256) for x in range(w) for _ in range(3))
                   for y in range(h))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n"
                + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def run(*args, expect=0):
    p = subprocess.run([CLI] + [str(a) for a in args], capture_output=True, text=True)
    if p.returncode != expect:
        raise AssertionError("%s: exit %d, expected %d\nstdout: %s\nstderr: %s"
                             % (" ".join(map(str, args)), p.returncode, expect, p.stdout, p.stderr))
    return p


def check_one_line_error(p, *needles):
    lines = p.stderr.strip().split("\n")
    assert len(lines) == 1, "expected one line on stderr, got %r" % p.stderr
    assert lines[0].startswith("boxwood-cli: "), lines[0]
    for n in needles:
        assert n in lines[0], "%r not in %r" % (n, lines[0])


def coco_check(*files, images_root=None):
    args = [sys.executable, CHECK]
    if images_root:
        args += ["--images-root", images_root]
    p = subprocess.run(args + list(files), capture_output=True, text=True)
    assert p.returncode == 0, "coco_check: " + p.stderr
    return json.loads(p.stdout)


def labelme(path, image_path, w, h, shapes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump({"version": "5.2.1", "flags": {}, "imagePath": image_path, "imageData": None,
                   "imageWidth": w, "imageHeight": h, "shapes": shapes}, f)


def shape(label, points, kind="polygon", group=None):
    return {"label": label, "points": points, "shape_type": kind, "group_id": group, "flags": {}}


def make_dataset(d):
    """Two images annotated in labelme; returns the project path."""
    png(os.path.join(d, "data/images/a.png"), 64, 48)
    png(os.path.join(d, "data/images/sub/b.png"), 80, 60, 1)
    labelme(os.path.join(d, "data/ann/a.json"), "../images/a.png", 64, 48, [
        shape("cat", [[1, 2], [30.5, 40]], "rectangle"),
        shape("dog", [[5, 5], [20, 5], [12, 20]], "polygon", 1),
        shape("dog", [[30, 30], [40, 30], [40, 40], [30, 40]], "polygon", 1),
        shape("dog", [[50, 5], [60, 15]], "rectangle", 2),
        shape("cat", [[10, 10], [12, 12]], "circle"),
        shape("cat", [[1, 1]], "point"),
    ])
    labelme(os.path.join(d, "data/ann/sub/b.json"), "../../images/sub/b.png", 80, 60, [
        shape("bird", [[1, 2], [30, 40], [50, 10]]),
    ])
    project = os.path.join(d, "p.boxwood")
    run("create", project)
    return project


def coco_summary(path):
    """Annotations by image file name, comparable across projects."""
    with open(path) as f:
        data = json.load(f)
    cats = {c["id"]: c["name"] for c in data["categories"]}
    images = {i["id"]: i["file_name"] for i in data["images"]}
    out = []
    for a in data["annotations"]:
        out.append((images[a["image_id"]], cats[a["category_id"]],
                    [round(v, 4) for v in a["bbox"]],
                    [[round(v, 4) for v in part] for part in a["segmentation"]]))
    return sorted(out)


@test
def help_and_usage(d):
    for args in (["export", "--help"], ["export", "coco", "--help"], ["export", "yolo", "--help"],
                 ["import", "coco", "--help"], ["import", "labelme", "--help"]):
        p = run(*args)
        assert "Usage" in p.stdout or "Usage" in p.stderr
    for args in (["export"], ["export", "pdf", "a", "b"], ["export", "coco", "p.boxwood"],
                 ["export", "coco", "p", "o.json", "--split", "train=0.8,fold=0.2"],
                 ["export", "coco", "p", "o.json", "--seed", "4"],
                 ["import", "coco", "p", "f.json"],
                 ["import", "coco", "p", "f.json", "--images", d, "--min-score", "0.5"],
                 ["import", "labelme", "p"]):
        p = run(*args, expect=2)
        check_one_line_error(p)
    p = run("export", "coco", os.path.join(d, "missing.boxwood"), os.path.join(d, "o.json"), expect=1)
    check_one_line_error(p, "missing.boxwood")


@test
def labelme_import_groups_and_counts(d):
    project = make_dataset(d)
    p = run("import", "labelme", project, os.path.join(d, "data"))
    line = p.stdout.strip()
    # cat box, dog 2-part polygon, dog box (group 2 alone), bird polygon.
    assert line.startswith("4 annotations imported (2 boxes, 2 polygons)"), line
    assert "2 added" in line and "3 new categories" in line, line
    assert "2 shapes of other kinds skipped" in line, line

    # Twice: nothing more.
    p = run("import", "labelme", project, os.path.join(d, "data"))
    assert p.stdout.startswith("0 annotations imported"), p.stdout
    assert "4 already in the project skipped" in p.stdout, p.stdout

    out = os.path.join(d, "out.json")
    run("export", "coco", project, out, "--status", "all")
    counts = coco_check(out)
    assert counts["annotations"] == 4 and counts["multipart"] == 1, counts
    summary = coco_summary(out)
    assert summary[0][0] == "data/images/a.png", summary
    dog = [s for s in summary if s[1] == "dog" and s[3]]
    assert len(dog) == 1 and len(dog[0][3]) == 2, dog


@test
def labelme_hostile_changes_nothing(d):
    project = make_dataset(d)
    run("import", "labelme", project, os.path.join(d, "data"))
    before = os.path.join(d, "before.json")
    run("export", "coco", project, before, "--status", "all")
    png(os.path.join(d, "outside.png"), 10, 10)
    cases = [
        ("escape.json", {"imagePath": "../outside.png", "shapes": []}, "leads outside the image folder"),
        ("absolute.json", {"imagePath": os.path.join(d, "outside.png"), "shapes": []}, "absolute path"),
        ("two-points.json", {"imagePath": "x.png", "shapes": [shape("cat", [[1, 1], [5, 5]])]},
         "a polygon needs at least 3 points"),
        ("wrong-type.json", {"imagePath": "x.png", "shapes": [{"label": 3, "points": []}]},
         "“label” must be a string, not a number"),
        ("nan.json", '{"imagePath": "x.png", "shapes": [{"label": "a", "points": [[NaN, 1]]}]}',
         "not valid JSON"),
        ("truncated.json", '{"imagePath": "x.png", "shapes": [{"label": "a", ', "not valid JSON"),
        ("deep.json", '{"imagePath": "x.png", "shapes": ' + "[" * 500 + "]" * 500 + "}",
         "nest deeper than"),
        ("points.json", {"imagePath": "x.png", "shapes": [shape("cat", [[1, 1], [5], [2, 9]])]},
         "point 2 is not"),
    ]
    sub = os.path.join(d, "hostile")
    os.makedirs(sub)
    png(os.path.join(sub, "x.png"), 20, 20)
    for name, doc, needle in cases:
        path = os.path.join(sub, name)
        with open(path, "w") as f:
            f.write(doc if isinstance(doc, str) else json.dumps(doc))
        # A good file first: it must be rolled back with the bad one.
        good = os.path.join(sub, "0-good.json")
        labelme(good, "x.png", 20, 20, [shape("cat", [[1, 1], [5, 1], [5, 5]])])
        p = run("import", "labelme", project, good, path, expect=1)
        check_one_line_error(p, name, needle)
        os.unlink(path)
        after = os.path.join(d, "after.json")
        run("export", "coco", project, after, "--status", "all", "--force")
        assert coco_summary(after) == coco_summary(before), name


@test
def coco_round_trip(d):
    project = make_dataset(d)
    run("import", "labelme", project, os.path.join(d, "data"))
    first = os.path.join(d, "first.json")
    run("export", "coco", project, first, "--status", "all")

    # A new project: the images are found on disk under --images.
    second_project = os.path.join(d, "q.boxwood")
    run("create", second_project)
    p = run("import", "coco", second_project, first, "--images", d)
    assert p.stdout.startswith("4 annotations imported"), p.stdout
    second = os.path.join(d, "second.json")
    run("export", "coco", second_project, second, "--status", "all")
    coco_check(second, images_root=d)
    assert coco_summary(second) == coco_summary(first)

    # Importing into a project missing those images, without the files.
    third_project = os.path.join(d, "elsewhere", "r.boxwood")
    os.makedirs(os.path.dirname(third_project))
    run("create", third_project)
    empty = os.path.join(d, "elsewhere")
    p = run("import", "coco", third_project, first, "--images", empty)
    assert "2 images not found (4 annotations skipped)" in p.stdout, p.stdout

    # Hostile file names.
    with open(first) as f:
        data = json.load(f)
    data["images"][0]["file_name"] = "../../etc/passwd"
    bad = os.path.join(d, "bad.json")
    with open(bad, "w") as f:
        json.dump(data, f)
    p = run("import", "coco", second_project, bad, "--images", d, expect=1)
    check_one_line_error(p, "bad.json", "leads outside the image folder")


@test
def coco_split_copy_and_predictions(d):
    project = make_dataset(d)
    run("import", "labelme", project, os.path.join(d, "data"))
    os.makedirs(os.path.join(d, "ds"))
    out = os.path.join(d, "ds", "instances.json")
    run("export", "coco", project, out, "--status", "all", "--split", "train=0.5,val=0.5", "--seed", "11",
        "--copy-images", os.path.join(d, "ds", "images"))
    files = [os.path.join(d, "ds", "instances_train.json"), os.path.join(d, "ds", "instances_val.json")]
    counts = coco_check(*files, images_root=os.path.join(d, "ds", "images"))
    assert counts["images"] == 2 and counts["files"] == 2, counts
    assert not os.path.exists(out)
    assert sorted(os.listdir(os.path.join(d, "ds"))) == ["images", "instances_train.json",
                                                          "instances_val.json"]

    # Predictions: ids are the project's, as in its export.
    with open(files[0]) as f:
        image_id = json.load(f)["images"][0]["id"]
    with open(os.path.join(d, "out.json"), "w"):
        pass
    single = os.path.join(d, "single.json")
    run("export", "coco", project, single, "--status", "all")
    with open(single) as f:
        cat_id = json.load(f)["categories"][0]["id"]
    preds = os.path.join(d, "preds.json")
    with open(preds, "w") as f:
        json.dump([{"image_id": image_id, "category_id": cat_id, "bbox": [1, 1, 10, 10], "score": 0.9},
                   {"image_id": image_id, "category_id": cat_id, "bbox": [2, 2, 10, 10], "score": 0.1}], f)
    p = run("import", "coco", project, preds, "--predictions", "--min-score", "0.5")
    assert p.stdout.startswith("1 annotations imported"), p.stdout
    assert "1 predictions under the minimum score skipped" in p.stdout, p.stdout
    # Model layers are not final answers: the export is unchanged.
    again = os.path.join(d, "again.json")
    run("export", "coco", project, again, "--status", "all")
    assert coco_summary(again) == coco_summary(single)


@test
def yolo_export(d):
    project = make_dataset(d)
    run("import", "labelme", project, os.path.join(d, "data"))
    out = os.path.join(d, "yolo")
    run("export", "yolo", project, out, "--status", "all")
    labels = sorted(os.path.relpath(os.path.join(r, f), out)
                    for r, _, fs in os.walk(out) for f in fs)
    assert labels == ["data.yaml", "labels/data/images/a.txt", "labels/data/images/sub/b.txt"], labels
    with open(os.path.join(out, "data.yaml")) as f:
        yaml = f.read()
    assert "nc: 3" in yaml and '0: "cat"' in yaml and '1: "dog"' in yaml and '2: "bird"' in yaml, yaml
    with open(os.path.join(out, "labels/data/images/a.txt")) as f:
        lines = [l.split() for l in f.read().splitlines()]
    assert len(lines) == 3, lines
    for l in lines:
        assert len(l) == 5 and l[0] in "012", l
        assert all(0 <= float(v) <= 1 for v in l[1:]), l
    # The cat rectangle (1,2)-(30.5,40) on 64 x 48.
    cat = [l for l in lines if l[0] == "0"][0]
    assert abs(float(cat[1]) - 15.75 / 64) < 1e-6 and abs(float(cat[4]) - 38 / 48) < 1e-6, cat

    # A second export into the same folder replaces its labels only when told.
    p = run("export", "yolo", project, out, "--status", "all", "--segmentation", expect=1)
    check_one_line_error(p, "data.yaml", "labels", "--force")
    run("export", "yolo", project, out, "--status", "all", "--segmentation", "--copy-images", "--force")
    with open(os.path.join(out, "labels/data/images/a.txt")) as f:
        seg = [l.split() for l in f.read().splitlines()]
    # The two-part dog is two segmentation lines; the boxes stay boxes.
    assert sorted(len(l) for l in seg) == [5, 5, 7, 9], seg
    assert os.path.isfile(os.path.join(out, "images/data/images/sub/b.png"))
    assert not [n for n in os.listdir(out) if n.startswith(".")], os.listdir(out)

    # Two images that would share a label file: the export fails and the
    # labels of the previous export stay as they were.
    with open(os.path.join(out, "labels/data/images/a.txt")) as f:
        previous = f.read()
    png(os.path.join(d, "data/images/a.jpg"), 64, 48, 7)
    # (A single file may only name images beside or below it.)
    labelme(os.path.join(d, "data/images/a2.json"), "a.jpg", 64, 48,
            [shape("cat", [[1, 1], [9, 9]], "rectangle")])
    run("import", "labelme", project, os.path.join(d, "data/images/a2.json"))
    p = run("export", "yolo", project, out, "--status", "all", "--force", expect=1)
    check_one_line_error(p, "would share the label file", "data/images/a.txt")
    with open(os.path.join(out, "labels/data/images/a.txt")) as f:
        assert f.read() == previous
    assert not [n for n in os.listdir(out) if n.startswith(".")], os.listdir(out)

    # A file where the folder should be: exit 1, one line.
    blocker = os.path.join(d, "blocker")
    open(blocker, "w").close()
    p = run("export", "yolo", project, blocker, "--status", "all", expect=1)
    check_one_line_error(p, "blocker")


@test
def export_status_and_overwrite(d):
    # Imported annotations are work in progress: by default an export takes
    # submitted and accepted work only, and says what it left out.
    project = make_dataset(d)
    run("import", "labelme", project, os.path.join(d, "data"))
    out = os.path.join(d, "default.json")
    p = run("export", "coco", project, out)
    assert "0 images, 0 annotations" in p.stdout, p.stdout
    assert "2 images whose work is not submitted yet were left out" in p.stdout, p.stdout
    assert "--status all" in p.stdout, p.stdout
    assert coco_check(out)["images"] == 0
    for args, images in ((["--status", "all"], 2), (["--status", "submitted"], 0),
                         (["--status", "accepted"], 0), (["--only-accepted"], 0)):
        o = os.path.join(d, "o-%s.json" % "-".join(a.strip("-") for a in args))
        p = run("export", "coco", project, o, *args)
        assert coco_check(o)["images"] == images, (args, p.stdout)
    p = run("export", "yolo", project, os.path.join(d, "y"))
    assert "2 images whose work is not submitted yet were left out" in p.stdout, p.stdout
    for args in (["--status", "finished"], ["--only-accepted", "--status", "all"]):
        p = run("export", "coco", project, os.path.join(d, "bad.json"), *args, expect=2)
        check_one_line_error(p, "--")
        assert not os.path.exists(os.path.join(d, "bad.json"))

    # An earlier export is never replaced without --force.
    earlier = os.path.join(d, "earlier.json")
    run("export", "coco", project, earlier, "--status", "all")
    with open(earlier, "rb") as f:
        kept = f.read()
    p = run("export", "coco", project, earlier, expect=1)
    check_one_line_error(p, "earlier.json", "exists already", "--force")
    with open(earlier, "rb") as f:
        assert f.read() == kept
    # Nor one of the files of a split.
    split = os.path.join(d, "ds.json")
    with open(os.path.join(d, "ds_val.json"), "w") as f:
        f.write("keep")
    p = run("export", "coco", project, split, "--split", "train=0.5,val=0.5", expect=1)
    check_one_line_error(p, "ds_val.json", "--force")
    assert not os.path.exists(os.path.join(d, "ds_train.json"))
    # With --force it is replaced.
    p = run("export", "coco", project, earlier, "--force")
    assert coco_check(earlier)["images"] == 0


def coco_file(path, images, annotations):
    """images: [(id, file_name, w, h)]; annotations: [(image_id, category, bbox | polygon)]."""
    names = sorted({a[1] for a in annotations} | {"cat", "dog"})
    cats = [{"id": k + 1, "name": n, "supercategory": ""} for k, n in enumerate(names)]
    anns = []
    for k, (image_id, cat, geom) in enumerate(annotations):
        a = {"id": k + 1, "image_id": image_id, "category_id": names.index(cat) + 1, "iscrowd": 0}
        if len(geom) == 4:
            a["bbox"], a["segmentation"], a["area"] = geom, [], geom[2] * geom[3]
        else:
            xs, ys = geom[0::2], geom[1::2]
            a["bbox"] = [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)]
            a["segmentation"], a["area"] = [geom], 1.0
        anns.append(a)
    with open(path, "w") as f:
        json.dump({"images": [{"id": i, "file_name": n, "width": w, "height": h} for i, n, w, h in images],
                   "categories": cats, "annotations": anns}, f)


@test
def coco_gold_and_work_scored(d):
    """import coco --gold, then --as NAME; boxwood-cli quality scores NAME
    against the gold answers, counted here by hand."""
    for k, name in enumerate("abc"):
        png(os.path.join(d, "img", name + ".png"), 100, 80, k)
    images = [(1, "a.png", 100, 80), (2, "b.png", 100, 80), (3, "c.png", 100, 80)]
    dog = [50, 10, 90, 10, 90, 50, 50, 50]
    coco_file(os.path.join(d, "gold.json"), images,
              [(1, "cat", [10, 10, 30, 20]), (1, "dog", dog), (2, "cat", [5, 5, 20, 20])])
    # a: the cat exactly, the dog called a cat; b: nothing (a missed cat);
    # c: a box where gold has nothing (extra). c's gold answer is empty.
    coco_file(os.path.join(d, "vendor.json"), images,
              [(1, "cat", [10, 10, 30, 20]), (1, "cat", dog), (3, "dog", [1, 1, 10, 10])])
    project = os.path.join(d, "q.boxwood")
    run("create", project)
    run("import", "coco", project, os.path.join(d, "gold.json"), "--images", os.path.join(d, "img"), "--gold")
    run("import", "coco", project, os.path.join(d, "vendor.json"), "--images", os.path.join(d, "img"),
        "--as", "Vendor Ltd")
    # The same file again without --as: a layer of nobody's, not scored.
    run("import", "coco", project, os.path.join(d, "vendor.json"), "--images", os.path.join(d, "img"))

    report = json.loads(run("quality", project, "--json").stdout)
    assert report["iou_threshold"] == 0.5, report["iou_threshold"]
    assert report["gold_images"] == 3, report["gold_images"]
    assert [a["annotator"] for a in report["annotators"]] == ["Vendor Ltd"], report["annotators"]
    v = report["annotators"][0]
    assert (v["images"], v["tp"], v["fp"], v["fn"]) == (3, 1, 2, 2), v
    assert v["errors"] == {"missed": 1, "extra": 1, "wrong_category": 1,
                           "poor_localisation": 0, "duplicate": 0}, v["errors"]
    assert v["precision"] == 1 / 3 and v["recall"] == 1 / 3 and v["accuracy"] == 1 / 5, v
    assert v["mean_iou"] == 1.0, v["mean_iou"]
    lo, hi = v["precision_interval"]
    assert 0 < lo < 1 / 3 < hi < 1, v["precision_interval"]
    cells = {(c["reference"], c["annotated"]): c["count"] for c in v["confusion"]}
    assert cells == {("cat", "cat"): 1, ("dog", "cat"): 1, ("cat", None): 1, (None, "dog"): 1}, cells

    # CSV by category: cat has the TP, the wrong-category FP and the missed FN.
    rows = run("quality", project, "--csv", "--by", "category").stdout.splitlines()
    header = rows[0].split(",")
    by_name = {r.split(",")[0]: dict(zip(header, r.split(","))) for r in rows[1:]}
    assert (by_name["cat"]["tp"], by_name["cat"]["fp"], by_name["cat"]["fn"]) == ("1", "1", "1"), by_name
    assert (by_name["dog"]["tp"], by_name["dog"]["fp"], by_name["dog"]["fn"]) == ("0", "1", "1"), by_name

    # A stricter threshold is used: the exact cat still matches.
    report = json.loads(run("quality", project, "--json", "--iou", "0.99").stdout)
    assert report["iou_threshold"] == 0.99 and report["annotators"][0]["tp"] == 1, report

    check_one_line_error(run("import", "coco", project, os.path.join(d, "gold.json"), "--images",
                             os.path.join(d, "img"), "--gold", "--as", "X", expect=2), "--gold", "--as")
    check_one_line_error(run("quality", project, "--iou", "0", expect=2), "--iou")
    check_one_line_error(run("quality", project, "--by", "week", expect=2), "--by", "week")


def main():
    print("1..%d" % len(tests))
    failed = 0
    for i, func in enumerate(tests, 1):
        d = tempfile.mkdtemp(prefix="bw-cli-interchange-")
        try:
            func(d)
            print("ok %d /cli/interchange/%s" % (i, func.__name__.replace("_", "-")))
        except Exception:
            failed += 1
            print("not ok %d /cli/interchange/%s" % (i, func.__name__.replace("_", "-")))
            for line in traceback.format_exc().splitlines():
                print("# " + line)
        finally:
            shutil.rmtree(d, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
