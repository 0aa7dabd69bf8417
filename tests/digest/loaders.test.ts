import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GazetteError } from '../../src/errors.js';
import { loadDigestTemplates, loadDkimKey, personalise } from '../../src/digest/index.js';
import { render } from './fixtures.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gazette-templates-'));
  mkdirSync(join(root, 'templates'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GazetteError);
    return `${(e as GazetteError).code}: ${(e as Error).message}`;
  }
  throw new Error('expected an error');
}

describe('loadDigestTemplates', () => {
  it('strips a BOM and CRLF line ends, and uses digest.txt beside the MJML when there is one', async () => {
    writeFileSync(join(root, 'templates', 'digest.mjml'), '\uFEFF<mjml>\r\n<mj-body></mj-body>\r\n</mjml>\r\n');
    expect(loadDigestTemplates(root, 'templates/digest.mjml')).toEqual({
      mjml: { file: 'templates/digest.mjml', source: '<mjml>\n<mj-body></mj-body>\n</mjml>\n' },
    });
    writeFileSync(join(root, 'templates', 'digest.txt'), 'News for {{ recipient.name | default: "you" }}\n{{ email.postal_address }}\nLeave: {{ recipient.unsubscribe_url }}\n');
    const templates = loadDigestTemplates(root, 'templates/digest.mjml');
    expect(templates.text?.file).toBe('templates/digest.txt');
    // The text template from the site replaces the built-in one.
    const digest = await render({ templates: { ...templates, mjml: (await import('./fixtures.js')).renderInput().templates.mjml } });
    expect(personalise(digest.text, { unsubscribeUrl: 'https://x.example/u', email: 'a@example.org', name: null }, 'text')).toBe(
      'News for you\n1 Example Street, Springfield\nLeave: https://x.example/u\n',
    );
  });

  it('names a missing template and the line of invalid UTF-8', () => {
    expect(code(() => loadDigestTemplates(root, 'templates/nope.mjml'))).toMatch(/^TEMPLATE: templates\/nope\.mjml: no such template/);
    writeFileSync(join(root, 'templates', 'digest.mjml'), Buffer.concat([Buffer.from('<mjml>\nline two\n'), Buffer.from([0xff, 0xfe]), Buffer.from('\n</mjml>')]));
    expect(code(() => loadDigestTemplates(root, 'templates/digest.mjml'))).toMatch(/^TEMPLATE: templates\/digest\.mjml:3: not valid UTF-8/);
  });
});

describe('loadDkimKey', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const paths = () => ({ root, out: join(root, 'out') });
  const config = { domainName: 'Example.org', keySelector: 'sel' };

  it('is null when DKIM is not configured', () => {
    expect(loadDkimKey(undefined, paths(), {})).toBeNull();
  });

  it('reads the key file relative to the root, or GAZETTE_DKIM_KEY (also with literal \\n)', () => {
    writeFileSync(join(root, 'dkim.pem'), rsa);
    const fromFile = loadDkimKey({ ...config, privateKeyFile: 'dkim.pem' }, paths(), {})!;
    expect(fromFile.domainName).toBe('example.org');
    expect(fromFile.privateKey.asymmetricKeyType).toBe('rsa');
    expect(loadDkimKey(config, paths(), { GAZETTE_DKIM_KEY: rsa })!.keySelector).toBe('sel');
    expect(loadDkimKey(config, paths(), { GAZETTE_DKIM_KEY: rsa.replace(/\n/g, '\\n') })!.privateKey.asymmetricKeyType).toBe('rsa');
  });

  it('refuses a key under out/, a missing or broken key and a non-RSA key, naming the config key', () => {
    mkdirSync(join(root, 'out'));
    writeFileSync(join(root, 'out', 'dkim.pem'), rsa);
    expect(code(() => loadDkimKey({ ...config, privateKeyFile: 'out/dkim.pem' }, paths(), {}))).toMatch(/^CONFIG: email\.dkim\.privateKeyFile: .*inside out\//);
    expect(code(() => loadDkimKey({ ...config, privateKeyFile: 'missing.pem' }, paths(), {}))).toMatch(/^CONFIG: email\.dkim\.privateKeyFile: cannot read missing\.pem/);
    expect(code(() => loadDkimKey(config, paths(), {}))).toMatch(/^CONFIG: email\.dkim: set privateKeyFile/);
    expect(code(() => loadDkimKey(config, paths(), { GAZETTE_DKIM_KEY: 'not a key' }))).toMatch(/^CONFIG: GAZETTE_DKIM_KEY: not a usable DKIM key/);
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(code(() => loadDkimKey(config, paths(), { GAZETTE_DKIM_KEY: ed }))).toMatch(/expected an RSA key/);
  });
});
