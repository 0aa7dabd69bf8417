/** One file of the built site, as a renderer returns it: a path under out/ and its bytes. */
export interface OutputFile {
  /** Relative to out/, forward slashes, no leading slash ("tags/news/feed.xml"). */
  readonly path: string;
  readonly content: string | Uint8Array;
}
