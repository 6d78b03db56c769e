import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiClient } from '../../src-shared/api/contract';
import type { NetProbe } from '../../src-shared/call/netProbe';
import { meterLevel, speechHeard, type AudioWindow } from '../../src-shared/devices/audio';
import { warningsKey, type CheckMode, type ChosenDevices, type DeviceCheckResult } from '../../src-shared/devices/check';
import type { DeviceInfo } from '../../src-shared/devices/classify';
import type { RoomDevices } from '../../src-shared/domain/devices';
import { DeviceChecker } from '../../src-shared/browser/devices/deviceChecker';
import { rendererClock } from '../time/clock';
import { echoTest, listDevices, playTestTone } from '../../src-shared/browser/devices/probes';

/** The checked camera and microphone are closed after this long without a check or a call. */
const IDLE_RELEASE_MS = 10 * 60_000;
const SPEECH_WINDOWS_KEPT = 40;
/**
 * A quick check run ahead (the visit became next, the pointer or focus reached its ring button,
 * the devices changed, a call ended) is what the click uses for this long: the click then rings at
 * once. Older, or after a device change, the click checks first, as it always did.
 */
export const CHECK_FRESH_MS = 60_000;
/** Ahead of a click, a result younger than this is not measured again (hovering over rows). */
const CHECK_AHEAD_AFTER_MS = 10_000;

export type SpeakerTest = 'idle' | 'tone' | 'recording' | 'playing';

export interface DeviceCheckState {
  /** The full check panel is open. */
  open: boolean;
  running: CheckMode | null;
  result: DeviceCheckResult | null;
  /** Every device, for the choosers. */
  available: DeviceInfo[];
  preview: MediaStream | null;
  /** 0…1 for the level meter while the panel is open. */
  level: number;
  /** "Sig noget": the staff member was heard. */
  heard: boolean;
  /** Warnings the staff member accepted (by key): not asked again until they change. */
  accepted: string | null;
  roomId: string | null;
  preferred: RoomDevices | null;
  speakerTest: SpeakerTest;
  error: string | null;
  start(roomId: string | null): Promise<() => void>;
  openPanel(): void;
  closePanel(): void;
  runFull(): Promise<DeviceCheckResult | null>;
  /** Before each call: re-measures only what changed. */
  runQuick(): Promise<DeviceCheckResult | null>;
  /**
   * Check ahead of a call (nothing is shown; the result waits for the click), unless a result is
   * only seconds old (`again`: even then, as after a call). Only after the shift's first check:
   * that one is the staff member's own, with the panel open.
   */
  prepare(options?: { again?: boolean }): void;
  /** The ahead check's result while it is fresh and its devices still live, else null. */
  readyForCall(): DeviceCheckResult | null;
  /** Does this result need the staff member's attention before ringing? */
  needsAttention(result: DeviceCheckResult): boolean;
  accept(): void;
  choose(role: 'camera' | 'microphone' | 'speaker', deviceId: string): Promise<void>;
  playTone(): Promise<void>;
  echo(): Promise<void>;
  /** Clones of the checked devices for a call, or null (the call then opens the system's choice). */
  callMedia(): { stream: MediaStream; chosen: ChosenDevices } | null;
  /** A call started or ended: the devices stay open while the queue is being worked. */
  touch(): void;
}

export function createDeviceCheckStore(api: ApiClient, probe: () => NetProbe | null): StoreApi<DeviceCheckState> {
  const checker = new DeviceChecker(rendererClock);
  let idleTimer: number | undefined;
  let meterTimer: number | undefined;
  let windows: AudioWindow[] = [];
  /** The devices changed after the last result: it no longer speaks for them. */
  let devicesChanged = false;

  return createStore<DeviceCheckState>()((set, get) => {
    const touch = () => {
      window.clearTimeout(idleTimer);
      idleTimer = window.setTimeout(() => {
        if (get().open) return touch();
        checker.release();
        set({ preview: null });
      }, IDLE_RELEASE_MS);
    };

    const onLevel = (w: AudioWindow) => {
      windows = [...windows.slice(-SPEECH_WINDOWS_KEPT), w];
      // Peak hold with a decay, like a VU meter: short sounds stay visible long enough to see.
      set({ level: Math.max(meterLevel(w.rms), get().level * 0.85), heard: get().heard || speechHeard(windows) });
    };

    // While the panel is open, the meter moves and listens for speech.
    const runMeter = () => {
      window.clearInterval(meterTimer);
      meterTimer = window.setInterval(() => {
        const w = checker.readLevel();
        if (w) onLevel(w);
      }, 50);
    };

    async function refreshDevices() {
      set({ available: (await listDevices()).filter((d) => d.deviceId) });
    }

    async function save(chosen: ChosenDevices) {
      const roomId = get().roomId;
      if (!roomId) return;
      const choice = (d: DeviceInfo | null) => (d ? { deviceId: d.deviceId, label: d.label } : null);
      const saved = await api.devices
        .saveForRoom({ roomId, camera: choice(chosen.camera), microphone: choice(chosen.microphone), speaker: choice(chosen.speaker) })
        .catch(() => null);
      if (saved) set({ preferred: saved });
    }

    /** The check under way: a click during an ahead check waits for it rather than starting another. */
    let inflight: Promise<DeviceCheckResult | null> | null = null;
    function run(mode: CheckMode): Promise<DeviceCheckResult | null> {
      if (inflight) return inflight;
      if (get().running) return Promise.resolve(get().result);
      inflight = measure(mode).finally(() => (inflight = null));
      return inflight;
    }

    async function measure(mode: CheckMode): Promise<DeviceCheckResult | null> {
      set({ running: mode, error: null });
      try {
        const result = await checker.run(mode, { preferred: get().preferred, probe: probe(), onLevel });
        devicesChanged = false;
        set({ result, running: null, preview: checker.preview() });
        touch();
        void refreshDevices();
        // The room's first full check sets its devices; later, only the staff member's own choice
        // does (a missing headset today should not replace the room's headset for tomorrow).
        if (mode === 'full' && !get().preferred && result.verdict !== 'blocked') void save(result.chosen);
        return result;
      } catch (error) {
        set({ running: null, error: error instanceof Error ? error.message : String(error) });
        return null;
      }
    }

    return {
      open: false,
      running: null,
      result: null,
      available: [],
      preview: null,
      level: 0,
      heard: false,
      accepted: null,
      roomId: null,
      preferred: null,
      speakerTest: 'idle',
      error: null,

      async start(roomId) {
        set({ roomId, preferred: roomId ? await api.devices.forRoom({ roomId }).catch(() => null) : null });
        const onChange = () => {
          devicesChanged = true;
          void refreshDevices();
          get().prepare();
        };
        navigator.mediaDevices.addEventListener?.('devicechange', onChange);
        return () => {
          navigator.mediaDevices.removeEventListener?.('devicechange', onChange);
          window.clearTimeout(idleTimer);
          window.clearInterval(meterTimer);
          checker.release();
        };
      },
      openPanel() {
        windows = [];
        set({ open: true, heard: false });
        runMeter();
        if (!get().result) void run('full');
      },
      closePanel() {
        window.clearInterval(meterTimer);
        set({ open: false, level: 0 });
      },
      runFull: () => run('full'),
      runQuick: () => run('quick'),
      prepare(options) {
        const { result, running } = get();
        if (!result || running) return;
        const age = rendererClock.nowMs() - result.finishedAt;
        if (!options?.again && !devicesChanged && age >= 0 && age < CHECK_AHEAD_AFTER_MS && checker.live()) return;
        void run('quick');
      },
      readyForCall() {
        const { result } = get();
        if (!result || devicesChanged || !checker.live()) return null;
        const age = rendererClock.nowMs() - result.finishedAt;
        return age >= 0 && age < CHECK_FRESH_MS ? result : null;
      },
      needsAttention(result) {
        return result.verdict === 'blocked' || (result.verdict === 'warnings' && warningsKey(result.findings) !== get().accepted);
      },
      accept() {
        const result = get().result;
        if (result && result.verdict !== 'blocked') set({ accepted: warningsKey(result.findings) });
      },
      async choose(role, deviceId) {
        const device = get().available.find(
          (d) => d.deviceId === deviceId && d.kind === (role === 'camera' ? 'videoinput' : role === 'microphone' ? 'audioinput' : 'audiooutput'),
        );
        if (!device) return;
        set({ running: 'full' });
        const result = await checker.switchTo(role, device, { preferred: get().preferred, probe: probe(), onLevel });
        set({ running: null, result: result ?? get().result, preview: checker.preview() });
        if (result) await save(result.chosen);
      },
      async playTone() {
        set({ speakerTest: 'tone' });
        await playTestTone(get().result?.chosen.speaker?.deviceId ?? null).catch((e: unknown) => set({ error: e instanceof Error ? e.message : String(e) }));
        set({ speakerTest: 'idle' });
      },
      async echo() {
        const mic = checker.microphoneTrack;
        if (!mic) return;
        await echoTest(mic, get().result?.chosen.speaker?.deviceId ?? null, 3, (phase) => set({ speakerTest: phase })).catch((e: unknown) =>
          set({ error: e instanceof Error ? e.message : String(e) }),
        );
        set({ speakerTest: 'idle' });
      },
      callMedia: () => checker.callMedia(),
      touch,
    };
  });
}
