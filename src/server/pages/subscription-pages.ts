/**
 * The pages a reader sees around an email subscription. Wording is plain and polite, never says
 * whether an address was already known (no enumeration), and carries no marketing.
 *
 * URLs: /subscribe/ and /api/* both sit one level below the site root, so `ROOT` is "../".
 */
import { CONFIRM_TOKEN_TTL_HOURS } from '../../tokens/index.js';
import { escapeHtml, renderPage, type Page, type PageSite } from './page-layout.js';
import { subscribeFormHtml, type SubscribeFormValues } from './subscribe-form.js';

const ROOT = '../';

/** GET /subscribe/ (when out/ has no page of its own), and the form again after a refusal. */
export function subscribePage(site: PageSite, values: SubscribeFormValues = {}, action = '../api/subscribe'): Page {
  const body = `<p>Get an email when there is something new on ${escapeHtml(site.title)}. We will send you a
link to confirm first; nothing is sent until you do.</p>
${subscribeFormHtml(action, values)}
<p class="gz-note">Every email has a link to unsubscribe at once.</p>`;
  return { status: values.error ? 400 : 200, html: renderPage(site, ROOT, 'Subscribe by email', body) };
}

/** After POST /api/subscribe, whatever the address's status was. */
export function checkInboxPage(site: PageSite): Page {
  const body = `<p>If the address can receive mail, a message with a confirmation link is on its way.
Open it and follow the link to start receiving ${escapeHtml(site.title)} by email.</p>
<p class="gz-note">Nothing arrived after a few minutes? Look in the spam folder, or try again later.
The link works for ${CONFIRM_TOKEN_TTL_HOURS} hours; if you did not ask to subscribe, simply ignore the message.</p>
<p><a href="${ROOT}">Back to the site</a></p>`;
  return { status: 200, html: renderPage(site, ROOT, 'Check your inbox', body) };
}

export function confirmedPage(site: PageSite): Page {
  const body = `<p>Your subscription is confirmed. You will get an email when there is something new.</p>
<p class="gz-note">Every email has a link to unsubscribe.</p>
<p><a href="${ROOT}">Go to ${escapeHtml(site.title)}</a></p>`;
  return { status: 200, html: renderPage(site, ROOT, 'You are subscribed', body) };
}

export function expiredLinkPage(site: PageSite): Page {
  const body = `<p>This confirmation link has expired: links work for ${CONFIRM_TOKEN_TTL_HOURS} hours. Nothing has changed.
To subscribe, ask for a new link:</p>
${subscribeFormHtml('subscribe')}`;
  return { status: 410, html: renderPage(site, ROOT, 'This link has expired', body) };
}

/** A token that is malformed, tampered with or signed by another key. Nothing was changed. */
export function invalidLinkPage(site: PageSite): Page {
  const body = `<p>Sorry, this link is not valid, so nothing has been changed. It may have been cut short
or altered when it was copied: try opening it straight from the email again.</p>
<p><a href="${ROOT}">Go to ${escapeHtml(site.title)}</a></p>`;
  return { status: 400, html: renderPage(site, ROOT, 'This link does not work', body) };
}

/**
 * GET /api/unsubscribe?token=…: asks, changes nothing (mail scanners prefetch links). The button
 * posts the same body as an RFC 8058 one-click request.
 */
export function unsubscribeConfirmPage(site: PageSite, token: string, email: string): Page {
  const body = `<p>Stop sending ${escapeHtml(site.title)} emails to <strong>${escapeHtml(email)}</strong>?</p>
<form method="post" action="unsubscribe?token=${escapeHtml(encodeURIComponent(token))}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button class="gz-button" type="submit">Unsubscribe</button>
</form>
<p class="gz-note">Changed your mind? Just close this page: nothing changes until you press the button.</p>`;
  return { status: 200, html: renderPage(site, ROOT, 'Unsubscribe', body) };
}

export function unsubscribedPage(site: PageSite): Page {
  const body = `<p>You are unsubscribed and will get no more emails from ${escapeHtml(site.title)}.</p>
<p class="gz-note">Unsubscribed by mistake? You can <a href="${ROOT}subscribe/">subscribe again</a> at any time.</p>`;
  return { status: 200, html: renderPage(site, ROOT, 'You are unsubscribed', body) };
}

/** The site takes no email subscriptions (no `email` section in the config). */
export function subscriptionsOffPage(site: PageSite): Page {
  const body = `<p>${escapeHtml(site.title)} does not send email at the moment. You can follow it with a
feed reader instead: <a href="${ROOT}feed.xml">RSS</a>, <a href="${ROOT}atom.xml">Atom</a> or
<a href="${ROOT}feed.json">JSON Feed</a>.</p>`;
  return { status: 404, html: renderPage(site, ROOT, 'No email subscriptions', body) };
}
