/**
 * The last gate before a digest's HTML is used: whatever the template (which the operator edits)
 * produced, the email carries no script, frame, form, plugin or event handler, and every link and
 * image is absolute. Data reaches the HTML escaped, so anything found here came from the template
 * (or from `| raw` applied to data) and is reported, not silently dropped.
 */
import sanitizeHtml from 'sanitize-html';

const FORBIDDEN_TAGS = new Set([
  'script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'form', 'input',
  'button', 'textarea', 'select', 'option', 'base', 'svg', 'math', 'portal', 'template',
]);
const URL_ATTRIBUTES = new Set(['href', 'src', 'action', 'formaction', 'background', 'poster', 'cite', 'longdesc', 'xlink:href', 'srcset', 'data']);
/** Tags an email may never contain, even inside an Outlook conditional comment. */
const FORBIDDEN_ANYWHERE = /<\s*(script|iframe|frame|object|embed|applet|form)\b/i;
const STYLE_DANGER = /expression\s*\(|javascript:|vbscript:|behavior\s*:|-moz-binding/i;
const SAFE_URL = /^(https?:\/\/[^\s]+|mailto:[^\s]+|tel:[^\s]+|#[^\s]*)$/i;

/** Every problem found, worded for the operator; empty when the HTML is fit to send. */
export function findUnsafeHtml(html: string, allowedUrls: ReadonlySet<string> = new Set()): string[] {
  const problems = new Set<string>();
  const forbidden = FORBIDDEN_ANYWHERE.exec(html);
  if (forbidden) problems.add(`<${forbidden[1]!.toLowerCase()}> is not allowed in an email`);
  for (const m of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)) {
    const danger = STYLE_DANGER.exec(m[1]!);
    if (danger) problems.add(`<style> contains "${danger[0]}", which is not allowed in an email`);
  }
  // sanitize-html is used only as a parser here: its hooks see every tag, attribute and text.
  sanitizeHtml(html, {
    allowedTags: false,
    allowedAttributes: false,
    allowVulnerableTags: true,
    onOpenTag: (tag, attribs) => {
      const name = tag.toLowerCase();
      if (FORBIDDEN_TAGS.has(name)) problems.add(`<${name}> is not allowed in an email`);
      if (name === 'meta' && /refresh/i.test(attribs['http-equiv'] ?? '')) problems.add('<meta http-equiv="refresh"> is not allowed in an email');
      for (const [attr, raw] of Object.entries(attribs)) {
        const key = attr.toLowerCase();
        const value = raw.trim();
        if (key.startsWith('on')) problems.add(`event handler ${key}="…" on <${name}> is not allowed in an email`);
        if (key === 'style' && STYLE_DANGER.test(value)) problems.add(`style="${truncate(value)}" on <${name}> is not allowed in an email`);
        if (URL_ATTRIBUTES.has(key) && !allowedUrls.has(value)) {
          const urls = key === 'srcset' ? value.split(',').map((part) => part.trim().split(/\s+/)[0] ?? '') : [value];
          for (const url of urls) {
            if (!SAFE_URL.test(url)) {
              problems.add(
                /^[a-z][a-z0-9+.-]*:/i.test(url)
                  ? `${key}="${truncate(url)}" on <${name}>: only http(s), mailto and tel links are allowed`
                  : `${key}="${truncate(url)}" on <${name}>: links in an email must be absolute (https://…)`,
              );
            }
          }
        }
      }
    },
  });
  return [...problems];
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
