import { AUDIO_LIMITS, dbfs, judgeMicrophone, type AudioWindow } from '../../devices/audio';
import {
  devicesSignature,
  findingsOf,
  planQuickCheck,
  verdictOf,
  type CameraState,
  type CheckMode,
  type CheckPart,
  type ChosenDevices,
  type DeviceCheckResult,
  type MicrophoneState,
  type OpenFailure,
} from '../../devices/check';
import { bestDevice, type DeviceInfo } from '../../devices/classify';
import type { Clock } from '../../time/clock';
import { judgeFrames } from '../../devices/frames';
import { rateNetwork, type NetworkMeasurement } from '../../devices/network';
import type { NetProbe } from '../../call/netProbe';
import type { RoomDevices } from '../../domain/devices';
import { FrameGrabber, gatherRelay, LevelMeter, listDevices, openTrack } from './probes';

/** How long each measurement samples. Frames: four, 100 ms apart; level: 0.25–1.2 s (see sample). */
const FRAME_COUNT = 4;
const FRAME_GAP_MS = 100;
const LEVEL_MIN_MS = 250;
const LEVEL_MAX_MS = 1_200;
/** Enough heard to judge: a few windows with sound in them. */
const heardEnough = (windows: AudioWindow[]) => windows.filter((w) => dbfs(w.rms) > AUDIO_LIMITS.silentDb).length >= 3;

export interface CheckInputs {
  preferred: RoomDevices | null;
  /** Null when signalling is not connected: the network then rates as poor. */
  probe: NetProbe | null;
  onLevel?(window: AudioWindow): void;
}

const live = (track: MediaStreamTrack | null) => track !== null && track.readyState === 'live' && !track.muted;

/**
 * Runs device checks and keeps the checked camera and microphone open between calls, so the quick
 * check before a call re-measures only what changed, and the call starts on exactly the devices
 * that were checked (as clones; the call stops its own).
 */
export class DeviceChecker {
  private audio: MediaStreamTrack | null = null;
  private video: MediaStreamTrack | null = null;
  private grabber: FrameGrabber | null = null;
  private meter: LevelMeter | null = null;
  private last: DeviceCheckResult | null = null;

  /** Check times (what is still valid) are read from the app's clock. */
  constructor(private readonly clock: Clock) {}

  get result() {
    return this.last;
  }
  get microphoneTrack() {
    return this.audio;
  }
  /** The open camera and microphone, for the preview. */
  preview(): MediaStream | null {
    const tracks = [this.video, this.audio].filter((t): t is MediaStreamTrack => t !== null && t.readyState === 'live');
    return tracks.length ? new MediaStream(tracks) : null;
  }
  /** The checked devices for a call: clones, so ending the call leaves the checked ones open. */
  callMedia(): { stream: MediaStream; chosen: ChosenDevices } | null {
    if (!this.last || !live(this.audio)) return null;
    const tracks = [this.audio, this.video].filter((t): t is MediaStreamTrack => live(t)).map((t) => t.clone());
    return { stream: new MediaStream(tracks), chosen: this.last.chosen };
  }
  /** The checked camera and microphone are still open and delivering (what the last result measured). */
  live(): boolean {
    return this.last !== null && live(this.audio) && (this.last.chosen.camera === null || live(this.video));
  }
  readLevel(): AudioWindow | null {
    return this.meter?.read() ?? null;
  }

  private setAudio(track: MediaStreamTrack | null) {
    if (this.audio === track) return;
    this.meter?.stop();
    this.audio?.stop();
    this.audio = track;
    this.meter = track ? new LevelMeter(track) : null;
  }
  private setVideo(track: MediaStreamTrack | null) {
    if (this.video === track) return;
    this.grabber?.stop();
    this.video?.stop();
    this.video = track;
    this.grabber = track ? new FrameGrabber(track) : null;
  }

  /** Closes the camera and microphone (idle for long, or signed out); the next check re-opens. */
  release() {
    this.setAudio(null);
    this.setVideo(null);
  }

  private async ensure(kind: 'audio' | 'video', device: DeviceInfo | null): Promise<OpenFailure | null> {
    const current = kind === 'audio' ? this.audio : this.video;
    if (device && live(current) && current?.getSettings().deviceId === device.deviceId) return null;
    const opened = await openTrack(kind, device?.deviceId ?? null);
    if ('failure' in opened) {
      if (kind === 'audio') this.setAudio(null);
      else this.setVideo(null);
      return opened.failure;
    }
    if (kind === 'audio') this.setAudio(opened.track);
    else this.setVideo(opened.track);
    return null;
  }

  private async choose(devices: DeviceInfo[], preferred: RoomDevices | null) {
    const fellBack: DeviceCheckResult['fellBack'] = [];
    const pick = (kind: DeviceInfo['kind'], role: 'camera' | 'microphone' | 'speaker') => {
      const { device, fellBack: fb } = bestDevice(devices, kind, preferred?.[role] ?? null);
      // Only a real substitute is a fallback; no device at all is reported as missing/denied instead.
      if (fb && preferred?.[role] && device) fellBack.push(role);
      return device;
    };
    const chosen: ChosenDevices = {
      camera: pick('videoinput', 'camera'),
      microphone: pick('audioinput', 'microphone'),
      speaker: pick('audiooutput', 'speaker'),
    };
    return { chosen, fellBack };
  }

  private async measureCamera(failure: OpenFailure | null): Promise<CameraState> {
    if (failure) return failure;
    if (!this.grabber) return 'missing';
    return judgeFrames(await this.grabber.frames(FRAME_COUNT, FRAME_GAP_MS)).finding;
  }

  private async measureMicrophone(failure: OpenFailure | null, onLevel?: (w: AudioWindow) => void): Promise<MicrophoneState> {
    if (failure) return failure;
    if (!this.meter || !this.audio) return 'missing';
    if (this.audio.muted) return 'muted';
    return judgeMicrophone(await this.meter.sample(LEVEL_MIN_MS, LEVEL_MAX_MS, heardEnough, onLevel));
  }

  private async measureNetwork(probe: NetProbe | null): Promise<NetworkMeasurement> {
    if (!probe) return { rttMs: null, throughputKbps: null, relay: 'failed' };
    const [rttMs, relay] = await Promise.all([probe.roundTrip(), probe.turnCredentials().then((turn) => gatherRelay(turn))]);
    const throughputKbps = rttMs === null ? null : await probe.throughput();
    return { rttMs, throughputKbps, relay };
  }

  /**
   * Full: choose devices and measure everything. Quick: only what planQuickCheck says changed or
   * expired, plus one glance at the camera (a covered lens shows at once).
   */
  async run(mode: CheckMode, inputs: CheckInputs): Promise<DeviceCheckResult> {
    const started = performance.now();
    const previous = this.last;
    let devices = await listDevices();
    // Before permission is given the labels are empty: open the system's choices first, then choose.
    if (devices.every((d) => d.label === '')) {
      await Promise.all([this.ensure('audio', null), this.ensure('video', null)]);
      devices = await listDevices();
    }
    const signature = devicesSignature(devices);
    const plan =
      mode === 'full' || !previous
        ? { chooseDevices: true, parts: new Set<'camera' | 'microphone' | 'network'>(['camera', 'microphone', 'network']) }
        : planQuickCheck(previous, { now: this.clock.nowMs(), devicesSignature: signature, videoLive: live(this.video), audioLive: live(this.audio) });

    const { chosen, fellBack } =
      plan.chooseDevices || !previous ? await this.choose(devices, inputs.preferred) : { chosen: previous.chosen, fellBack: previous.fellBack };
    const retested: CheckPart[] = [];
    const now = this.clock.nowMs();

    const camera = (async (): Promise<DeviceCheckResult['camera']> => {
      if (!plan.parts.has('camera') && previous) {
        // A glance: one frame. Black or dark now (lens covered, light switched off) → measure again.
        const frame = await this.grabber?.frame();
        const glance = frame ? judgeFrames([frame]).finding : 'black';
        if (glance !== 'black' && glance !== 'dark') return previous.camera;
      }
      retested.push('camera');
      // No camera listed: opening the system's choice tells "none" from "not allowed".
      const failure = await this.ensure('video', chosen.camera);
      return { state: await this.measureCamera(failure), at: now };
    })();
    const microphone = (async (): Promise<DeviceCheckResult['microphone']> => {
      if (!plan.parts.has('microphone') && previous) return previous.microphone;
      retested.push('microphone');
      const failure = await this.ensure('audio', chosen.microphone);
      return { state: await this.measureMicrophone(failure, inputs.onLevel), at: now };
    })();
    const network = (async (): Promise<DeviceCheckResult['network']> => {
      if (!plan.parts.has('network') && previous?.network) return previous.network;
      retested.push('network');
      const measurement = await this.measureNetwork(inputs.probe);
      return { measurement, rating: rateNetwork(measurement), at: now };
    })();

    const parts = { camera: await camera, microphone: await microphone, network: await network, chosen, fellBack };
    if (plan.chooseDevices) retested.push('headset', 'speaker');
    const findings = findingsOf(parts);
    const result: DeviceCheckResult = {
      mode,
      finishedAt: this.clock.nowMs(),
      durationMs: Math.round(performance.now() - started),
      devicesSignature: signature,
      retested,
      findings,
      verdict: verdictOf(findings),
      ...parts,
    };
    this.last = result;
    return result;
  }

  /** The staff member picked another device: open it and measure that part again. */
  async switchTo(role: 'camera' | 'microphone' | 'speaker', device: DeviceInfo, inputs: CheckInputs): Promise<DeviceCheckResult | null> {
    const previous = this.last;
    if (!previous) return null;
    const chosen = { ...previous.chosen, [role]: device };
    const fellBack = previous.fellBack.filter((r) => r !== role);
    let { camera, microphone } = previous;
    const at = this.clock.nowMs();
    if (role === 'camera') camera = { state: await this.measureCamera(await this.ensure('video', device)), at };
    if (role === 'microphone') microphone = { state: await this.measureMicrophone(await this.ensure('audio', device), inputs.onLevel), at };
    const parts = { camera, microphone, network: previous.network, chosen, fellBack };
    const findings = findingsOf(parts);
    this.last = {
      ...previous,
      ...parts,
      findings,
      verdict: verdictOf(findings),
      retested: [role === 'speaker' ? 'speaker' : role, 'headset'],
      finishedAt: this.clock.nowMs(),
    };
    return this.last;
  }
}
