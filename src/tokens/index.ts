export { signToken, verifyToken, CONFIRM_TOKEN_TTL_MS, CONFIRM_TOKEN_TTL_HOURS, type TokenPayload, type TokenPurpose, type TokenSecret } from './token.js';
export { unsubscribeUrl, confirmUrl, UNSUBSCRIBE_PATH, CONFIRM_PATH } from './token-links.js';
export { loadSecret, SECRET_FILE } from './load-secret.js';
