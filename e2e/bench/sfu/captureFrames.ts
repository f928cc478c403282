// Real codec frames for the SFU benchmark: one Chromium participant (E2EE
// switched off) sends its fake camera and microphone to a Parley server whose
// test media tap records them; the VP8 and Opus frames are read back.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../../support/browsers.js';
import { joinCall } from '../../support/call.js';
import { readTap, type TappedFrame } from '../../support/mediaTap.js';
import { startServer } from '../../support/startServer.js';

export type CapturedFrames = { video: Uint8Array<ArrayBuffer>[]; audio: Uint8Array<ArrayBuffer>[]; browser: string };

export async function captureFrames(seconds: number): Promise<CapturedFrames> {
  const tapFile = join(mkdtempSync(join(tmpdir(), 'parley-bench-tap-')), 'tap.jsonl');
  const server = await startServer({ PARLEY_TEST_MEDIA_TAP: tapFile, PARLEY_LOG_LEVEL: 'warn' });
  const browser = await launchChromium({ trustedOrigin: server.baseUrl });
  try {
    await joinCall(browser, server.baseUrl, `${server.baseUrl}/call`, 'Sender', { e2ee: 'off' });
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const frames = readTap(tapFile);
    const of = (kind: TappedFrame['kind']) => frames.filter((f) => f.kind === kind).map((f) => f.data);
    const video = of('video');
    // One second of video from a keyframe: looping it sends a keyframe every
    // second, so consumers added between steps start forwarding at once.
    const firstKey = video.findIndex((f) => ((f[0] ?? 1) & 1) === 0);
    const fromKey = video.slice(Math.max(0, firstKey), Math.max(0, firstKey) + 30);
    return { video: fromKey, audio: of('audio'), browser: browser.version };
  } finally {
    await browser.close();
    await server.stop();
  }
}
