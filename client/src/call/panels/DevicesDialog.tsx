// Switching camera, microphone and speaker during the call.
import { Dialog } from '../../ui/Dialog.js';
import { SelectField } from '../../ui/Field.js';
import { canChooseSpeaker, deviceLabel, useDevices } from '../media/devices.js';
import type { CallSession, CallView } from '../CallSession.js';

type Props = {
  session: CallSession;
  view: CallView;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  speakerId: string | undefined;
  onSpeaker: (id: string) => void;
};

export function DevicesDialog({ session, view, open, onOpenChange, speakerId, onSpeaker }: Props) {
  const devices = useDevices(open);
  const options = (list: MediaDeviceInfo[], kind: string) =>
    list.map((device, i) => ({ value: device.deviceId, label: deviceLabel(device, i, kind) }));
  const chosen = view.local.devices;
  return (
    <Dialog open={open} onOpenChange={onOpenChange} title="Camera, microphone and speaker" tone="stage">
      {devices.cameras.length > 0 && (
        <SelectField
          label="Camera"
          options={options(devices.cameras, 'Camera')}
          value={chosen.cameraId ?? view.local.cameraTrack?.getSettings().deviceId ?? devices.cameras[0]?.deviceId}
          onChange={(e) => void session.local.switchDevice('camera', e.target.value)}
        />
      )}
      {devices.microphones.length > 0 && (
        <SelectField
          label="Microphone"
          options={options(devices.microphones, 'Microphone')}
          value={chosen.microphoneId ?? devices.microphones[0]?.deviceId}
          onChange={(e) => void session.local.switchDevice('microphone', e.target.value)}
        />
      )}
      {canChooseSpeaker && devices.speakers.length > 0 ? (
        <SelectField
          label="Speaker"
          options={options(devices.speakers, 'Speaker')}
          value={speakerId ?? devices.speakers[0]?.deviceId}
          onChange={(e) => onSpeaker(e.target.value)}
        />
      ) : (
        <p>This browser plays calls on the system’s default speaker.</p>
      )}
    </Dialog>
  );
}
