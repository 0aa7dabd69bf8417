/** The HTTP server of `gazette serve`: static out/ plus the subscription routes. */
export { createServer, type ServerDeps } from './create-server.js';
export { createSubscriptions, type Subscriptions, type SubscriptionsOptions, type SubscriptionMailConfig } from './subscriptions.js';
export type { SubscriptionService, SubscribeRequest, ConfirmResult, UnsubscribePreview, UnsubscribeResult } from './subscription-service.js';
export type { RateLimits, RouteLimit } from './subscription-routes.js';
export { buildConfirmationMail, type ConfirmationMail, type ConfirmationMailInput } from './confirmation-mail.js';
export { subscribeFormHtml } from './pages/subscribe-form.js';
