/**
 * Fixtures for state tests: temp site roots and small factories with fixed dates. Each call
 * returns fresh objects; nothing shared is mutated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { GazetteError } from '../../src/errors.js';
import type { NewDigest, SubscriberInput } from '../../src/state/store.js';

export const T0 = new Date('2026-01-05T08:00:00.000Z');

/** T0 plus `minutes`. */
export function at(minutes: number): Date {
  return new Date(T0.getTime() + minutes * 60_000);
}

const roots: string[] = [];

/** A fresh, empty site root in the OS temp dir, removed by `removeTempRoots`. */
export function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'gazette-state-'));
  roots.push(root);
  return root;
}

export function removeTempRoots(): void {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
}

export function subscriberInput(n: number, overrides: Partial<SubscriberInput> = {}): SubscriberInput {
  return { email: `reader${n}@example.org`, name: `Reader ${n}`, source: 'cli', at: T0, ...overrides };
}

export function newDigest(id: string, overrides: Partial<NewDigest> = {}): NewDigest {
  return {
    id,
    createdAt: at(60),
    subject: `Example News: ${id}`,
    articleIds: [`urn:article:${id}:1`, `urn:article:${id}:2`],
    coveredIds: [`urn:article:${id}:1`, `urn:article:${id}:2`, `urn:article:${id}:3`],
    payload: null,
    ...overrides,
  };
}

/** The GazetteError `fn` throws; fails the test when it throws something else or nothing. */
export function gazetteError(fn: () => unknown): GazetteError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GazetteError);
    return error as GazetteError;
  }
  return expect.unreachable('expected a GazetteError');
}
