import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiClient } from '../../src-shared/api/contract';
import { createCallLink, type CallLink } from '../../src-shared/browser/callLink';
import { browserTimers, keepScreenAwake, localMedia } from '../../src-shared/browser/media';
import { markCallStep } from '../../src-shared/browser/callTiming';
import type { CallQuality } from '../../src-shared/browser/quality';
import type { PeerState } from '../../src-shared/call/peerSession';
import { createNetProbe, type NetProbe } from '../../src-shared/call/netProbe';
import { createMesh, type Mesh, type MeshTile } from '../../src-shared/browser/mesh';
import type { ChosenDevices } from '../../src-shared/devices/check';
import type { DeviceInfo } from '../../src-shared/devices/classify';
import { watchDevices, type DeviceRole, type DeviceSwitch, type DeviceWatcher } from '../../src-shared/devices/hotplug';
import type { CallRecord, Visit } from '../../src-shared/domain/visit';
import type { Participant, ServerMessage, TurnCredentials } from '../../src-shared/signalling/protocol';
import { listDevices } from '../../src-shared/browser/devices/probes';
import type { SignallingClient } from '../signalling/signallingClient';
import { rendererClock } from '../time/clock';
import type { Clock } from '../../src-shared/time/clock';

export type CallPhase = 'idle' | 'ringing' | 'connected' | 'ended';

export interface CallGuest {
  id: string;
  /** Who it is in the EOJ ("RelatedPerson/<id>", a colleague's "Practitioner/<id>"). */
  person: string;
  kind: 'relative' | 'colleague';
  name: string;
  /** A relative's relationship; a colleague's role. */
  relationship: string;
  state: 'ringing' | 'waiting' | 'asking' | 'in' | 'left' | 'refused';
  /** When they came in and left (the renderer's clock), for the visit's record. */
  joinedAt: number | null;
  leftAt: number | null;
}

/** A short, soft two-note chime when a guest knocks (no sound file needed). */
function knockSound() {
  try {
    const ctx = new AudioContext();
    const gain = ctx.createGain();
    gain.gain.value = 0.08;
    gain.connect(ctx.destination);
    [660, 880].forEach((hz, i) => {
      const o = ctx.createOscillator();
      o.frequency.value = hz;
      o.connect(gain);
      o.start(ctx.currentTime + i * 0.18);
      o.stop(ctx.currentTime + i * 0.18 + 0.15);
    });
    setTimeout(() => void ctx.close(), 1_000);
  } catch {
    // No audio output: the notice on screen is enough.
  }
}

export interface CallState {
  available: boolean;
  signallingOnline: boolean;
  phase: CallPhase;
  visit: Visit | null;
  callId: string | null;
  rangAt: number | null;
  connectedAt: number | null;
  endedAt: number | null;
  endReason: CallRecord['endReason'] | null;
  peerState: PeerState | null;
  turnRefused: boolean;
  quality: CallQuality | null;
  /** Video paused because the connection cannot carry it; audio keeps the call. */
  audioOnly: boolean;
  local: MediaStream | null;
  remote: MediaStream | null;
  micMuted: boolean;
  cameraOff: boolean;
  pairing: { citizenId: string; code: string; expiresAt: string } | null;
  /** The device in use for each kind, and the ones to choose from. */
  devices: {
    microphone: string | null;
    camera: string | null;
    speaker: string | null;
    available: { kind: MediaDeviceKind; deviceId: string; label: string }[];
  };
  switchDevice(kind: 'microphone' | 'camera' | 'speaker', deviceId: string): Promise<void>;
  /** The last automatic switch after a device disappeared mid-call (shown as a banner). */
  deviceNotice: DeviceSwitch | null;
  /** A device lost mid-call is back: one click switches back to it. */
  returnOffers: Partial<Record<DeviceRole, DeviceInfo>>;
  switchBack(role: DeviceRole): Promise<void>;
  dismissDeviceNotice(): void;
  /** The signalling connection's network probe for the device check (null while offline). */
  netProbe(): NetProbe | null;
  error: string | null;
  /** Relatives waiting, being asked about, in, or turned away in this call (with when they came and went). */
  guests: CallGuest[];
  /** Who is in the call, as everyone in it sees it, and the picture of each guest. */
  participants: Participant[];
  tiles: MeshTile[];
  /** Invitations sent (per visit and relative): when the link works from. */
  invitations: Record<string, { validFrom: string }>;
  invite(visitId: string, relativeId: string): void;
  /** "Hent kollega": the team's colleagues who are free now (null until asked, or after closing the list). */
  colleagues: { list: { id: string; name: string }[]; loading: boolean } | null;
  listColleagues(): void;
  closeColleagues(): void;
  ringColleague(practitionerId: string): void;
  /** A colleague asks us into their call (our client rings). */
  helpRequest: { callId: string; visitId: string; caller: string; citizenFirstName: string } | null;
  acceptHelp(): void;
  declineHelp(): void;
  /** We are in a colleague's call (not our own): who called, and our participant id in it. */
  helping: { visitId: string; caller: string; citizenFirstName: string; me: string | null } | null;
  admit(guest: string): void;
  turnAway(guest: string): void;
  removeGuest(guest: string): void;
  start(): Promise<() => void>;
  /** The pointer or focus is on a ring button: make the peer for its call now (see `ring`). */
  warm(): void;
  ring(visit: Visit): void;
  hangUp(): void;
  toggleMic(): void;
  toggleCamera(): void;
  pairDevice(citizenId: string): void;
  dismiss(): void;
}

/**
 * The staff side of a screen visit: rings the citizen's device through signalling, runs the media
 * (staff initiates the WebRTC offer), recovers the peer without user action, and records the
 * call's times with the main process when it ends.
 */
export interface CallStoreOptions {
  relayOnly?: boolean;
  /** The devices the device check chose, opened (clones); null → the system's choice. */
  checkedMedia?: () => { stream: MediaStream; chosen: ChosenDevices } | null;
  /** When rang, answered and ended are recorded (default: the renderer's clock). */
  clock?: Clock;
}

/** A peer made ahead of a click that does not come is closed after this long. */
const WARM_PEER_MS = 30_000;
const stopTracks = (stream: MediaStream | undefined) => stream?.getTracks().forEach((t) => t.stop());
const liveTracks = (stream: MediaStream) => stream.getTracks().every((t) => t.readyState === 'live');
const sameDevices = (a: { chosen: ChosenDevices }, b: { chosen: ChosenDevices }) =>
  a.chosen.camera?.deviceId === b.chosen.camera?.deviceId && a.chosen.microphone?.deviceId === b.chosen.microphone?.deviceId;

/** Where every new call starts from, our own or a colleague's we join. */
const FRESH_CALL: Partial<CallState> = {
  endedAt: null,
  endReason: null,
  error: null,
  micMuted: false,
  cameraOff: false,
  audioOnly: false,
  quality: null,
  deviceNotice: null,
  returnOffers: {},
  guests: [],
  participants: [],
  tiles: [],
  colleagues: null,
};

export function createCallStore(api: ApiClient, signalling: SignallingClient, options: CallStoreOptions = {}): StoreApi<CallState> {
  let link: CallLink | null = null;
  /** Our camera and microphone for the call being rung (open already, or opening). */
  let callMedia: Promise<MediaStream> | null = null;
  /** The last TURN credentials signalling gave us (a call's, the device check's). */
  let turn: TurnCredentials | null = null;
  /** Credentials this close to expiry are not used for a new call (it may run long). */
  const TURN_MARGIN_MS = 5 * 60_000;
  const freshTurn = () => (turn && Date.parse(turn.expiresAt) - clock.nowMs() > TURN_MARGIN_MS ? turn : null);
  /**
   * A peer made while the pointer or focus is on a ring button, for the call its click starts: ICE
   * gathered and the offer made before anyone is rung. Dropped unused after WARM_PEER_MS.
   */
  let warm: { callId: string; link: CallLink; checked: { stream: MediaStream; chosen: ChosenDevices }; timer: number } | null = null;
  let mesh: Mesh | null = null;
  let watcher: DeviceWatcher | null = null;
  const clock = options.clock ?? rendererClock;
  const probe = createNetProbe({ send: (m) => signalling.send(m), timers: browserTimers, now: () => performance.now() });
  // The screen stays on during a call: powerSaveBlocker in Electron (the main process holds it),
  // the Wake Lock API in browser mode.
  let releaseWakeLock: () => void = () => undefined;
  async function keepAwake() {
    const { held } = await api.screen.keepAwake({ on: true }).catch(() => ({ held: false }));
    if (held) releaseWakeLock = () => void api.screen.keepAwake({ on: false }).catch(() => undefined);
    else releaseWakeLock = await keepScreenAwake();
  }

  return createStore<CallState>()((set, get) => {
    /** Our side of one call with the citizen: signals, the peer, its quality. */
    const newLink = (callId: string) =>
      createCallLink({
        callId,
        send: (message) => signalling.send(message),
        relayOnly: options.relayOnly ?? false,
        onRemoteStream: (remote) => set({ remote }),
        onState: (peerState, turnRefused) => set({ peerState, turnRefused }),
        // The link pauses video on this pair alone (guests keep theirs); the banner says why.
        onQuality: (quality, audioOnly) => set({ quality, audioOnly }),
        restartOnStall: true,
      });
    function dropWarm() {
      if (!warm) return;
      window.clearTimeout(warm.timer);
      warm.link.stop();
      stopTracks(warm.checked.stream);
      warm = null;
    }

    async function refreshDevicesNow() {
      const list = await listDevices();
      const inUse = (kind: 'audio' | 'video') => get().local?.[kind === 'audio' ? 'getAudioTracks' : 'getVideoTracks']()[0]?.getSettings().deviceId ?? null;
      set({
        devices: {
          ...get().devices,
          microphone: get().devices.microphone ?? inUse('audio'),
          camera: get().devices.camera ?? inUse('video'),
          available: list.filter((d) => d.deviceId).map((d) => ({ ...d, label: d.label || d.kind })),
        },
      });
    }

    function finish(reason: CallRecord['endReason']) {
      const { callId, visit, rangAt, connectedAt, local, phase } = get();
      if (phase === 'idle' || phase === 'ended') return;
      stopRinging();
      link?.stop();
      link = null;
      callMedia = null;
      mesh?.stop();
      mesh = null;
      watcher?.stop();
      watcher = null;
      releaseWakeLock();
      releaseWakeLock = () => undefined;
      local?.getTracks().forEach((t) => t.stop());
      const endedAt = clock.nowMs();
      set({
        phase: 'ended',
        endReason: reason,
        endedAt,
        peerState: null,
        local: null,
        remote: null,
        returnOffers: {},
        tiles: [],
        participants: [],
        colleagues: null,
        guests: get().guests.map((g) => (g.state === 'in' ? { ...g, state: 'left', leftAt: endedAt } : g)),
      });
      // A colleague's call is theirs to record; ours is recorded here.
      if (get().helping) {
        set({ helping: null });
        return;
      }
      if (callId && visit && rangAt) {
        void api.calls
          .record({
            callId,
            visitId: visit.id,
            rangAt: new Date(rangAt).toISOString(),
            connectedAt: connectedAt ? new Date(connectedAt).toISOString() : null,
            endedAt: new Date(endedAt).toISOString(),
            endReason: reason,
            // Everyone who was in, for their part of the call: the Encounter lists them.
            guests: get()
              .guests.filter((g) => g.joinedAt !== null)
              .slice(0, 3)
              .map((g) => ({
                person: g.person,
                start: new Date(g.joinedAt as number).toISOString(),
                end: new Date(g.leftAt ?? endedAt).toISOString(),
              })),
          })
          .catch((e: unknown) => set({ error: e instanceof Error ? e.message : String(e) }));
      }
    }

    /**
     * A device in use disappears mid-call: switch to the best remaining one at once (the call goes
     * on, a banner says what happened); when it comes back, offer to switch back.
     */
    function watchCallDevices() {
      watcher?.stop();
      watcher = watchDevices({
        mediaDevices: navigator.mediaDevices as unknown as Parameters<typeof watchDevices>[0]['mediaDevices'],
        inUse: () => ({ microphone: get().devices.microphone, camera: get().devices.camera, speaker: get().devices.speaker }),
        onSwitch: async (change) => {
          set({ deviceNotice: change });
          if (change.to) await get().switchDevice(change.role, change.to.deviceId);
          else set({ devices: { ...get().devices, [change.role]: null } });
        },
        onReturnOffer: (role, device) => {
          const returnOffers = { ...get().returnOffers };
          if (device) returnOffers[role] = device;
          else delete returnOffers[role];
          set({ returnOffers });
        },
      });
    }

    /** Our client rings for a colleague's request: a chime every few seconds until it is settled. */
    let ringTimer: ReturnType<typeof setInterval> | undefined;
    function stopRinging() {
      clearInterval(ringTimer);
      ringTimer = undefined;
      if (get().helpRequest) set({ helpRequest: null });
    }

    /** The call's pairs with guests and colleagues (the server says when each starts). */
    function startMesh(callId: string) {
      mesh?.stop();
      mesh = createMesh({
        callId,
        send: (message) => signalling.send(message),
        relayOnly: options.relayOnly ?? false,
        local: async () => get().local ?? (await localMedia()),
        onChange: (tiles, participants) => set({ tiles, participants }),
      });
    }

    /** In a colleague's call: our media to everyone in it, one pair each (we joined last, so we answer). */
    async function joinAsColleague(request: NonNullable<CallState['helpRequest']>) {
      const checked = options.checkedMedia?.() ?? null;
      set({
        ...FRESH_CALL,
        phase: 'connected',
        visit: null,
        callId: request.callId,
        helping: { visitId: request.visitId, caller: request.caller, citizenFirstName: request.citizenFirstName, me: null },
        rangAt: null,
        connectedAt: clock.nowMs(),
        local: checked?.stream ?? null,
      });
      startMesh(request.callId);
      signalling.send({ type: 'call.colleague.answer', callId: request.callId, accept: true });
      void keepAwake();
      if (!get().local) {
        const local = await localMedia();
        if (get().callId === request.callId && get().phase === 'connected') set({ local });
        else local.getTracks().forEach((t) => t.stop());
      }
      void refreshDevicesNow();
      watchCallDevices();
    }

    async function onMessage(m: ServerMessage) {
      if (m.type === 'turn.credentials' || m.type === 'call.ringing' || m.type === 'call.connected') turn = m.turn;
      if (probe.handle(m)) return;
      if (mesh?.route(m)) return;
      const { callId } = get();
      if (m.type === 'call.ringing' && m.callId === callId) {
        markCallStep('ringing');
        // While it rings our peer is made and gathers, so the offer leaves the moment the citizen answers.
        const ringing = link;
        const turn = m.turn;
        void callMedia?.then((local) => {
          if (ringing && link === ringing && get().phase === 'ringing') ringing.prepare(local, { initiator: true, turn });
        });
        return;
      }
      switch (m.type) {
        case 'auth.ok':
          if (callId && link?.started()) signalling.send({ type: 'call.restart', callId });
          // Back after a drop while in a colleague's call: the same place in it, every pair anew.
          if (callId && get().helping && get().phase === 'connected') signalling.send({ type: 'call.colleague.answer', callId, accept: true });
          return;
        case 'call.colleagues':
          if (m.callId === callId && get().colleagues) set({ colleagues: { list: m.colleagues, loading: false } });
          return;
        case 'call.colleague.incoming':
          // Busy with a call of our own (or already helping): say no at once, the caller sees it.
          if (get().phase === 'ringing' || get().phase === 'connected') {
            signalling.send({ type: 'call.colleague.answer', callId: m.callId, accept: false });
            return;
          }
          set({ helpRequest: { callId: m.callId, visitId: m.visitId, caller: m.caller, citizenFirstName: m.citizenFirstName } });
          clearInterval(ringTimer);
          knockSound();
          ringTimer = setInterval(knockSound, 3_000);
          return;
        case 'call.colleague.over':
          if (get().helpRequest?.callId === m.callId) stopRinging();
          return;
        case 'guest.state': {
          // Our place in a colleague's call.
          const helping = get().helping;
          if (!helping || m.callId !== callId) return;
          if (m.state === 'in') set({ helping: { ...helping, me: m.guest } });
          else if (m.state === 'ended' || m.state === 'turned-away' || m.state === 'full') {
            if (m.state === 'full') set({ error: 'Opkaldet er fuldt (højst 4 deltagere).' });
            finish('hangup');
          }
          return;
        }
        case 'pair.code':
          set({ pairing: { citizenId: m.citizenId, code: m.code, expiresAt: m.expiresAt } });
          return;
        case 'error':
          set({ error: m.message });
          // Our ring refused (not our team's visit, the server coming back): nothing rings, so stop.
          if (m.refused === 'call.ring' && get().phase === 'ringing') finish('failed');
          // Our "yes" came too late (the caller gave up, the call ended): back to our own day.
          if (get().helping && !get().helping?.me && get().phase === 'connected') finish('hangup');
          return;
        case 'call.connected': {
          if (m.callId !== callId) return;
          markCallStep('connected');
          const local = get().local ?? (await (callMedia ?? localMedia()));
          if (get().callId !== m.callId) return;
          // The offer first; the stage's state after it.
          link?.start(local, m);
          set({ phase: 'connected', connectedAt: clock.nowMs(), local });
          void keepAwake();
          void refreshDevicesNow();
          watchCallDevices();
          startMesh(m.callId);
          return;
        }
        case 'call.signal':
        case 'call.restart':
        case 'call.ended':
          if (link?.route(m) === 'ended' && m.type === 'call.ended') finish(m.reason);
          return;
        case 'invite.sent':
          set({ invitations: { ...get().invitations, [`${m.visitId}/${m.relativeId}`]: { validFrom: m.validFrom } } });
          // The EOJ keeps that the invitation was sent (never the link or the PIN).
          void api.visit
            .recordInvitation({ visitId: m.visitId, relatedPersonId: m.relativeId, validFrom: m.validFrom })
            .catch((e: unknown) => set({ error: e instanceof Error ? e.message : String(e) }));
          return;
        case 'call.guest': {
          if (m.callId !== callId) return;
          const at = clock.nowMs();
          const known = get().guests.find((g) => g.id === m.guest);
          if (m.state === 'waiting' && known?.state !== 'waiting') knockSound();
          const next: CallGuest = {
            id: m.guest,
            person: m.person,
            kind: m.kind,
            name: m.name,
            relationship: m.relationship,
            state: m.state,
            joinedAt: m.state === 'in' ? (known?.joinedAt ?? at) : (known?.joinedAt ?? null),
            leftAt: m.state === 'left' || m.state === 'refused' ? at : null,
          };
          set({ guests: known ? get().guests.map((g) => (g.id === m.guest ? next : g)) : [...get().guests, next] });
          return;
        }
        case 'call.verdict':
          // The citizen's faces after the call: kept with the visit, to the EOJ with its Encounter.
          void api.visit.recordVerdict({ visitId: m.visitId, callId: m.callId, verdict: m.verdict }).catch(() => undefined);
          return;
        default:
          return;
      }
    }

    return {
      available: false,
      signallingOnline: false,
      phase: 'idle',
      visit: null,
      callId: null,
      rangAt: null,
      connectedAt: null,
      endedAt: null,
      endReason: null,
      peerState: null,
      turnRefused: false,
      quality: null,
      audioOnly: false,
      local: null,
      remote: null,
      micMuted: false,
      cameraOff: false,
      pairing: null,
      error: null,
      guests: [],
      participants: [],
      tiles: [],
      invitations: {},
      colleagues: null,
      helpRequest: null,
      helping: null,
      listColleagues() {
        const { callId } = get();
        if (callId) signalling.send({ type: 'call.colleagues', callId });
        set({ colleagues: { list: get().colleagues?.list ?? [], loading: true } });
      },
      closeColleagues() {
        set({ colleagues: null });
      },
      ringColleague(practitionerId) {
        const { callId } = get();
        if (callId) signalling.send({ type: 'call.colleague.ring', callId, colleague: practitionerId });
        set({ colleagues: null });
      },
      acceptHelp() {
        const request = get().helpRequest;
        if (!request) return;
        stopRinging();
        void joinAsColleague(request);
      },
      declineHelp() {
        const request = get().helpRequest;
        if (request) signalling.send({ type: 'call.colleague.answer', callId: request.callId, accept: false });
        stopRinging();
      },
      invite(visitId, relativeId) {
        set({ error: null });
        signalling.send({ type: 'invite.create', visitId, relativeId });
      },
      admit(guest) {
        const { callId } = get();
        if (callId) signalling.send({ type: 'call.admit', callId, guest });
      },
      turnAway(guest) {
        const { callId } = get();
        if (callId) signalling.send({ type: 'call.turnAway', callId, guest });
      },
      removeGuest(guest) {
        const { callId } = get();
        if (callId) signalling.send({ type: 'call.remove', callId, participant: guest });
      },
      devices: { microphone: null, camera: null, speaker: null, available: [] },
      deviceNotice: null,
      returnOffers: {},
      netProbe: () => (get().signallingOnline ? probe : null),
      async switchBack(role) {
        const device = get().returnOffers[role];
        if (!device) return;
        await get().switchDevice(role, device.deviceId);
        watcher?.chosen(role);
        set({ deviceNotice: null });
      },
      dismissDeviceNotice() {
        set({ deviceNotice: null });
      },

      async switchDevice(kind, deviceId) {
        // Mid-call device change: a new track from the chosen device replaces the old one on the
        // same connection (replaceTrack), so the call goes on; the speaker is the remote video's sink.
        if (kind === 'speaker') {
          set({ devices: { ...get().devices, speaker: deviceId } });
          return;
        }
        const local = get().local;
        if (!local) return;
        const fresh = await navigator.mediaDevices.getUserMedia(
          kind === 'microphone' ? { audio: { deviceId: { exact: deviceId } } } : { video: { deviceId: { exact: deviceId }, width: 640, height: 480 } },
        );
        const next = kind === 'microphone' ? fresh.getAudioTracks()[0] : fresh.getVideoTracks()[0];
        const old = kind === 'microphone' ? local.getAudioTracks()[0] : local.getVideoTracks()[0];
        if (!next) return;
        next.enabled = kind === 'microphone' ? !get().micMuted : !get().cameraOff;
        const peer = link?.peer() as unknown as { replaceTrack?(o: MediaStreamTrack, n: MediaStreamTrack, s: MediaStream): void } | null;
        if (old) {
          peer?.replaceTrack?.(old, next, local);
          for (const p of mesh?.peers() ?? [])
            (p as unknown as { replaceTrack?(o: MediaStreamTrack, n: MediaStreamTrack, s: MediaStream): void } | null)?.replaceTrack?.(old, next, local);
          local.removeTrack(old);
          old.stop();
        }
        local.addTrack(next);
        set({ local, devices: { ...get().devices, [kind]: deviceId } });
      },

      async start() {
        navigator.mediaDevices.addEventListener?.('devicechange', () => void refreshDevicesNow());
        const stops = [signalling.onMessage((m) => void onMessage(m)), signalling.onState((state) => set({ signallingOnline: state === 'open' }))];
        const stop = await signalling.start();
        set({ available: signalling.available() });
        return () => {
          stops.forEach((s) => s());
          dropWarm();
          stop();
        };
      },

      warm() {
        if (warm || !signalling.available() || get().phase === 'ringing' || get().phase === 'connected') return;
        const checked = options.checkedMedia?.() ?? null;
        const ahead = freshTurn();
        if (!checked || !ahead) return stopTracks(checked?.stream);
        const callId = crypto.randomUUID();
        const made = newLink(callId);
        made.prepare(checked.stream, { initiator: true, turn: ahead });
        const timer = window.setTimeout(() => dropWarm(), WARM_PEER_MS);
        warm = { callId, link: made, checked, timer };
      },

      ring(visit) {
        if (!signalling.available() || get().phase === 'ringing' || get().phase === 'connected') return;
        if (get().helpRequest) get().declineHelp();
        // The devices the check chose (open already), and the peer made for them while the
        // pointer was on the button, if it still fits them.
        let checked = options.checkedMedia?.() ?? null;
        const ready = warm && checked && sameDevices(warm.checked, checked) && liveTracks(warm.checked.stream) ? warm : null;
        if (ready) {
          stopTracks(checked?.stream);
          checked = ready.checked;
          window.clearTimeout(ready.timer);
          warm = null;
        } else dropWarm();
        const callId = ready?.callId ?? crypto.randomUUID();
        link?.stop();
        link = ready?.link ?? newLink(callId);
        set({ ...FRESH_CALL, phase: 'ringing', visit, callId, rangAt: clock.nowMs(), connectedAt: null, helping: null });
        // The camera starts while it rings, so the citizen sees us at once: on the devices the
        // device check chose (already open), else the system's.
        if (checked) {
          const { chosen } = checked;
          set({
            local: checked.stream,
            devices: {
              ...get().devices,
              microphone: chosen.microphone?.deviceId ?? null,
              camera: chosen.camera?.deviceId ?? null,
              speaker: chosen.speaker?.deviceId ?? null,
            },
          });
          callMedia = Promise.resolve(checked.stream);
        } else {
          set({ devices: { ...get().devices, microphone: null, camera: null, speaker: null } });
          callMedia = localMedia().then((local) => {
            if (get().callId === callId) set({ local });
            else local.getTracks().forEach((t) => t.stop());
            return local;
          });
        }
        markCallStep('ring.sent');
        signalling.send({ type: 'call.ring', callId, visitId: visit.id });
        // With our media open and TURN credentials at hand, the peer is made now, not at "ringing".
        const ahead = freshTurn();
        if (checked && ahead && !ready) link.prepare(checked.stream, { initiator: true, turn: ahead });
      },
      hangUp() {
        const { callId, helping } = get();
        // In a colleague's call we leave it; it goes on without us.
        if (callId && helping?.me) signalling.send({ type: 'call.remove', callId, participant: helping.me });
        else if (callId && helping) signalling.send({ type: 'call.colleague.answer', callId, accept: false });
        else if (callId) signalling.send({ type: 'call.hangup', callId });
        finish('hangup');
      },
      toggleMic() {
        const micMuted = !get().micMuted;
        get()
          .local?.getAudioTracks()
          .forEach((t) => (t.enabled = !micMuted));
        set({ micMuted });
      },
      toggleCamera() {
        const cameraOff = !get().cameraOff;
        get()
          .local?.getVideoTracks()
          .forEach((t) => (t.enabled = !cameraOff));
        set({ cameraOff });
      },
      pairDevice(citizenId) {
        signalling.send({ type: 'pair.create', citizenId });
      },
      dismiss() {
        set({ phase: 'idle', visit: null, callId: null, pairing: null, error: null, helping: null });
      },
    };
  });
}
