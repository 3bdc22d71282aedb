/*
 * Drawing in this process: what notify_draw_here() hands to the
 * documents' side (documents.c).  A file of its own, so that only the
 * programs that call it pull the library's link to the drawing in.
 */
#include "notify/draw_int.h"

void
notify_draw_here(void)
{
	static const struct notify_drawer cairo_drawer = { notify_letter_draw,
		notify_talon_draw, notify_register_draw };

	notify_drawer_set(&cairo_drawer);
}
