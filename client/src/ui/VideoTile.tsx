import { useEffect, useRef } from 'react';

type Props = { label: string; tracks: MediaStreamTrack[]; muted: boolean };

/** One participant: their video, and their audio unless it is our own. */
export function VideoTile({ label, tracks, muted }: Props) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current) video.current.srcObject = new MediaStream(tracks);
  }, [tracks]);
  return (
    <figure className="tile">
      <video ref={video} autoPlay playsInline muted={muted} aria-label={label} />
      <figcaption>{label}</figcaption>
    </figure>
  );
}
