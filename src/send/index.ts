export { runSend, FLUSH_MAX_ROWS, FLUSH_DELAY_MS, PROGRESS_INTERVAL_MS, type RunSendOptions, type SendReport, type SendProgress } from './run-send.js';
export type { SendLedger, ClaimedRecipient, SentMark, LedgerCounts, ClaimOptions, MaybePromise } from './send-ledger.js';
export type { MessageFactory, BuiltMessage, Recipient, MessageSender, SendAttemptOutcome } from './message-factory.js';
export { DEFAULT_SEND_POLICY, checkSendPolicy, type SendPolicy } from './send-policy.js';
export { backoffDelay } from './backoff.js';
export { createProgressBar, formatProgressLine, type ProgressBar, type ProgressBarOptions, type ProgressStream } from './progress.js';
