/**
 * The one name of the state folder under a site's root. Its own module, free of imports, so the
 * config loader can name it without loading SQLite.
 */
export const STATE_DIR = '.gazette';
