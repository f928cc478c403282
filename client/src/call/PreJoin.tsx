// Before joining: pick the camera and microphone, see yourself, choose a name.
import { useEffect, useRef, useState } from 'react';
import { ErrorMessage, Field } from '../ui/Field.js';

type Props = { heading: string; error: string | undefined; onJoin: (displayName: string, media: MediaStream) => void };

export function PreJoin({ heading, error, onJoin }: Props) {
  const [displayName, setDisplayName] = useState('');
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [cameraId, setCameraId] = useState<string>();
  const [microphoneId, setMicrophoneId] = useState<string>();
  const [media, setMedia] = useState<MediaStream>();
  const [deviceError, setDeviceError] = useState<string>();
  const preview = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    let current = true;
    let acquired: MediaStream | undefined;
    navigator.mediaDevices
      .getUserMedia({
        audio: microphoneId ? { deviceId: { exact: microphoneId } } : true,
        video: { width: 640, height: 360, ...(cameraId ? { deviceId: { exact: cameraId } } : {}) },
      })
      .then(async (stream) => {
        acquired = stream;
        if (!current) return stream.getTracks().forEach((track) => track.stop());
        setMedia(stream);
        setDeviceError(undefined);
        // Labels are only readable once permission is given.
        setDevices(await navigator.mediaDevices.enumerateDevices());
      })
      .catch((caught: unknown) => {
        if (current)
          setDeviceError(
            caught instanceof Error
              ? `Camera or microphone unavailable: ${caught.message}`
              : 'Camera or microphone unavailable.',
          );
      });
    return () => {
      current = false;
      // Released unless it was handed over to the call.
      if (acquired && !handedOver.has(acquired)) acquired.getTracks().forEach((track) => track.stop());
    };
  }, [cameraId, microphoneId]);

  useEffect(() => {
    if (preview.current && media) preview.current.srcObject = media;
  }, [media]);

  const cameras = devices.filter((d) => d.kind === 'videoinput');
  const microphones = devices.filter((d) => d.kind === 'audioinput');
  return (
    <form
      aria-labelledby="prejoin-title"
      className="prejoin"
      onSubmit={(event) => {
        event.preventDefault();
        if (!media) return;
        handedOver.add(media);
        onJoin(displayName, media);
      }}
    >
      <h2 id="prejoin-title">{heading}</h2>
      <video ref={preview} autoPlay playsInline muted aria-label="Your camera preview" className="preview" />
      <DevicePicker label="Camera" devices={cameras} value={cameraId} onChange={setCameraId} />
      <DevicePicker label="Microphone" devices={microphones} value={microphoneId} onChange={setMicrophoneId} />
      <Field
        label="Your name in this call"
        hint="Shown to the others in this call only; Parley does not store it."
        required
        maxLength={40}
        value={displayName}
        onChange={(e) => setDisplayName(e.target.value)}
      />
      <ErrorMessage error={deviceError ?? error} />
      <button type="submit" disabled={!media}>
        Join call
      </button>
    </form>
  );
}

/** Streams given to the call must outlive this form. */
const handedOver = new WeakSet<MediaStream>();

function DevicePicker(props: {
  label: string;
  devices: MediaDeviceInfo[];
  value: string | undefined;
  onChange: (id: string) => void;
}) {
  if (props.devices.length < 2) return null;
  return (
    <div className="field">
      <label>
        {props.label}{' '}
        <select value={props.value ?? props.devices[0]?.deviceId} onChange={(e) => props.onChange(e.target.value)}>
          {props.devices.map((device, i) => (
            <option key={device.deviceId} value={device.deviceId}>
              {device.label || `${props.label} ${i + 1}`}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
