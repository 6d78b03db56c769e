import { bestDevice, classifyDevice, type DeviceInfo } from './classify.js';

/**
 * Device changes during a call. When a device in use disappears (headset pulled out, Bluetooth
 * dropping to another profile) the call switches to the best remaining device of that kind at once;
 * when the one that was lost comes back, the staff member is offered one click to switch back.
 * The platform's MediaDevices is injected (src-shared knows no platform), so hot-plug sequences are
 * unit-tested with a scripted fake.
 */
export type DeviceRole = 'microphone' | 'camera' | 'speaker';
export const ROLE_KIND: Record<DeviceRole, DeviceInfo['kind']> = { microphone: 'audioinput', camera: 'videoinput', speaker: 'audiooutput' };
const ROLES: DeviceRole[] = ['microphone', 'speaker', 'camera'];

export interface MediaDevicesLike {
  enumerateDevices(): Promise<readonly DeviceInfo[]>;
  addEventListener(type: 'devicechange', listener: () => void): void;
  removeEventListener(type: 'devicechange', listener: () => void): void;
}

export type InUse = Record<DeviceRole, string | null>;

export interface DeviceSwitch {
  role: DeviceRole;
  from: DeviceInfo | null;
  /** null: no device of this kind is left. */
  to: DeviceInfo | null;
  handsFree: boolean;
}

export interface WatcherOptions {
  mediaDevices: MediaDevicesLike;
  /** The device ids in use now (read at each change). */
  inUse(): InUse;
  /** Switch to another device; the watcher has already chosen it. */
  onSwitch(change: DeviceSwitch): void | Promise<void>;
  /** A device that was lost is back: offer to switch back (null: the offer no longer stands). */
  onReturnOffer(role: DeviceRole, device: DeviceInfo | null): void;
  onDevices?(devices: readonly DeviceInfo[]): void;
}

export interface DeviceWatcher {
  stop(): void;
  /** Handle a change now (also called by the devicechange event). */
  check(): Promise<void>;
  /** The staff member chose a device: forget what was lost for that role. */
  chosen(role: DeviceRole): void;
}

/** Same physical device: same id, or (Bluetooth re-pairing gives new ids) the same label. */
const sameDevice = (a: DeviceInfo, b: DeviceInfo) => a.deviceId === b.deviceId || (a.label !== '' && a.label === b.label);

export function watchDevices(options: WatcherOptions): DeviceWatcher {
  let known: readonly DeviceInfo[] = [];
  const lost: Partial<Record<DeviceRole, DeviceInfo>> = {};
  const offered: Partial<Record<DeviceRole, string>> = {};
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  async function handle() {
    if (stopped) return;
    const previous = known;
    const devices = (await options.mediaDevices.enumerateDevices()).filter((d) => d.deviceId !== '');
    known = devices;
    options.onDevices?.(devices);
    const inUse = options.inUse();
    for (const role of ROLES) {
      const kind = ROLE_KIND[role];
      const currentId = inUse[role];
      const current = currentId ? (devices.find((d) => d.kind === kind && d.deviceId === currentId) ?? null) : null;
      if (currentId && !current) {
        // The device in use is gone: remember the staff member's choice, and switch at once.
        const from = previous.find((d) => d.kind === kind && d.deviceId === currentId) ?? { kind, deviceId: currentId, label: '' };
        lost[role] ??= from;
        const { device: to } = bestDevice(devices, kind, null);
        await options.onSwitch({ role, from, to, handsFree: to ? classifyDevice(to.label).handsFree : false });
        continue;
      }
      const gone = lost[role];
      if (!gone) continue;
      if (!currentId) {
        // The call had no device of this kind left: take the lost one back, or the best that came.
        const to = devices.find((d) => d.kind === kind && sameDevice(d, gone)) ?? bestDevice(devices, kind, null).device;
        if (to) {
          if (sameDevice(to, gone)) delete lost[role];
          await options.onSwitch({ role, from: null, to, handsFree: classifyDevice(to.label).handsFree });
        }
        continue;
      }
      const back = devices.find((d) => d.kind === kind && sameDevice(d, gone));
      if (back && current && !sameDevice(back, current) && offered[role] !== back.deviceId) {
        offered[role] = back.deviceId;
        options.onReturnOffer(role, back);
      } else if (!back && offered[role]) {
        delete offered[role];
        options.onReturnOffer(role, null);
      } else if (back && current && sameDevice(back, current)) {
        delete lost[role];
        delete offered[role];
      }
    }
  }

  const check = () => (running = running.then(handle, handle));
  const listener = () => void check();
  options.mediaDevices.addEventListener('devicechange', listener);
  // Know the starting list, so a removal can be named.
  void check();
  return {
    stop() {
      stopped = true;
      options.mediaDevices.removeEventListener('devicechange', listener);
    },
    check,
    chosen(role) {
      delete lost[role];
      if (offered[role]) {
        delete offered[role];
        options.onReturnOffer(role, null);
      }
    },
  };
}
