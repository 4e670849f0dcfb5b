#!/usr/bin/env python3
# test-cli-untrusted.py — boxwood-cli against hostile input and bad luck:
# symbolic links out of the image folder, huge and unprintable names,
# Ctrl+C during an import, kill -9 during an export, a full disk, a folder
# where a project should be, damaged rows in a project (TAP output).
#
# SPDX-License-Identifier: GPL-3.0-or-later

import importlib.util
import json
import os
import resource
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.environ.get("G_TEST_SRCDIR", HERE)

# The helpers of the interchange tests: png(), run(), labelme(), shape().
_spec = importlib.util.spec_from_file_location("interchange", os.path.join(SRCDIR, "test-cli-interchange.py"))
ic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ic)
CLI = ic.CLI
run = ic.run
png = ic.png

tests = []


def test(func):
    tests.append(func)
    return func


def counts(project):
    db = sqlite3.connect(project)
    try:
        return (db.execute("SELECT count(*) FROM images").fetchone()[0],
                db.execute("SELECT count(*) FROM annotations").fetchone()[0])
    finally:
        db.close()


def project_with_image(d, w=100, h=90):
    project = os.path.join(d, "p.boxwood")
    run("create", project)
    png(os.path.join(d, "images", "a.png"), w, h)
    return project


def coco(path, file_name, annotations, w=100, h=90):
    with open(path, "w") as f:
        json.dump({"images": [{"id": 1, "file_name": file_name, "width": w, "height": h}],
                   "categories": [{"id": 1, "name": "thing"}],
                   "annotations": annotations}, f)


@test
def symlink_out_of_images_folder(d):
    """--images DIR promises nothing outside DIR is read: a link inside DIR
    to an image outside is refused like ../ (COCO and labelme)."""
    project = project_with_image(d)
    outside = os.path.join(d, "outside")
    png(os.path.join(outside, "secret.png"), 100, 90, seed=5)
    os.symlink(os.path.join(outside, "secret.png"), os.path.join(d, "images", "link.png"))
    os.symlink(outside, os.path.join(d, "images", "linkdir"))
    before = counts(project)

    for name in ("link.png", "linkdir/secret.png"):
        coco(os.path.join(d, "in.json"), name, [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4]}])
        p = run("import", "coco", project, os.path.join(d, "in.json"), "--images", os.path.join(d, "images"),
                expect=1)
        ic.check_one_line_error(p, name, "outside the image folder")
        assert counts(project) == before

    ic.labelme(os.path.join(d, "images", "l.json"), "link.png", 100, 90,
               [ic.shape("x", [[1, 1], [50, 1], [50, 50]])])
    p = run("import", "labelme", project, os.path.join(d, "images"), expect=1)
    ic.check_one_line_error(p, "link.png", "outside the image folder")
    assert counts(project) == before

    # A link that stays inside is followed.
    os.unlink(os.path.join(d, "images", "l.json"))
    os.symlink("a.png", os.path.join(d, "images", "inside.png"))
    coco(os.path.join(d, "in.json"), "inside.png", [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4]}])
    run("import", "coco", project, os.path.join(d, "in.json"), "--images", os.path.join(d, "images"))
    assert counts(project) == (1, 1)


@test
def names_in_errors_are_short_and_one_line(d):
    """An error quoting a 5 MB name prints a short one; a newline or an
    escape sequence in a name is written escaped, so errors stay one line."""
    project = project_with_image(d)
    ann = [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4]}]

    huge = "../" + "x" * (5 << 20) + ".png"
    coco(os.path.join(d, "huge.json"), huge, ann)
    p = run("import", "coco", project, os.path.join(d, "huge.json"), "--images", os.path.join(d, "images"),
            expect=1)
    ic.check_one_line_error(p, "outside the image folder", "…")
    assert len(p.stderr) < 2000, len(p.stderr)

    for name in ("../a\nb.png", "../a\x1b[31mred.png"):
        coco(os.path.join(d, "nl.json"), name, ann)
        p = run("import", "coco", project, os.path.join(d, "nl.json"), "--images", os.path.join(d, "images"),
                expect=1)
        ic.check_one_line_error(p, "outside the image folder")
        assert "\x1b" not in p.stderr
    coco(os.path.join(d, "nl.json"), "../a\nb.png", ann)
    p = run("import", "coco", project, os.path.join(d, "nl.json"), "--images", os.path.join(d, "images"),
            expect=1)
    assert "a\\nb.png" in p.stderr, p.stderr

    # A category named with 5 MB.
    with open(os.path.join(d, "cat.json"), "w") as f:
        json.dump({"images": [{"id": 1, "file_name": "a.png", "width": 100, "height": 90}],
                   "categories": [{"id": 1, "name": "c" * (5 << 20)}], "annotations": ann}, f)
    p = run("import", "coco", project, os.path.join(d, "cat.json"), "--images", os.path.join(d, "images"),
            expect=1)
    ic.check_one_line_error(p, "cat.json", "…")
    assert len(p.stderr) < 2000, len(p.stderr)

    # The JSON file's own name too.
    bad = os.path.join(d, "bad\nname.json")
    with open(bad, "w") as f:
        f.write("{")
    p = run("import", "coco", project, bad, "--images", os.path.join(d, "images"), expect=1)
    ic.check_one_line_error(p, "bad\\nname.json")

    # A taxonomy with a 5 MB name given twice.
    name = "n" * (5 << 20)
    with open(os.path.join(d, "tax.json"), "w") as f:
        json.dump({"categories": [{"name": name}, {"name": name.upper()}]}, f)
    p = run("taxonomy", "import", project, os.path.join(d, "tax.json"), expect=1)
    ic.check_one_line_error(p, "tax.json")
    assert len(p.stderr) < 2000, len(p.stderr)


def big_coco(path, n_annotations, file_name="a.png"):
    with open(path, "w") as f:
        f.write('{"images": [{"id": 1, "file_name": "%s", "width": 100, "height": 90}],'
                ' "categories": [{"id": 1, "name": "thing"}], "annotations": [' % file_name)
        for i in range(n_annotations):
            f.write('%s{"id": %d, "image_id": 1, "category_id": 1, "bbox": [%d, %d, %d, %d]}'
                    % ("," if i else "", i + 1, i % 50, (i // 50) % 40, 1 + i % 37, 1 + i % 41))
        f.write("]}")


def wait_for(condition, what, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.01)


def has_open(pid, path):
    try:
        return any(os.path.realpath(os.path.join("/proc/%d/fd" % pid, fd)) == os.path.realpath(path)
                   for fd in os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return False


@test
def import_coco_ctrl_c(d):
    """Ctrl+C during import coco stops it: exit 130, nothing imported."""
    project = project_with_image(d)
    big = os.path.join(d, "big.json")
    big_coco(big, 400000)
    before = counts(project)

    proc = subprocess.Popen([CLI, "import", "coco", project, big, "--images", os.path.join(d, "images")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: has_open(proc.pid, big) or proc.poll() is not None, "the import to read its file")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (proc.returncode, out, err)
    assert "interrupted" in err, err
    assert counts(project) == before


@test
def export_after_kill_cleans_temporary(d):
    """kill -9 during an export leaves its hidden temporary file; the next
    export to that folder removes it (and leaves other files alone)."""
    project = project_with_image(d)
    big = os.path.join(d, "big.json")
    big_coco(big, 300000)
    run("import", "coco", project, big, "--images", os.path.join(d, "images"))
    out_dir = os.path.join(d, "out")
    os.mkdir(out_dir)
    other = os.path.join(out_dir, ".other.json.0badf00d.tmp")
    with open(other, "w") as f:
        f.write("not ours")

    def temporaries():
        return [n for n in os.listdir(out_dir) if n.endswith(".tmp") and n != os.path.basename(other)]

    proc = subprocess.Popen([CLI, "export", "coco", "--status", "all", project, os.path.join(out_dir, "out.json")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: temporaries() or proc.poll() is not None, "the export's temporary file")
    proc.kill()
    proc.wait()
    left = temporaries()
    assert len(left) == 1 and "boxwood" in left[0], left
    assert not os.path.exists(os.path.join(out_dir, "out.json"))
    # As if it were an hour ago.
    stale = os.path.join(out_dir, left[0])
    os.utime(stale, (time.time() - 3600, time.time() - 3600))

    run("export", "coco", "--status", "all", project, os.path.join(out_dir, "out.json"))
    assert temporaries() == [], temporaries()
    assert os.path.exists(other)
    with open(os.path.join(out_dir, "out.json")) as f:
        assert len(json.load(f)["annotations"]) == 300000


def limit_file_size(size):
    def apply():
        # A write past the limit fails with EFBIG, as on a full disk.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return apply


@test
def yolo_export_disk_full_leaves_nothing(d):
    """A YOLO export that fails for lack of space leaves no folder behind."""
    project = project_with_image(d)
    big = os.path.join(d, "big.json")
    big_coco(big, 20000)
    run("import", "coco", project, big, "--images", os.path.join(d, "images"))
    out = os.path.join(d, "yolo")

    p = subprocess.run([CLI, "export", "yolo", "--status", "all", project, out], capture_output=True, text=True,
                       preexec_fn=limit_file_size(64 * 1024))
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    assert not os.path.exists(out), os.listdir(out)

    # A folder that was there stays, and holds nothing new.
    os.mkdir(out)
    p = subprocess.run([CLI, "export", "yolo", "--status", "all", project, out], capture_output=True, text=True,
                       preexec_fn=limit_file_size(64 * 1024))
    assert p.returncode == 1
    assert os.listdir(out) == [], os.listdir(out)


@test
def project_that_is_not_a_file(d):
    """A folder or a FIFO named like a project is "not a file", not missing."""
    path = os.path.join(d, "x.boxwood")
    os.mkdir(path)
    p = run("info", path, expect=1)
    ic.check_one_line_error(p, "x.boxwood", "not a file")
    os.rmdir(path)
    os.mkfifo(path)
    p = run("info", path, expect=1)
    ic.check_one_line_error(p, "x.boxwood", "not a file")


def damage(project, sql):
    db = sqlite3.connect(project)
    db.execute(sql)
    db.commit()
    db.close()


@test
def export_skips_damaged_rows(d):
    """A damaged stored shape (too many points, +Inf, NaN) is named, left
    out and counted; the export goes on and exits 0."""
    project = project_with_image(d)
    coco(os.path.join(d, "in.json"), "a.png",
         [{"id": i, "image_id": 1, "category_id": 1, "bbox": [i, i, 10, 10]} for i in range(1, 6)]
         + [{"id": 6, "image_id": 1, "category_id": 1, "segmentation": [[10, 10, 50, 10, 50, 50]]}])
    run("import", "coco", project, os.path.join(d, "in.json"), "--images", os.path.join(d, "images"))

    db = sqlite3.connect(project)
    ids = [r[0] for r in db.execute("SELECT id FROM annotations ORDER BY id")]
    db.close()
    n = (1 << 20) + 1
    blob = struct.pack("<II", 1, n) + struct.pack("<dd", 1.0, 1.0) * n
    damage(project, "UPDATE annotations SET kind = 1, parts = x'%s' WHERE id = %d" % (blob.hex(), ids[0]))
    damage(project, "UPDATE annotations SET x1 = 9e999 WHERE id = %d" % ids[1])
    nan_blob = struct.pack("<II", 1, 3) + struct.pack("<dddddd", 1, 1, float("nan"), 5, 9, 9)
    damage(project, "UPDATE annotations SET parts = x'%s' WHERE id = %d" % (nan_blob.hex(), ids[5]))

    out = os.path.join(d, "out.json")
    p = run("export", "coco", "--status", "all", project, out)
    with open(out) as f:
        doc = json.load(f)
    assert sorted(a["id"] for a in doc["annotations"]) == sorted(ids[2:5]), doc["annotations"]
    warnings = [l for l in p.stderr.splitlines() if "left out" in l]
    assert len(warnings) == 4, p.stderr
    for i in (ids[0], ids[1], ids[5]):
        assert any(("annotation %d " % i) in l and "a.png" in l for l in warnings), (i, p.stderr)
    assert "3 annotations with damaged geometry were left out" in p.stderr, p.stderr
    for a in doc["annotations"]:
        assert a["bbox"][2] > 0 and a["bbox"][3] > 0

    p = run("export", "yolo", "--status", "all", project, os.path.join(d, "yolo"))
    assert "3 annotations with damaged geometry were left out" in p.stderr, p.stderr


def main():
    print("1..%d" % len(tests))
    failed = 0
    for i, func in enumerate(tests, 1):
        d = tempfile.mkdtemp(prefix="bw-test-cli-untrusted-")
        try:
            func(d)
            print("ok %d /cli/untrusted/%s" % (i, func.__name__.replace("_", "-")))
        except Exception:
            failed += 1
            print("not ok %d /cli/untrusted/%s" % (i, func.__name__.replace("_", "-")))
            for line in traceback.format_exc().splitlines():
                print("# " + line)
        finally:
            shutil.rmtree(d, ignore_errors=True)
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
