// The self-hosting stack (docker-compose.yml), proved on this machine: built
// the air-gapped way, started, and used by Chromium and Firefox over HTTPS
// through Caddy (whose internal CA they trust), with E2EE on; a call through
// TURN only; the relay refusing strangers and private addresses; a restart
// that keeps accounts and meeting links; a killed server brought back by
// compose; a container that would announce an unreachable address stopping.
// `npm run test:deploy`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { MeetingLink } from '@parley/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inPage, loginInPage, registerInPage, type InPageUser } from '../support/accounts.js';
import { launchChromium, launchFirefox, type TestBrowser, type TestPage } from '../support/browsers.js';
import { decodingVideos, joinCall, roomLink } from '../support/call.js';
import { waitFor } from '../support/waitFor.js';
import { cannotRun, DeployStack, dockerNet, domain, publicIp } from './DeployStack.js';
import { knockWithLink } from './linkGuest.js';
import { openTurnSession, restApiCredentials } from './turnClient.js';

const reason = cannotRun();
if (reason) process.stderr.write(`[deploy] SKIPPED, cannot run here: ${reason}\n`);
const report = (line: string) => process.stdout.write(`[deploy] ${line}\n`);

type Route = { send: string; recv: string };
const routes = (page: TestPage) =>
  page.evaluate(async () => (window.parleyDiagnostics ? (await window.parleyDiagnostics()).routes : undefined));
const decryptingStreams = (page: TestPage) =>
  page.evaluate(
    () =>
      window.parleyE2ee?.statuses().filter((s) => s.direction === 'receive' && s.state === 'decrypting').length ?? 0,
  );

/**
 * Runs `attempt` again (up to 3 times) when the browser saw the host's network
 * change under it: each container start adds an interface to this host, and
 * Chromium then aborts what it was loading (a navigation with
 * ERR_NETWORK_CHANGED, a page's fetch with "Failed to fetch"), as a person
 * would see a page fail once and reload it.
 */
async function retryOnNetworkChange<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const changed = ['ERR_NETWORK_CHANGED', 'Failed to fetch'].some((sign) => String(error).includes(sign));
      if (tries >= 3 || !changed) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

describe.skipIf(reason !== undefined)('the docker-compose stack, as a clinic would run it', () => {
  const stack = new DeployStack();
  const browsers: TestBrowser[] = [];
  const users: InPageUser[] = [];
  const links: MeetingLink[] = [];
  /** Room and link ids the calls used: no log may hold them. */
  const secrets: string[] = [];

  beforeAll(async () => {
    DeployStack.removeLeftovers();
    await stack.start();
    const options = { caFile: stack.caFile, resolveAllTo: { host: domain, address: publicIp } };
    browsers.push(await launchChromium(options), await launchFirefox(options));
  }, 1_800_000);

  afterAll(async () => {
    await Promise.all(browsers.map((browser) => browser.close()));
    report(`timings (s): ${JSON.stringify(stack.timings)}`);
    stack.remove();
  }, 120_000);

  const [chromium, firefox] = [() => browsers[0] as TestBrowser, () => browsers[1] as TestBrowser];

  /** A call of a Chromium host and a Firefox guest; resolves once both decode each other's video. */
  async function call(options: { relayOnly?: boolean; host?: InPageUser } = {}) {
    const signUp = async (page: TestPage) => {
      if (options.host && page.browserName === 'chromium') return loginInPage(page, stack.baseUrl, options.host);
      users.push(await retryOnNetworkChange(() => registerInPage(page, stack.baseUrl)));
    };
    const join = { signUp, relayOnly: options.relayOnly };
    const host = await retryOnNetworkChange(() =>
      joinCall(chromium(), stack.baseUrl, `${stack.baseUrl}/call`, 'Chromium host', join),
    );
    const link = await roomLink(host);
    secrets.push(new URL(link).searchParams.get('room') ?? link);
    const guest = await retryOnNetworkChange(() => joinCall(firefox(), stack.baseUrl, link, 'Firefox guest', join));
    await host.clickButton('Admit Firefox guest');
    const pages = [host, guest];
    const decoding = await Promise.all(
      pages.map((page) =>
        waitFor(
          () => decodingVideos(page),
          (n) => n >= 1,
          30_000,
        ),
      ),
    );
    return { pages, decoding };
  }

  it('serves Chromium and Firefox one call over HTTPS through Caddy, E2EE on, each decoding the other', async () => {
    const { pages, decoding } = await call();
    expect(decoding).toEqual([1, 1]);
    for (const page of pages) {
      expect(await page.evaluate(() => window.location.origin)).toBe(`https://${domain}`);
      expect(
        await waitFor(
          () => decryptingStreams(page),
          (n) => n >= 2,
          20_000,
        ),
        page.browserName,
      ).toBeGreaterThanOrEqual(2);
      const route = await routes(page);
      expect(route?.recv, page.browserName).toBe('host'); // straight to the SFU's announced address
    }
    await Promise.all(pages.map((page) => page.close()));
  });

  it('carries a call forced through TURN only (iceTransportPolicy relay), with credentials Parley minted', async () => {
    const { pages, decoding } = await call({ relayOnly: true });
    expect(decoding).toEqual([1, 1]);
    for (const page of pages) {
      const route = await waitFor(
        () => routes(page),
        (r?: Route) => r?.recv === 'relay' && r.send === 'relay',
        10_000,
      );
      expect(route, page.browserName).toEqual({ send: 'relay', recv: 'relay' });
    }
    await Promise.all(pages.map((page) => page.close()));
  });

  it('relays for holders of minted credentials only, and to the SFU only: never into private or loopback ranges', async () => {
    const server = { host: publicIp, port: 3478 };
    const inTenMinutes = Date.now() + 600_000;
    const session = await openTurnSession(server, restApiCredentials(stack.turnSecret, inTenMinutes));
    try {
      expect(session.allocation).toBe('allocated');
      expect(await session.permit(publicIp)).toBe('granted'); // the SFU's announced address
      expect(await session.permit(`${dockerNet}.30`)).toBe(403); // PostgreSQL on the compose network
      expect(await session.permit(`${dockerNet}.20`)).toBe(403); // Parley's own port 3000
      expect(await session.permit('127.0.0.1')).toBe(403);
    } finally {
      await session.close();
    }
    const stranger = await openTurnSession(server, restApiCredentials('not-the-secret'.repeat(3), inTenMinutes));
    const expired = await openTurnSession(server, restApiCredentials(stack.turnSecret, Date.now() - 60_000));
    await Promise.all([stranger.close(), expired.close()]);
    expect([stranger.allocation, expired.allocation]).toEqual([401, 401]);
  });

  it('keeps accounts and meeting links (database and server.key) across docker-compose down and up', async () => {
    const [someone] = users;
    if (!someone) throw new Error('no account was made by the earlier tests');
    const before = await chromium().newPage();
    await retryOnNetworkChange(() => loginInPage(before, stack.baseUrl, someone));
    const link = await inPage<MeetingLink>(before, '/api/links', { profile: 'standard' });
    secrets.push(link.id, link.secret);
    links.push(link);
    await before.close();
    const server = { domain, address: publicIp, ca: readFileSync(stack.caFile) };
    expect(await knockWithLink(server, link)).toEqual({ status: 'waitingForHost' });

    stack.down();
    await stack.up();
    const page = await chromium().newPage();
    // Docker made its network anew: Chromium may abort the first navigation with ERR_NETWORK_CHANGED.
    await retryOnNetworkChange(() => loginInPage(page, stack.baseUrl, someone)); // the TOTP secret is sealed with server.key
    const account = await page.evaluate(async () => (await fetch('/api/account')).json());
    expect(account).toMatchObject({ username: someone.username });
    const listed = await page.evaluate(async () => (await fetch('/api/links')).json());
    expect(listed).toMatchObject({ links: [{ id: link.id, secret: link.secret }] }); // derived from server.key
    await page.close();
    // A guest holding the link made before the restart still gets in (it waits for the owner to start the call)…
    expect(await knockWithLink(server, link)).toEqual({ status: 'waitingForHost' });
    // …and one holding a forged secret for it does not.
    const forged = { id: link.id, secret: `${link.secret.startsWith('A') ? 'B' : 'A'}${link.secret.slice(1)}` };
    expect(await knockWithLink(server, forged)).toEqual({ refused: 'link_unusable' });
  });

  it('restores the backup of docs/deploy.md onto empty volumes: accounts log in and links work again', async () => {
    const [someone] = users;
    const link = links[0];
    if (!someone || !link) throw new Error('no account or link was made by the earlier tests');
    // deploy.md, "Backups", word for word but for the file names.
    stack.shell('docker-compose exec -T postgres pg_dump --format=custom parley > "$BACKUP_DIR/parley.dump"');
    stack.shell('docker-compose exec -T parley cat /var/lib/parley/server.key > "$BACKUP_DIR/server.key"');
    stack.down();
    stack.removeVolumes('postgres-data', 'parley-data'); // Caddy keeps its CA: the browsers trust that one
    stack.shell('docker-compose up -d postgres');
    stack.shell(
      'until docker-compose exec -T postgres pg_isready --host=127.0.0.1 --username=parley --dbname=parley; do sleep 2; done',
    );
    stack.shell(
      'docker-compose exec -T postgres pg_restore --clean --if-exists --dbname=parley < "$BACKUP_DIR/parley.dump"',
    );
    stack.shell(
      `docker-compose run --rm --no-deps -T parley sh -c 'umask 077; cat > /var/lib/parley/server.key' < "$BACKUP_DIR/server.key"`,
    );
    await stack.up();
    const page = await chromium().newPage();
    await retryOnNetworkChange(() => loginInPage(page, stack.baseUrl, someone)); // needs the restored server.key
    const listed = await page.evaluate(async () => (await fetch('/api/links')).json());
    expect(listed).toMatchObject({ links: [{ id: link.id, secret: link.secret }] });
    await page.close();
    const server = { domain, address: publicIp, ca: readFileSync(stack.caFile) };
    expect(await knockWithLink(server, link)).toEqual({ status: 'waitingForHost' });
  });

  /** Time from `since` until a new call decodes in both browsers; the pages are closed after. */
  async function newCallWorks(since: number): Promise<number> {
    await stack.waitHealthy(30_000);
    const { pages, decoding } = await call();
    const seconds = (Date.now() - since) / 1000;
    expect(decoding).toEqual([1, 1]);
    await Promise.all(pages.map((page) => page.close()));
    return seconds;
  }

  it('restarts Parley by itself when its process dies (a crash, the OOM killer), and a new call works within 30 s', async () => {
    const container = stack.container('parley');
    const inspect = (format: string) =>
      spawnSync('docker', ['inspect', '--format', format, container], { encoding: 'utf8' }).stdout.trim();
    const restarts = Number(inspect('{{.RestartCount}}'));
    const killed = Date.now();
    process.kill(Number(inspect('{{.State.Pid}}')), 'SIGKILL');
    const seconds = await newCallWorks(killed);
    report(`server process killed: a new call decoding after ${seconds.toFixed(1)} s`);
    expect(Number(inspect('{{.RestartCount}}'))).toBe(restarts + 1); // the restart policy did it
    expect(seconds).toBeLessThan(30);
  });

  it('after docker kill (which Docker counts as a stop by hand), docker-compose up -d brings Parley back, a new call within 30 s', async () => {
    const killed = Date.now();
    expect(spawnSync('docker', ['kill', stack.container('parley')]).status).toBe(0);
    stack.compose('up', '-d');
    const seconds = await newCallWorks(killed);
    report(`docker kill, then docker-compose up -d: a new call decoding after ${seconds.toFixed(1)} s`);
    expect(seconds).toBeLessThan(30);
  });

  it('keeps client addresses, room ids and link ids out of every container’s log, Parley’s restarts included', () => {
    const logs = stack.compose('logs', '--no-color');
    expect(logs).toContain('listening'); // Parley's log is there to read
    // As the containers see this host's browsers: the compose network's gateway, or the published address.
    for (const address of [`${dockerNet}.1`, publicIp]) expect(logs).not.toContain(address);
    expect(logs).not.toContain('remote_ip');
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    for (const secret of secrets) expect(logs).not.toContain(secret);
  });

  it('answers /metrics on the operators’ network only', async () => {
    expect((await stack.fetch('/metrics')).status).toBe(404);
    const inside = stack.compose(
      'exec',
      '-T',
      'parley',
      'node',
      '-e',
      "fetch('http://127.0.0.1:3000/metrics').then(async (r) => process.stdout.write(r.status + '\\n' + (await r.text())))",
    );
    expect(inside.split('\n')[0]).toBe('200');
    expect(inside).toMatch(/^parley_media_workers 2$/m);
    expect(inside).toMatch(/^parley_rooms \d+$/m);
  });

  it('publishes only the ports of the firewall table in docs/deploy.md, on the address it was given', () => {
    const published = (service: string) => {
      const ports = JSON.parse(
        spawnSync('docker', ['inspect', '--format', '{{json .NetworkSettings.Ports}}', stack.container(service)], {
          encoding: 'utf8',
        }).stdout,
      ) as Record<string, { HostIp: string; HostPort: string }[] | null> | null;
      return Object.entries(ports ?? {}).flatMap(([port, bindings]) =>
        (bindings ?? []).map((b) => `${b.HostIp}:${b.HostPort}->${port}`),
      );
    };
    const media = Array.from({ length: 20 }, (_, i) => `${publicIp}:${40000 + i}->${40000 + i}/udp`);
    expect(published('parley').sort()).toEqual(media.sort()); // not 3000: only through Caddy
    expect(published('postgres')).toEqual([]);
    expect(published('caddy').sort()).toEqual([`${publicIp}:443->443/tcp`, `${publicIp}:80->80/tcp`]);
  });

  it('stops a container that would announce an address browsers cannot reach, saying why', () => {
    const run = (args: string[]) =>
      spawnSync('docker', ['run', '--rm', ...args, stack.image('server')], { encoding: 'utf8', timeout: 60_000 });
    const unset = run(['--network', 'none']);
    expect(unset.status).toBe(1);
    expect(unset.stderr).toContain('set PARLEY_RTC_ANNOUNCED_ADDRESS');
    const own = `${dockerNet}.99`;
    const internal = run([
      '--network',
      'parley-deploy-test_parley',
      '--ip',
      own,
      '-e',
      `PARLEY_RTC_ANNOUNCED_ADDRESS=${own}`,
    ]);
    expect(internal.status).toBe(1);
    expect(internal.stderr).toContain("this container's own address");
  });

  it('runs as an unprivileged user, without compilers, with a health check', () => {
    const inspect = (image: string, format: string) =>
      spawnSync('docker', ['image', 'inspect', '--format', format, image], { encoding: 'utf8' }).stdout.trim();
    const server = stack.image('server');
    expect(inspect(server, '{{.Config.User}}')).toBe('parley');
    expect(inspect(server, '{{json .Config.Healthcheck.Test}}')).toContain('/healthz');
    const compilers = spawnSync(
      'docker',
      [
        'run',
        '--rm',
        '--network',
        'none',
        '--entrypoint',
        'sh',
        server,
        '-c',
        'for c in cc gcc g++ c++ clang make ld as; do command -v $c; done; true',
      ],
      { encoding: 'utf8' },
    );
    expect(compilers.stdout.trim()).toBe('');
    const sizes = ['server', 'postgres', 'caddy', 'coturn'].map(
      (service) => `${service} ${(Number(inspect(stack.image(service), '{{.Size}}')) / 1e6).toFixed(0)} MB`,
    );
    report(`image sizes: ${sizes.join(', ')}`);
  });
});
