/* bw-project.c — a Boxwood project: one SQLite file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "bw-project"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <glib/gstdio.h>
#include <string.h>

#include "bw-project-export.h"
#include "bw-project-private.h"

#define DEFAULT_BUSY_TIMEOUT_MS 3000

G_DEFINE_FINAL_TYPE (BwProject, bw_project, G_TYPE_OBJECT)

static guint signals[BW_PROJECT_N_SIGNALS];

G_DEFINE_QUARK (bw-project-error-quark, bw_project_error)

/* Each entry brings the schema from version i to i + 1. Never edit a
 * released step: add a new one and bump BW_PROJECT_SCHEMA_VERSION. */
static const char *migrations[] = {
  /* 0 → 1: the whole data model of DESIGN.md. */
  "CREATE TABLE settings ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ");"
  "CREATE TABLE people ("
  "  id         INTEGER PRIMARY KEY,"
  "  name       TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length (trim (name)) > 0),"
  "  role       INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE images ("
  "  id           INTEGER PRIMARY KEY,"
  "  path         TEXT NOT NULL UNIQUE,"
  "  width        INTEGER NOT NULL CHECK (width > 0),"
  "  height       INTEGER NOT NULL CHECK (height > 0),"
  "  byte_size    INTEGER NOT NULL DEFAULT 0,"
  "  content_hash TEXT NOT NULL,"
  "  phash        INTEGER NOT NULL DEFAULT 0,"
  "  orientation  INTEGER NOT NULL DEFAULT 1,"
  "  status       INTEGER NOT NULL DEFAULT 0,"
  "  is_gold      INTEGER NOT NULL DEFAULT 0,"
  "  added_at     INTEGER NOT NULL"
  ");"
  "CREATE INDEX images_by_hash ON images (content_hash);"
  "CREATE INDEX images_by_status ON images (status);"
  "CREATE TABLE categories ("
  "  id            INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  name          TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length (trim (name)) > 0),"
  "  supercategory TEXT NOT NULL DEFAULT '',"
  "  color         TEXT NOT NULL,"
  "  hotkey        TEXT UNIQUE,"
  "  guideline     TEXT NOT NULL DEFAULT '',"
  "  position      INTEGER NOT NULL"
  ");"
  "CREATE TABLE layers ("
  "  id         INTEGER PRIMARY KEY,"
  "  image_id   INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,"
  "  person_id  INTEGER REFERENCES people (id) ON DELETE SET NULL,"
  "  kind       INTEGER NOT NULL DEFAULT 0,"
  "  status     INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX layers_by_image ON layers (image_id, kind, person_id);"
  "CREATE INDEX layers_by_person ON layers (person_id);"
  /* An image has at most one final answer. */
  "CREATE UNIQUE INDEX layers_one_accepted ON layers (image_id) WHERE status = 2;"
  "CREATE TABLE annotations ("
  "  id          INTEGER PRIMARY KEY,"
  "  layer_id    INTEGER NOT NULL REFERENCES layers (id) ON DELETE CASCADE,"
  "  category_id INTEGER NOT NULL REFERENCES categories (id),"
  "  kind        INTEGER NOT NULL,"
  "  x0          REAL NOT NULL,"
  "  y0          REAL NOT NULL,"
  "  x1          REAL NOT NULL,"
  "  y1          REAL NOT NULL,"
  "  parts       BLOB,"          /* polygons: see bw_shape_serialize_parts() */
  "  area        REAL NOT NULL,"
  "  source      INTEGER NOT NULL DEFAULT 0,"
  "  score       REAL NOT NULL DEFAULT 1.0,"
  "  created_at  INTEGER NOT NULL,"
  "  updated_at  INTEGER NOT NULL"
  ");"
  "CREATE INDEX annotations_by_layer ON annotations (layer_id);"
  "CREATE INDEX annotations_by_category ON annotations (category_id);"
  "CREATE TABLE reviews ("
  "  id            INTEGER PRIMARY KEY,"
  "  layer_id      INTEGER NOT NULL REFERENCES layers (id) ON DELETE CASCADE,"
  "  annotation_id INTEGER REFERENCES annotations (id) ON DELETE CASCADE,"
  "  reviewer_id   INTEGER REFERENCES people (id) ON DELETE SET NULL,"
  "  decision      INTEGER NOT NULL,"
  "  reason        INTEGER NOT NULL DEFAULT 0,"
  "  comment       TEXT NOT NULL DEFAULT '',"
  "  created_at    INTEGER NOT NULL"
  ");"
  "CREATE INDEX reviews_by_layer ON reviews (layer_id);",

  /* 1 → 2: one image per content. The check and the insert of an import
   * become one step (INSERT … ON CONFLICT DO NOTHING against a unique
   * index), so two imports running at once cannot both add a file.
   * Projects written before may hold exact duplicates from such a race:
   * they are kept, with their work, and the earliest copy stays the
   * image; each later copy points at it in duplicate_of, is left out of
   * the unique index, and is marked excluded unless work on it started. */
  "ALTER TABLE images ADD COLUMN duplicate_of INTEGER;"
  "UPDATE images SET duplicate_of = (SELECT min (o.id) FROM images o"
  "                                   WHERE o.content_hash = images.content_hash)"
  " WHERE id > (SELECT min (o.id) FROM images o WHERE o.content_hash = images.content_hash);"
  "UPDATE images SET status = 5 WHERE duplicate_of IS NOT NULL AND status = 0;"
  "CREATE UNIQUE INDEX images_one_per_content ON images (content_hash)"
  " WHERE duplicate_of IS NULL;",
  /* 2 → 3: "there is nothing to annotate here" is an answer of its own,
   * told apart from work handed in empty by mistake. */
  "ALTER TABLE layers ADD COLUMN no_objects INTEGER NOT NULL DEFAULT 0;",

  /* 3 → 4: a drawing order per annotation, for "bring to front" and "send
   * to back". Shapes are drawn by z, then by id, so 0 everywhere keeps
   * the order they had (creation order). */
  "ALTER TABLE annotations ADD COLUMN z INTEGER NOT NULL DEFAULT 0;"
  "CREATE INDEX annotations_by_layer_z ON annotations (layer_id, z);",

  /* 4 → 5: the review workflow (DESIGN.md, "The project file").
   *
   * Schema-1 rows map as follows. A person's work layer becomes their
   * annotate assignment, its status: in progress → in progress,
   * submitted → submitted, accepted → accepted, rejected → returned
   * (submitted once, unless in progress). A whole-layer review becomes
   * the reviewer's review assignment, accepted or returned. Every review
   * is kept under its id with its decision as the verdict (accept 0,
   * reject 1) and the old reason mapped to the default list: wrong label
   * → Wrong category, loose geometry → Box too loose, missed object →
   * Missed object, extra object → Extra object, other → Other. Every
   * annotation is version 1. Gold images show as gold; gold and model
   * layers stay as they are, without assignments. */
  "CREATE TABLE rejection_reasons ("
  "  id       INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  name     TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length (trim (name)) > 0),"
  "  hotkey   INTEGER UNIQUE CHECK (hotkey BETWEEN 1 AND 9),"
  "  position INTEGER NOT NULL,"
  /* A reason that reviews use is hidden rather than deleted. */
  "  hidden   INTEGER NOT NULL DEFAULT 0"
  ");"
  "INSERT INTO rejection_reasons (id, name, hotkey, position) VALUES"
  "  (1, 'Missed object', 1, 0), (2, 'Extra object', 2, 1), (3, 'Wrong category', 3, 2),"
  "  (4, 'Box too loose', 4, 3), (5, 'Box too tight', 5, 4), (6, 'Polygon inaccurate', 6, 5),"
  "  (7, 'Guideline not followed', 7, 6), (8, 'Other', 8, 7);"

  /* A review names an annotation version, which outlives the annotation:
   * no foreign key on annotation_id. implied_by: the layer verdict that
   * accepted this annotation with the rest of the layer. */
  "CREATE TABLE reviews_v2 ("
  "  id                 INTEGER PRIMARY KEY,"
  "  layer_id           INTEGER NOT NULL REFERENCES layers (id) ON DELETE CASCADE,"
  "  annotation_id      INTEGER,"
  "  annotation_version INTEGER,"
  "  reviewer_id        INTEGER REFERENCES people (id) ON DELETE SET NULL,"
  "  verdict            INTEGER NOT NULL,"
  "  reason_id          INTEGER REFERENCES rejection_reasons (id),"
  "  comment            TEXT NOT NULL DEFAULT '',"
  "  x                  REAL,"
  "  y                  REAL,"
  "  submission         INTEGER NOT NULL DEFAULT 0,"
  "  implied_by         INTEGER REFERENCES reviews_v2 (id) ON DELETE CASCADE,"
  "  created_at         INTEGER NOT NULL"
  ");"
  "INSERT INTO reviews_v2 (id, layer_id, annotation_id, annotation_version, reviewer_id, verdict,"
  "                        reason_id, comment, submission, created_at)"
  "  SELECT id, layer_id, annotation_id, CASE WHEN annotation_id IS NOT NULL THEN 1 END,"
  "         reviewer_id, decision,"
  "         CASE reason WHEN 1 THEN 3 WHEN 2 THEN 4 WHEN 3 THEN 1 WHEN 4 THEN 2 WHEN 5 THEN 8 END,"
  "         comment, 1, created_at"
  "  FROM reviews ORDER BY id;"
  "DROP TABLE reviews;"
  "ALTER TABLE reviews_v2 RENAME TO reviews;"
  "CREATE INDEX reviews_by_layer ON reviews (layer_id, submission);"
  "CREATE INDEX reviews_by_annotation ON reviews (annotation_id, annotation_version);"

  /* Annotation ids are never used twice (AUTOINCREMENT), so that a
   * review of a deleted annotation cannot come to name another. The row
   * is the current version; earlier versions are in annotation_versions.
   * author_id: who made this version when it is not the layer's owner
   * (a reviewer's fix). */
  "CREATE TABLE annotations_v2 ("
  "  id          INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  layer_id    INTEGER NOT NULL REFERENCES layers (id) ON DELETE CASCADE,"
  "  category_id INTEGER NOT NULL REFERENCES categories (id),"
  "  kind        INTEGER NOT NULL,"
  "  x0          REAL NOT NULL,"
  "  y0          REAL NOT NULL,"
  "  x1          REAL NOT NULL,"
  "  y1          REAL NOT NULL,"
  "  parts       BLOB,"
  "  area        REAL NOT NULL,"
  "  source      INTEGER NOT NULL DEFAULT 0,"
  "  score       REAL NOT NULL DEFAULT 1.0,"
  "  z           INTEGER NOT NULL DEFAULT 0,"
  "  version     INTEGER NOT NULL DEFAULT 1,"
  "  author_id   INTEGER REFERENCES people (id) ON DELETE SET NULL,"
  "  created_at  INTEGER NOT NULL,"
  "  updated_at  INTEGER NOT NULL"
  ");"
  "INSERT INTO annotations_v2 (id, layer_id, category_id, kind, x0, y0, x1, y1, parts, area,"
  "                            source, score, z, created_at, updated_at)"
  "  SELECT id, layer_id, category_id, kind, x0, y0, x1, y1, parts, area,"
  "         source, score, z, created_at, updated_at"
  "  FROM annotations ORDER BY id;"
  "DROP TABLE annotations;"
  "ALTER TABLE annotations_v2 RENAME TO annotations;"
  "CREATE INDEX annotations_by_layer ON annotations (layer_id);"
  "CREATE INDEX annotations_by_category ON annotations (category_id);"
  "CREATE INDEX annotations_by_layer_z ON annotations (layer_id, z);"

  /* Versions that were replaced or deleted; valid from created_at until
   * superseded_at. No foreign key on category_id: the taxonomy may drop
   * a category that history still names. */
  "CREATE TABLE annotation_versions ("
  "  annotation_id INTEGER NOT NULL,"
  "  version       INTEGER NOT NULL,"
  "  layer_id      INTEGER NOT NULL REFERENCES layers (id) ON DELETE CASCADE,"
  "  category_id   INTEGER NOT NULL,"
  "  kind          INTEGER NOT NULL,"
  "  x0            REAL NOT NULL,"
  "  y0            REAL NOT NULL,"
  "  x1            REAL NOT NULL,"
  "  y1            REAL NOT NULL,"
  "  parts         BLOB,"
  "  area          REAL NOT NULL,"
  "  source        INTEGER NOT NULL,"
  "  score         REAL NOT NULL,"
  "  author_id     INTEGER REFERENCES people (id) ON DELETE SET NULL,"
  "  created_at    INTEGER NOT NULL,"
  "  superseded_at INTEGER NOT NULL,"
  "  deleted       INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (annotation_id, version)"
  ");"
  "CREATE INDEX annotation_versions_by_layer ON annotation_versions (layer_id);"

  /* submissions: how many times the work was handed in; the audit
   * sample and the reviews name the submission they belong to. */
  "CREATE TABLE assignments ("
  "  id           INTEGER PRIMARY KEY,"
  "  image_id     INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,"
  "  person_id    INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,"
  "  task         INTEGER NOT NULL,"
  "  status       INTEGER NOT NULL DEFAULT 0,"
  "  layer_id     INTEGER REFERENCES layers (id) ON DELETE SET NULL,"
  "  submissions  INTEGER NOT NULL DEFAULT 0,"
  "  created_at   INTEGER NOT NULL,"
  "  started_at   INTEGER,"
  "  submitted_at INTEGER,"
  "  finished_at  INTEGER,"
  "  UNIQUE (image_id, person_id, task)"
  ");"
  "CREATE INDEX assignments_by_status ON assignments (task, status, submitted_at);"
  "CREATE INDEX assignments_by_person ON assignments (person_id, task, status);"
  "CREATE INDEX assignments_by_layer ON assignments (layer_id);"
  "INSERT INTO assignments (image_id, person_id, task, status, layer_id, submissions,"
  "                         created_at, started_at, submitted_at, finished_at)"
  "  SELECT image_id, person_id, 0,"
  "         CASE status WHEN 1 THEN 2 WHEN 2 THEN 4 WHEN 3 THEN 5 ELSE 1 END,"
  "         id, CASE WHEN status IN (1, 2, 3) THEN 1 ELSE 0 END,"
  "         created_at, created_at,"
  "         CASE WHEN status IN (1, 2, 3) THEN updated_at END,"
  "         CASE WHEN status IN (2, 3) THEN updated_at END"
  "  FROM layers WHERE kind = 0 AND person_id IS NOT NULL ORDER BY id DESC"
  "  ON CONFLICT (image_id, person_id, task) DO NOTHING;"
  "INSERT INTO assignments (image_id, person_id, task, status, layer_id,"
  "                         created_at, started_at, finished_at)"
  "  SELECT l.image_id, r.reviewer_id, 1, CASE r.verdict WHEN 0 THEN 4 ELSE 5 END,"
  "         r.layer_id, r.created_at, r.created_at, r.created_at"
  "  FROM reviews r JOIN layers l ON l.id = r.layer_id"
  "  WHERE r.annotation_id IS NULL AND r.reviewer_id IS NOT NULL ORDER BY r.id DESC"
  "  ON CONFLICT (image_id, person_id, task) DO NOTHING;"

  /* Active seconds, added in increments while someone works. */
  "CREATE TABLE work_time ("
  "  image_id   INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,"
  "  person_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,"
  "  task       INTEGER NOT NULL,"
  "  seconds    REAL NOT NULL DEFAULT 0,"
  "  updated_at INTEGER NOT NULL,"
  "  PRIMARY KEY (image_id, person_id, task)"
  ");"
  "CREATE INDEX work_time_by_person ON work_time (person_id, task);"

  /* Every submission drawn for a random audit, sampled or not. draw is
   * the submission's point in [0, 1): sampled when below the rate. */
  "CREATE TABLE audit_samples ("
  "  layer_id   INTEGER NOT NULL REFERENCES layers (id) ON DELETE CASCADE,"
  "  submission INTEGER NOT NULL,"
  "  rate       REAL NOT NULL,"
  "  seed       INTEGER NOT NULL,"
  "  draw       REAL NOT NULL,"
  "  sampled    INTEGER NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (layer_id, submission)"
  ");"

  "UPDATE images SET status = 7 WHERE is_gold <> 0 AND status <> 5;",

  /* 5 → 6: the orders of the image list, and what other programs
   * changed.
   *
   * name_key is the image's path as bw_image_name_sort_key() makes it
   * (natural, without regard to case); the program that adds or moves an
   * image writes it, and opening a project fills in the keys of images
   * that have none (those from before). With an index for each order,
   * listing 100,000 images in order walks an index instead of sorting.
   *
   * What other programs changed is found without reading every image
   * (bw_project_poll_external_change()). Each image added, and each
   * change of an image's path, status or gold mark, stamps the image with
   * the next value of the counter "images"; a removed image counts
   * "images_removed", each change of the taxonomy "taxonomy" and each
   * change of an annotation, a layer or a review "work". Triggers do it,
   * so that every writer (the app, boxwood-cli, another version) is
   * counted alike. */
  "ALTER TABLE images ADD COLUMN name_key BLOB;"
  "CREATE INDEX images_by_name ON images (name_key, id);"
  "CREATE INDEX images_by_added ON images (added_at, id);"
  "CREATE INDEX images_by_status_rank ON images (" BW_PROJECT_STATUS_RANK ", name_key, id);"
  "ALTER TABLE images ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;"
  "CREATE INDEX images_by_change ON images (change_seq);"
  "CREATE TABLE change_counters ("
  "  name  TEXT PRIMARY KEY,"
  "  value INTEGER NOT NULL"
  ") WITHOUT ROWID;"
  "INSERT INTO change_counters (name, value) VALUES"
  "  ('images', 0), ('images_removed', 0), ('taxonomy', 0), ('work', 0);"
  "CREATE TRIGGER images_stamp_insert AFTER INSERT ON images BEGIN"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'images';"
  "  UPDATE images SET change_seq = (SELECT value FROM change_counters WHERE name = 'images')"
  "   WHERE id = NEW.id;"
  " END;"
  "CREATE TRIGGER images_stamp_update AFTER UPDATE OF path, status, is_gold ON images BEGIN"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'images';"
  "  UPDATE images SET change_seq = (SELECT value FROM change_counters WHERE name = 'images')"
  "   WHERE id = NEW.id;"
  " END;"
  "CREATE TRIGGER images_count_delete AFTER DELETE ON images BEGIN"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'images_removed';"
  " END;"
  "CREATE TRIGGER taxonomy_count_insert AFTER INSERT ON categories BEGIN"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'taxonomy';"
  " END;"
  "CREATE TRIGGER taxonomy_count_update AFTER UPDATE ON categories BEGIN"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'taxonomy';"
  " END;"
  "CREATE TRIGGER taxonomy_count_delete AFTER DELETE ON categories BEGIN"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'taxonomy';"
  " END;"
  "CREATE TRIGGER annotations_count_insert AFTER INSERT ON annotations BEGIN"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'work';"
  " END;"
  "CREATE TRIGGER annotations_count_update AFTER UPDATE ON annotations BEGIN"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'work';"
  " END;"
  "CREATE TRIGGER annotations_count_delete AFTER DELETE ON annotations BEGIN"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'work';"
  " END;"
  "CREATE TRIGGER layers_count_insert AFTER INSERT ON layers BEGIN"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'work';"
  " END;"
  "CREATE TRIGGER layers_count_update AFTER UPDATE ON layers BEGIN"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'work';"
  " END;"
  "CREATE TRIGGER layers_count_delete AFTER DELETE ON layers BEGIN"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'work';"
  " END;"
  "CREATE TRIGGER reviews_count_insert AFTER INSERT ON reviews BEGIN"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'work';"
  " END;"
  "CREATE TRIGGER reviews_count_update AFTER UPDATE ON reviews BEGIN"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'work';"
  " END;"
  "CREATE TRIGGER reviews_count_delete AFTER DELETE ON reviews BEGIN"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'work';"
  " END;",

  /* 6 → 7: large imports are written in chunks into import_staging,
   * which no reader of annotations looks at, and moved into annotations
   * in one last step (bw-project-staging.c). imports names the process
   * of each, so that what a killed one left is found and removed. */
  "CREATE TABLE imports ("
  "  id         INTEGER PRIMARY KEY,"
  "  pid        INTEGER NOT NULL,"
  "  host       TEXT NOT NULL,"
  "  started_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE import_staging ("
  "  import_id INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,"
  "  target    INTEGER NOT NULL,"
  "  category  INTEGER NOT NULL,"
  "  kind      INTEGER NOT NULL,"
  "  x0        REAL NOT NULL,"
  "  y0        REAL NOT NULL,"
  "  x1        REAL NOT NULL,"
  "  y1        REAL NOT NULL,"
  "  parts     BLOB,"
  "  area      REAL NOT NULL,"
  "  source    INTEGER NOT NULL,"
  "  score     REAL NOT NULL"
  ");"
  "CREATE INDEX import_staging_by_import ON import_staging (import_id);",

  /* 7 → 8: the layer index carries the category too, so that "this
   * layer has a shape of category C" (the review queue's category
   * filter) and a layer's shape count are read from the index alone. */
  "DROP INDEX annotations_by_layer;"
  "CREATE INDEX annotations_by_layer ON annotations (layer_id, category_id);",

  /* 8 → 9: guidelines with versions. The project-wide document (Markdown)
   * lives in the one row of guidelines; version counts the changes to it
   * and to any category's guideline text, one step per category or
   * document changed (so a taxonomy edit that rewrites three guidelines
   * moves it by three). Triggers count them, so that every writer (the
   * taxonomy dialog, boxwood-cli, a taxonomy import, undo) is counted
   * alike, and name each step in guideline_changes for the banner that
   * tells annotators what changed. A change of the document also counts
   * as a change of the taxonomy for the windows watching the file.
   *
   * Every annotation (and every kept version) records the guideline
   * version in force when it was made; 0 for those made before this
   * schema, when nobody counted. */
  "CREATE TABLE guidelines ("
  "  id         INTEGER PRIMARY KEY CHECK (id = 1),"
  "  document   TEXT NOT NULL DEFAULT '',"
  "  version    INTEGER NOT NULL DEFAULT 1,"
  "  changed_at INTEGER NOT NULL DEFAULT 0"
  ");"
  "INSERT INTO guidelines (id) VALUES (1);"
  /* category_id NULL: the project-wide document. */
  "CREATE TABLE guideline_changes ("
  "  version       INTEGER PRIMARY KEY,"
  "  category_id   INTEGER,"
  "  category_name TEXT,"
  "  changed_at    INTEGER NOT NULL"
  ");"
  "CREATE TRIGGER guidelines_count_category_insert AFTER INSERT ON categories"
  " WHEN NEW.guideline <> '' BEGIN"
  "  UPDATE guidelines SET version = version + 1, changed_at = " BW_PROJECT_SQL_NOW ";"
  "  INSERT INTO guideline_changes (version, category_id, category_name, changed_at)"
  "   SELECT version, NEW.id, NEW.name, changed_at FROM guidelines;"
  " END;"
  "CREATE TRIGGER guidelines_count_category_update AFTER UPDATE OF guideline ON categories"
  " WHEN OLD.guideline IS NOT NEW.guideline BEGIN"
  "  UPDATE guidelines SET version = version + 1, changed_at = " BW_PROJECT_SQL_NOW ";"
  "  INSERT INTO guideline_changes (version, category_id, category_name, changed_at)"
  "   SELECT version, NEW.id, NEW.name, changed_at FROM guidelines;"
  " END;"
  "CREATE TRIGGER guidelines_count_category_delete AFTER DELETE ON categories"
  " WHEN OLD.guideline <> '' BEGIN"
  "  UPDATE guidelines SET version = version + 1, changed_at = " BW_PROJECT_SQL_NOW ";"
  "  INSERT INTO guideline_changes (version, category_id, category_name, changed_at)"
  "   SELECT version, OLD.id, OLD.name, changed_at FROM guidelines;"
  " END;"
  "CREATE TRIGGER guidelines_count_document AFTER UPDATE OF document ON guidelines"
  " WHEN OLD.document IS NOT NEW.document BEGIN"
  "  UPDATE guidelines SET version = version + 1, changed_at = " BW_PROJECT_SQL_NOW ";"
  "  INSERT INTO guideline_changes (version, category_id, category_name, changed_at)"
  "   SELECT version, NULL, NULL, changed_at FROM guidelines;"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'taxonomy';"
  " END;"
  "ALTER TABLE annotations ADD COLUMN guideline_version INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE annotation_versions ADD COLUMN guideline_version INTEGER NOT NULL DEFAULT 0;",

  /* 9 → 10: certification exams (bw-project-exams.c). An exam is a set of
   * gold images with pass thresholds; an attempt is one person's answers
   * to them, in exam layers (layers.kind = 3) that no figure other than
   * the exam's counts; its scores are kept as they were computed, per
   * category (category_id 0: all of them), with the wrong-category
   * pairs, so that a later change of a gold answer does not rewrite a
   * result. A certificate is a passed attempt, with the guideline
   * version it was passed under. */
  "CREATE TABLE exams ("
  "  id                INTEGER PRIMARY KEY,"
  "  name              TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length (trim (name)) > 0),"
  "  min_f1            REAL NOT NULL DEFAULT 0,"
  "  min_accuracy      REAL NOT NULL DEFAULT 0,"
  "  max_attempts      INTEGER NOT NULL DEFAULT 0,"
  "  required          INTEGER NOT NULL DEFAULT 0,"
  "  renew             INTEGER NOT NULL DEFAULT 0,"
  "  iou_threshold     REAL NOT NULL DEFAULT 0.5,"
  "  guideline_version INTEGER NOT NULL DEFAULT 0,"
  "  created_by        INTEGER REFERENCES people (id) ON DELETE SET NULL,"
  "  created_at        INTEGER NOT NULL"
  ");"
  "CREATE TABLE exam_images ("
  "  exam_id  INTEGER NOT NULL REFERENCES exams (id) ON DELETE CASCADE,"
  "  image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  PRIMARY KEY (exam_id, image_id)"
  ");"
  "CREATE TABLE exam_thresholds ("
  "  exam_id      INTEGER NOT NULL REFERENCES exams (id) ON DELETE CASCADE,"
  "  category_id  INTEGER NOT NULL REFERENCES categories (id) ON DELETE CASCADE,"
  "  min_f1       REAL NOT NULL DEFAULT 0,"
  "  min_accuracy REAL NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (exam_id, category_id)"
  ");"
  "CREATE TABLE exam_attempts ("
  "  id                INTEGER PRIMARY KEY,"
  "  exam_id           INTEGER NOT NULL REFERENCES exams (id) ON DELETE CASCADE,"
  "  person_id         INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,"
  "  number            INTEGER NOT NULL,"
  "  iou_threshold     REAL NOT NULL,"
  "  guideline_version INTEGER NOT NULL DEFAULT 0,"
  "  started_at        INTEGER NOT NULL,"
  "  finished_at       INTEGER,"
  "  passed            INTEGER NOT NULL DEFAULT 0,"
  "  UNIQUE (exam_id, person_id, number)"
  ");"
  "CREATE INDEX exam_attempts_by_person ON exam_attempts (person_id, exam_id);"
  "CREATE TABLE exam_answers ("
  "  attempt_id INTEGER NOT NULL REFERENCES exam_attempts (id) ON DELETE CASCADE,"
  "  image_id   INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,"
  "  layer_id   INTEGER NOT NULL REFERENCES layers (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (attempt_id, image_id)"
  ");"
  "CREATE INDEX exam_answers_by_layer ON exam_answers (layer_id);"
  "CREATE TABLE exam_scores ("
  "  attempt_id        INTEGER NOT NULL REFERENCES exam_attempts (id) ON DELETE CASCADE,"
  "  category_id       INTEGER NOT NULL,"
  "  tp                INTEGER NOT NULL,"
  "  fp                INTEGER NOT NULL,"
  "  fn                INTEGER NOT NULL,"
  "  iou_sum           REAL NOT NULL,"
  "  missed            INTEGER NOT NULL,"
  "  extra             INTEGER NOT NULL,"
  "  wrong_category    INTEGER NOT NULL,"
  "  poor_localisation INTEGER NOT NULL,"
  "  duplicate         INTEGER NOT NULL,"
  "  loose             INTEGER NOT NULL,"
  "  tight             INTEGER NOT NULL,"
  "  PRIMARY KEY (attempt_id, category_id)"
  ");"
  "CREATE TABLE exam_confusions ("
  "  attempt_id   INTEGER NOT NULL REFERENCES exam_attempts (id) ON DELETE CASCADE,"
  "  reference_id INTEGER NOT NULL,"
  "  annotated_id INTEGER NOT NULL,"
  "  count        INTEGER NOT NULL,"
  "  PRIMARY KEY (attempt_id, reference_id, annotated_id)"
  ");"
  "CREATE TABLE certificates ("
  "  id                INTEGER PRIMARY KEY,"
  "  person_id         INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,"
  "  exam_id           INTEGER NOT NULL REFERENCES exams (id) ON DELETE CASCADE,"
  "  attempt_id        INTEGER NOT NULL UNIQUE REFERENCES exam_attempts (id) ON DELETE CASCADE,"
  "  f1                REAL NOT NULL,"
  "  accuracy          REAL NOT NULL,"
  "  guideline_version INTEGER,"
  "  created_at        INTEGER NOT NULL"
  ");"
  "CREATE INDEX certificates_by_person ON certificates (person_id, exam_id);",

  /* 10 → 11: calibration rounds (bw-project-calibration.c). A round is a
   * set of images that every one of its people annotates independently,
   * each in their own work layer, before their ordinary work; their
   * agreement is then measured. The images are kept out of everyone
   * else's queue. */
  "CREATE TABLE calibration_rounds ("
  "  id         INTEGER PRIMARY KEY,"
  "  name       TEXT NOT NULL,"
  "  started_by INTEGER REFERENCES people (id) ON DELETE SET NULL,"
  "  seed       INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE TABLE calibration_images ("
  "  round_id INTEGER NOT NULL REFERENCES calibration_rounds (id) ON DELETE CASCADE,"
  "  image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  PRIMARY KEY (round_id, image_id)"
  ");"
  "CREATE INDEX calibration_images_by_image ON calibration_images (image_id);"
  "CREATE TABLE calibration_people ("
  "  round_id  INTEGER NOT NULL REFERENCES calibration_rounds (id) ON DELETE CASCADE,"
  "  person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (round_id, person_id)"
  ");",

  /* 11 → 12: examples and questions (bw-project-questions.c).
   *
   * A guideline example is a shape pinned as a positive or negative
   * example of a category. Its geometry is copied, so that the example
   * stays what it was when its annotation is changed or deleted; the
   * annotation version it came from is named. Adding or removing one is a
   * change of the guidelines, counted as the category's (what: 1 added,
   * 2 removed; 0 is a change of the text).
   *
   * A question flags an image, or a shape of it (an annotation version),
   * as ambiguous; the lead answers it, and may promote the answer to an
   * example. x, y: where its marker stands on the image. category_id:
   * the shape's category when asked, for the counts per category. A
   * question counts as work for the windows watching the file. */
  "ALTER TABLE guideline_changes ADD COLUMN what INTEGER NOT NULL DEFAULT 0;"
  "CREATE TABLE guideline_examples ("
  "  id                 INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  category_id        INTEGER NOT NULL REFERENCES categories (id) ON DELETE CASCADE,"
  "  positive           INTEGER NOT NULL,"
  "  image_id           INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,"
  "  annotation_id      INTEGER,"
  "  annotation_version INTEGER,"
  "  kind               INTEGER NOT NULL,"
  "  x0                 REAL NOT NULL,"
  "  y0                 REAL NOT NULL,"
  "  x1                 REAL NOT NULL,"
  "  y1                 REAL NOT NULL,"
  "  parts              BLOB,"
  "  note               TEXT NOT NULL DEFAULT '',"
  "  person_id          INTEGER REFERENCES people (id) ON DELETE SET NULL,"
  "  question_id        INTEGER,"
  "  created_at         INTEGER NOT NULL"
  ");"
  "CREATE INDEX guideline_examples_by_category ON guideline_examples (category_id);"
  "CREATE UNIQUE INDEX guideline_examples_one_per_version"
  " ON guideline_examples (annotation_id, annotation_version, category_id);"
  "CREATE TRIGGER guidelines_count_example_insert AFTER INSERT ON guideline_examples BEGIN"
  "  UPDATE guidelines SET version = version + 1, changed_at = " BW_PROJECT_SQL_NOW ";"
  "  INSERT INTO guideline_changes (version, category_id, category_name, changed_at, what)"
  "   SELECT version, NEW.category_id,"
  "          (SELECT name FROM categories WHERE id = NEW.category_id), changed_at, 1"
  "   FROM guidelines;"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'taxonomy';"
  " END;"
  "CREATE TRIGGER guidelines_count_example_delete AFTER DELETE ON guideline_examples BEGIN"
  "  UPDATE guidelines SET version = version + 1, changed_at = " BW_PROJECT_SQL_NOW ";"
  "  INSERT INTO guideline_changes (version, category_id, category_name, changed_at, what)"
  "   SELECT version, OLD.category_id,"
  "          (SELECT name FROM categories WHERE id = OLD.category_id), changed_at, 2"
  "   FROM guidelines;"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'taxonomy';"
  " END;"
  "CREATE TABLE questions ("
  "  id                 INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  image_id           INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,"
  "  layer_id           INTEGER REFERENCES layers (id) ON DELETE SET NULL,"
  "  annotation_id      INTEGER,"
  "  annotation_version INTEGER,"
  "  category_id        INTEGER,"
  "  x                  REAL NOT NULL,"
  "  y                  REAL NOT NULL,"
  "  asker_id           INTEGER REFERENCES people (id) ON DELETE SET NULL,"
  "  text               TEXT NOT NULL CHECK (length (trim (text)) > 0),"
  "  asked_at           INTEGER NOT NULL,"
  "  answer             TEXT,"
  "  answerer_id        INTEGER REFERENCES people (id) ON DELETE SET NULL,"
  "  answered_at        INTEGER,"
  "  example_id         INTEGER REFERENCES guideline_examples (id) ON DELETE SET NULL"
  ");"
  "CREATE INDEX questions_by_image ON questions (image_id);"
  "CREATE INDEX questions_open ON questions (answered_at, id);"
  "CREATE TRIGGER questions_count_insert AFTER INSERT ON questions BEGIN"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'work';"
  " END;"
  "CREATE TRIGGER questions_count_update AFTER UPDATE ON questions BEGIN"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'work';"
  " END;"
  "CREATE TRIGGER questions_count_delete AFTER DELETE ON questions BEGIN"
  "  UPDATE change_counters SET value = value + 1 WHERE name = 'work';"
  " END;",

  /* 12 → 13: exams changed after their attempts (bw-project-exams.c).
   * An exam required again after a guideline change
   * (bw_project_require_exam_again()): from then on only a certificate
   * passed under renewed_version or a later one counts, and only the
   * attempts made under it count against the limit; 0: never renewed
   * so. The thresholds a finished attempt was scored against
   * (category_id 0: over all categories), so that editing the exam does
   * not rewrite its history; an attempt without rows was scored against
   * the exam's thresholds as they still are. */
  "ALTER TABLE exams ADD COLUMN renewed_version INTEGER NOT NULL DEFAULT 0;"
  "CREATE TABLE exam_attempt_thresholds ("
  "  attempt_id   INTEGER NOT NULL REFERENCES exam_attempts (id) ON DELETE CASCADE,"
  "  category_id  INTEGER NOT NULL,"
  "  min_f1       REAL NOT NULL,"
  "  min_accuracy REAL NOT NULL,"
  "  PRIMARY KEY (attempt_id, category_id)"
  ");",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == BW_PROJECT_SCHEMA_VERSION);

/* Boxed types */

BwImage *
bw_image_copy (const BwImage *image)
{
  BwImage *copy = g_memdup2 (image, sizeof *image);

  copy->path = g_strdup (image->path);
  copy->content_hash = g_strdup (image->content_hash);
  return copy;
}

void
bw_image_free (BwImage *image)
{
  if (image == NULL)
    return;
  g_free (image->path);
  g_free (image->content_hash);
  g_free (image);
}

BwCategory *
bw_category_copy (const BwCategory *category)
{
  BwCategory *copy = g_memdup2 (category, sizeof *category);

  copy->name = g_strdup (category->name);
  copy->supercategory = g_strdup (category->supercategory);
  copy->color = g_strdup (category->color);
  copy->hotkey = g_strdup (category->hotkey);
  copy->guideline = g_strdup (category->guideline);
  return copy;
}

void
bw_category_free (BwCategory *category)
{
  if (category == NULL)
    return;
  g_free (category->name);
  g_free (category->supercategory);
  g_free (category->color);
  g_free (category->hotkey);
  g_free (category->guideline);
  g_free (category);
}

BwLayer *
bw_layer_copy (const BwLayer *layer)
{
  return g_memdup2 (layer, sizeof *layer);
}

void
bw_layer_free (BwLayer *layer)
{
  g_free (layer);
}

BwAnnotation *
bw_annotation_copy (const BwAnnotation *annotation)
{
  BwAnnotation *copy = g_memdup2 (annotation, sizeof *annotation);

  copy->shape = annotation->shape ? bw_shape_copy (annotation->shape) : NULL;
  return copy;
}

void
bw_annotation_free (BwAnnotation *annotation)
{
  if (annotation == NULL)
    return;
  g_clear_pointer (&annotation->shape, bw_shape_free);
  g_free (annotation);
}

BwProjectChanges *
bw_project_changes_copy (const BwProjectChanges *changes)
{
  BwProjectChanges *copy = g_memdup2 (changes, sizeof *changes);

  copy->image_ids = changes->image_ids ? g_array_copy (changes->image_ids) : NULL;
  return copy;
}

void
bw_project_changes_free (BwProjectChanges *changes)
{
  if (changes == NULL)
    return;
  g_clear_pointer (&changes->image_ids, g_array_unref);
  g_free (changes);
}

G_DEFINE_BOXED_TYPE (BwProjectChanges, bw_project_changes, bw_project_changes_copy, bw_project_changes_free)
G_DEFINE_BOXED_TYPE (BwImage, bw_image, bw_image_copy, bw_image_free)
G_DEFINE_BOXED_TYPE (BwCategory, bw_category, bw_category_copy, bw_category_free)
G_DEFINE_BOXED_TYPE (BwLayer, bw_layer, bw_layer_copy, bw_layer_free)
G_DEFINE_BOXED_TYPE (BwAnnotation, bw_annotation, bw_annotation_copy, bw_annotation_free)

/* Enumerations */

static const char *status_names[BW_IMAGE_N_STATUS] = {
  "new", "in_progress", "submitted", "accepted", "returned", "excluded", "in_review", "gold",
};

const char *
bw_image_status_to_string (BwImageStatus status)
{
  g_return_val_if_fail (status < BW_IMAGE_N_STATUS, "new");
  return status_names[status];
}

const char *
bw_image_status_to_label (BwImageStatus status)
{
  switch (status)
    {
    case BW_IMAGE_STATUS_NEW:         return _("New");
    case BW_IMAGE_STATUS_IN_PROGRESS: return _("In Progress");
    case BW_IMAGE_STATUS_SUBMITTED:   return _("Submitted");
    case BW_IMAGE_STATUS_ACCEPTED:    return _("Accepted");
    case BW_IMAGE_STATUS_RETURNED:    return _("Returned");
    case BW_IMAGE_STATUS_EXCLUDED:    return _("Excluded");
    case BW_IMAGE_STATUS_IN_REVIEW:   return _("In Review");
    case BW_IMAGE_STATUS_GOLD:        return _("Gold");
    default:                          return _("Unknown");
    }
}

gboolean
bw_image_status_from_string (const char    *str,
                             BwImageStatus *status)
{
  for (guint i = 0; i < BW_IMAGE_N_STATUS; i++)
    {
      if (g_strcmp0 (str, status_names[i]) == 0)
        {
          *status = i;
          return TRUE;
        }
    }
  return FALSE;
}

const char *
bw_role_to_string (BwRole role)
{
  switch (role)
    {
    case BW_ROLE_ANNOTATOR: return "annotator";
    case BW_ROLE_REVIEWER:  return "reviewer";
    case BW_ROLE_LEAD:      return "lead";
    case BW_ROLE_MODEL:     return "model";
    default:                return "annotator";
    }
}

static const char *assignment_status_names[BW_ASSIGNMENT_N_STATUS] = {
  "new", "in_progress", "submitted", "in_review", "accepted", "returned", "skipped",
};

const char *
bw_assignment_status_to_string (BwAssignmentStatus status)
{
  g_return_val_if_fail (status < BW_ASSIGNMENT_N_STATUS, "new");
  return assignment_status_names[status];
}

const char *
bw_verdict_to_string (BwVerdict verdict)
{
  switch (verdict)
    {
    case BW_VERDICT_ACCEPT:  return "accepted";
    case BW_VERDICT_REJECT:  return "rejected";
    case BW_VERDICT_FIXED:   return "fixed";
    case BW_VERDICT_COMMENT: return "comment";
    default:                 return "unknown";
    }
}

/* Private helpers shared by the store's files */

gint64
_bw_project_now (void)
{
  return g_get_real_time ();
}

char *
_bw_column_dup_text (sqlite3_stmt *stmt,
                     int           column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text ? g_strdup ((const char *)text) : NULL;
}

void
_bw_project_set_error (BwProject  *self,
                       int         rc,
                       GError    **error)
{
  const char *name = self->display_name;

  switch (rc & 0xff)
    {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_BUSY,
                   _("The project “%s” is busy: another program is writing to it. Try again in a moment."),
                   name);
      break;

    case SQLITE_FULL:
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_DISK_FULL,
                   _("The disk holding the project “%s” is full. Nothing was lost; free some space and try again."),
                   name);
      break;

    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      if (self->read_only)
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_READ_ONLY,
                       _("“%s” is open read-only: changes cannot be saved. To edit it, save a copy in a folder you can write to."),
                       name);
          break;
        }
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_READ_ONLY,
                   _("The project “%s” cannot be written: check that the file and its folder are writable."),
                   name);
      break;

    case SQLITE_NOTADB:
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_A_PROJECT,
                   _("“%s” is not a Boxwood project."), name);
      break;

    case SQLITE_CORRUPT:
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_CORRUPT,
                   _("The project “%s” is damaged (%s)."), name, sqlite3_errstr (rc));
      break;

    case SQLITE_CONSTRAINT:
      if (self->db != NULL && strcmp (sqlite3_errmsg (self->db), BW_PROJECT_TEAM_COPY_REFUSAL) == 0)
        {
          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_READ_ONLY,
                       _("Not saved: the app does not send this change to the team server. "
                         "The lead makes it there with boxwood-cli."));
          break;
        }
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("The change was refused by the project “%s”: %s"),
                   name, self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      break;

    case SQLITE_IOERR:
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_FAILED,
                   _("Could not read or write the project “%s”: %s"),
                   name, sqlite3_errstr (rc));
      break;

    default:
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_FAILED,
                   _("Error in the project “%s”: %s"),
                   name, self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      break;
    }
}

/* A whole sentence for each item, for the translators. */
void
_bw_project_set_not_found (BwProject      *self,
                           BwProjectItem   item,
                           gint64          id,
                           GError        **error)
{
  const char *name = self->display_name;

  switch (item)
    {
    case BW_PROJECT_ITEM_IMAGE:
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                   _("The image %" PRId64 " is not in the project “%s”."), id, name);
      break;

    case BW_PROJECT_ITEM_LAYER:
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                   _("The layer %" PRId64 " is not in the project “%s”."), id, name);
      break;

    case BW_PROJECT_ITEM_ANNOTATION:
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                   _("The annotation %" PRId64 " is not in the project “%s”."), id, name);
      break;

    case BW_PROJECT_ITEM_CATEGORY:
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                   _("The category %" PRId64 " is not in the project “%s”."), id, name);
      break;

    case BW_PROJECT_ITEM_REVIEW:
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                   _("The review %" PRId64 " is not in the project “%s”."), id, name);
      break;

    case BW_PROJECT_ITEM_REJECTION_REASON:
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                   _("The rejection reason %" PRId64 " is not in the project “%s”."), id, name);
      break;

    default:
      g_assert_not_reached ();
    }
}

/**
 * _bw_project_check_row:
 * @rc: what stepping a statement that reads the row of @item @id returned
 *
 * Returns: %TRUE when @rc is a row; else %FALSE, with a "not found" error
 *   when there was none and the store's error otherwise
 */
gboolean
_bw_project_check_row (BwProject      *self,
                       int             rc,
                       BwProjectItem   item,
                       gint64          id,
                       GError        **error)
{
  if (rc == SQLITE_ROW)
    return TRUE;

  if (rc == SQLITE_DONE)
    _bw_project_set_not_found (self, item, id, error);
  else
    _bw_project_set_error (self, rc, error);
  return FALSE;
}

/**
 * _bw_project_check_changed:
 *
 * After a statement that writes the row of @item @id, done.
 *
 * Returns: %FALSE, with a "not found" error, when it changed no row
 */
gboolean
_bw_project_check_changed (BwProject      *self,
                           BwProjectItem   item,
                           gint64          id,
                           GError        **error)
{
  if (sqlite3_changes (self->db) > 0)
    return TRUE;

  _bw_project_set_not_found (self, item, id, error);
  return FALSE;
}

/**
 * _bw_project_prepare:
 *
 * Returns a cached statement for @sql, reset and with its bindings
 * cleared. The caller holds the lock while it uses it and must reset it
 * (or let _bw_project_step_done() do it) before releasing the lock.
 */
sqlite3_stmt *
_bw_project_prepare (BwProject   *self,
                     const char  *sql,
                     GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = g_hash_table_lookup (self->statements, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _bw_project_set_error (self, rc, error);
      return NULL;
    }

  /* A copy of the text: a caller may build it at run time and free it. */
  g_hash_table_insert (self->statements, g_strdup (sql), stmt);
  return stmt;
}

gboolean
_bw_project_step_done (BwProject     *self,
                       sqlite3_stmt  *stmt,
                       GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      _bw_project_set_error (self, rc, error);
      sqlite3_reset (stmt);
      return FALSE;
    }

  sqlite3_reset (stmt);
  return TRUE;
}

/**
 * _bw_project_finish_rows:
 * @rc: what the last sqlite3_step() of @stmt returned
 *
 * Resets @stmt after reading its rows.
 *
 * Returns: %FALSE, with the store's error, when the reading stopped on a
 *   failure rather than at the end of the rows
 */
gboolean
_bw_project_finish_rows (BwProject     *self,
                         sqlite3_stmt  *stmt,
                         int            rc,
                         GError       **error)
{
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;

  _bw_project_set_error (self, rc, error);
  return FALSE;
}

/**
 * _bw_project_collect_ids:
 * @stmt: a statement, bound, whose first column is an id
 *
 * Steps @stmt to its end and resets it.
 *
 * Returns: (transfer full) (element-type gint64): the ids, in the order
 *   of the rows
 */
GArray *
_bw_project_collect_ids (BwProject     *self,
                         sqlite3_stmt  *stmt,
                         GError       **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  if (!_bw_project_finish_rows (self, stmt, rc, error))
    return NULL;
  return g_steal_pointer (&ids);
}

gboolean
_bw_project_exec (BwProject   *self,
                  const char  *sql,
                  GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      _bw_project_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  GWeakRef project;
  guint    signal_index;
  gint64   id;
  gint64   id2;
} EmitData;

static void
emit_now (BwProject *self,
          guint      signal_index,
          gint64     id,
          gint64     id2)
{
  if (signal_index == BW_PROJECT_SIGNAL_IMAGE_CHANGED ||
      signal_index == BW_PROJECT_SIGNAL_LAYER_CHANGED ||
      signal_index == BW_PROJECT_SIGNAL_QUESTIONS_CHANGED)
    g_signal_emit (self, signals[signal_index], 0, id);
  else if (signal_index == BW_PROJECT_SIGNAL_CATEGORY_MERGED)
    g_signal_emit (self, signals[signal_index], 0, id, id2);
  else
    g_signal_emit (self, signals[signal_index], 0);
}

static gboolean
emit_in_main_context (gpointer user_data)
{
  EmitData *data = user_data;
  g_autoptr(BwProject) project = g_weak_ref_get (&data->project);

  if (project != NULL)
    emit_now (project, data->signal_index, data->id, data->id2);

  g_weak_ref_clear (&data->project);
  g_free (data);
  return G_SOURCE_REMOVE;
}

/* Handlers run on the thread that opened the project (the UI thread in
 * the application), whichever thread made the change: a worker's change
 * is handed to the main context the project was opened in. Nothing keeps
 * the project alive for that, so a command-line tool that never runs a
 * main loop still closes its project. */
void
_bw_project_emit (BwProject *self,
                  guint      signal_index,
                  gint64     id)
{
  _bw_project_emit2 (self, signal_index, id, 0);
}

void
_bw_project_emit2 (BwProject *self,
                   guint      signal_index,
                   gint64     id,
                   gint64     id2)
{
  g_autoptr(GSource) source = NULL;
  EmitData *data;

  g_return_if_fail (signal_index < BW_PROJECT_N_SIGNALS);

  /* A worker's connection (bw_project_open_another()) tells the
   * connection it was opened from, in that one's main context. */
  {
    g_autoptr(BwProject) origin = g_weak_ref_get (&self->origin);

    if (origin != NULL)
      _bw_project_emit2 (origin, signal_index, id, id2);
  }

  if (g_thread_self () == self->owner_thread)
    {
      emit_now (self, signal_index, id, id2);
      return;
    }

  data = g_new0 (EmitData, 1);
  g_weak_ref_init (&data->project, self);
  data->signal_index = signal_index;
  data->id = id;
  data->id2 = id2;

  /* Not g_main_context_invoke(): from a worker whose thread-default is
   * the same global context, it would acquire the context between two
   * iterations of the main loop and run the UI's handlers right here. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, emit_in_main_context, data, NULL);
  g_source_set_static_name (source, "[boxwood] project signal");
  g_source_attach (source, self->main_context);
}

void
_bw_project_emit_changed (BwProject *self,
                          guint      signal_index)
{
  _bw_project_emit (self, signal_index, 0);
}

/* How a connection waits for another's write lock. SQLite's own
 * sqlite3_busy_timeout() sleeps longer and longer (up to 100 ms between
 * tries), and a writer that gives the lock up for a moment between the
 * chunks of a long import (bw-project-staging.c) is then missed nearly
 * every time: the window's edit would wait for the whole import. Trying
 * every millisecond finds those moments. */
#define BUSY_POLL_MS 1

static int
busy_cb (void *data,
         int   count)
{
  BwProject *self = data;
  gint64 now = g_get_monotonic_time ();

  if (count == 0)
    self->busy_since = now;
  else if (now - self->busy_since >= (gint64) self->busy_timeout * 1000)
    return 0;
  g_usleep (BUSY_POLL_MS * 1000);
  return 1;
}

/* Waits up to @msec for another connection's lock; 0: not at all. */
static void
set_busy_wait (BwProject *self,
               guint      msec)
{
  if (msec == 0)
    sqlite3_busy_handler (self->db, NULL, NULL);
  else
    sqlite3_busy_handler (self->db, busy_cb, self);
}

/* Copies what the WAL holds into the project file and empties the WAL,
 * as far as other connections allow: one that is reading keeps the frames
 * it reads, and is not waited for (it folds them back when it closes). */
static void
fold_wal (BwProject *self)
{
  int n_log = 0;
  int n_checkpointed = 0;
  int rc;

  set_busy_wait (self, 0);
  rc = sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
                                  &n_log, &n_checkpointed);
  set_busy_wait (self, self->busy_timeout);

  if (rc != SQLITE_OK)
    g_debug ("The WAL of %s stays for now (%s): %d of %d frames folded back",
             self->display_name, sqlite3_errstr (rc), n_checkpointed, n_log);
}

/* Changes made by other connections
 *
 * SQLite tells a connection that another one committed through PRAGMA
 * data_version, which is cheap to ask (no file is read); the
 * change_counters and the images' change_seq stamps (schema 6) then say
 * what changed. */

/* More changed images than this are not named one by one: the images
 * are listed again. */
#define MAX_NAMED_CHANGES 10000

static gboolean
read_int (BwProject   *self,
          const char  *sql,
          const char  *key,
          gint64      *value,
          GError     **error)
{
  sqlite3_stmt *stmt = _bw_project_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  if (key != NULL)
    sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  *value = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  return _bw_project_finish_rows (self, stmt, rc == SQLITE_ROW ? SQLITE_DONE : rc, error);
}

/* Reads the data version and the counters; with @changes, fills it with
 * what they say changed since they were last read. The lock is held. */
static gboolean
read_change_marks (BwProject         *self,
                   BwProjectChanges  *changes,
                   GError           **error)
{
  static const char *counter_sql = "SELECT value FROM change_counters WHERE name = ?1";
  gint64 images, removed, taxonomy, work;

  if (!read_int (self, "PRAGMA data_version", NULL, &self->data_version, error) ||
      !read_int (self, counter_sql, "images", &images, error) ||
      !read_int (self, counter_sql, "images_removed", &removed, error) ||
      !read_int (self, counter_sql, "taxonomy", &taxonomy, error) ||
      !read_int (self, counter_sql, "work", &work, error))
    return FALSE;

  if (changes != NULL)
    {
      changes->images_removed = removed != self->seen_removed;
      changes->categories_changed = taxonomy != self->seen_taxonomy;
      changes->work_changed = work != self->seen_work;
      changes->image_ids = g_array_new (FALSE, FALSE, sizeof (gint64));

      if (images != self->seen_images && !changes->images_removed)
        {
          sqlite3_stmt *stmt;
          int rc;

          stmt = _bw_project_prepare (self, "SELECT id FROM images WHERE change_seq > ?1"
                                            " ORDER BY change_seq LIMIT ?2", error);
          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_int64 (stmt, 1, self->seen_images);
          sqlite3_bind_int (stmt, 2, MAX_NAMED_CHANGES + 1);
          while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            {
              gint64 id = sqlite3_column_int64 (stmt, 0);

              g_array_append_val (changes->image_ids, id);
            }
          if (!_bw_project_finish_rows (self, stmt, rc, error))
            return FALSE;

          /* Too many to name: a new list is cheaper. */
          if (changes->image_ids->len > MAX_NAMED_CHANGES)
            {
              changes->images_removed = TRUE;
              g_array_set_size (changes->image_ids, 0);
            }
        }
    }

  self->seen_images = images;
  self->seen_removed = removed;
  self->seen_taxonomy = taxonomy;
  self->seen_work = work;
  return TRUE;
}

/**
 * bw_project_poll_external_change:
 *
 * Looks whether another connection to the project file committed since
 * the last look, and if so emits #BwProject::categories-changed (when the
 * taxonomy changed) and #BwProject::changed-externally. Changes made
 * through this #BwProject are told by its other signals as they are
 * made, and do not count here. Costs one query when nothing changed; when
 * the project is busy (a transaction of this program is open) it looks
 * again next time.
 *
 * Returns: whether another connection had committed a change
 */
gboolean
bw_project_poll_external_change (BwProject *self)
{
  g_autoptr(BwProjectChanges) changes = NULL;
  g_autoptr(GError) error = NULL;
  gint64 old_version;
  gboolean ok;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  /* A worker's transaction holds the lock: never wait for it here. */
  if (self->immutable || !g_rec_mutex_trylock (&self->lock))
    return FALSE;
  if (self->tx_depth > 0)
    {
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }

  old_version = self->data_version;
  if (!read_int (self, "PRAGMA data_version", NULL, &self->data_version, &error) ||
      self->data_version == old_version)
    {
      g_rec_mutex_unlock (&self->lock);
      if (error != NULL)
        g_debug ("Cannot look for changes in %s: %s", self->display_name, error->message);
      return FALSE;
    }

  changes = g_new0 (BwProjectChanges, 1);
  ok = read_change_marks (self, changes, &error);
  g_rec_mutex_unlock (&self->lock);

  if (!ok)
    {
      /* Say that something changed, without knowing what. */
      g_debug ("Cannot read what changed in %s: %s", self->display_name, error->message);
      changes->images_removed = TRUE;
      changes->categories_changed = TRUE;
      changes->work_changed = TRUE;
      g_clear_pointer (&changes->image_ids, g_array_unref);
      changes->image_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
    }
  /* A checkpoint of another connection changes the data version too,
   * and nothing else. */
  else if (changes->image_ids->len == 0 && !changes->images_removed &&
           !changes->categories_changed && !changes->work_changed)
    return FALSE;

  if (changes->categories_changed)
    g_signal_emit (self, signals[BW_PROJECT_SIGNAL_CATEGORIES_CHANGED], 0);
  g_signal_emit (self, signals[BW_PROJECT_SIGNAL_CHANGED_EXTERNALLY], 0, changes);
  return TRUE;
}

static gboolean
watch_cb (gpointer user_data)
{
  bw_project_poll_external_change (BW_PROJECT (user_data));
  return G_SOURCE_CONTINUE;
}

/**
 * bw_project_watch_external_changes:
 * @interval_ms: how often to look, or 0 to stop looking
 *
 * Calls bw_project_poll_external_change() every @interval_ms in the main
 * context the project was opened in, for as long as the project lives.
 */
void
bw_project_watch_external_changes (BwProject *self,
                                   guint      interval_ms)
{
  g_return_if_fail (BW_IS_PROJECT (self));

  if (self->watch != NULL)
    g_source_destroy (self->watch);
  g_clear_pointer (&self->watch, g_source_unref);

  if (interval_ms == 0)
    return;

  /* The project's finalize destroys the source, so it holds no ref. */
  self->watch = g_timeout_source_new (interval_ms);
  g_source_set_callback (self->watch, watch_cb, self, NULL);
  g_source_set_static_name (self->watch, "[boxwood] external changes");
  g_source_attach (self->watch, self->main_context);
}

/* The object */

static void
bw_project_finalize (GObject *object)
{
  BwProject *self = (BwProject *)object;

  if (self->tx_depth > 0)
    g_critical ("Project %s finalized inside a transaction", self->display_name);

  if (self->watch != NULL)
    g_source_destroy (self->watch);
  g_clear_pointer (&self->watch, g_source_unref);

  g_weak_ref_clear (&self->origin);

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    {
      /* SQLite folds the WAL back only when the last connection to the
       * file closes; another process or a reader still open would leave
       * committed work in the -wal file, where a copy of the .boxwood
       * file alone misses it. */
      if (!self->read_only)
        fold_wal (self);
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }

  g_clear_object (&self->file);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->dir, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->main_context, g_main_context_unref);
  g_rec_mutex_clear (&self->lock);

  G_OBJECT_CLASS (bw_project_parent_class)->finalize (object);
}

static void
bw_project_class_init (BwProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bw_project_finalize;

  /**
   * BwProject::images-changed:
   *
   * Images were added, removed, or changed status.
   */
  signals[BW_PROJECT_SIGNAL_IMAGES_CHANGED] =
    g_signal_new ("images-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * BwProject::categories-changed:
   *
   * The taxonomy changed.
   */
  signals[BW_PROJECT_SIGNAL_CATEGORIES_CHANGED] =
    g_signal_new ("categories-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * BwProject::annotations-changed:
   *
   * Annotations were changed in bulk (an import, a merge of categories);
   * single edits made by the UI do not emit it.
   */
  signals[BW_PROJECT_SIGNAL_ANNOTATIONS_CHANGED] =
    g_signal_new ("annotations-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * BwProject::image-changed:
   * @image_id: the image
   *
   * One image changed status, gold mark or path.
   */
  signals[BW_PROJECT_SIGNAL_IMAGE_CHANGED] =
    g_signal_new ("image-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  /**
   * BwProject::category-merged:
   * @source_id: the category that is gone
   * @target_id: the category its annotations now belong to
   *
   * A category was merged into another (or deleted with its annotations
   * moved), emitted before "categories-changed", so that what refers to
   * @source_id (an edit history) can be pointed at @target_id.
   */
  signals[BW_PROJECT_SIGNAL_CATEGORY_MERGED] =
    g_signal_new ("category-merged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT64);

  /**
   * BwProject::layer-changed:
   * @layer_id: the layer
   *
   * A layer was submitted, recalled, reviewed, accepted or returned, so
   * the review queue and the layer's verdicts may have changed.
   */
  signals[BW_PROJECT_SIGNAL_LAYER_CHANGED] =
    g_signal_new ("layer-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  /**
   * BwProject::questions-changed:
   * @image_id: the image whose question was asked, answered, promoted or
   *   deleted
   *
   * The Questions queue and the markers on that image may have changed.
   * (From another program, "changed-externally" says so as work changed.)
   */
  signals[BW_PROJECT_SIGNAL_QUESTIONS_CHANGED] =
    g_signal_new ("questions-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  /**
   * BwProject::changed-externally:
   * @changes: (type BwProjectChanges): what is known to have changed
   *
   * Another connection (another window, boxwood-cli, someone else's
   * program) committed a change to the project file, found by
   * bw_project_poll_external_change(). @changes names the images that
   * changed, and says whether the taxonomy did ("categories-changed" was
   * emitted just before) and whether annotations, layers or reviews did:
   * a view of one image's work then compares it with what it shows.
   */
  signals[BW_PROJECT_SIGNAL_CHANGED_EXTERNALLY] =
    g_signal_new ("changed-externally", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  BW_TYPE_PROJECT_CHANGES | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
bw_project_init (BwProject *self)
{
  g_rec_mutex_init (&self->lock);
  self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            finalize_statement);
  self->busy_timeout = DEFAULT_BUSY_TIMEOUT_MS;
  self->main_context = g_main_context_ref_thread_default ();
  self->owner_thread = g_thread_self ();
  g_weak_ref_init (&self->origin, NULL);
}

static BwProject *
project_new (GFile   *file,
             GError **error)
{
  g_autoptr(BwProject) self = g_object_new (BW_TYPE_PROJECT, NULL);
  g_autofree char *basename = NULL;

  self->file = g_object_ref (file);
  self->path = g_file_get_path (file);
  basename = g_file_get_basename (file);
  self->display_name = g_filename_display_name (basename);

  if (self->path == NULL)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_FAILED,
                   _("The project “%s” is not on a local disk; copy it to a local folder first."),
                   self->display_name);
      return NULL;
    }

  self->dir = g_path_get_dirname (self->path);
  return g_steal_pointer (&self);
}

static gboolean
query_int (BwProject   *self,
           const char  *sql,
           gint64      *value,
           GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
      else if (rc == SQLITE_DONE)
        {
          *value = 0;
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_OK)
    {
      _bw_project_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
migrate (BwProject  *self,
         gint64      from_version,
         gboolean    creating,
         GError    **error)
{
  g_autofree char *set_version = NULL;

  if (!bw_project_begin (self, error))
    return FALSE;

  g_assert (from_version >= 0 && from_version <= BW_PROJECT_SCHEMA_VERSION);

  for (gint64 v = from_version; v < BW_PROJECT_SCHEMA_VERSION; v++)
    {
      g_debug ("Migrating %s from schema %" G_GINT64_FORMAT, self->display_name, v);
      if (!_bw_project_exec (self, migrations[v], error))
        goto failed;
    }

  if (creating &&
      !_bw_project_exec (self, "PRAGMA application_id = " G_STRINGIFY (BW_PROJECT_APPLICATION_ID), error))
    goto failed;

  set_version = g_strdup_printf ("PRAGMA user_version = %d", BW_PROJECT_SCHEMA_VERSION);
  if (!_bw_project_exec (self, set_version, error))
    goto failed;

  return bw_project_commit (self, error);

failed:
  bw_project_rollback (self);
  return FALSE;
}

static gboolean
open_database (BwProject  *self,
               gboolean    creating,
               GError    **error)
{
  gint64 app_id = 0;
  gint64 version = 0;
  gint64 n_objects = 0;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;
  int rc;

  if (creating)
    flags |= SQLITE_OPEN_CREATE;

  rc = sqlite3_open_v2 (self->path, &self->db, flags, NULL);
  if (rc != SQLITE_OK)
    {
      if (!creating && !g_file_test (self->path, G_FILE_TEST_EXISTS))
        g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                     _("The project “%s” does not exist."), self->display_name);
      else
        _bw_project_set_error (self, rc, error);
      return FALSE;
    }

  sqlite3_extended_result_codes (self->db, 1);
  set_busy_wait (self, self->busy_timeout);

  /* SQLite opens a file it cannot write read-only without a word. */
  if (sqlite3_db_readonly (self->db, "main") == 1)
    {
      _bw_project_set_error (self, SQLITE_READONLY, error);
      return FALSE;
    }

  if (!query_int (self, "PRAGMA application_id", &app_id, error) ||
      !query_int (self, "PRAGMA user_version", &version, error) ||
      !query_int (self, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    return FALSE;

  /* Boxwood writes schema 0 only for the moment it creates a file, before
   * any table: any other version below 1 is not ours, and migrating from
   * it would read outside migrations[]. */
  if (creating ? n_objects != 0
               : app_id != BW_PROJECT_APPLICATION_ID || version < 0 || (version == 0 && n_objects != 0))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_A_PROJECT,
                   _("“%s” is not a Boxwood project."), self->display_name);
      return FALSE;
    }

  if (version > BW_PROJECT_SCHEMA_VERSION)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_TOO_NEW,
                   _("The project “%s” was saved by a newer version of Boxwood (file format %d; this version reads up to %d). Update Boxwood to open it."),
                   self->display_name, (int)version, BW_PROJECT_SCHEMA_VERSION);
      return FALSE;
    }

  /* WAL lets readers (exports, thumbnails) run beside the writer; FULL
   * makes each committed edit survive a power cut, not only a crash. */
  if (!_bw_project_exec (self, "PRAGMA journal_mode = WAL", error) ||
      !_bw_project_exec (self, "PRAGMA synchronous = FULL", error) ||
      !_bw_project_exec (self, "PRAGMA foreign_keys = ON", error))
    return FALSE;

  if (version < BW_PROJECT_SCHEMA_VERSION && !migrate (self, version, creating, error))
    return FALSE;

  /* Work committed by a process that was killed, or that ran out of disk,
   * may still be in the WAL: put it in the project file now. */
  fold_wal (self);

  /* Images from before schema 6 get their sort keys. */
  if (!_bw_project_fill_name_keys (self, error))
    return FALSE;

  /* What a killed import staged is nobody's. */
  _bw_project_stage_discard_abandoned (self);

  return read_change_marks (self, NULL, error);
}

/* Whether the WAL beside the project holds frames. */
static gboolean
has_wal_frames (BwProject *self)
{
  g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
  GStatBuf st;

  return g_stat (wal, &st) == 0 && st.st_size > 0;
}

static int
open_read_only_uri (BwProject *self,
                    gboolean   immutable)
{
  g_autofree char *uri = g_filename_to_uri (self->path, NULL, NULL);
  g_autofree char *full = NULL;

  if (uri == NULL)
    return SQLITE_CANTOPEN;

  g_clear_pointer (&self->db, sqlite3_close_v2);
  full = g_strconcat (uri, immutable ? "?mode=ro&immutable=1" : "?mode=ro", NULL);
  return sqlite3_open_v2 (full, &self->db,
                          SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX, NULL);
}

/* Opens for reading only. A project in WAL mode needs its -shm file to be
 * read; on read-only media it cannot be made, and then the file is read
 * as immutable, which is right as long as no WAL holds work. */
static gboolean
open_database_read_only (BwProject  *self,
                         GError    **error)
{
  gint64 app_id = 0;
  gint64 version = 0;
  gint64 n_objects = 0;
  int rc;

  self->read_only = TRUE;

  rc = open_read_only_uri (self, FALSE);
  if (rc == SQLITE_OK)
    {
      sqlite3_extended_result_codes (self->db, 1);
      set_busy_wait (self, self->busy_timeout);
      rc = sqlite3_exec (self->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
    }

  if (rc != SQLITE_OK && rc != SQLITE_NOTADB && (rc & 0xff) != SQLITE_BUSY)
    {
      if (has_wal_frames (self))
        {
          g_autofree char *wal = g_strconcat (self->display_name, "-wal", NULL);

          g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_READ_ONLY,
                       _("The project “%s” cannot be read where it is: part of its work is still in “%s”, and reading that needs a folder that can be written. Copy both files to a writable folder and open the copy."),
                       self->display_name, wal);
          return FALSE;
        }
      rc = open_read_only_uri (self, TRUE);
      self->immutable = TRUE;
      if (rc == SQLITE_OK)
        {
          sqlite3_extended_result_codes (self->db, 1);
          set_busy_wait (self, self->busy_timeout);
        }
    }

  if (rc != SQLITE_OK && rc != SQLITE_NOTADB)
    {
      _bw_project_set_error (self, rc, error);
      return FALSE;
    }

  if (!query_int (self, "PRAGMA application_id", &app_id, error) ||
      !query_int (self, "PRAGMA user_version", &version, error) ||
      !query_int (self, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    return FALSE;

  if (app_id != BW_PROJECT_APPLICATION_ID || version <= 0)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_A_PROJECT,
                   _("“%s” is not a Boxwood project."), self->display_name);
      return FALSE;
    }

  if (version > BW_PROJECT_SCHEMA_VERSION)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_TOO_NEW,
                   _("The project “%s” was saved by a newer version of Boxwood (file format %d; this version reads up to %d). Update Boxwood to open it."),
                   self->display_name, (int)version, BW_PROJECT_SCHEMA_VERSION);
      return FALSE;
    }

  if (version < BW_PROJECT_SCHEMA_VERSION)
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_READ_ONLY,
                   _("The project “%s” was saved by an older version of Boxwood and must be updated before it is read, which needs writing. Copy it to a folder you can write to and open the copy."),
                   self->display_name);
      return FALSE;
    }

  /* A project on read-only media is what it is: nobody changes it. */
  if (self->immutable)
    return TRUE;
  return read_change_marks (self, NULL, error);
}

/**
 * bw_project_create:
 * @file: where to create the project; it must not exist yet
 *
 * Returns: (transfer full): the new, empty project
 */
BwProject *
bw_project_create (GFile   *file,
                   GError **error)
{
  g_autoptr(BwProject) self = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(self = project_new (file, error)))
    return NULL;

  if (g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_EXISTS,
                   _("“%s” already exists; choose another name or open it."),
                   self->display_name);
      return NULL;
    }

  if (!open_database (self, TRUE, error))
    {
      /* Leave nothing half-made behind. */
      g_clear_pointer (&self->db, sqlite3_close_v2);
      g_unlink (self->path);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * bw_project_open:
 * @file: a `.boxwood` file
 *
 * Opens a project, migrating it in one transaction when it comes from an
 * older version. A file of a newer version, or one that is not a Boxwood
 * project, is refused and left as it is.
 *
 * Returns: (transfer full): the project
 */
BwProject *
bw_project_open (GFile   *file,
                 GError **error)
{
  g_autoptr(BwProject) self = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(self = project_new (file, error)))
    return NULL;

  if (!g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                   _("The project “%s” does not exist."), self->display_name);
      return NULL;
    }
  if (!g_file_test (self->path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_A_PROJECT,
                   _("“%s” is not a file: a project is one .boxwood file. Choose the file, not a folder or a device."),
                   self->display_name);
      return NULL;
    }

  if (!open_database (self, FALSE, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * bw_project_open_read_only:
 * @file: a `.boxwood` file
 *
 * Opens a project to read it, for what needs no writing (showing it,
 * counting, exporting): it works on read-only media and with a file or
 * folder one may not write to. Every change is then refused with
 * %BW_PROJECT_ERROR_READ_ONLY. A project of an older version cannot be
 * read this way, since it must be migrated first.
 *
 * Returns: (transfer full): the project
 */
BwProject *
bw_project_open_read_only (GFile   *file,
                           GError **error)
{
  g_autoptr(BwProject) self = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!(self = project_new (file, error)))
    return NULL;

  if (!g_file_test (self->path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_FOUND,
                   _("The project “%s” does not exist."), self->display_name);
      return NULL;
    }
  if (!g_file_test (self->path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_NOT_A_PROJECT,
                   _("“%s” is not a file: a project is one .boxwood file. Choose the file, not a folder or a device."),
                   self->display_name);
      return NULL;
    }

  if (!open_database_read_only (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * bw_project_open_another:
 * @self: an open project
 *
 * A second connection to the same project file, for a worker thread: its
 * transactions never wait on, or hold up, those of @self's thread (SQLite
 * serialises writers between connections; WAL lets readers run beside a
 * writer). It opens read-only when @self is. What it changes is told to
 * @self's handlers too, in @self's main context, as if @self had made the
 * change. Open it on the thread that uses it, and drop it there.
 *
 * Returns: (transfer full): the new connection
 */
BwProject *
bw_project_open_another (BwProject  *self,
                         GError    **error)
{
  BwProject *other;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  other = self->read_only ? bw_project_open_read_only (self->file, error)
                          : bw_project_open (self->file, error);
  if (other == NULL)
    return NULL;

  bw_project_set_busy_timeout (other, self->busy_timeout);
  g_weak_ref_set (&other->origin, self);
  return other;
}

/**
 * bw_project_checkpoint:
 *
 * Folds the WAL back into the project file now, as closing the project
 * does, so the .boxwood file alone holds all committed work (unless
 * another connection is reading at this moment). For a program that ends
 * while something may still hold a reference to the project.
 */
void
bw_project_checkpoint (BwProject *self)
{
  BW_PROJECT_LOCK (self);

  g_return_if_fail (BW_IS_PROJECT (self));

  if (!self->read_only && self->tx_depth == 0)
    fold_wal (self);
}

/**
 * bw_project_check_writable:
 *
 * Returns: %FALSE, with the error that says why a change cannot be saved,
 *   when the project is open read-only
 */
gboolean
bw_project_check_writable (BwProject  *self,
                           GError    **error)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!self->read_only)
    return TRUE;
  _bw_project_set_error (self, SQLITE_READONLY, error);
  return FALSE;
}

/**
 * bw_project_is_read_only:
 *
 * Returns: whether the project was opened with bw_project_open_read_only()
 */
gboolean
bw_project_is_read_only (BwProject *self)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), TRUE);
  return self->read_only;
}

/**
 * bw_project_is_team_copy:
 *
 * A team project's working copy (#BwTeamReplica) takes the lead's part
 * of the project (taxonomy, guidelines, settings, images, gold, exams,
 * calibration, audits, questions) from the server and refuses changes
 * to it: the UI offers none.
 *
 * Returns: whether @self is the working copy of a team project
 */
gboolean
bw_project_is_team_copy (BwProject *self)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  return self->team_copy;
}

GFile *
bw_project_get_file (BwProject *self)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);
  return self->file;
}

const char *
bw_project_get_display_name (BwProject *self)
{
  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);
  return self->display_name;
}

/**
 * bw_project_set_busy_timeout:
 *
 * How long a write waits for another process that holds the file before
 * it fails with %BW_PROJECT_ERROR_BUSY.
 */
void
bw_project_set_busy_timeout (BwProject *self,
                             guint      msec)
{
  BW_PROJECT_LOCK (self);

  g_return_if_fail (BW_IS_PROJECT (self));

  self->busy_timeout = msec;
  set_busy_wait (self, msec);
}

/* Transactions nest: the outermost is BEGIN IMMEDIATE (so a busy file is
 * noticed before any work is done), inner ones are savepoints. The calling
 * thread holds the lock from begin until commit or rollback. */

gboolean
bw_project_begin (BwProject  *self,
                  GError    **error)
{
  g_autofree char *sql = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);

  if (!bw_project_check_writable (self, error))
    return FALSE;

  g_rec_mutex_lock (&self->lock);

  sql = self->tx_depth == 0 ? g_strdup ("BEGIN IMMEDIATE")
                            : g_strdup_printf ("SAVEPOINT bw_%u", self->tx_depth);
  if (!_bw_project_exec (self, sql, error))
    {
      g_rec_mutex_unlock (&self->lock);
      return FALSE;
    }

  self->tx_depth++;
  return TRUE;
}

gboolean
bw_project_commit (BwProject  *self,
                   GError    **error)
{
  g_autofree char *sql = NULL;
  gboolean images_added;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (self->tx_depth > 0, FALSE);

  sql = self->tx_depth == 1 ? g_strdup ("COMMIT")
                            : g_strdup_printf ("RELEASE bw_%u", self->tx_depth - 1);
  if (!_bw_project_exec (self, sql, error))
    {
      bw_project_rollback (self);
      return FALSE;
    }

  self->tx_depth--;
  images_added = self->tx_depth == 0 && self->images_added;
  if (self->tx_depth == 0)
    self->images_added = FALSE;
  g_rec_mutex_unlock (&self->lock);

  /* Images are added in bulk: the views hear of them once a transaction. */
  if (images_added)
    _bw_project_emit_changed (self, BW_PROJECT_SIGNAL_IMAGES_CHANGED);
  return TRUE;
}

void
bw_project_rollback (BwProject *self)
{
  g_autofree char *sql = NULL;

  g_return_if_fail (BW_IS_PROJECT (self));
  g_return_if_fail (self->tx_depth > 0);

  self->tx_depth--;
  if (self->tx_depth == 0)
    {
      self->images_added = FALSE;
      sql = g_strdup ("ROLLBACK");
    }
  else
    sql = g_strdup_printf ("ROLLBACK TO bw_%u; RELEASE bw_%u", self->tx_depth, self->tx_depth);

  /* A failed rollback means SQLite already rolled back on its own. */
  sqlite3_exec (self->db, sql, NULL, NULL, NULL);
  g_rec_mutex_unlock (&self->lock);
}

sqlite3 *
_bw_project_open_reader (BwProject  *self,
                         GError    **error)
{
  sqlite3 *db = NULL;
  int rc;

  if (self->immutable)
    {
      /* Read-only media with no -shm file: read as the project was. */
      g_autofree char *uri = g_filename_to_uri (self->path, NULL, NULL);
      g_autofree char *full = g_strconcat (uri, "?mode=ro&immutable=1", NULL);

      rc = sqlite3_open_v2 (full, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
    }
  else
    rc = sqlite3_open_v2 (self->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      _bw_project_set_error (self, rc, error);
      sqlite3_close_v2 (db);
      return NULL;
    }

  sqlite3_busy_timeout (db, self->busy_timeout);
  return db;
}

/* Settings: small project-wide values, such as the import pixel limit. */

char *
bw_project_get_setting (BwProject  *self,
                        const char *key)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  char *value = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  stmt = _bw_project_prepare (self, "SELECT value FROM settings WHERE key = ?", NULL);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = _bw_column_dup_text (stmt, 0);
  sqlite3_reset (stmt);

  return value;
}

gboolean
bw_project_set_setting (BwProject   *self,
                        const char  *key,
                        const char  *value,
                        GError     **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (value == NULL)
    stmt = _bw_project_prepare (self, "DELETE FROM settings WHERE key = ?1", error);
  else
    stmt = _bw_project_prepare (self, "INSERT INTO settings (key, value) VALUES (?1, ?2) "
                                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);

  return _bw_project_step_done (self, stmt, error);
}

static gboolean
count_rows (BwProject   *self,
            const char  *sql,
            gint64      *out,
            GError     **error)
{
  sqlite3_stmt *stmt = _bw_project_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  *out = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW)
    {
      _bw_project_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
bw_project_get_counts (BwProject        *self,
                       BwProjectCounts  *counts,
                       GError          **error)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (counts != NULL, FALSE);

  memset (counts, 0, sizeof *counts);

  if (!count_rows (self, "SELECT count(*) FROM images", &counts->images, error) ||
      !count_rows (self, "SELECT count(*) FROM categories", &counts->categories, error) ||
      !count_rows (self, "SELECT count(*) FROM annotations", &counts->annotations, error) ||
      !count_rows (self, "SELECT count(*) FROM people", &counts->people, error) ||
      !count_rows (self, "SELECT count(*) FROM layers", &counts->layers, error))
    return FALSE;

  stmt = _bw_project_prepare (self, "SELECT status, count(*) FROM images GROUP BY status", error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 status = sqlite3_column_int64 (stmt, 0);

      if (status >= 0 && status < BW_IMAGE_N_STATUS)
        counts->images_by_status[status] = sqlite3_column_int64 (stmt, 1);
    }
  return _bw_project_finish_rows (self, stmt, rc, error);
}

/* People */

gboolean
bw_project_ensure_person (BwProject   *self,
                          const char  *name,
                          BwRole       role,
                          gint64      *out_id,
                          GError     **error)
{
  BW_PROJECT_LOCK (self);
  g_autofree char *trimmed = NULL;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  trimmed = g_strstrip (g_strdup (name));
  if (*trimmed == '\0' || !g_utf8_validate (trimmed, -1, NULL))
    {
      g_set_error (error, BW_PROJECT_ERROR, BW_PROJECT_ERROR_INVALID,
                   _("A person needs a name."));
      return FALSE;
    }

  /* A project open read-only names only who is in it already. */
  if (self->read_only)
    {
      stmt = _bw_project_prepare (self, "SELECT id FROM people WHERE name = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, trimmed, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (out_id != NULL)
        *out_id = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
      return _bw_project_finish_rows (self, stmt, rc == SQLITE_ROW ? SQLITE_DONE : rc, error);
    }

  stmt = _bw_project_prepare (self,
                              "INSERT INTO people (name, role, created_at) VALUES (?1, ?2, ?3) "
                              "ON CONFLICT (name) DO NOTHING", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, trimmed, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 2, role);
  sqlite3_bind_int64 (stmt, 3, _bw_project_now ());
  if (!_bw_project_step_done (self, stmt, error))
    return FALSE;

  stmt = _bw_project_prepare (self, "SELECT id FROM people WHERE name = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, trimmed, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && out_id != NULL)
    *out_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW)
    {
      _bw_project_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

/**
 * bw_project_record_creator:
 * @name: the name of whoever made the project
 * @out_id: (out) (optional): their person
 *
 * Records @name as the project's creator, and as a lead: whoever makes a
 * project sets it up (its taxonomy, gold answers and exams), so no exam
 * holds them back, as it would an annotator.
 */
gboolean
bw_project_record_creator (BwProject   *self,
                           const char  *name,
                           gint64      *out_id,
                           GError     **error)
{
  g_autofree char *value = NULL;
  gint64 id = 0;

  g_return_val_if_fail (BW_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!bw_project_ensure_person (self, name, BW_ROLE_LEAD, &id, error))
    return FALSE;
  if (bw_project_get_person_role (self, id) == BW_ROLE_ANNOTATOR &&
      !bw_project_set_person_role (self, id, BW_ROLE_LEAD, error))
    return FALSE;
  value = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  if (!bw_project_set_setting (self, "project.creator", value, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = id;
  return TRUE;
}

/**
 * bw_project_get_creator:
 *
 * Returns: the person bw_project_record_creator() recorded, or 0
 */
gint64
bw_project_get_creator (BwProject *self)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (self), 0);

  value = bw_project_get_setting (self, "project.creator");
  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
}

char *
bw_project_get_person_name (BwProject *self,
                            gint64     person_id)
{
  BW_PROJECT_LOCK (self);
  sqlite3_stmt *stmt;
  char *name = NULL;

  g_return_val_if_fail (BW_IS_PROJECT (self), NULL);

  stmt = _bw_project_prepare (self, "SELECT name FROM people WHERE id = ?1", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, person_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    name = _bw_column_dup_text (stmt, 0);
  sqlite3_reset (stmt);

  return name;
}

/**
 * bw_project_find_person:
 * @name: a person's name, as bw_project_ensure_person() was given it
 *
 * Returns: the person's id, or 0 when nobody of that name is in the
 *   project (nothing is added)
 */
gint64
bw_project_find_person (BwProject  *self,
                        const char *name)
{
  BW_PROJECT_LOCK (self);
  g_autofree char *trimmed = NULL;
  sqlite3_stmt *stmt;
  gint64 id = 0;

  g_return_val_if_fail (BW_IS_PROJECT (self), 0);
  g_return_val_if_fail (name != NULL, 0);

  trimmed = g_strstrip (g_strdup (name));
  stmt = _bw_project_prepare (self, "SELECT id FROM people WHERE name = ?1", NULL);
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, trimmed, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return id;
}
