// Against real mediasoup workers: a worker that dies is replaced.
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerPool } from '../src/sfu/index.js';

describe('WorkerPool', () => {
  let pool: WorkerPool | undefined;
  afterEach(() => pool?.close());

  it('starts the requested number of workers and creates routers on them', async () => {
    pool = await WorkerPool.create(2);
    expect(pool.workerPids).toHaveLength(2);
    const router = await pool.createRouter();
    expect(router.rtpCapabilities.codecs?.map((codec) => codec.mimeType)).toEqual(
      expect.arrayContaining(['audio/opus', 'video/VP8']),
    );
  });

  it('replaces a worker that dies', async () => {
    pool = await WorkerPool.create(1);
    const [victim] = pool.workerPids;
    const replaced = new Promise<number>((resolve) => pool?.once('workerreplaced', resolve));
    process.kill(victim ?? -1, 'SIGKILL');
    const replacement = await replaced;
    expect(replacement).not.toBe(victim);
    expect(pool.workerPids).toEqual([replacement]);
    await expect(pool.createRouter()).resolves.toBeDefined();
  });
});
