import { describe, expect, it } from 'vitest';
import type { DeviceInfo } from '../../src-shared/devices/classify';
import { watchDevices, type DeviceSwitch, type InUse, type MediaDevicesLike } from '../../src-shared/devices/hotplug';

/** A scripted MediaDevices: the test plugs devices in and out and fires devicechange like a browser. */
class ScriptedMediaDevices implements MediaDevicesLike {
  private listeners = new Set<() => void>();
  constructor(public devices: DeviceInfo[]) {}
  enumerateDevices() {
    return Promise.resolve([...this.devices]);
  }
  addEventListener(_type: 'devicechange', listener: () => void) {
    this.listeners.add(listener);
  }
  removeEventListener(_type: 'devicechange', listener: () => void) {
    this.listeners.delete(listener);
  }
  get listening() {
    return this.listeners.size;
  }
  unplug(...ids: string[]) {
    this.devices = this.devices.filter((d) => !ids.includes(d.deviceId));
    this.fire();
  }
  plug(...devices: DeviceInfo[]) {
    this.devices.push(...devices);
    this.fire();
  }
  private fire() {
    this.listeners.forEach((l) => l());
  }
}

const usbIn: DeviceInfo = { kind: 'audioinput', deviceId: 'usb-in', label: 'Jabra Evolve2 40' };
const usbOut: DeviceInfo = { kind: 'audiooutput', deviceId: 'usb-out', label: 'Jabra Evolve2 40' };
const laptopIn: DeviceInfo = { kind: 'audioinput', deviceId: 'int-in', label: 'Internal Microphone (Built-in)' };
const laptopOut: DeviceInfo = { kind: 'audiooutput', deviceId: 'int-out', label: 'Speakers (Realtek High Definition Audio)' };
const defaultIn: DeviceInfo = { kind: 'audioinput', deviceId: 'default', label: 'Default - Jabra Evolve2 40' };
const cam: DeviceInfo = { kind: 'videoinput', deviceId: 'cam', label: 'Integrated Camera' };
const btStereo: DeviceInfo = { kind: 'audiooutput', deviceId: 'bt-a2dp', label: 'WH-1000XM4 (Bluetooth Stereo)' };
const btHfpOut: DeviceInfo = { kind: 'audiooutput', deviceId: 'bt-hfp-out', label: 'Headset (WH-1000XM4 Hands-Free AG Audio)' };
const btHfpIn: DeviceInfo = { kind: 'audioinput', deviceId: 'bt-hfp-in', label: 'Headset (WH-1000XM4 Hands-Free AG Audio)' };

/** A call using some devices, switching as the watcher says (like the call store does). */
function callWith(media: ScriptedMediaDevices, inUse: InUse) {
  const switches: DeviceSwitch[] = [];
  const offers: { role: string; device: string | null }[] = [];
  const watcher = watchDevices({
    mediaDevices: media,
    inUse: () => ({ ...inUse }),
    onSwitch: (change) => {
      switches.push(change);
      inUse[change.role] = change.to?.deviceId ?? null;
    },
    onReturnOffer: (role, device) => offers.push({ role, device: device?.deviceId ?? null }),
  });
  const settle = async () => {
    await watcher.check();
  };
  return { watcher, switches, offers, inUse, settle };
}

describe('device changes during a call (scripted MediaDevices)', () => {
  it('USB headset out → laptop devices at once; back in → one offer to switch back', async () => {
    const media = new ScriptedMediaDevices([defaultIn, usbIn, usbOut, laptopIn, laptopOut, cam]);
    const call = callWith(media, { microphone: 'usb-in', speaker: 'usb-out', camera: 'cam' });
    await call.settle();
    expect(call.switches).toEqual([]);

    media.unplug('usb-in', 'usb-out');
    await call.settle();
    // The named laptop microphone, not the "default" pseudo-device.
    expect(call.switches.map((s) => [s.role, s.from?.deviceId, s.to?.deviceId])).toEqual([
      ['microphone', 'usb-in', 'int-in'],
      ['speaker', 'usb-out', 'int-out'],
    ]);
    expect(call.switches[0]?.from?.label).toBe('Jabra Evolve2 40');
    expect(call.inUse).toEqual({ microphone: 'int-in', speaker: 'int-out', camera: 'cam' });

    media.plug(usbIn, usbOut);
    await call.settle();
    expect(call.offers).toEqual([
      { role: 'microphone', device: 'usb-in' },
      { role: 'speaker', device: 'usb-out' },
    ]);
    // Another change does not repeat the offer.
    media.plug({ kind: 'videoinput', deviceId: 'cam2', label: 'Logitech BRIO' });
    await call.settle();
    expect(call.offers).toHaveLength(2);
    expect(call.switches).toHaveLength(2);
  });

  it('the headset is pulled again before the offer is taken → the offer is withdrawn', async () => {
    const media = new ScriptedMediaDevices([usbIn, usbOut, laptopIn, laptopOut, cam]);
    const call = callWith(media, { microphone: 'usb-in', speaker: 'usb-out', camera: 'cam' });
    await call.settle();
    media.unplug('usb-in', 'usb-out');
    await call.settle();
    media.plug(usbIn, usbOut);
    await call.settle();
    media.unplug('usb-in', 'usb-out');
    await call.settle();
    expect(call.offers).toEqual([
      { role: 'microphone', device: 'usb-in' },
      { role: 'speaker', device: 'usb-out' },
      { role: 'microphone', device: null },
      { role: 'speaker', device: null },
    ]);
    expect(call.switches).toHaveLength(2);
  });

  it('taking the offer (switching back) ends it', async () => {
    const media = new ScriptedMediaDevices([usbIn, laptopIn, cam]);
    const call = callWith(media, { microphone: 'usb-in', speaker: null, camera: 'cam' });
    await call.settle();
    media.unplug('usb-in');
    await call.settle();
    media.plug(usbIn);
    await call.settle();
    call.inUse.microphone = 'usb-in';
    call.watcher.chosen('microphone');
    expect(call.offers.at(-1)).toEqual({ role: 'microphone', device: null });
    media.unplug('usb-in');
    await call.settle();
    expect(call.switches.at(-1)?.to?.deviceId).toBe('int-in');
  });

  it('Bluetooth drops to the hands-free profile → switched and flagged as hands-free', async () => {
    const media = new ScriptedMediaDevices([btStereo, laptopIn, laptopOut, cam]);
    const call = callWith(media, { microphone: 'int-in', speaker: 'bt-a2dp', camera: 'cam' });
    await call.settle();
    // The OS replaces the stereo device by the hands-free pair when a microphone is opened on it.
    media.devices = media.devices.filter((d) => d.deviceId !== 'bt-a2dp');
    media.plug(btHfpOut, btHfpIn);
    await call.settle();
    expect(call.switches).toEqual([{ role: 'speaker', from: btStereo, to: btHfpOut, handsFree: true }]);
  });

  it('all devices gone → switches to nothing (the call says so), and takes them back when they return', async () => {
    const media = new ScriptedMediaDevices([usbIn, usbOut, cam]);
    const call = callWith(media, { microphone: 'usb-in', speaker: 'usb-out', camera: 'cam' });
    await call.settle();
    media.unplug('usb-in', 'usb-out', 'cam');
    await call.settle();
    expect(call.switches.map((s) => [s.role, s.to])).toEqual([
      ['microphone', null],
      ['speaker', null],
      ['camera', null],
    ]);
    media.plug(usbIn, usbOut, cam);
    await call.settle();
    expect(call.switches.slice(3).map((s) => [s.role, s.from, s.to?.deviceId])).toEqual([
      ['microphone', null, 'usb-in'],
      ['speaker', null, 'usb-out'],
      ['camera', null, 'cam'],
    ]);
    expect(call.inUse).toEqual({ microphone: 'usb-in', speaker: 'usb-out', camera: 'cam' });
    expect(call.offers).toEqual([]);
  });

  it('stops listening when stopped', async () => {
    const media = new ScriptedMediaDevices([usbIn]);
    const call = callWith(media, { microphone: 'usb-in', speaker: null, camera: null });
    await call.settle();
    expect(media.listening).toBe(1);
    call.watcher.stop();
    expect(media.listening).toBe(0);
  });
});
