/* bw-cli-calibration.c — boxwood-cli calibration start | list | report
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "boxwood-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "bw-calibration.h"
#include "bw-cli.h"

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate (*(const char * const *) a, *(const char * const *) b);
}

/* The round that @text names: its id, or its name. 0 after saying why not. */
static gint64
find_round (BwProject  *project,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rounds = bw_project_list_calibration_rounds (project, &error);
  char *end = NULL;
  gint64 id;

  if (rounds == NULL)
    {
      bw_cli_error ("%s", error->message);
      return 0;
    }
  id = g_ascii_strtoll (text, &end, 10);
  for (guint i = 0; i < rounds->len; i++)
    {
      const BwCalibrationRound *round = rounds->pdata[i];

      if ((end != text && *end == '\0' && round->id == id) || g_utf8_collate (round->name, text) == 0)
        return round->id;
    }
  bw_cli_error (_("“%s” is not a calibration round of the project “%s”; "
                  "“boxwood-cli calibration list” lists them"),
                text, bw_project_get_display_name (project));
  return 0;
}

static int
calibration_start (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) people = NULL;
  g_autoptr(BwCalibrationRound) round = NULL;
  g_autofree char *name = NULL;
  g_autofree char *people_text = NULL;
  g_autofree char *lead = NULL;
  gint64 n_images = 0, seed = 0, lead_id = 0, round_id = 0;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "images", 0, 0, G_OPTION_ARG_INT64, &n_images,
      N_("How many images the round has (required)"), N_("N") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("What to call the round (default “Round N”)"), N_("NAME") },
    { "people", 0, 0, G_OPTION_ARG_STRING, &people_text,
      N_("Who answers it, names separated by commas (default: every annotator)"), N_("NAMES") },
    { "lead", 0, 0, G_OPTION_ARG_STRING, &lead,
      N_("Who starts it"), N_("NAME") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed,
      N_("The seed of the draw of images (default 0): the same seed draws the same images"), N_("S") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print the new round as JSON"), NULL },
    { NULL }
  };

  g_set_prgname ("boxwood-cli calibration start");
  context = g_option_context_new (_("PROJECT.boxwood"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("Start a calibration round: N images, drawn at random from those nobody has\n"
      "started, that every annotator of the round labels independently, each in\n"
      "their own layer. Their work queue gives them the round’s images before\n"
      "their ordinary work."));

  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      bw_cli_error (_("calibration start takes one argument, the project file; "
                      "see “boxwood-cli calibration start --help”"));
      return 2;
    }
  if (n_images <= 0 || n_images > G_MAXINT)
    {
      bw_cli_error (_("--images N is required, a number of images above 0"));
      return 2;
    }
  if (seed < 0)
    {
      bw_cli_error (_("--seed must be 0 or more"));
      return 2;
    }

  project = bw_cli_open_project (argv[1]);
  if (project == NULL)
    return 1;

  if (lead != NULL && (lead_id = bw_project_find_person (project, lead)) <= 0)
    {
      bw_cli_error (_("“%s” is not a person of the project “%s”"), lead, bw_project_get_display_name (project));
      return 1;
    }
  if (people_text != NULL)
    {
      g_auto(GStrv) names = g_strsplit (people_text, ",", -1);

      people = g_array_new (FALSE, FALSE, sizeof (gint64));
      for (guint i = 0; names[i] != NULL; i++)
        {
          const char *person = g_strstrip (names[i]);
          gint64 id;

          if (*person == '\0')
            continue;
          id = bw_project_find_person (project, person);
          if (id <= 0)
            {
              bw_cli_error (_("“%s” is not a person of the project “%s”"), person,
                            bw_project_get_display_name (project));
              return 1;
            }
          g_array_append_val (people, id);
        }
    }

  if (!bw_project_start_calibration_round (project, name, lead_id, (guint) n_images, (guint64) seed,
                                           people ? (const gint64 *) (gpointer) people->data : NULL,
                                           people ? people->len : 0, &round_id, &error) ||
      (round = bw_project_get_calibration_round (project, round_id, &error)) == NULL)
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "round");
      json_builder_add_int_value (builder, round->id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, round->name);
      json_builder_set_member_name (builder, "images");
      json_builder_add_int_value (builder, round->n_images);
      json_builder_set_member_name (builder, "people");
      json_builder_add_int_value (builder, round->n_people);
      json_builder_end_object (builder);
      bw_cli_print_json (builder);
    }
  else
    g_print (_("Started calibration round %" PRId64 " “%s”: %u images for each of %u people.\n"),
             round->id, round->name, round->n_images, round->n_people);
  return 0;
}

static BwCalibrationReport *
compute_report (BwProject *project,
                gint64     round_id,
                double     iou)
{
  g_autoptr(GError) error = NULL;
  BwCalibrationReport *report = bw_calibration_compute (project, round_id, iou, NULL, &error);

  if (report == NULL)
    bw_cli_error ("%s", error->message);
  return report;
}

static int
calibration_list (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rounds = NULL;
  g_autoptr(GPtrArray) reports = g_ptr_array_new_with_free_func ((GDestroyNotify) bw_calibration_report_free);
  g_autoptr(GHashTable) categories = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, NULL);
  g_autoptr(GPtrArray) category_names = g_ptr_array_new ();
  double iou = BW_MATCHING_DEFAULT_IOU_THRESHOLD;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "iou", 0, 0, G_OPTION_ARG_DOUBLE, &iou,
      N_("Pairs with a lower IoU do not match (default 0.5)"), N_("T") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print every round’s report as one JSON array"), NULL },
    { NULL }
  };

  g_set_prgname ("boxwood-cli calibration list");
  context = g_option_context_new (_("PROJECT.boxwood"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("List the calibration rounds, oldest first, with how many answers are in,\n"
      "and compare them: Krippendorff’s α per category per round."));

  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 2)
    {
      bw_cli_error (_("calibration list takes one argument, the project file; "
                      "see “boxwood-cli calibration list --help”"));
      return 2;
    }
  if (!(iou > 0.0 && iou <= 1.0))
    {
      bw_cli_error (_("--iou must be above 0 and at most 1, such as 0.5"));
      return 2;
    }

  project = bw_cli_open_project_to_read (argv[1]);
  if (project == NULL)
    return 1;
  rounds = bw_project_list_calibration_rounds (project, &error);
  if (rounds == NULL)
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }
  for (guint i = 0; i < rounds->len; i++)
    {
      BwCalibrationReport *report = compute_report (project, ((BwCalibrationRound *) rounds->pdata[i])->id, iou);

      if (report == NULL)
        return 1;
      g_ptr_array_add (reports, report);
    }

  if (json)
    {
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < reports->len; i++)
        json_array_add_element (array, bw_calibration_report_to_json (reports->pdata[i]));
      json_node_take_array (root, array);
      bw_cli_print_json_node (root);
      return 0;
    }

  if (reports->len == 0)
    {
      g_print ("%s\n", _("No calibration round yet: “boxwood-cli calibration start PROJECT --images N” starts one."));
      return 0;
    }

  for (guint i = 0; i < reports->len; i++)
    {
      const BwCalibrationReport *report = reports->pdata[i];
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (report->round.created_at / G_USEC_PER_SEC);
      g_autofree char *date = g_date_time_format (when, "%Y-%m-%d %H:%M");
      g_autofree char *alpha = bw_cli_format_number (report->alpha);

      g_print (_("%" PRId64 "  %s  %s  %u images, %u people, %u of %u answers in, α %s\n"),
               report->round.id, date, report->round.name, report->round.n_images,
               report->round.n_people, report->round.n_submitted, report->round.n_expected, alpha);
      for (guint c = 0; c < report->categories->len; c++)
        {
          const char *name = bw_calibration_report_category_name (report,
                                                                 g_array_index (report->categories,
                                                                                BwCalibrationCategory, c).category_id);

          if (!g_hash_table_contains (categories, name))
            {
              g_hash_table_add (categories, (gpointer) name);
              g_ptr_array_add (category_names, (gpointer) name);
            }
        }
    }

  /* Rounds compared: α per category (rows) per round (columns). */
  {
    g_autoptr(GString) line = g_string_new (NULL);

    g_print (_("\nKrippendorff’s α per category and round:\n"));
    bw_cli_append_cell (line, _("Category"), 20, FALSE);
    for (guint i = 0; i < reports->len; i++)
      bw_cli_append_cell (line, ((BwCalibrationReport *) reports->pdata[i])->round.name, 12, TRUE);
    g_print ("%s\n", line->str);
    g_ptr_array_sort (category_names, compare_names);
    for (guint c = 0; c < category_names->len; c++)
      {
        const char *name = category_names->pdata[c];

        g_string_truncate (line, 0);
        bw_cli_append_cell (line, name, 20, FALSE);
        for (guint i = 0; i < reports->len; i++)
          {
            const BwCalibrationReport *report = reports->pdata[i];
            g_autofree char *alpha = NULL;
            double value = NAN;

            for (guint k = 0; k < report->categories->len; k++)
              {
                const BwCalibrationCategory *category = &g_array_index (report->categories, BwCalibrationCategory, k);

                if (g_strcmp0 (bw_calibration_report_category_name (report, category->category_id), name) == 0)
                  value = category->alpha;
              }
            alpha = bw_cli_format_number (value);
            bw_cli_append_cell (line, alpha, 12, TRUE);
          }
        g_print ("%s\n", line->str);
      }
  }
  return 0;
}

static int
calibration_report (int    argc,
                    char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(BwProject) project = NULL;
  g_autoptr(BwCalibrationReport) report = NULL;
  double iou = BW_MATCHING_DEFAULT_IOU_THRESHOLD;
  gboolean json = FALSE;
  gint64 round_id;
  BwRate f1;
  g_autofree char *alpha = NULL, *f = NULL;
  g_autoptr(GString) people = g_string_new (NULL);
  const GOptionEntry entries[] = {
    { "iou", 0, 0, G_OPTION_ARG_DOUBLE, &iou,
      N_("Pairs with a lower IoU do not match (default 0.5)"), N_("T") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print one JSON object with every figure"), NULL },
    { NULL }
  };

  g_set_prgname ("boxwood-cli calibration report");
  context = g_option_context_new (_("PROJECT.boxwood ROUND"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
    _("How well the people of a calibration round (its number or name) agree:\n"
      "Krippendorff’s α after matching and pairwise F1, over all categories and\n"
      "per category, and each image’s α, the lowest first — the images to talk\n"
      "over in the calibration meeting."));

  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;
  if (argc != 3)
    {
      bw_cli_error (_("calibration report takes a project file and a round; "
                      "see “boxwood-cli calibration report --help”"));
      return 2;
    }
  if (!(iou > 0.0 && iou <= 1.0))
    {
      bw_cli_error (_("--iou must be above 0 and at most 1, such as 0.5"));
      return 2;
    }

  project = bw_cli_open_project_to_read (argv[1]);
  if (project == NULL)
    return 1;
  round_id = find_round (project, argv[2]);
  if (round_id <= 0)
    return 1;
  report = compute_report (project, round_id, iou);
  if (report == NULL)
    return 1;

  if (json)
    {
      g_autoptr(JsonNode) root = bw_calibration_report_to_json (report);

      bw_cli_print_json_node (root);
      return 0;
    }

  for (guint i = 0; i < report->people->len; i++)
    g_string_append_printf (people, "%s%s", i ? ", " : "",
                            bw_calibration_report_person_name (report, g_array_index (report->people, gint64, i)));
  alpha = bw_cli_format_number (report->alpha);
  bw_quality_counts_f1 (&report->pairs, &f1);
  f = bw_cli_format_number (f1.value);
  g_print (_("Calibration round %" PRId64 " “%s”: %u images; %s; %u of %u answers in.\n"),
           report->round.id, report->round.name, report->round.n_images, people->str,
           report->round.n_submitted, report->round.n_expected);
  g_print (_("Krippendorff’s α %s over %" PRIu64 " objects; pairwise F1 %s (IoU threshold %.2f).\n\n"),
           alpha, report->units, f, report->iou_threshold);

  g_print ("%-20s %8s %8s %8s\n", _("Category"), "α", _("Objects"), _("Pair F1"));
  for (guint i = 0; i < report->categories->len; i++)
    {
      const BwCalibrationCategory *category = &g_array_index (report->categories, BwCalibrationCategory, i);
      g_autofree char *a = bw_cli_format_number (category->alpha);
      g_autofree char *cf = NULL;

      bw_quality_counts_f1 (&category->pairs, &f1);
      cf = bw_cli_format_number (f1.value);
      g_print ("%-20s %8s %8" PRIu64 " %8s\n",
               bw_calibration_report_category_name (report, category->category_id), a, category->units, cf);
    }

  g_print (_("\nImages, the least agreement first:\n"));
  for (guint i = 0; i < report->images->len; i++)
    {
      const BwCalibrationImage *image = report->images->pdata[i];
      g_autofree char *a = bw_cli_format_number (image->alpha);

      g_print (_("  %s  α %s (%u answers, %" PRIu64 " objects)\n"),
               image->path, a, image->n_answers, image->units);
    }
  return 0;
}

int
bw_cli_calibration (int    argc,
                    char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "start") == 0)
    return calibration_start (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "list") == 0)
    return calibration_list (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "report") == 0)
    return calibration_report (argc - 1, argv + 1);

  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      g_print ("%s\n\n%s\n  %-7s %s\n  %-7s %s\n  %-7s %s\n",
               _("Usage: boxwood-cli calibration COMMAND [OPTION…] PROJECT.boxwood …"),
               _("Commands:"),
               "start", _("Start a round: N images every annotator labels independently"),
               "list", _("List the rounds and compare their α per category"),
               "report", _("A round’s agreement per category and per image"));
      return 0;
    }

  bw_cli_error (_("calibration needs a command, start, list or report; see “boxwood-cli calibration --help”"));
  return 2;
}
