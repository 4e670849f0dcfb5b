/* bw-cli-info.c — boxwood-cli info PROJECT.boxwood [--json]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "boxwood-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <json-glib/json-glib.h>

#include "bw-cli.h"
#include "bw-project.h"

static char *
counts_to_json (BwProject             *project,
                const BwProjectCounts *counts)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GFile) file = g_object_ref (bw_project_get_file (project));
  g_autofree char *path = g_file_get_path (file);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "project");
  json_builder_add_string_value (builder, path);
  json_builder_set_member_name (builder, "images");
  json_builder_add_int_value (builder, counts->images);

  json_builder_set_member_name (builder, "images_by_status");
  json_builder_begin_object (builder);
  for (int status = 0; status < BW_IMAGE_N_STATUS; status++)
    {
      json_builder_set_member_name (builder, bw_image_status_to_string (status));
      json_builder_add_int_value (builder, counts->images_by_status[status]);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "categories");
  json_builder_add_int_value (builder, counts->categories);
  json_builder_set_member_name (builder, "annotations");
  json_builder_add_int_value (builder, counts->annotations);
  json_builder_set_member_name (builder, "people");
  json_builder_add_int_value (builder, counts->people);
  json_builder_set_member_name (builder, "layers");
  json_builder_add_int_value (builder, counts->layers);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static void
print_counts (BwProject             *project,
              const BwProjectCounts *counts)
{
  g_print ("%s\n", bw_project_get_display_name (project));
  g_print (_("Images:       %" PRId64 "\n"), counts->images);
  for (int status = 0; status < BW_IMAGE_N_STATUS; status++)
    g_print ("  %-12s %" G_GINT64_FORMAT "\n",
             bw_image_status_to_label (status), counts->images_by_status[status]);
  g_print (_("Categories:   %" PRId64 "\n"), counts->categories);
  g_print (_("Annotations:  %" PRId64 "\n"), counts->annotations);
  g_print (_("People:       %" PRId64 "\n"), counts->people);
  g_print (_("Layers:       %" PRId64 "\n"), counts->layers);
}

int
bw_cli_info (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BwProject) project = NULL;
  BwProjectCounts counts = { 0, };
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print one JSON object: images, images_by_status, categories, annotations, people, layers"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("PROJECT.boxwood|URL"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Show what a project holds: images by status, "
                                           "categories, annotations and people."));
  g_option_context_set_description (context,
    _("Exit status: 0 on success, 1 when the project cannot be opened (the\n"
      "reason is printed on standard error), 2 on a usage error."));

  if (!bw_cli_parse_options (context, &argc, &argv))
    return 2;

  if (argc != 2)
    {
      bw_cli_error (_("info takes one argument, the project file; see “boxwood-cli info --help”"));
      return 2;
    }

  if (bw_cli_is_team_url (argv[1]))
    return bw_cli_info_team (argv[1], json);

  project = bw_cli_open_project_to_read (argv[1]);
  if (project == NULL)
    return 1;
  if (!bw_project_get_counts (project, &counts, &error))
    {
      bw_cli_error ("%s", error->message);
      return 1;
    }

  if (json)
    {
      g_autofree char *text = counts_to_json (project, &counts);

      g_print ("%s\n", text);
    }
  else
    print_counts (project, &counts);

  return 0;
}
