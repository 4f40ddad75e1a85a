/** How far ahead the report's "upcoming" figures look, in days: the service counts with it, the views name it. */
export const UPCOMING_DAYS = 30;
