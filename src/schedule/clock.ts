/** The time, injectable: tests fix it to decide missed slots without waiting for them. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
