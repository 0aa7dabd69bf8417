/**
 * Bytes of an imported CSV file → text. UTF-8 (with or without BOM) is expected; UTF-16 with a
 * BOM (Excel's "Unicode text") is decoded too. Anything else is refused with the line of the first
 * bad byte, instead of importing names full of U+FFFD.
 */
import { GazetteError } from '../errors.js';

export function decodeCsvBytes(bytes: Uint8Array, fileName: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (error) {
    // Valid UTF-8 survives a decode/encode round trip byte for byte: the first difference is the
    // first invalid byte.
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const back = Buffer.from(buffer.toString('utf8'), 'utf8');
    let offset = 0;
    while (offset < buffer.length && buffer[offset] === back[offset]) offset++;
    let line = 1;
    for (let i = 0; i < offset; i++) if (buffer[i] === 0x0a) line++;
    const byte = buffer[offset] ?? 0;
    throw new GazetteError(
      'USAGE',
      `${fileName}:${line}: not UTF-8 text (byte 0x${byte.toString(16).padStart(2, '0')} at offset ${offset}). ` +
        'Save the file as "CSV UTF-8" and import it again.',
      { cause: error, problems: [{ file: fileName, line, message: 'not UTF-8' }] },
    );
  }
}
