import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { readCsvRecords } from '../../src/subscribers/csv-records.js';

const read = (text: string) => [...readCsvRecords(text)];

describe('readCsvRecords', () => {
  it('reads RFC 4180: quoted commas, doubled quotes, line breaks inside quotes, with start lines', () => {
    const text = 'email,name\r\na@x.org,"Lee, Ann"\r\nb@x.org,"Say ""hi"""\r\nc@x.org,"two\r\nlines"\r\nd@x.org,\r\n';
    expect(read(text)).toEqual([
      { line: 1, fields: ['email', 'name'] },
      { line: 2, fields: ['a@x.org', 'Lee, Ann'] },
      { line: 3, fields: ['b@x.org', 'Say "hi"'] },
      { line: 4, fields: ['c@x.org', 'two\r\nlines'] },
      { line: 6, fields: ['d@x.org', ''] },
    ]);
  });

  it('ignores a BOM and accepts LF, CRLF and lone CR line ends, with or without a final one', () => {
    expect(read('\uFEFFemail\na@x.org\r\nb@x.org\rc@x.org')).toEqual([
      { line: 1, fields: ['email'] },
      { line: 2, fields: ['a@x.org'] },
      { line: 3, fields: ['b@x.org'] },
      { line: 4, fields: ['c@x.org'] },
    ]);
  });

  it('allows spaces around a quoted field and keeps a quote inside an unquoted one', () => {
    expect(read('a@x.org,  "Lee, Ann"  ,5\nb@x.org,Ann "the pen" Lee')).toEqual([
      { line: 1, fields: ['a@x.org', 'Lee, Ann', '5'] },
      { line: 2, fields: ['b@x.org', 'Ann "the pen" Lee'] },
    ]);
  });

  it('reports a quote that is never closed at its line and reads on from the next line', () => {
    expect(read('email,name\na@x.org,"Ann\nb@x.org,Bob\nc@x.org,Cee\n')).toEqual([
      { line: 1, fields: ['email', 'name'] },
      { line: 2, error: 'a quoted field is never closed (a " is missing)' },
      { line: 3, fields: ['b@x.org', 'Bob'] },
      { line: 4, fields: ['c@x.org', 'Cee'] },
    ]);
  });

  it('reports text after a closing quote at its line and reads on from the next line', () => {
    expect(read('a@x.org,"Ann"x,1\nb@x.org,Bob\n')).toEqual([
      { line: 1, error: 'unexpected "x" after a closing quote (write a quote inside a quoted field as "")' },
      { line: 2, fields: ['b@x.org', 'Bob'] },
    ]);
    // A stray quote that "closes" on a later line: the record is reported at its first line, and
    // the lines it swallowed are read again.
    expect(read('a@x.org,"Ann\nb@x.org,"Bob"\nc@x.org,Cee')).toEqual([
      { line: 1, error: 'a quoted field opened on this line runs to line 2, where "B" follows its end (is a closing " missing?)' },
      { line: 2, fields: ['b@x.org', 'Bob'] },
      { line: 3, fields: ['c@x.org', 'Cee'] },
    ]);
  });

  it('reads whatever csv-stringify writes exactly as csv-parse does', () => {
    const field = fc.string({ unit: 'grapheme', maxLength: 12 });
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 6 }), (rows) => {
        const text = stringify(rows, { quoted_match: /^\s|\s$|^$/ });
        const ours = read(text).map((r) => ('fields' in r ? r.fields : r.error));
        expect(ours).toEqual(parse(text, { bom: true, relax_column_count: true }));
      }),
      { numRuns: 500 },
    );
  });
});
