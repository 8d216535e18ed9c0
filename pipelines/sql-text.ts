// Names and strings spliced into the pipelines' DuckDB SQL, quoted so they are always read as one.

/** `"name"` with inner quotes doubled: an identifier that is always read as one. */
export const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`
/** `'text'` with inner quotes doubled. */
export const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`
