// In the lobby: the person keeps seeing themself and knows what is happening.
import { Hourglass } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { Button } from '../ui/Button.js';
import styles from './screens.module.css';

export function Waiting({
  camera,
  title,
  detail,
  onCancel,
}: {
  camera: MediaStreamTrack | undefined;
  title: string;
  detail: string;
  onCancel: () => void;
}) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current) video.current.srcObject = camera ? new MediaStream([camera]) : null;
  }, [camera]);
  return (
    <main className={styles.screen} aria-labelledby="waiting-title">
      <div className={styles.preview}>
        {camera ? (
          <video ref={video} autoPlay playsInline muted aria-label="Your camera preview" className={styles.video} />
        ) : (
          <p className={styles.cameraOff}>Your camera is off</p>
        )}
      </div>
      <div role="status" className={styles.message}>
        <Hourglass aria-hidden="true" size={28} />
        <h1 id="waiting-title">{title}</h1>
        <p>{detail}</p>
      </div>
      <Button onClick={onCancel}>Stop waiting</Button>
    </main>
  );
}
