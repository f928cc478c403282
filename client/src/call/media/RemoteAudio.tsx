// Everyone's audio, playing whether or not their tile is on screen (a page of
// the grid may not show them), on the speaker the person chose.
import { useEffect, useRef } from 'react';
import type { RemoteParticipant } from '../CallSession.js';

export function RemoteAudio({
  participants,
  speakerId,
}: {
  participants: RemoteParticipant[];
  speakerId: string | undefined;
}) {
  const tracks = participants.flatMap((p) => p.tracks.filter((t) => t.track.kind === 'audio'));
  return (
    <div hidden>
      {tracks.map((t) => (
        <AudioOut key={t.consumerId} track={t.track} speakerId={speakerId} />
      ))}
    </div>
  );
}

function AudioOut({ track, speakerId }: { track: MediaStreamTrack; speakerId: string | undefined }) {
  const audio = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    if (audio.current) audio.current.srcObject = new MediaStream([track]);
  }, [track]);
  useEffect(() => {
    const element = audio.current as (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | null;
    // Not every browser lets a page choose the speaker; then the system's default plays.
    if (element?.setSinkId && speakerId !== undefined) element.setSinkId(speakerId).catch(() => undefined);
  }, [speakerId]);
  return <audio ref={audio} autoPlay />;
}
