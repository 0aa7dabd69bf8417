export { selectDigestArticles, type DigestSelection, type DigestSelectionInput } from './select-articles.js';
export { renderDigest, MAX_HTML_BYTES, type RenderDigestInput, type RenderedDigest, type DigestTemplates, type TemplateSource } from './render-digest.js';
export { personalise, type PersonalDocument, type PersonalValues, type Slot, type SlotKind } from './personal-document.js';
export { composeDigestMail, DigestMail, type DigestMailOptions, type DigestMessage, type DigestRecipient } from './digest-mail.js';
export { loadDigestTemplates } from './load-digest-templates.js';
export { loadDkimKey, type DkimConfig, type DkimKeyPaths } from './load-dkim-key.js';
export { dkimKey, type DkimKey } from './dkim.js';
export { digestPath, digestUrl } from './digest-paths.js';
export { DEFAULT_TEXT_TEMPLATE } from './default-text-template.js';
