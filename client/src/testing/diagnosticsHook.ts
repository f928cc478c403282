// TEST BUILDS ONLY: the call's read-only diagnostics on `window`, for browser tests and benchmarks.
import type { CallSession } from '../call/CallSession.js';

export function exposeDiagnostics(session: CallSession): void {
  window.parleyDiagnostics = () => session.diagnostics();
}
