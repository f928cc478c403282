// Before joining: see yourself, pick camera, microphone and speaker, check the
// microphone works, choose whether to come in with either off, and a name
// (remembered on this device only). Says what end-to-end encryption means.
import { Mic, MicOff, ShieldCheck, Video, VideoOff } from 'lucide-react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button } from '../../ui/Button.js';
import { Notice } from '../../ui/Card.js';
import { ErrorMessage, Field, SelectField } from '../../ui/Field.js';
import { RoundButton } from '../controls/RoundButton.js';
import { canChooseSpeaker, deviceLabel, useDevices, type DeviceChoice } from '../media/devices.js';
import { useAudioLevel } from '../media/useAudioLevel.js';
import { usePreview } from './usePreview.js';
import styles from './PreJoin.module.css';

/** The name used last time, kept in this browser only (never sent anywhere but to the call). */
const nameKey = 'parley.lastDisplayName';

export type JoinRequest = {
  displayName: string;
  tracks: MediaStreamTrack[];
  microphoneOn: boolean;
  cameraOn: boolean;
  devices: DeviceChoice;
};

type Props = {
  joining: boolean;
  heading: string;
  /** A sensitive call (health, school, children): shown, and guests start with nothing on. */
  sensitive: boolean;
  /** No account: joining through a meeting link. */
  guest: boolean;
  error: string | undefined;
  onJoin: (request: JoinRequest) => void;
  onCancel: () => void;
};

export function PreJoin({ joining, heading, sensitive, guest, error, onJoin, onCancel }: Props) {
  // Guests of a sensitive call send nothing until a host allows it: their camera and microphone are not even opened.
  const mediaLocked = sensitive && guest;
  const [displayName, setDisplayName] = useState(() => localStorage.getItem(nameKey) ?? '');
  const [choice, setChoice] = useState<DeviceChoice>({});
  const [cameraOn, setCameraOn] = useState(!mediaLocked);
  const [microphoneOn, setMicrophoneOn] = useState(!mediaLocked);
  const { preview, handOver } = usePreview(choice, cameraOn, !mediaLocked);
  const devices = useDevices(preview.ready);
  const level = useAudioLevel(microphoneOn ? preview.microphone : undefined);
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (video.current) video.current.srcObject = preview.camera ? new MediaStream([preview.camera]) : null;
  }, [preview.camera]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const name = displayName.trim();
    localStorage.setItem(nameKey, name);
    onJoin({ displayName: name, tracks: handOver(), microphoneOn, cameraOn, devices: choice });
  };
  const title = heading;
  const options = (list: MediaDeviceInfo[], kind: string) =>
    list.map((device, i) => ({ value: device.deviceId, label: deviceLabel(device, i, kind) }));

  return (
    <main className={styles.page} aria-labelledby="prejoin-title">
      <section className={styles.previewColumn} aria-label="Your camera and microphone">
        <div className={styles.preview}>
          <video ref={video} autoPlay playsInline muted aria-label="Your camera preview" className={styles.video} />
          {!preview.camera && (
            <p className={styles.cameraOff}>{cameraOn ? 'Starting your camera…' : 'Your camera is off'}</p>
          )}
          <div className={styles.overlay} hidden={mediaLocked}>
            <RoundButton
              icon={microphoneOn ? <Mic size={22} /> : <MicOff size={22} />}
              label={microphoneOn ? 'Turn microphone off' : 'Turn microphone on'}
              tone={microphoneOn ? 'normal' : 'off'}
              onClick={() => setMicrophoneOn(!microphoneOn)}
              showLabel={false}
            />
            <RoundButton
              icon={cameraOn ? <Video size={22} /> : <VideoOff size={22} />}
              label={cameraOn ? 'Turn camera off' : 'Turn camera on'}
              tone={cameraOn ? 'normal' : 'off'}
              onClick={() => setCameraOn(!cameraOn)}
              showLabel={false}
            />
          </div>
        </div>
        <div className={styles.meterRow}>
          <span id="mic-level-label">Microphone level</span>
          <meter
            className={styles.meter}
            aria-labelledby="mic-level-label"
            min={0}
            max={1}
            low={0.15}
            high={0.85}
            optimum={0.5}
            value={level}
          />
        </div>
        <div className={styles.devices}>
          {devices.cameras.length > 0 && (
            <SelectField
              label="Camera"
              options={options(devices.cameras, 'Camera')}
              value={choice.cameraId ?? preview.camera?.getSettings().deviceId ?? ''}
              onChange={(e) => setChoice({ ...choice, cameraId: e.target.value })}
            />
          )}
          {devices.microphones.length > 0 && (
            <SelectField
              label="Microphone"
              options={options(devices.microphones, 'Microphone')}
              value={choice.microphoneId ?? preview.microphone?.getSettings().deviceId ?? ''}
              onChange={(e) => setChoice({ ...choice, microphoneId: e.target.value })}
            />
          )}
          {canChooseSpeaker && devices.speakers.length > 0 && (
            <SelectField
              label="Speaker"
              options={options(devices.speakers, 'Speaker')}
              value={choice.speakerId ?? devices.speakers[0]?.deviceId ?? ''}
              onChange={(e) => setChoice({ ...choice, speakerId: e.target.value })}
            />
          )}
        </div>
      </section>
      <section className={styles.joinColumn}>
        <form onSubmit={submit} aria-labelledby="prejoin-title">
          <h1 id="prejoin-title">{title}</h1>
          <Field
            label="Your name in this call"
            hint="Shown to the others in this call only; Parley does not store it."
            required
            maxLength={40}
            autoComplete="name"
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
          />
          {mediaLocked && (
            <Notice tone="info">
              In this call the host decides when guests turn on their camera and microphone. You join with both off;
              raise your hand when you want to speak.
            </Notice>
          )}
          {sensitive && !guest && (
            <Notice tone="info">
              A sensitive call (health, school, children): everyone waits in the lobby until a host lets them in, guests
              join with camera and microphone off, and the call ends when the last host leaves.
            </Notice>
          )}
          <div className={styles.e2ee}>
            <ShieldCheck aria-hidden="true" size={22} />
            <p>
              <strong>End-to-end encrypted.</strong> Your picture, voice and screen are encrypted in this browser before
              they leave it. The server forwards them without being able to see or hear them. In the call, everyone sees
              the same security code when nobody else is listening.
            </p>
          </div>
          <ErrorMessage error={preview.error ?? error} />
          <div className={styles.actions}>
            <Button type="submit" variant="primary" size="large" disabled={joining || !preview.ready}>
              {joining ? 'Joining…' : 'Join call'}
            </Button>
            <Button variant="ghost" onClick={onCancel}>
              Back
            </Button>
          </div>
        </form>
      </section>
    </main>
  );
}
