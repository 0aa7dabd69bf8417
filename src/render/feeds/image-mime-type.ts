/**
 * The media type of an image URL, judged by its file extension. Feeds announce an image as an
 * enclosure only when this is known: a guessed `image/jpg` or `image/com` is worse than nothing.
 */
const IMAGE_TYPES: Readonly<Record<string, string>> = {
  avif: 'image/avif',
  gif: 'image/gif',
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  png: 'image/png',
  svg: 'image/svg+xml',
  webp: 'image/webp',
};

export function imageMimeType(url: URL): string | undefined {
  const name = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  if (dot < 0) return undefined;
  return IMAGE_TYPES[name.slice(dot + 1).toLowerCase()];
}
