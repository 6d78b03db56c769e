import { analyseSamples, type AudioWindow } from '../../devices/audio';
import type { OpenFailure } from '../../devices/check';
import type { DeviceInfo } from '../../devices/classify';
import { lumaFromRgba, type LumaFrame } from '../../devices/frames';
import type { RelayResult } from '../../devices/network';
import type { TurnCredentials } from '../../signalling/protocol';

/**
 * The device check's measurements in the browser: open a chosen device, take a few small frames
 * from the camera, sample the microphone's level, try to gather a TURN relay, and play a test tone
 * or an echo on the chosen speaker. The judging is done by src-shared/devices (pure, tested).
 */

export const VIDEO_CONSTRAINTS = { width: 640, height: 480 } as const;
export const AUDIO_CONSTRAINTS = { echoCancellation: true, noiseSuppression: true } as const;

/** The cameras, microphones and speakers the browser lists (labels only once permission is given). */
export async function listDevices(): Promise<DeviceInfo[]> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return all
    .filter((d): d is MediaDeviceInfo & { kind: DeviceInfo['kind'] } => d.kind === 'audioinput' || d.kind === 'audiooutput' || d.kind === 'videoinput')
    .map((d) => ({ kind: d.kind, deviceId: d.deviceId, label: d.label }));
}

export function openFailure(error: unknown): OpenFailure {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotReadableError' || name === 'AbortError' || name === 'TrackStartError') return 'busy';
  return 'missing';
}

/** Opens one device (an exact id, or the system's choice); failures are named, never thrown. */
export async function openTrack(kind: 'audio' | 'video', deviceId: string | null): Promise<{ track: MediaStreamTrack } | { failure: OpenFailure }> {
  const base = kind === 'audio' ? AUDIO_CONSTRAINTS : VIDEO_CONSTRAINTS;
  const constraints: MediaTrackConstraints = deviceId ? { ...base, deviceId: { exact: deviceId } } : { ...base };
  try {
    const stream = await navigator.mediaDevices.getUserMedia(kind === 'audio' ? { audio: constraints } : { video: constraints });
    const track = kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
    return track ? { track } : { failure: 'missing' };
  } catch (error) {
    return { failure: openFailure(error) };
  }
}

const FRAME_W = 64;
const FRAME_H = 48;

/**
 * A camera track's picture as small greyscale frames. One hidden <video> per track is kept, so a
 * single glance before a call costs a few milliseconds.
 */
export class FrameGrabber {
  private video = document.createElement('video');
  private canvas = document.createElement('canvas');
  private ready: Promise<void>;

  constructor(readonly track: MediaStreamTrack) {
    this.video.muted = true;
    this.video.playsInline = true;
    this.video.srcObject = new MediaStream([track]);
    this.canvas.width = FRAME_W;
    this.canvas.height = FRAME_H;
    this.ready = new Promise<void>((resolve) => {
      if (this.video.readyState >= 2) return resolve();
      this.video.addEventListener('loadeddata', () => resolve(), { once: true });
      // A camera that never delivers a frame is "black": do not wait forever.
      setTimeout(resolve, 1_500);
    });
    void this.video.play().catch(() => undefined);
  }

  /** The next frame the camera delivers (or the current one, where frames cannot be awaited). */
  private nextFrame(): Promise<void> {
    const v = this.video as HTMLVideoElement & { requestVideoFrameCallback?(cb: () => void): number };
    if (!v.requestVideoFrameCallback) return new Promise((r) => setTimeout(r, 40));
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 250);
      v.requestVideoFrameCallback?.(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async frame(): Promise<LumaFrame | null> {
    await this.ready;
    if (this.video.readyState < 2) return null;
    const ctx = this.canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return null;
    ctx.drawImage(this.video, 0, 0, FRAME_W, FRAME_H);
    return lumaFromRgba(ctx.getImageData(0, 0, FRAME_W, FRAME_H).data, FRAME_W, FRAME_H);
  }

  /** `count` distinct frames, `gapMs` apart (enough time for a still picture to show as frozen). */
  async frames(count: number, gapMs: number): Promise<LumaFrame[]> {
    const frames: LumaFrame[] = [];
    for (let i = 0; i < count; i++) {
      if (i > 0) {
        await new Promise((r) => setTimeout(r, gapMs));
        await this.nextFrame();
      }
      const f = await this.frame();
      if (!f) break;
      frames.push(f);
    }
    return frames;
  }

  stop() {
    this.video.srcObject = null;
  }
}

/**
 * A microphone track's level, in windows of ~20 ms read from an AnalyserNode. It runs for as long
 * as the check panel shows the level meter; `sample` collects the windows of a stretch of time.
 */
export class LevelMeter {
  private context = new AudioContext();
  private analyser = this.context.createAnalyser();
  private buffer: Float32Array<ArrayBuffer>;
  private source: MediaStreamAudioSourceNode;

  constructor(readonly track: MediaStreamTrack) {
    this.analyser.fftSize = 1024;
    this.buffer = new Float32Array(this.analyser.fftSize);
    this.source = this.context.createMediaStreamSource(new MediaStream([track]));
    this.source.connect(this.analyser);
    void this.context.resume().catch(() => undefined);
  }

  read(): AudioWindow {
    this.analyser.getFloatTimeDomainData(this.buffer);
    return analyseSamples(this.buffer);
  }

  /**
   * Windows read every 15 ms (they overlap, so a short sound is not missed) for at least `minMs`
   * and until `enough` says so or `maxMs` has passed: a live microphone in a room is heard at once,
   * a silent one takes the whole time to be called silent.
   */
  async sample(minMs: number, maxMs: number, enough: (windows: AudioWindow[]) => boolean, onWindow?: (w: AudioWindow) => void): Promise<AudioWindow[]> {
    const windows: AudioWindow[] = [];
    const start = performance.now();
    for (;;) {
      const w = this.read();
      windows.push(w);
      onWindow?.(w);
      const elapsed = performance.now() - start;
      if (elapsed >= maxMs || (elapsed >= minMs && enough(windows))) return windows;
      await new Promise((r) => setTimeout(r, 15));
    }
  }

  stop() {
    this.source.disconnect();
    void this.context.close().catch(() => undefined);
  }
}

/** Can a relay candidate be gathered from TURN with these credentials? */
export async function gatherRelay(turn: TurnCredentials | null, timeoutMs = 2_500): Promise<RelayResult> {
  if (!turn || turn.urls.length === 0) return 'failed';
  const pc = new RTCPeerConnection({ iceServers: [{ urls: turn.urls, username: turn.username, credential: turn.credential }], iceTransportPolicy: 'relay' });
  try {
    return await new Promise<RelayResult>((resolve) => {
      const timer = setTimeout(() => resolve('failed'), timeoutMs);
      const done = (r: RelayResult) => {
        clearTimeout(timer);
        resolve(r);
      };
      pc.addEventListener('icecandidate', (e) => {
        if (e.candidate?.candidate.includes(' typ relay')) done('ok');
        else if (!e.candidate) done('failed');
      });
      pc.addEventListener('icecandidateerror', (e) => {
        const code = (e as RTCPeerConnectionIceErrorEvent).errorCode;
        if (code === 401 || code === 403) done('refused');
      });
      pc.createDataChannel('check');
      void pc
        .createOffer()
        .then((offer) => pc.setLocalDescription(offer))
        .catch(() => done('failed'));
    });
  } finally {
    pc.close();
  }
}

type SinkAudio = HTMLAudioElement & { setSinkId?(id: string): Promise<void> };

async function playOn(stream: MediaStream | null, src: string | null, speakerId: string | null): Promise<HTMLAudioElement> {
  const audio = new Audio() as SinkAudio;
  if (stream) audio.srcObject = stream;
  if (src) audio.src = src;
  // Where setSinkId is missing, the system's output plays it.
  if (speakerId && audio.setSinkId) await audio.setSinkId(speakerId).catch(() => undefined);
  await audio.play();
  return audio;
}

/** A short two-note chime on the chosen speaker. */
export async function playTestTone(speakerId: string | null): Promise<void> {
  const context = new AudioContext();
  const destination = context.createMediaStreamDestination();
  const gain = context.createGain();
  gain.gain.value = 0.2;
  gain.connect(destination);
  const t = context.currentTime;
  [
    [660, 0],
    [880, 0.35],
  ].forEach(([hz, at]) => {
    const osc = context.createOscillator();
    osc.frequency.value = hz ?? 660;
    osc.connect(gain);
    osc.start(t + (at ?? 0));
    osc.stop(t + (at ?? 0) + 0.3);
  });
  const audio = await playOn(destination.stream, null, speakerId);
  await new Promise((r) => setTimeout(r, 800));
  audio.pause();
  await context.close();
}

/** Records a few seconds from the microphone, then plays them back on the chosen speaker. */
export async function echoTest(
  microphone: MediaStreamTrack,
  speakerId: string | null,
  seconds = 3,
  onPhase?: (phase: 'recording' | 'playing') => void,
): Promise<void> {
  const recorder = new MediaRecorder(new MediaStream([microphone.clone()]));
  const chunks: Blob[] = [];
  recorder.addEventListener('dataavailable', (e) => chunks.push(e.data));
  const stopped = new Promise((r) => recorder.addEventListener('stop', r, { once: true }));
  onPhase?.('recording');
  recorder.start();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  recorder.stop();
  await stopped;
  recorder.stream.getTracks().forEach((t) => t.stop());
  onPhase?.('playing');
  const url = URL.createObjectURL(new Blob(chunks, { type: recorder.mimeType }));
  const audio = await playOn(null, url, speakerId);
  await new Promise((r) => audio.addEventListener('ended', r, { once: true }));
  URL.revokeObjectURL(url);
}
