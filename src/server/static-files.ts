/**
 * GET and HEAD for the files of out/: clean URLs, strong ETags, 304s, brotli/gzip for clients that
 * ask, Cache-Control by kind of file. The hot path — a conditional GET of a file already seen —
 * costs one stat() and no read: the hash, headers and compressed bodies are kept per file version
 * (see file-cache.ts).
 *
 * URL → file:
 *   /                 → index.html
 *   /a/b/             → a/b/index.html
 *   /a/b  (a folder)  → 301 to /a/b/ (query kept), when a/b/index.html exists
 *   /about (no such file, no extension) → about.html when it exists
 * Anything parseRequestPath refuses, or that resolves outside out/, is "not found".
 */
import { pipeline } from 'node:stream';
import { createBrotliCompress, createGzip, constants as zlibConstants } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { chooseCoding, type Coding } from './accept-encoding.js';
import { entityTag, notModified } from './conditional.js';
import type { FileCache, FileEntry } from './file-cache.js';
import { parseRequestPath, pathOfTarget } from './request-path.js';

/** Below this, compression saves less than the header it costs. */
const MIN_COMPRESS_BYTES = 1024;

export interface StaticFiles {
  /**
   * Answers the request from out/ for the request's own URL, or for `rawPath` when given (another
   * URL's file, e.g. 404.html). Returns false, having sent nothing, when there is no such file.
   */
  serve(request: FastifyRequest, reply: FastifyReply, rawPath?: string, status?: number): Promise<boolean>;
}

export function createStaticFiles(cache: FileCache): StaticFiles {
  const serveEntry = async (request: FastifyRequest, reply: FastifyReply, entry: FileEntry, status: number): Promise<boolean> => {
    const kind = entry.kind;
    const coding: Coding | null =
      kind.compressible && entry.size >= MIN_COMPRESS_BYTES ? chooseCoding(request.headers['accept-encoding']) : null;
    const headers: Record<string, string> = {
      etag: entityTag(entry.hex, coding),
      'last-modified': entry.lastModified,
      'cache-control': kind.cacheControl,
      'x-content-type-options': 'nosniff',
    };
    if (kind.compressible) headers.vary = 'Accept-Encoding';
    if (status === 200 && notModified(header(request, 'if-none-match'), header(request, 'if-modified-since'), entry)) {
      reply.code(304).headers(headers);
      await reply.send();
      return true;
    }
    headers['content-type'] = kind.contentType;
    if (entry.path.endsWith('.svg')) headers['content-security-policy'] = "script-src 'none'";
    if (coding) headers['content-encoding'] = coding;

    if (entry.body) {
      // Held in memory, and so is each compressed form once made.
      const body = coding ? await cache.encoded(entry, entry.body, coding) : entry.body;
      // Node sends no body for HEAD, but keeps the Content-Length fastify sets from it.
      await reply.code(status).headers(headers).send(body);
      return true;
    }

    // A large file, streamed from disk: opened first and checked to be the version the ETag
    // describes. Replaced in between: nothing has been set on the reply yet; the caller looks again.
    const handle = await cache.openVerified(entry);
    if (!handle) return false;
    reply.code(status).headers(headers);
    if (request.method === 'HEAD') {
      await handle.close();
      if (!coding) reply.header('content-length', String(entry.size));
      await reply.send();
      return true;
    }
    const stream = handle.createReadStream();
    if (!coding) {
      reply.header('content-length', String(entry.size));
      await reply.send(stream);
      return true;
    }
    const compressor =
      coding === 'br' ? createBrotliCompress({ params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } }) : createGzip({ level: 6 });
    await reply.send(pipeline(stream, compressor, () => {}));
    return true;
  };

  return {
    async serve(request, reply, rawPath, status = 200): Promise<boolean> {
      const target = request.raw.url ?? '/';
      const path = rawPath ?? pathOfTarget(stripOrigin(target));
      const parsed = parseRequestPath(path);
      if (!parsed.ok) return false;
      const rel = parsed.segments.join('/');
      if (parsed.directory) {
        const found = await cache.lookup(rel === '' ? 'index.html' : `${rel}/index.html`);
        return found.type === 'file' ? serveEntry(request, reply, found.entry, status) : false;
      }
      const found = await cache.lookup(rel);
      if (found.type === 'file') {
        if (await serveEntry(request, reply, found.entry, status)) return true;
        const again = await cache.lookup(rel); // replaced while being opened: one more look
        return again.type === 'file' ? serveEntry(request, reply, again.entry, status) : false;
      }
      if (found.type === 'directory' && rawPath === undefined) {
        const index = await cache.lookup(`${rel}/index.html`);
        if (index.type !== 'file') return false;
        const q = target.indexOf('?');
        // Relative ("./x/"), so it also works behind a proxy that mounts the site under a sub-path;
        // the "./" keeps a segment such as "a:b" from reading as a URL scheme.
        const last = path.slice(path.lastIndexOf('/') + 1);
        reply.code(301).header('location', `./${last}/${q === -1 ? '' : target.slice(q)}`).header('cache-control', 'public, max-age=300');
        await reply.send();
        return true;
      }
      const last = parsed.segments[parsed.segments.length - 1] ?? '';
      if (found.type === 'missing' && !last.includes('.')) {
        const page = await cache.lookup(`${rel}.html`);
        if (page.type === 'file') return serveEntry(request, reply, page.entry, status);
      }
      return false;
    },
  };
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** An absolute-form request target ("http://host/path", RFC 9112 §3.2.2) → its path. */
function stripOrigin(target: string): string {
  if (target[0] === '/') return target;
  const m = /^https?:\/\/[^/?#]*/i.exec(target);
  return m ? target.slice(m[0].length) || '/' : target;
}
