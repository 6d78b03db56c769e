import { createStore } from 'zustand/vanilla';
import { browserTimers, localMedia } from '../../src-shared/browser/media';
import { DeviceChecker } from '../../src-shared/browser/devices/deviceChecker';
import { createMesh, type Mesh, type MeshTile } from '../../src-shared/browser/mesh';
import { createNetProbe } from '../../src-shared/call/netProbe';
import { createSignalConnection } from '../../src-shared/call/signalConnection';
import type { DeviceCheckResult } from '../../src-shared/devices/check';
import { GuestLinkToken, GuestPin, SIGNAL_PATH, type ClientMessage, type Participant, type ServerMessage } from '../../src-shared/signalling/protocol';
import { systemClock } from '../../src-shared/time/clock';

/**
 * A relative's way into a screen visit, phone first and without an install: the link from the SMS
 * (its secret after "#"), the PIN, the same quick camera and microphone check staff have, then the
 * wait until staff let them in and the citizen says yes. The PIN is kept for this tab only, so a
 * dropped line comes back by itself.
 */
export type GuestPhase = 'no-link' | 'pin' | 'joining' | 'check' | 'waiting' | 'asking' | 'call' | 'turned-away' | 'ended' | 'full';

export interface GuestState {
  phase: GuestPhase;
  online: boolean;
  /** Why the PIN or link did not work, in Danish (from the server). */
  error: string | null;
  citizenFirstName: string;
  callId: string | null;
  /** What the server says about us (waiting, asking, in …) while the check is still on screen. */
  admission: 'waiting' | 'asking' | 'in' | null;
  check: DeviceCheckResult | null;
  checking: boolean;
  preview: MediaStream | null;
  tiles: MeshTile[];
  participants: Participant[];
  guestId: string | null;
}

const PIN_KEY = 'skaermbesoeg.guestPin';

export function createGuestController(options: { relayOnly?: boolean } = {}) {
  const raw = window.location.hash.replace(/^#/, '');
  const link = GuestLinkToken.safeParse(raw).success ? raw : null;
  let pin: string | null = link ? sessionStorage.getItem(`${PIN_KEY}:${link.slice(0, 8)}`) : null;
  const store = createStore<GuestState>()(() => ({
    phase: !link ? 'no-link' : pin ? 'joining' : 'pin',
    online: false,
    error: null,
    citizenFirstName: '',
    callId: null,
    admission: null,
    check: null,
    checking: false,
    preview: null,
    tiles: [],
    participants: [],
    guestId: null,
  }));
  const checker = new DeviceChecker(systemClock);
  let mesh: Mesh | null = null;
  let checked = false;
  let started = false;

  const signalling = createSignalConnection({
    url: `${window.location.protocol === 'https:' ? 'wss:' : 'ws:'}//${window.location.host}${SIGNAL_PATH}`,
    token: () => null,
    openSocket: (url) => new WebSocket(url),
    timers: browserTimers,
    beforeAuth: (): ClientMessage | null => (link && pin ? { type: 'guest.join', link, pin } : null),
    onState: (state) => store.setState({ online: state === 'open' }),
    onMessage: (m) => onMessage(m),
  });
  const probe = createNetProbe({ send: (m) => signalling.send(m), timers: browserTimers, now: () => performance.now() });

  /** Where the page stands once the check is done: the server's word on us. */
  const afterCheck = (): GuestPhase => {
    const { admission } = store.getState();
    return admission === 'in' ? 'call' : admission === 'asking' ? 'asking' : 'waiting';
  };

  async function runCheck() {
    store.setState({ checking: true });
    try {
      const check = await checker.run('quick', { preferred: null, probe });
      store.setState({ check, preview: checker.preview() });
    } finally {
      store.setState({ checking: false });
    }
  }

  function onMessage(m: ServerMessage) {
    if (probe.handle(m)) return;
    if (mesh?.route(m)) return;
    switch (m.type) {
      case 'auth.ok':
        store.setState({ guestId: m.id, error: null });
        if (store.getState().phase === 'joining') {
          store.setState({ phase: checked ? afterCheck() : 'check' });
          if (!checked) void runCheck();
        }
        return;
      case 'error':
        // A PIN or link that does not work: said in the server's Danish words, the PIN asked again.
        if (m.code === 'invalid_code' || m.code === 'expired' || m.code === 'in_use' || m.code === 'forbidden') {
          if (store.getState().guestId === null) {
            pin = null;
            if (link) sessionStorage.removeItem(`${PIN_KEY}:${link.slice(0, 8)}`);
            store.setState({ phase: 'pin', error: m.message });
          }
        }
        return;
      case 'guest.state': {
        store.setState({ citizenFirstName: m.citizenFirstName, callId: m.callId });
        if (m.callId && (!mesh || store.getState().callId !== m.callId)) startMesh(m.callId);
        if (m.state === 'waiting' || m.state === 'asking' || m.state === 'in') {
          store.setState({ admission: m.state });
          if (checked) store.setState({ phase: afterCheck() });
          return;
        }
        // Turned away, the call ended, or full: the page says so and stops.
        mesh?.stop();
        mesh = null;
        checker.release();
        store.setState({ phase: m.state, preview: null, tiles: [], participants: [] });
        signalling.stop();
        return;
      }
      default:
        return;
    }
  }

  function startMesh(callId: string) {
    mesh?.stop();
    mesh = createMesh({
      callId,
      send: (message) => signalling.send(message),
      relayOnly: options.relayOnly ?? false,
      local: async () => checker.callMedia()?.stream ?? (await localMedia()),
      onChange: (tiles, participants) => store.setState({ tiles, participants }),
    });
  }

  return {
    store,
    /**
     * With a link, the connection opens at once, while the relative reads the SMS's PIN: the PIN
     * then goes out on a socket that is already there (with a PIN kept from before, it joins).
     */
    start() {
      if (!link) return;
      started = true;
      signalling.start();
    },
    submitPin(value: string) {
      const entered = value.replace(/\s/g, '');
      if (!link) return;
      if (!GuestPin.safeParse(entered).success) {
        store.setState({ error: 'Koden er 6 cifre.' });
        return;
      }
      pin = entered;
      sessionStorage.setItem(`${PIN_KEY}:${link.slice(0, 8)}`, entered);
      store.setState({ phase: 'joining', error: null });
      // On the open connection; one still opening sends it when open; a closed one (the server
      // closes a socket that says nothing for a while) reconnects now.
      if (!started) {
        started = true;
        signalling.start();
      } else if (!signalling.send({ type: 'guest.join', link, pin: entered })) signalling.reconnectNow();
    },
    checkAgain: () => void runCheck(),
    /** The check is done: wait to be let in (or go straight into the call if already in). */
    ready() {
      checked = true;
      store.setState({ phase: afterCheck() });
    },
    leave() {
      const { callId, guestId } = store.getState();
      if (callId && guestId) signalling.send({ type: 'call.remove', callId, participant: guestId });
      mesh?.stop();
      mesh = null;
      checker.release();
      signalling.stop();
      store.setState({ phase: 'ended', preview: null, tiles: [], participants: [] });
    },
  };
}
export type GuestController = ReturnType<typeof createGuestController>;
