// The pre-join preview: the chosen camera and microphone. The camera can be
// switched off (it is then released, so its light goes out); the microphone
// keeps running while "off" before joining (nothing is sent yet), and the
// call joins it muted. What it holds is handed to the call on joining.
import { useEffect, useState } from 'react';
import { cameraTrack, mediaErrorText, microphoneTrack, type DeviceChoice } from '../media/devices.js';

export type Preview = {
  camera: MediaStreamTrack | undefined;
  microphone: MediaStreamTrack | undefined;
  error: string | undefined;
  /** Both devices were asked for and answered (or the camera is off): joining now takes what there is. */
  ready: boolean;
};

type Device = { track: MediaStreamTrack | undefined; settled: boolean; error: string | undefined };
const pending: Device = { track: undefined, settled: false, error: undefined };

/** One device's track, taken while `wanted`, released when it changes or the page goes (unless handed over). */
function useDevice(
  wanted: boolean,
  deviceId: string | undefined,
  take: (deviceId: string | undefined) => Promise<MediaStreamTrack>,
  handedOver: WeakSet<MediaStreamTrack>,
): Device {
  const [device, setDevice] = useState<Device>(pending);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    let acquired: MediaStreamTrack | undefined;
    take(deviceId).then(
      (track) => {
        acquired = track;
        if (live) setDevice({ track, settled: true, error: undefined });
        else track.stop();
      },
      (error: unknown) => live && setDevice({ track: undefined, settled: true, error: mediaErrorText(error) }),
    );
    return () => {
      live = false;
      if (acquired && !handedOver.has(acquired)) acquired.stop();
      setDevice(pending);
    };
  }, [wanted, deviceId, take, handedOver]);
  return device;
}

export function usePreview(choice: DeviceChoice, cameraOn: boolean, microphoneWanted = true) {
  /** Tracks handed over to the call are no longer ours to stop. */
  const [handedOver] = useState(() => new WeakSet<MediaStreamTrack>());
  const camera = useDevice(cameraOn, choice.cameraId, cameraTrack, handedOver);
  const microphone = useDevice(microphoneWanted, choice.microphoneId, microphoneTrack, handedOver);
  const preview: Preview = {
    camera: camera.track,
    microphone: microphone.track,
    error: camera.error ?? microphone.error,
    ready: (camera.settled || !cameraOn) && (microphone.settled || !microphoneWanted),
  };

  /** The tracks for the call; from now on the call stops them. */
  const handOver = (): MediaStreamTrack[] => {
    const tracks = [preview.camera, preview.microphone].filter((t): t is MediaStreamTrack => t !== undefined);
    for (const track of tracks) handedOver.add(track);
    return tracks;
  };
  return { preview, handOver };
}
