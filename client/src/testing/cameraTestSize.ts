// TEST BUILDS ONLY (__PARLEY_TEST_BUILD__): a smaller, slower camera capture
// for browser tests that put many participants on this 2-core machine (the
// 8-person E2EE room): localStorage['parley.testing.camera'] = '160x90@10'
// (width × height @ frames per second). The production build contains none of
// this (client/test/productionBundle.test.ts).

/** The capture the test switch asks for, if any. */
export function testCameraSize(): { width: number; height: number; frameRate?: number } | undefined {
  const match = /^(\d{2,4})x(\d{2,4})(?:@(\d{1,2}))?$/.exec(
    globalThis.localStorage?.getItem('parley.testing.camera') ?? '',
  );
  if (!match) return undefined;
  const size = { width: Number(match[1]), height: Number(match[2]) };
  return match[3] ? { ...size, frameRate: Number(match[3]) } : size;
}
