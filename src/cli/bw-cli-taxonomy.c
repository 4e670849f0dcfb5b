/* bw-cli-taxonomy.c — boxwood-cli taxonomy: list, export, import, add,
 * merge and delete categories
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "boxwood-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "bw-cli.h"
#include "bw-project.h"
#include "bw-taxonomy-io.h"

typedef struct
{
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *summary;
} Subcommand;

static int taxonomy_list   (int argc, char **argv);
static int taxonomy_export (int argc, char **argv);
static int taxonomy_import (int argc, char **argv);
static int taxonomy_add    (int argc, char **argv);
static int taxonomy_merge  (int argc, char **argv);
static int taxonomy_delete (int argc, char **argv);

static const Subcommand subcommands[] = {
  { "list",   taxonomy_list,   N_("List the categories (--json for a script)") },
  { "export", taxonomy_export, N_("Write the taxonomy to a JSON file") },
  { "import", taxonomy_import, N_("Merge the categories of a taxonomy or COCO file") },
  { "add",    taxonomy_add,    N_("Add a category") },
  { "merge",  taxonomy_merge,  N_("Move the annotations of a category to another and delete it") },
  { "delete", taxonomy_delete, N_("Delete a category") },
};

static void
print_usage (FILE *stream)
{
  fprintf (stream, "%s\n\n", _("Usage: boxwood-cli taxonomy SUBCOMMAND PROJECT.boxwood|URL [OPTION…] ARGUMENT…"));
  fprintf (stream, "%s\n", _("Subcommands:"));
  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    fprintf (stream, "  %-8s %s\n", subcommands[i].name, _(subcommands[i].summary));
  fprintf (stream, "\n%s\n", _("A team project is named by its URL (postgresql://…): a change is made\n"
                                 "there in one transaction, as the connecting user, whose role the\n"
                                 "server checks (a lead may change the taxonomy)."));
  fprintf (stream, "\n%s\n", _("Run “boxwood-cli taxonomy SUBCOMMAND --help” for the options of a subcommand."));
}

/* Parses the options; returns -1 to go on, else the exit status. */
static int
parse_options (GOptionContext  *context,
               int             *argc,
               char          ***argv,
               int              n_args)
{
  if (!bw_cli_parse_options (context, argc, argv))
    return 2;

  if (*argc != n_args + 1)
    {
      bw_cli_error (_("expected %d arguments, got %d; run “%s --help”"),
                    n_args, *argc - 1, g_get_prgname ());
      return 2;
    }

  return -1;
}

/* "dog" or "7": a category by name, or by id when no name matches. */
static gint64
find_category (BwProject  *project,
               const char *name_or_id)
{
  gint64 id = bw_project_find_category_by_name (project, name_or_id);
  guint64 number;

  if (id > 0)
    return id;

  if (g_ascii_string_to_unsigned (name_or_id, 10, 1, G_MAXINT64, &number, NULL))
    {
      g_autoptr(BwCategory) category = bw_project_get_category (project, (gint64) number, NULL);

      if (category != NULL)
        return category->id;
    }

  bw_cli_error (_("the project “%s” has no category “%s”"),
                bw_project_get_display_name (project), name_or_id);
  return 0;
}

static int
taxonomy_list (int    argc,
               char **argv)
{
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print JSON: the export format with each category’s position and number of annotations"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROJECT.boxwood|URL"));
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GPtrArray) categories = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_set_summary (context, _("List the categories of a project, in their order."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = parse_options (context, &argc, &argv, 1)) >= 0)
    return status;

  if (!(project = bw_cli_open_project_to_read (argv[1])))
    return 1;

  if (json)
    {
      g_autoptr(JsonNode) root = NULL;
      g_autoptr(JsonGenerator) generator = NULL;
      g_autofree char *data = NULL;

      if (!(root = bw_taxonomy_to_json_node (project, TRUE, &error)))
        {
          bw_cli_error ("%s", error->message);
          return 1;
        }
      generator = json_generator_new ();
      json_generator_set_pretty (generator, TRUE);
      json_generator_set_root (generator, root);
      data = json_generator_to_data (generator, NULL);
      printf ("%s\n", data);
      return 0;
    }

  if (!(categories = bw_project_list_categories (project, &error)))
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }

  if (categories->len == 0)
    {
      printf ("%s\n", _("No categories."));
      return 0;
    }

  printf ("%6s  %-3s  %-7s  %11s  %s\n",
          _("ID"), _("Key"), _("Colour"), _("Annotations"), _("Name (supercategory)"));
  for (guint i = 0; i < categories->len; i++)
    {
      const BwCategory *category = g_ptr_array_index (categories, i);
      g_autofree char *key = bw_category_list_dup_key_label (categories, i);

      printf ("%6" G_GINT64_FORMAT "  %-3s  %-7s  %11" G_GINT64_FORMAT "  %s",
              category->id, key ? key : "-", category->color,
              bw_project_count_category_annotations (project, category->id),
              category->name);
      if (category->supercategory != NULL && category->supercategory[0] != '\0')
        printf (" (%s)", category->supercategory);
      printf ("\n");
    }

  return 0;
}

static int
taxonomy_export (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROJECT.boxwood|URL OUT.json"));
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GFile) out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_set_summary (context,
                                _("Write the taxonomy as a COCO-style “categories” array with Boxwood’s\n"
                                  "colours, hotkeys and guidelines."));
  if ((status = parse_options (context, &argc, &argv, 2)) >= 0)
    return status;

  if (!(project = bw_cli_open_project_to_read (argv[1])))
    return 1;

  out = g_file_new_for_commandline_arg (argv[2]);
  if (!bw_taxonomy_export (project, out, &error))
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }

  return 0;
}

static void
print_lines (const char *label,
             GPtrArray  *lines)
{
  for (guint i = 0; i < lines->len; i++)
    printf ("%s %s\n", label, (const char *) g_ptr_array_index (lines, i));
}

static int
taxonomy_import (int    argc,
                 char **argv)
{
  gboolean quiet = FALSE;
  const GOptionEntry entries[] = {
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Print only the summary line"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROJECT.boxwood|URL IN.json"));
  g_autoptr(BwProject) project = NULL;
  g_autoptr(BwTaxonomyImportReport) report = NULL;
  g_autoptr(GFile) in = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_option_context_set_summary (context,
                                _("Merge the categories of a taxonomy file or of a COCO instances file into\n"
                                  "the project, by name. A clash (another supercategory, a hotkey already\n"
                                  "taken) keeps what the project has and is reported. A malformed file\n"
                                  "changes nothing."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = parse_options (context, &argc, &argv, 2)) >= 0)
    return status;

  if (!(project = bw_cli_open_project_to_change (argv[1], BW_TEAM_CHANGES_TAXONOMY, NULL)))
    return 1;

  in = g_file_new_for_commandline_arg (argv[2]);
  if (!(report = bw_taxonomy_import (project, in, &error)))
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }

  if (!quiet)
    {
      print_lines (_("added:"), report->added);
      print_lines (_("updated:"), report->updated);
      print_lines (_("clash:"), report->clashes);
    }
  printf (_("%u added, %u updated, %u unchanged, %u clashes\n"),
          report->added->len, report->updated->len, report->unchanged, report->clashes->len);
  return 0;
}

static int
taxonomy_add (int    argc,
              char **argv)
{
  g_autofree char *supercategory = NULL;
  g_autofree char *color = NULL;
  g_autofree char *hotkey = NULL;
  g_autofree char *guideline = NULL;
  const GOptionEntry entries[] = {
    { "supercategory", 's', 0, G_OPTION_ARG_STRING, &supercategory, N_("Its supercategory"), N_("NAME") },
    { "color", 'c', 0, G_OPTION_ARG_STRING, &color, N_("Its colour, #rrggbb (default: the next palette colour)"), N_("COLOUR") },
    { "hotkey", 'k', 0, G_OPTION_ARG_STRING, &hotkey, N_("Its hotkey: a digit 1–9 or a letter"), N_("KEY") },
    { "guideline", 'g', 0, G_OPTION_ARG_STRING, &guideline, N_("Its guideline text"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROJECT.boxwood|URL NAME"));
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GError) error = NULL;
  BwCategory category = { 0 };
  gint64 id = 0;
  int status;

  g_option_context_set_summary (context, _("Add a category at the end of the taxonomy and print its id."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = parse_options (context, &argc, &argv, 2)) >= 0)
    return status;

  if (!(project = bw_cli_open_project_to_change (argv[1], BW_TEAM_CHANGES_TAXONOMY, NULL)))
    return 1;

  category.name = argv[2];
  category.supercategory = supercategory;
  category.color = color;
  category.hotkey = hotkey;
  category.guideline = guideline;

  if (!bw_project_add_category_full (project, &category, &id, &error))
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }

  printf ("%" G_GINT64_FORMAT "\n", id);
  return 0;
}

static int
taxonomy_merge (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROJECT.boxwood|URL SOURCE TARGET"));
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *number = NULL;
  gint64 source, target, moved;
  int status;

  g_option_context_set_summary (context,
                                _("Move every annotation of the category SOURCE to TARGET and delete SOURCE,\n"
                                  "in one transaction. Categories are named, or given by id."));
  if ((status = parse_options (context, &argc, &argv, 3)) >= 0)
    return status;

  if (!(project = bw_cli_open_project_to_change (argv[1],
                                                       BW_TEAM_CHANGES_TAXONOMY | BW_TEAM_CHANGES_ANNOTATIONS,
                                                       (const char *[]) { argv[2], NULL })))
    return 1;
  if (!(source = find_category (project, argv[2])) ||
      !(target = find_category (project, argv[3])))
    return 1;

  moved = bw_project_count_category_annotations (project, source);
  if (!bw_project_merge_category (project, source, target, &error))
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }

  number = g_strdup_printf ("%" G_GINT64_FORMAT, moved);
  printf (g_dngettext (GETTEXT_PACKAGE, "%s annotation moved\n", "%s annotations moved\n", moved),
          number);
  return 0;
}

static int
taxonomy_delete (int    argc,
                 char **argv)
{
  g_autofree char *move_to = NULL;
  gboolean delete_annotations = FALSE;
  const GOptionEntry entries[] = {
    { "move-to", 'm', 0, G_OPTION_ARG_STRING, &move_to,
      N_("Move its annotations to this category"), N_("CATEGORY") },
    { "delete-annotations", 0, 0, G_OPTION_ARG_NONE, &delete_annotations,
      N_("Delete its annotations too"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PROJECT.boxwood|URL CATEGORY"));
  g_autoptr(BwProject) project = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id, target = 0, count;
  int status;

  g_option_context_set_summary (context,
                                _("Delete a category. When it has annotations, say what becomes of them:\n"
                                  "--move-to another category, or --delete-annotations."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if ((status = parse_options (context, &argc, &argv, 2)) >= 0)
    return status;

  if (move_to != NULL && delete_annotations)
    {
      bw_cli_error (_("--move-to and --delete-annotations exclude each other"));
      return 2;
    }

  if (!(project = bw_cli_open_project_to_change (argv[1],
                                                       BW_TEAM_CHANGES_TAXONOMY | BW_TEAM_CHANGES_ANNOTATIONS,
                                                       (const char *[]) { argv[2], NULL })))
    return 1;
  if (!(id = find_category (project, argv[2])))
    return 1;
  if (move_to != NULL && !(target = find_category (project, move_to)))
    return 1;

  count = bw_project_count_category_annotations (project, id);
  if (count > 0 && move_to == NULL && !delete_annotations)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, count);

      bw_cli_error (g_dngettext (GETTEXT_PACKAGE,
                                 "“%s” has %s annotation: add --move-to CATEGORY or --delete-annotations",
                                 "“%s” has %s annotations: add --move-to CATEGORY or --delete-annotations",
                                 count),
                    argv[2], number);
      return 1;
    }

  if (!bw_project_delete_category (project, id, target, &error))
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }

  return 0;
}

int
bw_cli_taxonomy (int    argc,
                 char **argv)
{
  if (argc < 2)
    {
      print_usage (stderr);
      return 2;
    }

  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 ||
      strcmp (argv[1], "help") == 0)
    {
      print_usage (stdout);
      return 0;
    }

  for (guint i = 0; i < G_N_ELEMENTS (subcommands); i++)
    {
      if (strcmp (argv[1], subcommands[i].name) == 0)
        {
          g_autofree char *prgname = g_strdup_printf ("boxwood-cli taxonomy %s", subcommands[i].name);

          g_set_prgname (prgname);
          return subcommands[i].run (argc - 1, argv + 1);
        }
    }

  bw_cli_error (_("“%s” is not a taxonomy subcommand; run “boxwood-cli taxonomy --help” for the list"),
                argv[1]);
  return 2;
}
