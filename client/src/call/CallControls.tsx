import type { CallSession, CallView } from './CallSession.js';

/** The bar under the call: what everyone can do with their own media. */
export function CallControls({
  session,
  view,
  onLeave,
}: {
  session: CallSession;
  view: CallView;
  onLeave: () => void;
}) {
  const { micMuted, cameraOff, sharingScreen, mutedByHost } = view.local;
  const media = session.local;
  return (
    <div role="toolbar" aria-label="Call controls" className="controls">
      <button type="button" aria-pressed={micMuted} onClick={() => void media.setPaused('microphone', !micMuted)}>
        {micMuted ? 'Unmute' : 'Mute'}
      </button>
      <button type="button" aria-pressed={cameraOff} onClick={() => void media.setPaused('camera', !cameraOff)}>
        {cameraOff ? 'Start camera' : 'Stop camera'}
      </button>
      <button
        type="button"
        aria-pressed={sharingScreen}
        onClick={() => void (sharingScreen ? media.stop('screen') : media.startScreenShare())}
      >
        {sharingScreen ? 'Stop sharing' : 'Share screen'}
      </button>
      <button type="button" className="danger" onClick={onLeave}>
        Leave
      </button>
      {mutedByHost && <p role="status">A host muted you. Unmute when you want to speak.</p>}
    </div>
  );
}
