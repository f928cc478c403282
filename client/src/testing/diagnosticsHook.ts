import type { CallSession } from '../call/CallSession.js';

export function exposeDiagnostics(session: CallSession): void {
  window.parleyDiagnostics = () => session.diagnostics();
}
