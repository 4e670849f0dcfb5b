/* bw-window-questions.c — questions, examples and guideline changes in
 * the main window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ? on the canvas asks about the selected shape, or the image when none
 * is selected, in a small popover; the question goes to the lead's
 * Questions window (win.questions). Questions show as markers on the
 * canvas to their asker (answered ones with the answer) and to leads.
 * When the guideline version goes up while someone works (the lead
 * edited a guideline, the project-wide document, or an example), a
 * banner says what changed until it is dismissed.
 */

#define G_LOG_DOMAIN "bw-window"

#include "config.h"

#include <glib/gi18n.h>

#include "bw-annotation-tools.h"
#include "bw-questions-window.h"
#include "bw-taxonomy-dialog.h"
#include "bw-window-private.h"

static void
show_toast (BwWindow   *self,
            const char *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 4);
  bw_toast_overlay_add (self->toast_overlay, toast);
}

/* ------------------------------------------------------------------ */
/* Markers                                                              */

/* The questions of the image shown that this person sees: their own,
 * and every one for a lead. */
void
_bw_window_questions_reload_markers (BwWindow *self)
{
  BwAnnotationController *controller = bw_annotation_tools_get (self);
  g_autoptr(GPtrArray) questions = NULL;
  g_autoptr(GPtrArray) shown = NULL;
  g_autoptr(GError) error = NULL;
  gboolean lead;

  if (controller == NULL)
    return;
  if (self->project == NULL || self->current_image_id <= 0)
    {
      bw_annotation_controller_set_questions (controller, NULL);
      return;
    }

  if (!(questions = bw_project_list_questions (self->project, FALSE, self->current_image_id, &error)))
    {
      g_debug ("No questions: %s", error->message);
      return;
    }
  lead = self->person_id > 0 && bw_project_get_person_role (self->project, self->person_id) == BW_ROLE_LEAD;
  shown = g_ptr_array_new ();
  for (guint i = 0; i < questions->len; i++)
    {
      const BwQuestion *q = questions->pdata[i];

      if (lead || (self->person_id > 0 && q->asker_id == self->person_id))
        g_ptr_array_add (shown, questions->pdata[i]);
    }
  bw_annotation_controller_set_questions (controller, shown);
}

static void
questions_changed_cb (BwWindow *self,
                      gint64    image_id)
{
  if (image_id == self->current_image_id)
    _bw_window_questions_reload_markers (self);
}

/* ------------------------------------------------------------------ */
/* Asking                                                               */

static void
question_requested_cb (BwWindow               *self,
                       gint64                  annotation_id,
                       BwAnnotationController *controller)
{
  BwAnnotationSet *set = bw_annotation_controller_get_annotations (controller);
  const BwAnnotation *a = annotation_id > 0 && set != NULL ? bw_annotation_set_lookup (set, annotation_id) : NULL;
  GdkRectangle rect;
  double wx0, wy0, wx1, wy1;

  self->ask_annotation_id = a != NULL ? annotation_id : 0;
  if (a != NULL)
    {
      bw_canvas_image_to_widget (self->canvas, a->shape->bbox.x0, a->shape->bbox.y0, &wx0, &wy0);
      bw_canvas_image_to_widget (self->canvas, a->shape->bbox.x1, a->shape->bbox.y1, &wx1, &wy1);
      wx0 = CLAMP (wx0, 0, gtk_widget_get_width (GTK_WIDGET (self->canvas)));
      wx1 = CLAMP (wx1, 0, gtk_widget_get_width (GTK_WIDGET (self->canvas)));
      wy0 = CLAMP (wy0, 0, gtk_widget_get_height (GTK_WIDGET (self->canvas)));
      wy1 = CLAMP (wy1, 0, gtk_widget_get_height (GTK_WIDGET (self->canvas)));
      rect = (GdkRectangle) { (int) wx0, (int) wy0, MAX (1, (int) (wx1 - wx0)), MAX (1, (int) (wy1 - wy0)) };
      gtk_label_set_text (self->ask_title, _("Ask the Lead about This Shape"));
    }
  else
    {
      rect = (GdkRectangle) { gtk_widget_get_width (GTK_WIDGET (self->canvas)) / 2,
                              gtk_widget_get_height (GTK_WIDGET (self->canvas)) / 2, 1, 1 };
      gtk_label_set_text (self->ask_title, _("Ask the Lead about This Image"));
    }
  gtk_editable_set_text (GTK_EDITABLE (self->ask_entry), "");
  gtk_popover_set_pointing_to (GTK_POPOVER (self->ask_popover), &rect);
  gtk_popover_popup (GTK_POPOVER (self->ask_popover));
  gtk_widget_grab_focus (GTK_WIDGET (self->ask_entry));
}

static void
ask_confirmed_cb (BwWindow *self)
{
  BwAnnotationController *controller = bw_annotation_tools_get (self);
  g_autoptr(GError) error = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->ask_entry));
  gint64 layer_id = controller != NULL ? bw_annotation_controller_get_layer_id (controller) : 0;

  if (self->project == NULL || self->current_image_id <= 0)
    return;
  if (!bw_project_ask_question (self->project, self->current_image_id, layer_id, self->ask_annotation_id,
                                self->person_id, text, NULL, &error))
    {
      show_toast (self, error->message);
      return;
    }
  gtk_popover_popdown (GTK_POPOVER (self->ask_popover));
  show_toast (self, _("Question sent to the lead; the answer will show here."));
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

static void
ask_closed_cb (BwWindow *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
}

static GtkWidget *
make_ask_popover (BwWindow *self)
{
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Ask"));
  GtkWidget *hint = gtk_label_new (_("Whoever answers can make the shape an example for everyone."));

  self->ask_title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->ask_title, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->ask_title), "heading");
  self->ask_entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->ask_entry, _("What is unclear?"));
  gtk_widget_set_size_request (GTK_WIDGET (self->ask_entry), 320, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->ask_entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Question"), -1);
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_label_set_xalign (GTK_LABEL (hint), 0);
  gtk_widget_add_css_class (hint, "dim-label");
  gtk_widget_add_css_class (hint, "caption");

  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->ask_entry));
  gtk_box_append (GTK_BOX (row), button);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->ask_title));
  gtk_box_append (GTK_BOX (box), row);
  gtk_box_append (GTK_BOX (box), hint);
  gtk_popover_set_child (GTK_POPOVER (popover), box);

  g_signal_connect_object (self->ask_entry, "activate", G_CALLBACK (ask_confirmed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (button, "clicked", G_CALLBACK (ask_confirmed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (popover, "closed", G_CALLBACK (ask_closed_cb), self, G_CONNECT_SWAPPED);
  return popover;
}

/* ------------------------------------------------------------------ */
/* Opening an image at a region                                         */

/**
 * bw_window_show_image_region:
 *
 * Shows an image with the region (x0, y0)–(x1, y1) of it in view, with
 * some room around it.
 */
void
bw_window_show_image_region (BwWindow *self,
                             gint64    image_id,
                             double    x0,
                             double    y0,
                             double    x1,
                             double    y1)
{
  double margin;

  g_return_if_fail (BW_IS_WINDOW (self));

  if (self->review_mode)
    g_action_group_activate_action (G_ACTION_GROUP (self), "mode", g_variant_new_string ("annotate"));
  bw_window_select_image (self, image_id);
  if (self->current_image_id != image_id)
    return;
  margin = MAX (MAX (x1 - x0, y1 - y0), 40);
  bw_canvas_zoom_to_rect (self->canvas, x0 - margin, y0 - margin, x1 + margin, y1 + margin);
  gtk_window_present (GTK_WINDOW (self));
}

static void
open_question_cb (BwWindow          *self,
                  gint64             question_id,
                  BwQuestionsWindow *window)
{
  g_autoptr(BwQuestion) q = NULL;
  g_autoptr(BwAnnotation) a = NULL;
  g_autoptr(GError) error = NULL;

  if (self->project == NULL || !(q = bw_project_get_question (self->project, question_id, &error)))
    {
      if (error != NULL)
        show_toast (self, error->message);
      return;
    }
  if (q->annotation_id > 0)
    a = bw_project_get_annotation_version (self->project, q->annotation_id, q->annotation_version, NULL);
  if (a != NULL)
    bw_window_show_image_region (self, q->image_id, a->shape->bbox.x0, a->shape->bbox.y0,
                                 a->shape->bbox.x1, a->shape->bbox.y1);
  else
    bw_window_select_image (self, q->image_id);
}

static void
questions_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  BwWindow *self = user_data;
  BwQuestionsWindow *window;

  if (self->project == NULL)
    return;
  if (self->questions_window != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->questions_window));
      return;
    }
  window = bw_questions_window_new (self->project, self->person_id);
  self->questions_window = GTK_WIDGET (window);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &self->questions_window);
  g_signal_connect_object (window, "open-question", G_CALLBACK (open_question_cb), self, G_CONNECT_SWAPPED);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
  /* The application's keys (Ctrl+Q) work in it, and quitting closes it. */
  gtk_window_set_application (GTK_WINDOW (window), gtk_window_get_application (GTK_WINDOW (self)));
  gtk_window_present (GTK_WINDOW (window));
}

/* ------------------------------------------------------------------ */
/* The guideline banner                                                 */

static void
set_banner (BwWindow   *self,
            const char *text)
{
#if ADW_CHECK_VERSION (1, 3, 0)
  adw_banner_set_title (ADW_BANNER (self->guidelines_banner), text != NULL ? text : "");
  adw_banner_set_revealed (ADW_BANNER (self->guidelines_banner), text != NULL);
#else
  if (text != NULL)
    gtk_label_set_text (self->guidelines_label, text);
  gtk_revealer_set_reveal_child (GTK_REVEALER (self->guidelines_banner), text != NULL);
#endif
}

/* "The guidelines changed: the project document; car (text, 1 example added)." */
static char *
describe_changes (GPtrArray *changes)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean document = FALSE;
  guint n_names = 0;

  for (guint i = 0; i < changes->len; i++)
    {
      const BwGuidelineChange *c = changes->pdata[i];

      if (c->category_id == 0)
        document = TRUE;
      else if (c->category_name != NULL && g_hash_table_add (seen, g_strdup (c->category_name)))
        {
          if (n_names++ > 0)
            g_string_append (text, ", ");
          g_string_append (text, c->category_name);
        }
    }

  if (document && n_names > 0)
    /* TRANSLATORS: %s is a list of category names */
    return g_strdup_printf (_("The guidelines changed while you worked: the project-wide document, and those of %s."),
                            text->str);
  if (document)
    return g_strdup (_("The guidelines changed while you worked: the project-wide document."));
  /* TRANSLATORS: %s is a list of category names */
  return g_strdup_printf (_("The guidelines changed while you worked: those of %s (text or examples)."),
                          text->str);
}

/* Looks whether the guideline version went up since the window last
 * looked; if so, says what changed. */
void
_bw_window_questions_check_guidelines (BwWindow *self)
{
  g_autoptr(GPtrArray) changes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 version;

  if (self->project == NULL)
    return;
  version = bw_project_get_guideline_version (self->project, &error);
  if (version <= 0 || version == self->seen_guideline_version)
    return;
  if (self->seen_guideline_version <= 0)
    {
      self->seen_guideline_version = version;
      return;
    }

  changes = bw_project_list_guideline_changes (self->project, self->banner_since_version, &error);
  self->seen_guideline_version = version;
  if (changes == NULL || changes->len == 0)
    return;
  text = describe_changes (changes);
  set_banner (self, text);
  /* The examples listed beside the canvas may be new. */
  _bw_window_questions_reload_markers (self);
}

/* A change made in this program (this person's taxonomy dialog or
 * Questions window): no banner for what one did oneself. Another
 * program's change comes as "categories-changed" too, followed at once
 * by "changed-externally", whose handler shows the banner: this one
 * waits until that has run, and then finds nothing new. */
static gboolean
absorb_own_change (gpointer data)
{
  BwWindow *self = data;
  g_autoptr(GError) error = NULL;
  gint64 version;

  self->absorb_idle = 0;
  if (self->project == NULL)
    return G_SOURCE_REMOVE;
  version = bw_project_get_guideline_version (self->project, &error);
  if (version > 0 && self->seen_guideline_version == self->banner_since_version)
    self->banner_since_version = version;
  if (version > 0)
    self->seen_guideline_version = version;
  return G_SOURCE_REMOVE;
}

static void
guidelines_changed_cb (BwWindow *self)
{
  if (self->absorb_idle == 0)
    self->absorb_idle = g_idle_add (absorb_own_change, self);
}

static void
dismiss_banner_cb (BwWindow *self)
{
  self->banner_since_version = self->seen_guideline_version;
  set_banner (self, NULL);
}

static GtkWidget *
make_banner (BwWindow *self)
{
#if ADW_CHECK_VERSION (1, 3, 0)
  GtkWidget *banner = adw_banner_new ("");

  adw_banner_set_button_label (ADW_BANNER (banner), _("_Dismiss"));
  g_signal_connect_object (banner, "button-clicked", G_CALLBACK (dismiss_banner_cb), self, G_CONNECT_SWAPPED);
  return banner;
#else
  /* libadwaita 1.2 has no AdwBanner: a bar of the same look. */
  GtkWidget *revealer = gtk_revealer_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-information-symbolic");
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Dismiss"));

  gtk_revealer_set_transition_type (GTK_REVEALER (revealer), GTK_REVEALER_TRANSITION_TYPE_SLIDE_DOWN);
  gtk_widget_add_css_class (box, "guidelines-banner");
  self->guidelines_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->guidelines_label, 0);
  gtk_label_set_wrap (self->guidelines_label, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->guidelines_label), TRUE);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_object (button, "clicked", G_CALLBACK (dismiss_banner_cb), self, G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->guidelines_label));
  gtk_box_append (GTK_BOX (box), button);
  gtk_revealer_set_child (GTK_REVEALER (revealer), box);
  return revealer;
#endif
}

/* ------------------------------------------------------------------ */

static void
changed_externally_cb (BwWindow               *self,
                       const BwProjectChanges *changes)
{
  if (changes->work_changed)
    _bw_window_questions_reload_markers (self);
  if (changes->categories_changed)
    _bw_window_questions_check_guidelines (self);
}

static void
current_image_changed_cb (BwWindow *self)
{
  _bw_window_questions_reload_markers (self);
}

/* Where annotators read the guidelines: the taxonomy dialog's
 * Guidelines page (the categories' own are on its first page). */
static void
guidelines_action (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  BwWindow *self = user_data;

  if (self->project == NULL)
    return;
  _bw_window_present_taxonomy_dialog (self, "guidelines");
  dismiss_banner_cb (self);
}

static const GActionEntry question_actions[] = {
  { .name = "questions", .activate = questions_action },
  { .name = "guidelines", .activate = guidelines_action },
};

/* Another project, or none. */
void
_bw_window_questions_project_changed (BwWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "questions");
  g_autoptr(GError) error = NULL;

  if (self->questions_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->questions_window));
  set_banner (self, NULL);
  self->seen_guideline_version = 0;
  self->banner_since_version = 0;
  if (self->project != NULL)
    {
      self->seen_guideline_version = bw_project_get_guideline_version (self->project, &error);
      self->banner_since_version = self->seen_guideline_version;
      g_signal_connect_object (self->project, "questions-changed", G_CALLBACK (questions_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->project, "categories-changed", G_CALLBACK (guidelines_changed_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->project, "changed-externally", G_CALLBACK (changed_externally_cb), self,
                               G_CONNECT_SWAPPED | G_CONNECT_AFTER);
    }
  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), self->project != NULL);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "guidelines");
  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), self->project != NULL);
  _bw_window_questions_reload_markers (self);
}

void
_bw_window_questions_init (BwWindow *self)
{
  BwAnnotationController *controller = bw_annotation_tools_get (self);

  g_action_map_add_action_entries (G_ACTION_MAP (self), question_actions, G_N_ELEMENTS (question_actions), self);

  self->ask_popover = make_ask_popover (self);
  gtk_widget_set_parent (self->ask_popover, GTK_WIDGET (self->canvas));

  self->guidelines_banner = make_banner (self);
  gtk_box_append (self->guidelines_banner_slot, self->guidelines_banner);

  if (controller != NULL)
    g_signal_connect_object (controller, "question-requested", G_CALLBACK (question_requested_cb), self,
                             G_CONNECT_SWAPPED);
  g_signal_connect (self, "current-image-changed", G_CALLBACK (current_image_changed_cb), NULL);

  _bw_window_questions_project_changed (self);
}

void
_bw_window_questions_dispose (BwWindow *self)
{
  g_clear_handle_id (&self->absorb_idle, g_source_remove);
  g_clear_pointer (&self->ask_popover, gtk_widget_unparent);
  if (self->questions_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->questions_window));
}
