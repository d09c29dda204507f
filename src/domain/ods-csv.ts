/**
 * The CSV dialect of the NHS ODS files: no header row, every field in double quotes (a quote
 * inside doubled), CRLF or LF line ends, no line breaks inside a field. Parsed a line at a time so
 * that one malformed line is reported with its number and the rest still read.
 */

export type CsvLine = { line: number; fields: string[] } | { line: number; error: string };

/** Splits text into numbered lines (1-based), dropping blank ones; a BOM at the start is ignored. */
export function* csvLines(text: string): Generator<CsvLine> {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let start = 0;
  let line = 0;
  while (start < body.length) {
    let end = body.indexOf('\n', start);
    if (end === -1) end = body.length;
    line += 1;
    const raw = body.charCodeAt(end - 1) === 13 ? body.slice(start, end - 1) : body.slice(start, end);
    start = end + 1;
    if (raw.trim() === '') continue;
    const parsed = parseCsvLine(raw);
    yield typeof parsed === 'string' ? { line, error: parsed } : { line, fields: parsed };
  }
}

/** One line's fields, or why it is not CSV. Unquoted fields are accepted as they are. */
export function parseCsvLine(raw: string): string[] | string {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (raw.charCodeAt(i) === 34) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = raw.indexOf('"', j);
        if (q === -1) return `field ${fields.length + 1} has no closing quote`;
        value += raw.slice(j, q);
        if (raw.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        break;
      }
      fields.push(value);
      if (j === raw.length) return fields;
      if (raw.charCodeAt(j) !== 44) return `field ${fields.length} has text after its closing quote`;
      i = j + 1;
    } else {
      const comma = raw.indexOf(',', i);
      const value = comma === -1 ? raw.slice(i) : raw.slice(i, comma);
      if (value.includes('"')) return `field ${fields.length + 1} has a stray quote`;
      fields.push(value);
      if (comma === -1) return fields;
      i = comma + 1;
    }
  }
}
