/**
 * The sign-up form as the server renders it on its own pages. Plain HTML: it works without
 * JavaScript, and the browser's own checks (`type=email`, `required`) are only a convenience —
 * the server validates again. Field names are the contract with templates/subscribe-form.liquid.
 */
import { escapeHtml } from './page-layout.js';

export interface SubscribeFormValues {
  readonly email?: string;
  readonly name?: string;
  /** Shown above the fields, e.g. why the address was refused. */
  readonly error?: string;
}

/** `action` is relative to the page's URL ("../api/subscribe" from /subscribe/). */
export function subscribeFormHtml(action: string, values: SubscribeFormValues = {}): string {
  const error = values.error ? `<p class="gz-error" role="alert">${escapeHtml(values.error)}</p>\n` : '';
  return `<form class="gz-form" method="post" action="${escapeHtml(action)}">
${error}<label>Email address
<input type="email" name="email" required autocomplete="email" maxlength="254" inputmode="email" value="${escapeHtml(values.email ?? '')}"></label>
<label><span>Name <span class="gz-note">(optional)</span></span>
<input type="text" name="name" autocomplete="name" maxlength="200" value="${escapeHtml(values.name ?? '')}"></label>
<button type="submit">Subscribe</button>
</form>`;
}
