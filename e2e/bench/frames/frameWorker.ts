// Browser side of bench:frames: runs the same measurement inside a dedicated
// worker (where Parley's real encryption runs) and posts the rows back.
import { measureFrameCost, type FrameCostParameters } from './frameCost.js';

self.addEventListener('message', (event: MessageEvent<FrameCostParameters>) => {
  measureFrameCost(event.data).then(
    (rows) => self.postMessage({ rows }),
    (error: unknown) => self.postMessage({ error: String(error) }),
  );
});
