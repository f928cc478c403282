// The compose stack of docker-compose.yml, as the deploy test runs it: built
// the air-gapped way (base images from Debian's archive and the npm registry),
// with its own .env from scripts/deploy/init-env.sh, published on an address
// the test adds to this host for the purpose (a veth interface), so browsers
// on this host reach it as they would reach a server's public address. It
// serves the test build of the client (compose.test.yml) for the browsers'
// read-only hooks. remove() takes away everything it made but the images,
// which are kept (with the base images) so that the next run is fast.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { get } from 'node:https';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const project = 'parley-deploy-test';
const imagePrefix = 'parley-deploy-test';
const iface = 'parley-dt0';
const peerIface = 'parley-dt1';

export const domain = 'parley.test';
/** The stack's "public" address: on the test's own interface, so traffic stays on this host. */
export const publicIp = '10.213.77.1';
/** The compose network (172.30.77.0/24): Caddy .10, Parley .20, PostgreSQL .30. */
export const dockerNet = '172.30.77';

const sh = (command: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
  execFileSync(command, args, { cwd: repoRoot, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Why the deploy test cannot run here, or undefined when it can. */
export function cannotRun(): string | undefined {
  if (process.getuid?.() !== 0)
    return 'not root: the deploy test needs dockerd, network interfaces and port publishing';
  const docker = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  if (docker.status !== 0) return `no Docker daemon answers (${docker.stderr.trim().split('\n')[0] ?? ''})`;
  for (const tool of ['docker-compose', 'debootstrap', 'certutil'])
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  return undefined;
}

export class DeployStack {
  readonly dir = mkdtempSync(join(tmpdir(), 'parley-deploy-'));
  readonly envFile = join(this.dir, '.env');
  readonly caFile = join(this.dir, 'caddy-root.crt');
  readonly baseUrl = `https://${domain}`;
  /** Seconds each phase took, for the report. */
  readonly timings: Record<string, number> = {};
  #env: NodeJS.ProcessEnv = { ...process.env, PARLEY_IMAGE_PREFIX: imagePrefix };

  /** Leftovers of a run that died: its containers, volumes and interface. */
  static removeLeftovers(): void {
    const stack = new DeployStack();
    stack.#downQuietly();
    stack.#removeInterface();
    rmSync(stack.dir, { recursive: true, force: true });
  }

  async start(): Promise<void> {
    this.#addInterface();
    sh('sh', [
      'scripts/deploy/init-env.sh',
      `--domain=${domain}`,
      `--public-ip=${publicIp}`,
      `--bind-ip=${publicIp}`,
      `--docker-net=${dockerNet}`,
      `--out=${this.envFile}`,
    ]);
    // The media range is small here: this test needs a handful of transports.
    writeFileSync(this.envFile, `${readFileSync(this.envFile, 'utf8')}PARLEY_RTC_MAX_PORT=40019\n`);
    this.#timed('build', () => {
      const output = sh('scripts/deploy/build-images.sh', ['--local-bases'], this.#env);
      for (const line of output.split('\n')) {
        const match = /^(PARLEY_(?:DEBIAN|NODE)_IMAGE)=(.+)$/.exec(line);
        if (match?.[1] && match[2]) this.#env[match[1]] = match[2];
      }
    });
    await this.up();
    // Caddy makes its CA when it first starts: the root is there within seconds.
    for (let attempt = 0; !this.#caReady(); attempt++) {
      const root = spawnSync('docker', [
        'exec',
        this.container('caddy'),
        'cat',
        '/data/caddy/pki/authorities/local/root.crt',
      ]);
      if (root.status === 0 && root.stdout.length > 0) writeFileSync(this.caFile, root.stdout);
      else if (attempt >= 30) throw new Error(`Caddy made no CA root in 30 s\n${this.logs()}`);
      else await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    await this.waitHealthy(30_000);
  }

  /** `docker-compose up -d`, then waits until Parley answers through Caddy. */
  async up(): Promise<void> {
    await this.#timedAsync('up', async () => {
      this.compose('up', '-d');
      await this.waitHealthy(120_000);
    });
  }

  down(): void {
    this.#timed('down', () => this.compose('down'));
  }

  compose(...args: string[]): string {
    return sh('docker-compose', [...this.#composeArgs(), ...args], this.#env);
  }

  /**
   * A line of shell as docs/deploy.md writes it (`docker-compose …`, with `<`
   * and `>`), run from the repository with this stack's compose options.
   */
  shell(line: string): string {
    const compose = ['docker-compose', ...this.#composeArgs()].join(' ');
    return sh('sh', ['-c', line.replaceAll('docker-compose', compose)], { ...this.#env, BACKUP_DIR: this.dir });
  }

  /** Removes the stack's volumes for `services` (the stack must be down). */
  removeVolumes(...volumes: string[]): void {
    sh('docker', ['volume', 'rm', ...volumes.map((volume) => `${project}_${volume}`)]);
  }

  container(service: string): string {
    return `${project}_${service}_1`;
  }

  image(service: string): string {
    return `${imagePrefix}/${service}`;
  }

  get turnSecret(): string {
    const line = readFileSync(this.envFile, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('PARLEY_TURN_SECRET='));
    return line?.slice('PARLEY_TURN_SECRET='.length) ?? '';
  }

  /** GET over HTTPS through Caddy, validating its certificate against the stack's CA. */
  fetch(path: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const request = get(
        {
          host: publicIp,
          servername: domain,
          headers: { Host: domain },
          path,
          ca: readFileSync(this.caFile),
          timeout: 5000,
        },
        (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      request.on('timeout', () => request.destroy(new Error('timed out')));
      request.on('error', reject);
    });
  }

  /** Polls /healthz through Caddy (once a second, up to `timeoutMs`) until Parley answers 200. */
  async waitHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      try {
        // Before the first start the CA file is not there yet: Caddy's own check is enough then.
        const ready = this.#caReady() ? (await this.fetch('/healthz')).status === 200 : this.#parleyHealthy();
        if (ready) return;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    throw new Error(`Parley did not become healthy in ${timeoutMs / 1000} s (${last})\n${this.logs()}`);
  }

  logs(): string {
    return spawnSync('docker-compose', [...this.#composeArgs(), 'logs', '--no-color', '--tail=30'], {
      cwd: repoRoot,
      env: this.#env,
      encoding: 'utf8',
    }).stdout;
  }

  remove(): void {
    this.#downQuietly();
    this.#removeInterface();
    rmSync(this.dir, { recursive: true, force: true });
  }

  #caReady(): boolean {
    try {
      return readFileSync(this.caFile).length > 0;
    } catch {
      return false; // not fetched yet
    }
  }

  #parleyHealthy(): boolean {
    const status = spawnSync('docker', ['inspect', '--format', '{{.State.Health.Status}}', this.container('parley')], {
      encoding: 'utf8',
    });
    return status.stdout.trim() === 'healthy';
  }

  #composeArgs(): string[] {
    return ['--env-file', this.envFile, '-p', project, '-f', 'docker-compose.yml', '-f', 'e2e/deploy/compose.test.yml'];
  }

  #downQuietly(): void {
    // Without an .env file compose refuses to read the file: give it one that only names things.
    const env =
      this.#caReady() || spawnSync('test', ['-s', this.envFile]).status === 0 ? this.envFile : this.#dummyEnv();
    spawnSync(
      'docker-compose',
      [
        '--env-file',
        env,
        '-p',
        project,
        '-f',
        'docker-compose.yml',
        '-f',
        'e2e/deploy/compose.test.yml',
        'down',
        '-v',
        '--remove-orphans',
      ],
      { cwd: repoRoot, env: this.#env, stdio: 'ignore' },
    );
  }

  #dummyEnv(): string {
    const file = join(this.dir, 'names.env');
    writeFileSync(
      file,
      `PARLEY_DOMAIN=${domain}\nPARLEY_PUBLIC_IP=${publicIp}\nPOSTGRES_PASSWORD=x\nPARLEY_TURN_SECRET=x\nPARLEY_DOCKER_NET=${dockerNet}\n`,
    );
    return file;
  }

  #addInterface(): void {
    this.#removeInterface();
    sh('ip', ['link', 'add', iface, 'type', 'veth', 'peer', 'name', peerIface]);
    sh('ip', ['addr', 'add', `${publicIp}/32`, 'dev', iface]);
    sh('ip', ['link', 'set', iface, 'up']);
    sh('ip', ['link', 'set', peerIface, 'up']);
  }

  #removeInterface(): void {
    // Deleting one end of a veth pair deletes both.
    if (spawnSync('ip', ['link', 'show', iface], { stdio: 'ignore' }).status === 0) sh('ip', ['link', 'del', iface]);
  }

  #timed(phase: string, work: () => void): void {
    const started = Date.now();
    work();
    this.timings[phase] = (Date.now() - started) / 1000;
  }

  async #timedAsync(phase: string, work: () => Promise<void>): Promise<void> {
    const started = Date.now();
    await work();
    this.timings[phase] = (Date.now() - started) / 1000;
  }
}
