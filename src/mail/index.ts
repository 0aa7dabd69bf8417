export type { Transport, OutgoingMessage, SendOutcome } from './transport.js';
export { createTransport, smtpOptions, type CreateTransportOptions } from './create-transport.js';
export { createSmtpTransport, type SmtpTransportOptions } from './smtp-transport.js';
export { createOutboxTransport, outboxDir, safeRecipientName, type OutboxTransportOptions } from './outbox-transport.js';
export { classifySmtpError } from './classify-smtp-error.js';
export { createRateLimiter, type RateLimiter, type RateLimiterOptions } from './rate-limiter.js';
export { isEnvelopeAddress } from './envelope-address.js';
