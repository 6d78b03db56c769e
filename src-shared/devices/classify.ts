/**
 * What a media device's label tells us (for headset awareness): is it a headset, is it
 * Bluetooth, and is a Bluetooth headset in the low-quality hands-free profile? Labels are all
 * the browser gives us, so the rules are a list that is easy to extend.
 */
export interface DeviceInfo {
  kind: 'audioinput' | 'audiooutput' | 'videoinput';
  deviceId: string;
  label: string;
}

export interface DeviceClass {
  headset: boolean;
  bluetooth: boolean;
  /** Bluetooth hands-free (HFP/HSP): narrow-band mono audio, poor for calls when avoidable. */
  handsFree: boolean;
  /** Built into the computer (laptop speakers/microphone, integrated camera). */
  builtIn: boolean;
}

/** Brands and words that mean "headset". Extend here. */
export const HEADSET_PATTERNS: readonly RegExp[] = [
  /head(set|phone)/i,
  /\bjabra\b/i,
  /\bpoly\b/i,
  /plantronics/i,
  /\bepos\b/i,
  /sennheiser/i,
  /logitech.*(h\d{3}|zone|usb headset)/i,
  /\bzone (wireless|vibe)/i,
  /airpods/i,
  /\bbose\b/i,
  /evolve/i,
  /savi/i,
  /voyager/i,
  /blackwire/i,
  /usb audio/i,
  /hörlurar|hovedtelefon/i,
];
const BLUETOOTH = [/bluetooth/i, /\bbt\b/i, /airpods/i, /voyager/i, /\(.*hands-free.*\)/i];
const HANDS_FREE = [/hands-?free/i, /\bhfp\b/i, /\bhsp\b/i, /headset audio gateway/i];
const BUILT_IN = [/built-?in/i, /internal/i, /integrated/i, /laptop/i, /speakers? \(realtek/i, /macbook/i, /facetime/i];

const PSEUDO_IDS = new Set(['default', 'communications']);
const any = (patterns: readonly RegExp[], label: string) => patterns.some((p) => p.test(label));

export function classifyDevice(label: string): DeviceClass {
  const handsFree = any(HANDS_FREE, label);
  return {
    headset: any(HEADSET_PATTERNS, label) || handsFree,
    bluetooth: any(BLUETOOTH, label) || handsFree,
    handsFree,
    builtIn: any(BUILT_IN, label) && !any(HEADSET_PATTERNS, label),
  };
}

/**
 * The best available device of a kind: the room's remembered one if present; otherwise a headset
 * (not in hands-free mode), then any external device, then the built-in one. Returns null when the
 * kind has no device at all; `fellBack` says the remembered one was missing.
 */
export function bestDevice(
  available: readonly DeviceInfo[],
  kind: DeviceInfo['kind'],
  remembered: string | { deviceId: string; label: string } | null,
): { device: DeviceInfo | null; fellBack: boolean } {
  const candidates = available.filter((d) => d.kind === kind && d.deviceId !== '');
  const preferredId = typeof remembered === 'string' ? remembered : (remembered?.deviceId ?? null);
  const preferredLabel = typeof remembered === 'string' ? '' : (remembered?.label ?? '');
  // Device ids can change (another browser profile, cleared site data, re-paired Bluetooth):
  // the same label of the same kind is the same device.
  const preferred =
    (preferredId ? candidates.find((d) => d.deviceId === preferredId) : undefined) ??
    (preferredLabel ? candidates.find((d) => d.label === preferredLabel && !PSEUDO_IDS.has(d.deviceId)) : undefined);
  if (preferred) return { device: preferred, fellBack: false };
  const score = (d: DeviceInfo) => {
    // "default"/"communications" stand for whatever the system picks, and do not follow a headset
    // being pulled out on every platform: a named device is always preferred.
    if (PSEUDO_IDS.has(d.deviceId)) return 5;
    const c = classifyDevice(d.label);
    if (kind !== 'videoinput' && c.headset && !c.handsFree) return 0;
    if (kind !== 'videoinput' && c.headset) return 1;
    return c.builtIn ? 4 : 2;
  };
  const device = [...candidates].sort((a, b) => score(a) - score(b))[0] ?? null;
  return { device, fellBack: remembered !== null };
}
