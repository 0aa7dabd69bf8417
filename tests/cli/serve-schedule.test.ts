// `gazette serve --schedule` end to end: one process serves out/ over HTTP and runs the schedule's
// ticks; a rebuild on a tick is what the server serves next; SIGTERM stops both and exits 0.
import { afterEach, describe, expect, it } from 'vitest';
import { article, cleanUpAfterTest, isRun, runGazette, startGazette, testSite, waitFor, type RunEvent } from './schedule-harness.js';

afterEach(cleanUpAfterTest);

describe('gazette serve --schedule', () => {
  it('serves out/ and rebuilds it on the build schedule in one process, on a free port, and stops cleanly on SIGTERM', async () => {
    const s = await testSite({
      schedule: { build: '*/2 * * * * *' },
      subscribers: 0,
      files: { 'content/tide.md': article('Tide tables for December') },
    });
    const p = startGazette(['--root', s.root, '--json', 'serve', '--schedule', '--port', '0']);

    // --port 0: the system picks a free port; the line on stderr says which.
    let url = '';
    await waitFor(
      'the serving line',
      () => {
        url = /serving \S+ at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(p.stderr())?.[1] ?? '';
        return url !== '';
      },
      15_000,
      () => p.stderr(),
    );
    expect(url).not.toMatch(/:0\/$/);
    expect(await p.waitForEvent('the started line', (e) => e.event === 'started', 5_000)).toMatchObject({
      build: { expression: '*/2 * * * * *' },
      digest: null,
    });

    const first = (await p.waitForEvent('a build run', (e) => isRun(e) && e.kind === 'build', 20_000)) as RunEvent;
    expect(first).toMatchObject({ articles: 1, digestId: null });
    const feed = await fetch(new URL('feed.xml', url));
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toMatch(/^application\/rss\+xml/);
    const etag = feed.headers.get('etag');
    const body = await feed.text();
    expect(body).toContain('Tide tables for December');
    expect(body).not.toContain('Lighthouse keeper retires');

    // A new article is built on the next tick and served right away.
    s.write('content/lighthouse.md', article('Lighthouse keeper retires', 60_000));
    await p.waitForEvent('a build with the new article', (e) => isRun(e) && e.kind === 'build' && e.articles === 2, 20_000);
    const again = await fetch(new URL('feed.xml', url), { headers: etag ? { 'if-none-match': etag } : {} });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('Lighthouse keeper retires');
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Lighthouse keeper retires');

    p.child.kill('SIGTERM');
    expect(await p.waitForExit(20_000)).toEqual({ code: 0, signal: null });
    expect(p.events().at(-1)).toMatchObject({ event: 'stopped', drained: true, failed: 0 });
    // The server went with it.
    await expect(fetch(new URL('feed.xml', url))).rejects.toThrow();
  }, 60_000);

  it('refuses a bad --port (exit 2) and a site with nothing to schedule (exit 1) before serving anything', async () => {
    const s = await testSite({ schedule: {}, subscribers: 0 });
    const badPort = await runGazette(['--root', s.root, 'serve', '--schedule', '--port', '80x']);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--port "80x": expected a port number from 1 to 65535, or 0 for any free port');
    const nothing = await runGazette(['--root', s.root, 'serve', '--schedule', '--port', '0']);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('nothing to schedule');
    expect(nothing.stderr).not.toContain('serving');
  }, 30_000);
});
