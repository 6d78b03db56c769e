import { describe, expect, it } from 'vitest';
import { bestDevice, classifyDevice, type DeviceInfo } from '../../src-shared/devices/classify';

describe('device label classification', () => {
  it.each([
    ['Jabra Evolve2 65 (0b0e:24f1)', { headset: true, bluetooth: false, handsFree: false }],
    ['Headset Microphone (Poly BT700)', { headset: true }],
    ['Plantronics Blackwire 3220 Series', { headset: true }],
    ['EPOS ADAPT 560', { headset: true }],
    ['Sennheiser SC 160 USB', { headset: true }],
    ['Logitech USB Headset H390', { headset: true }],
    ['Headset (Jabra Evolve 75 Hands-Free AG Audio)', { headset: true, bluetooth: true, handsFree: true }],
    ['Voyager Focus 2 (Bluetooth)', { headset: true, bluetooth: true, handsFree: false }],
    ['AirPods Pro', { headset: true, bluetooth: true }],
    ['MacBook Pro Speakers', { headset: false, builtIn: true }],
    ['Speakers (Realtek(R) Audio)', { headset: false, builtIn: true }],
    ['Integrated Webcam (0bda:5538)', { headset: false, builtIn: true }],
    ['Fake Default Audio Input', { headset: false, builtIn: false }],
  ])('%s', (label, expected) => {
    expect(classifyDevice(label)).toMatchObject(expected);
  });
});

describe('choosing the best device', () => {
  const devices: DeviceInfo[] = [
    { kind: 'audioinput', deviceId: 'default', label: 'Default - Internal Microphone' },
    { kind: 'audioinput', deviceId: 'int', label: 'Internal Microphone (Built-in)' },
    { kind: 'audioinput', deviceId: 'bt-hfp', label: 'Headset (Jabra Evolve 75 Hands-Free AG Audio)' },
    { kind: 'audioinput', deviceId: 'usb', label: 'Jabra Evolve2 40' },
    { kind: 'videoinput', deviceId: 'cam', label: 'Integrated Camera' },
  ];
  it("keeps the room's remembered device when it is there", () => {
    expect(bestDevice(devices, 'audioinput', 'int')).toEqual({ device: devices[1], fellBack: false });
  });
  it('falls back to a headset (not hands-free) when the remembered one is gone, and says so', () => {
    expect(bestDevice(devices, 'audioinput', 'gone')).toEqual({ device: devices[3], fellBack: true });
  });
  it('recognises the remembered device by its label when its id changed', () => {
    expect(bestDevice(devices, 'audioinput', { deviceId: 'old-id', label: 'Internal Microphone (Built-in)' })).toEqual({ device: devices[1], fellBack: false });
    expect(bestDevice(devices, 'audioinput', { deviceId: 'old-id', label: 'Jabra Speak 510' })).toEqual({ device: devices[3], fellBack: true });
  });
  it('prefers a hands-free headset over laptop microphones, and a laptop microphone over nothing', () => {
    expect(
      bestDevice(
        devices.filter((d) => d.deviceId !== 'usb'),
        'audioinput',
        null,
      ).device?.deviceId,
    ).toBe('bt-hfp');
    expect(
      bestDevice(
        devices.filter((d) => d.deviceId === 'int'),
        'audioinput',
        null,
      ).device?.deviceId,
    ).toBe('int');
    expect(bestDevice([], 'audioinput', null)).toEqual({ device: null, fellBack: false });
  });
});
