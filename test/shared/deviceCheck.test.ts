import { describe, expect, it } from 'vitest';
import { analyseSamples, dbfs, judgeMicrophone, meterLevel, speechHeard } from '../../src-shared/devices/audio';
import {
  CHECK_VALIDITY_MS,
  devicesSignature,
  findingsOf,
  planQuickCheck,
  verdictOf,
  warningsKey,
  type DeviceCheckResult,
} from '../../src-shared/devices/check';
import type { DeviceInfo } from '../../src-shared/devices/classify';
import { rateNetwork } from '../../src-shared/devices/network';

const tone = (amplitude: number, n = 2048) => Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * 440 * i) / 48000));

describe('microphone level', () => {
  it('measures level, peak and clipping', () => {
    const w = analyseSamples(tone(0.5));
    expect(w.rms).toBeCloseTo(0.5 / Math.SQRT2, 2);
    expect(w.peak).toBeCloseTo(0.5, 2);
    expect(w.clipped).toBe(0);
    expect(analyseSamples(tone(1.6).map((v) => Math.max(-1, Math.min(1, v)))).clipped).toBeGreaterThan(0.3);
    expect(dbfs(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(meterLevel(1)).toBe(1);
    expect(meterLevel(0)).toBe(0);
  });
  it('silent, clipping, or fine', () => {
    expect(judgeMicrophone([analyseSamples(new Float32Array(1024))])).toBe('silent');
    expect(judgeMicrophone([])).toBe('silent');
    expect(judgeMicrophone([analyseSamples(tone(0.001))])).toBe('ok'); // a quiet room is a live microphone
    const clipped = analyseSamples(tone(3).map((v) => Math.max(-1, Math.min(1, v))));
    expect(judgeMicrophone([clipped, analyseSamples(tone(0.1))])).toBe('clipping');
  });
  it('"sig noget": speech is heard only when it lasts', () => {
    const quiet = analyseSamples(tone(0.001));
    const voice = analyseSamples(tone(0.2));
    expect(speechHeard([quiet, voice, quiet, voice, quiet])).toBe(false);
    expect(speechHeard([quiet, voice, voice, voice])).toBe(true);
  });
});

describe('network rating', () => {
  it.each([
    [{ rttMs: 20, throughputKbps: 20_000, relay: 'ok' as const }, 'good'],
    [{ rttMs: 20, throughputKbps: 20_000, relay: 'failed' as const }, 'usable'],
    [{ rttMs: 250, throughputKbps: 20_000, relay: 'ok' as const }, 'usable'],
    [{ rttMs: 20, throughputKbps: 800, relay: 'ok' as const }, 'usable'],
    [{ rttMs: 20, throughputKbps: 300, relay: 'ok' as const }, 'poor'],
    [{ rttMs: 900, throughputKbps: 20_000, relay: 'ok' as const }, 'poor'],
    [{ rttMs: null, throughputKbps: null, relay: 'failed' as const }, 'poor'],
  ])('%j → %s', (m, rating) => expect(rateNetwork(m)).toBe(rating));
});

const jabra: DeviceInfo = { kind: 'audioinput', deviceId: 'j-in', label: 'Jabra Evolve2 40' };
const jabraOut: DeviceInfo = { kind: 'audiooutput', deviceId: 'j-out', label: 'Jabra Evolve2 40' };
const laptopOut: DeviceInfo = { kind: 'audiooutput', deviceId: 'spk', label: 'Speakers (Realtek High Definition Audio)' };
const cam: DeviceInfo = { kind: 'videoinput', deviceId: 'cam', label: 'Integrated Camera' };
const goodNetwork = { measurement: { rttMs: 5, throughputKbps: 50_000, relay: 'ok' as const }, rating: 'good' as const, at: 0 };

function result(over: Partial<DeviceCheckResult> = {}): DeviceCheckResult {
  const base = {
    camera: { state: 'ok' as const, at: 0 },
    microphone: { state: 'ok' as const, at: 0 },
    network: goodNetwork,
    chosen: { camera: cam, microphone: jabra, speaker: jabraOut },
    fellBack: [],
    ...over,
  };
  const findings = findingsOf(base);
  return { mode: 'full', finishedAt: 0, durationMs: 1, devicesSignature: 'sig', retested: [], findings, verdict: verdictOf(findings), ...base };
}

describe('verdict', () => {
  it('all fine with a headset → ready', () => {
    expect(result().verdict).toBe('ready');
  });
  it('no microphone or no camera blocks the call; a black picture too', () => {
    for (const state of ['missing', 'denied', 'busy'] as const) {
      expect(result({ microphone: { state, at: 0 } }).findings).toContainEqual({ part: 'microphone', code: `microphone.${state}`, severity: 'blocking' });
      expect(result({ microphone: { state, at: 0 } }).verdict).toBe('blocked');
      expect(result({ camera: { state, at: 0 } }).verdict).toBe('blocked');
    }
    expect(result({ camera: { state: 'black', at: 0 } }).verdict).toBe('blocked');
  });
  it('dark, backlit, frozen, silent, clipping, muted are warnings', () => {
    for (const state of ['dark', 'backlit', 'frozen'] as const) expect(result({ camera: { state, at: 0 } }).verdict).toBe('warnings');
    for (const state of ['silent', 'clipping', 'muted'] as const) expect(result({ microphone: { state, at: 0 } }).verdict).toBe('warnings');
  });
  it('laptop speakers and hands-free Bluetooth are warned about', () => {
    expect(result({ chosen: { camera: cam, microphone: jabra, speaker: laptopOut } }).findings.map((f) => f.code)).toContain('headset.none');
    const hfp: DeviceInfo = { kind: 'audioinput', deviceId: 'bt', label: 'Headset (WH-1000XM4 Hands-Free AG Audio)' };
    expect(result({ chosen: { camera: cam, microphone: hfp, speaker: jabraOut } }).findings.map((f) => f.code)).toContain('headset.handsFree');
    // No output list (browsers without speaker choice): the microphone's label decides.
    expect(result({ chosen: { camera: cam, microphone: jabra, speaker: null } }).verdict).toBe('ready');
  });
  it("a fallback from the room's device, a usable network and a missing relay are warnings", () => {
    expect(result({ fellBack: ['microphone'] }).findings).toContainEqual({ part: 'microphone', code: 'fallback.microphone', severity: 'warning' });
    const noRelay = result({ network: { measurement: { rttMs: 5, throughputKbps: 50_000, relay: 'refused' }, rating: 'usable', at: 0 } });
    expect(noRelay.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['network.usable', 'network.relay.refused']));
    expect(warningsKey(noRelay.findings)).toBe('network.relay.refused,network.usable');
  });
});

describe('quick check plan', () => {
  const context = { now: 60_000, devicesSignature: 'sig', videoLive: true, audioLive: true };
  it('re-measures nothing when nothing changed', () => {
    expect(planQuickCheck(result(), context)).toEqual({ chooseDevices: false, parts: new Set() });
  });
  it('first check: everything', () => {
    expect(planQuickCheck(null, context).parts).toEqual(new Set(['camera', 'microphone', 'network']));
  });
  it('devices changed: choose again and re-measure camera and microphone', () => {
    expect(planQuickCheck(result(), { ...context, devicesSignature: 'other' })).toEqual({ chooseDevices: true, parts: new Set(['camera', 'microphone']) });
  });
  it('a track that stopped, an old or a failed result is re-measured', () => {
    expect(planQuickCheck(result(), { ...context, videoLive: false }).parts).toEqual(new Set(['camera']));
    expect(planQuickCheck(result({ microphone: { state: 'silent', at: 0 } }), context).parts).toEqual(new Set(['microphone']));
    expect(planQuickCheck(result(), { ...context, now: CHECK_VALIDITY_MS.network + 1 }).parts).toEqual(new Set(['network']));
    expect(planQuickCheck(result(), { ...context, now: CHECK_VALIDITY_MS.camera + 1 }).parts).toEqual(new Set(['camera', 'microphone', 'network']));
  });
  it('the signature is independent of order', () => {
    expect(devicesSignature([jabra, cam])).toBe(devicesSignature([cam, jabra]));
  });
});
