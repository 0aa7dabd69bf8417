/** Verifies DKIM signatures with Debian's python3-dkim, answering its DNS query with our test key. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const PYTHON = '/usr/bin/python3';
export const hasPythonDkim = existsSync(PYTHON) && (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import dkim'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const SCRIPT = `
import sys, json, dkim
args = json.loads(sys.argv[1])
def dnsfunc(name, timeout=5):
    if name.decode() != args['name']:
        return None
    return ('v=DKIM1; k=rsa; p=' + args['key']).encode()
messages = json.loads(sys.stdin.read())
print(json.dumps([bool(dkim.verify(m.encode('latin-1'), dnsfunc=dnsfunc)) for m in messages]))
`;

/** One boolean per message: does its DKIM signature verify for selector._domainkey.domain? */
export function pythonDkimVerify(messages: readonly Buffer[], selector: string, domain: string, publicKeyDerBase64: string): boolean[] {
  const out = execFileSync(PYTHON, ['-c', SCRIPT, JSON.stringify({ name: `${selector}._domainkey.${domain}.`, key: publicKeyDerBase64 })], {
    input: JSON.stringify(messages.map((m) => m.toString('latin1'))),
    encoding: 'utf8',
  });
  return JSON.parse(out) as boolean[];
}
