// TEST BUILDS ONLY: the call's read-only diagnostics on `window`, for browser tests and benchmarks.
import type { CallSession } from '../call/CallSession.js';
import { openWithHoardedKeys } from './chatKeyHoard.js';

export function exposeDiagnostics(session: CallSession): void {
  window.parleyDiagnostics = () => session.diagnostics();
  window.parleyChat = {
    digest: async (name) => {
      const chat = session.chat;
      const entry = chat?.entries.find(
        (e) => e.kind === 'file' && !e.mine && e.name === name && e.state === 'complete',
      );
      const blob = entry?.kind === 'file' ? chat?.fileBlob(entry.id) : undefined;
      if (!blob) return undefined;
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
      return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
    },
    refused: () => Object.fromEntries(session.chat?.refused ?? []),
    openWithKeptKeys: (envelopes) => openWithHoardedKeys(session.peerId, envelopes),
  };
}
