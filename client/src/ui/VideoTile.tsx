import { useEffect, useRef, type ReactNode } from 'react';

type Props = {
  label: string;
  tracks: MediaStreamTrack[];
  muted: boolean;
  /** Emphasised: the active speaker. */
  speaking?: boolean;
  /** Told the tile's width whenever it changes (to pick a simulcast layer). */
  onWidth?: (width: number) => void;
  /** Shown under the name: the encryption state of this participant's streams. */
  badge?: ReactNode;
};

/** One participant: their video, and their audio unless it is our own. */
export function VideoTile({ label, tracks, muted, speaking = false, onWidth, badge }: Props) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current) video.current.srcObject = new MediaStream(tracks);
  }, [tracks]);
  useEffect(() => {
    const element = video.current;
    if (!element || !onWidth) return;
    const observer = new ResizeObserver(([entry]) => entry && onWidth(entry.contentRect.width));
    observer.observe(element);
    return () => observer.disconnect();
  }, [onWidth]);
  return (
    <figure className={speaking ? 'tile speaking' : 'tile'}>
      <video ref={video} autoPlay playsInline muted={muted} aria-label={label} />
      <figcaption>
        {label}
        {speaking && <span className="visually-hidden"> (speaking)</span>}
        {badge && <> {badge}</>}
      </figcaption>
    </figure>
  );
}
