import { describe, expect, it } from 'vitest';
import { GazetteError } from '../../src/errors.js';
import { decodeCsvBytes } from '../../src/subscribers/decode-csv.js';

describe('decodeCsvBytes', () => {
  it('decodes UTF-8 with or without BOM, and UTF-16 with a BOM', () => {
    const text = 'email,name\nzoe@example.org,Zoë 山田\n';
    expect(decodeCsvBytes(Buffer.from(text, 'utf8'), 'a.csv')).toBe(text);
    expect(decodeCsvBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), 'a.csv')).toBe(text);
    expect(decodeCsvBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), 'a.csv')).toBe(text);
    const be = Buffer.from(text, 'utf16le').swap16();
    expect(decodeCsvBytes(Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'a.csv')).toBe(text);
  });

  it('refuses text that is not UTF-8 with the file and line of the first bad byte', () => {
    // "Zoë" in Windows-1252 on line 3.
    const bytes = Buffer.concat([Buffer.from('email,name\nann@example.org,Ann\nzoe@example.org,Zo'), Buffer.from([0xeb, 0x0a])]);
    try {
      decodeCsvBytes(bytes, 'subscribers.csv');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(GazetteError);
      expect((error as GazetteError).message).toBe(
        'subscribers.csv:3: not UTF-8 text (byte 0xeb at offset 49). Save the file as "CSV UTF-8" and import it again.',
      );
    }
  });
});
