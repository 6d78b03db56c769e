import type { CameraFinding } from './frames.js';
import type { MicFinding } from './audio.js';
import { classifyDevice, type DeviceInfo } from './classify.js';
import type { NetworkMeasurement, NetworkRating } from './network.js';

/**
 * The device check's result model: what was measured, what it means (findings with a severity),
 * and the verdict. Pure, so the rules – what blocks a call, what is only a warning, what a quick
 * check may reuse – are tested without a browser.
 */
export type CheckPart = 'camera' | 'microphone' | 'headset' | 'speaker' | 'network';
export type Severity = 'ok' | 'warning' | 'blocking';
export type CheckMode = 'full' | 'quick';

/** Why a device could not be opened. */
export type OpenFailure = 'missing' | 'denied' | 'busy';

export type CameraState = CameraFinding | OpenFailure;
export type MicrophoneState = MicFinding | OpenFailure | 'muted';

export interface ChosenDevices {
  camera: DeviceInfo | null;
  microphone: DeviceInfo | null;
  speaker: DeviceInfo | null;
}

export interface Finding {
  part: CheckPart;
  /** An i18n key below `check.finding.` (e.g. "camera.dark"). */
  code: string;
  severity: Severity;
}

export interface DeviceCheckResult {
  mode: CheckMode;
  finishedAt: number;
  durationMs: number;
  /** Which devices were present (kind + id + label), to notice a change. */
  devicesSignature: string;
  chosen: ChosenDevices;
  /** Kinds whose remembered room device was missing, so another one was chosen. */
  fellBack: ('camera' | 'microphone' | 'speaker')[];
  camera: { state: CameraState; at: number };
  microphone: { state: MicrophoneState; at: number };
  network: { measurement: NetworkMeasurement; rating: NetworkRating; at: number } | null;
  /** The parts this run measured; the rest were reused from the previous check. */
  retested: CheckPart[];
  findings: Finding[];
  verdict: 'ready' | 'warnings' | 'blocked';
}

/** How long a measurement stays valid for the quick check before a call. */
export const CHECK_VALIDITY_MS = { camera: 15 * 60_000, microphone: 15 * 60_000, network: 5 * 60_000 } as const;

export function devicesSignature(devices: readonly DeviceInfo[]): string {
  return devices
    .map((d) => `${d.kind}|${d.deviceId}|${d.label}`)
    .sort()
    .join('\n');
}

function cameraFinding(state: CameraState): Finding {
  const severity: Severity =
    state === 'ok' ? 'ok' : state === 'missing' || state === 'denied' || state === 'busy' || state === 'black' ? 'blocking' : 'warning';
  return { part: 'camera', code: `camera.${state}`, severity };
}

function microphoneFinding(state: MicrophoneState): Finding {
  const severity: Severity = state === 'ok' ? 'ok' : state === 'missing' || state === 'denied' || state === 'busy' ? 'blocking' : 'warning';
  return { part: 'microphone', code: `microphone.${state}`, severity };
}

/**
 * Headset: calling on the computer's speakers lets others in the room hear the citizen; a
 * Bluetooth headset in hands-free mode sounds like a 1990s phone.
 */
function headsetFindings(chosen: ChosenDevices): Finding[] {
  const output = chosen.speaker ? classifyDevice(chosen.speaker.label) : null;
  const input = chosen.microphone ? classifyDevice(chosen.microphone.label) : null;
  if ((output?.handsFree ?? false) || (input?.handsFree ?? false)) return [{ part: 'headset', code: 'headset.handsFree', severity: 'warning' }];
  // Browsers that cannot choose an output (no audiooutput devices listed) play on the system's
  // default; the input's label then tells whether a headset is in use.
  const isHeadset = output ? output.headset : (input?.headset ?? false);
  if (!isHeadset) return [{ part: 'headset', code: 'headset.none', severity: 'warning' }];
  return [{ part: 'headset', code: 'headset.ok', severity: 'ok' }];
}

function networkFinding(network: DeviceCheckResult['network']): Finding[] {
  if (!network) return [];
  const findings: Finding[] = [{ part: 'network', code: `network.${network.rating}`, severity: network.rating === 'good' ? 'ok' : 'warning' }];
  if (network.measurement.relay !== 'ok' && network.measurement.rttMs !== null)
    findings.push({ part: 'network', code: `network.relay.${network.measurement.relay}`, severity: 'warning' });
  return findings;
}

export function findingsOf(result: Pick<DeviceCheckResult, 'camera' | 'microphone' | 'network' | 'chosen' | 'fellBack'>): Finding[] {
  return [
    cameraFinding(result.camera.state),
    microphoneFinding(result.microphone.state),
    ...headsetFindings(result.chosen),
    ...result.fellBack.map((kind): Finding => ({ part: kind === 'speaker' ? 'speaker' : kind, code: `fallback.${kind}`, severity: 'warning' })),
    ...networkFinding(result.network),
  ];
}

/** No microphone or camera blocks the call; anything else is a warning the staff member may accept. */
export function verdictOf(findings: readonly Finding[]): DeviceCheckResult['verdict'] {
  if (findings.some((f) => f.severity === 'blocking')) return 'blocked';
  if (findings.some((f) => f.severity === 'warning')) return 'warnings';
  return 'ready';
}

/** The warnings as one stable key, so accepted warnings are not asked about again until they change. */
export const warningsKey = (findings: readonly Finding[]) =>
  findings
    .filter((f) => f.severity === 'warning')
    .map((f) => f.code)
    .sort()
    .join(',');

export interface QuickCheckContext {
  now: number;
  devicesSignature: string;
  /** The kept-open tracks are still delivering (not ended, not muted by the system). */
  videoLive: boolean;
  audioLive: boolean;
}

/**
 * What a quick check before a call must measure again: nothing when the devices, the open tracks
 * and the previous results are unchanged and recent; a part that was not fine is always re-measured
 * (the staff member may just have fixed it).
 */
export function planQuickCheck(
  previous: DeviceCheckResult | null,
  context: QuickCheckContext,
): { chooseDevices: boolean; parts: Set<'camera' | 'microphone' | 'network'> } {
  const parts = new Set<'camera' | 'microphone' | 'network'>();
  if (!previous) return { chooseDevices: true, parts: new Set(['camera', 'microphone', 'network']) };
  const devicesChanged = previous.devicesSignature !== context.devicesSignature;
  if (devicesChanged || !context.videoLive || previous.camera.state !== 'ok' || context.now - previous.camera.at > CHECK_VALIDITY_MS.camera)
    parts.add('camera');
  if (devicesChanged || !context.audioLive || previous.microphone.state !== 'ok' || context.now - previous.microphone.at > CHECK_VALIDITY_MS.microphone)
    parts.add('microphone');
  if (!previous.network || previous.network.rating === 'poor' || context.now - previous.network.at > CHECK_VALIDITY_MS.network) parts.add('network');
  return { chooseDevices: devicesChanged, parts };
}
