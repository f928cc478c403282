// Cameras, microphones and speakers: what the browser offers, and tracks
// from the one the person chose. Labels are readable only once permission
// to use a camera or microphone was given.
import { useEffect, useState } from 'react';
import { testCameraSize } from '../../testing/cameraTestSize.js';

export type DeviceChoice = { cameraId?: string; microphoneId?: string; speakerId?: string };
export type DeviceList = { cameras: MediaDeviceInfo[]; microphones: MediaDeviceInfo[]; speakers: MediaDeviceInfo[] };

const empty: DeviceList = { cameras: [], microphones: [], speakers: [] };

async function listDevices(): Promise<DeviceList> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return {
    cameras: all.filter((d) => d.kind === 'videoinput'),
    microphones: all.filter((d) => d.kind === 'audioinput'),
    speakers: all.filter((d) => d.kind === 'audiooutput'),
  };
}

/** The devices on offer, kept current as they are plugged in and out. */
export function useDevices(refreshKey: unknown): DeviceList {
  const [devices, setDevices] = useState<DeviceList>(empty);
  useEffect(() => {
    let live = true;
    const refresh = () =>
      void listDevices().then(
        (list) => live && setDevices(list),
        () => live && setDevices(empty), // no devices API (insecure origin): nothing to choose from
      );
    refresh();
    navigator.mediaDevices?.addEventListener('devicechange', refresh);
    return () => {
      live = false;
      navigator.mediaDevices?.removeEventListener('devicechange', refresh);
    };
  }, [refreshKey]);
  return devices;
}

/** Camera capture: 640×360 is plenty for the three simulcast layers a call sends. */
export function cameraConstraints(cameraId: string | undefined): MediaTrackConstraints {
  const size = (__PARLEY_TEST_BUILD__ && testCameraSize()) || { width: 640, height: 360 };
  return { ...size, ...(cameraId ? { deviceId: { exact: cameraId } } : {}) };
}

export function microphoneConstraints(microphoneId: string | undefined): MediaTrackConstraints | boolean {
  return microphoneId ? { deviceId: { exact: microphoneId } } : true;
}

export async function cameraTrack(cameraId: string | undefined): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: cameraConstraints(cameraId) });
  const [track] = stream.getVideoTracks();
  if (!track) throw new Error('the camera gave no picture');
  return track;
}

export async function microphoneTrack(microphoneId: string | undefined): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: microphoneConstraints(microphoneId) });
  const [track] = stream.getAudioTracks();
  if (!track) throw new Error('the microphone gave no sound');
  return track;
}

/** A device's name as the picker shows it. */
export function deviceLabel(device: MediaDeviceInfo, index: number, kind: string): string {
  return device.label || `${kind} ${index + 1}`;
}

/** Whether this browser lets a page choose where audio plays. */
export const canChooseSpeaker = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

/** A readable reason for a getUserMedia failure. */
export function mediaErrorText(error: unknown): string {
  if (error instanceof DOMException) {
    if (error.name === 'NotAllowedError')
      return 'The browser was not allowed to use your camera or microphone. Allow it in the address bar, then try again.';
    if (error.name === 'NotFoundError') return 'No camera or microphone was found.';
    if (error.name === 'NotReadableError') return 'Your camera or microphone is in use by another application.';
  }
  return `Camera or microphone unavailable${error instanceof Error ? `: ${error.message}` : '.'}`;
}
