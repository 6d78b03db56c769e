import { createStore } from 'zustand/vanilla';
import type { PeerState } from '../src-shared/call/peerSession';
import { createCallLink, type CallLink } from '../src-shared/browser/callLink';
import { createSignalConnection, type SignalConnection } from '../src-shared/call/signalConnection';
import { SIGNAL_PATH, type ClientMessage, type ServerMessage } from '../src-shared/signalling/protocol';
import { browserTimers, keepScreenAwake, localMedia } from '../src-shared/browser/media';
import { VERDICT_SECONDS, type Verdict } from '../src-shared/workflow/verdict';
import { markCallStep } from '../src-shared/browser/callTiming';
import { createMesh, type Mesh, type MeshTile } from '../src-shared/browser/mesh';
import type { Participant } from '../src-shared/signalling/protocol';

export type Phase = 'pair' | 'waiting' | 'incoming' | 'call' | 'verdict' | 'ended';

export interface CitizenState {
  phase: Phase;
  online: boolean;
  pairError: boolean;
  caller: string;
  callId: string | null;
  autoAnswerIn: number | null;
  nextCallAt: string | null;
  peerState: PeerState | null;
  local: MediaStream | null;
  remote: MediaStream | null;
  /** Seconds left to tap a face after the call. */
  verdictLeft: number | null;
  /** The citizen tapped a face: thanked for it. */
  thanked: boolean;
  /** Others in the call besides staff (relatives, colleagues): one tile each. */
  tiles: MeshTile[];
  participants: Participant[];
  /** "Må Anna være med?": asked until answered or the time is up (no answer is no). */
  consent: { guest: string; firstName: string; left: number } | null;
}

const TOKEN_KEY = 'skaermbesoeg.deviceToken';
const AUTO_ANSWER_KEY = 'skaermbesoeg.autoAnswerAfterS';

/**
 * The citizen device: paired once, then waits to be rung by its team. Answering starts the media;
 * the call survives network trouble by reconnecting signalling and re-creating the peer.
 */
export function createCitizenController(options: { relayOnly?: boolean } = {}) {
  // A kiosk tablet is set up once with ?autoanswer=N; the choice stays on the device.
  const param = new URL(window.location.href).searchParams.get('autoanswer');
  if (param !== null && /^\d{1,3}$/.test(param)) localStorage.setItem(AUTO_ANSWER_KEY, param);
  const autoAnswerAfterS = Number(localStorage.getItem(AUTO_ANSWER_KEY) ?? NaN);

  const store = createStore<CitizenState>()(() => ({
    phase: localStorage.getItem(TOKEN_KEY) ? 'waiting' : 'pair',
    online: false,
    pairError: false,
    caller: '',
    callId: null,
    autoAnswerIn: null,
    nextCallAt: null,
    peerState: null,
    local: null,
    remote: null,
    verdictLeft: null,
    thanked: false,
    tiles: [],
    participants: [],
    consent: null,
  }));
  let mesh: Mesh | null = null;
  let consentTimer: number | undefined;
  let pendingPairCode: string | null = null;
  let link: CallLink | null = null;
  let mediaWhileRinging: Promise<MediaStream> | null = null;
  let releaseWakeLock: () => void = () => undefined;
  let countdown: number | undefined;
  /** The call that was answered last: its end may ask the citizen's verdict. */
  let answeredCallId: string | null = null;
  let verdictFor: string | null = null;
  let verdictTimer: number | undefined;

  const signalling: SignalConnection = createSignalConnection({
    url: `${window.location.protocol === 'https:' ? 'wss:' : 'ws:'}//${window.location.host}${SIGNAL_PATH}`,
    token: () => localStorage.getItem(TOKEN_KEY),
    openSocket: (url) => new WebSocket(url),
    timers: browserTimers,
    beforeAuth: (): ClientMessage | null => (pendingPairCode ? { type: 'pair.redeem', code: pendingPairCode } : null),
    onState: (state) => store.setState({ online: state === 'open' }),
    onMessage: (m) => void onMessage(m),
  });

  function stopCountdown() {
    window.clearInterval(countdown);
    countdown = undefined;
    store.setState({ autoAnswerIn: null });
  }

  function endCall() {
    stopCountdown();
    link?.stop();
    link = null;
    mesh?.stop();
    mesh = null;
    window.clearInterval(consentTimer);
    releaseWakeLock();
    store
      .getState()
      .local?.getTracks()
      .forEach((t) => t.stop());
    void mediaWhileRinging?.then((m) => m.getTracks().forEach((t) => t.stop()));
    mediaWhileRinging = null;
    store.setState({ phase: 'ended', callId: null, peerState: null, local: null, remote: null, tiles: [], participants: [], consent: null });
    window.setTimeout(() => store.getState().phase === 'ended' && store.setState({ phase: 'waiting', thanked: false }), 4_000);
  }

  /** After an answered call: three faces for VERDICT_SECONDS; no tap is an answer too ("none"). */
  function askVerdict(callId: string) {
    verdictFor = callId;
    store.setState({ phase: 'verdict', verdictLeft: VERDICT_SECONDS, thanked: false });
    window.clearInterval(verdictTimer);
    verdictTimer = window.setInterval(() => {
      const left = (store.getState().verdictLeft ?? 1) - 1;
      if (left > 0) store.setState({ verdictLeft: left });
      else giveVerdict('none');
    }, 1_000);
  }

  function giveVerdict(verdict: Verdict) {
    window.clearInterval(verdictTimer);
    const callId = verdictFor;
    verdictFor = null;
    if (callId) signalling.send({ type: 'call.verdict', callId, verdict });
    store.setState({ phase: 'ended', verdictLeft: null, thanked: verdict !== 'none' });
    window.setTimeout(() => store.getState().phase === 'ended' && store.setState({ phase: 'waiting', thanked: false }), 4_000);
  }

  /** The citizen's answer: yes lets the guest in; no, or silence until the time is up, keeps them out. */
  function answerConsent(allow: boolean) {
    const { consent, callId } = store.getState();
    window.clearInterval(consentTimer);
    store.setState({ consent: null });
    if (consent && callId) signalling.send({ type: 'call.consent', callId, guest: consent.guest, allow });
  }

  async function onMessage(m: ServerMessage) {
    const { callId } = store.getState();
    if (mesh?.route(m)) return;
    switch (m.type) {
      case 'call.consent.ask': {
        if (m.callId !== callId) return;
        store.setState({ consent: { guest: m.guest, firstName: m.firstName, left: m.seconds } });
        window.clearInterval(consentTimer);
        consentTimer = window.setInterval(() => {
          const c = store.getState().consent;
          if (!c) return window.clearInterval(consentTimer);
          if (c.left <= 1) answerConsent(false);
          else store.setState({ consent: { ...c, left: c.left - 1 } });
        }, 1_000);
        return;
      }
      case 'device.schedule':
        store.setState({ nextCallAt: m.nextCallAt });
        return;
      case 'pair.done':
        pendingPairCode = null;
        localStorage.setItem(TOKEN_KEY, m.deviceToken);
        store.setState({ phase: 'waiting', pairError: false });
        return;
      case 'auth.ok':
        // Back after a drop in the middle of a call: re-establish the media.
        if (callId && link?.started()) signalling.send({ type: 'call.restart', callId });
        return;
      case 'error':
        if (m.code === 'invalid_code') {
          pendingPairCode = null;
          store.setState({ pairError: true, phase: 'pair' });
        }
        if (m.code === 'unauthenticated') {
          localStorage.removeItem(TOKEN_KEY);
          store.setState({ phase: 'pair' });
        }
        return;
      case 'call.incoming': {
        // A new call while the faces are up: the last call's verdict is "no answer", the call comes first.
        if (verdictFor) {
          window.clearInterval(verdictTimer);
          signalling.send({ type: 'call.verdict', callId: verdictFor, verdict: 'none' });
          verdictFor = null;
          store.setState({ verdictLeft: null });
        }
        markCallStep('incoming');
        store.setState({ phase: 'incoming', callId: m.callId, caller: m.caller });
        link?.stop();
        link = createCallLink({
          callId: m.callId,
          send: (message) => signalling.send(message),
          relayOnly: options.relayOnly ?? false,
          onRemoteStream: (remote) => store.setState({ remote }),
          onState: (peerState) => store.setState({ peerState }),
          // The link pauses the tablet's video on this pair when the line cannot carry it; audio keeps the call.
          onQuality: () => undefined,
          restartOnStall: false,
        });
        // Camera and microphone start while it rings, so answering connects at once.
        mediaWhileRinging = localMedia();
        const after = Number.isFinite(autoAnswerAfterS) ? autoAnswerAfterS : m.autoAnswerAfterS;
        if (after === 0) answer();
        else if (after !== null && after !== undefined && Number.isFinite(after)) {
          let left = after;
          store.setState({ autoAnswerIn: left });
          countdown = window.setInterval(() => {
            left -= 1;
            if (left <= 0) answer();
            else store.setState({ autoAnswerIn: left });
          }, 1_000);
        }
        return;
      }
      case 'call.connected': {
        if (m.callId !== callId) return;
        markCallStep('connected');
        const local = await (mediaWhileRinging ?? localMedia());
        markCallStep('media.ready');
        mediaWhileRinging = null;
        answeredCallId = m.callId;
        // Media first; the screen's wake lock and the call screen after it.
        link?.start(local, m);
        store.setState({ phase: 'call', local });
        mesh = createMesh({
          callId: m.callId,
          send: (message) => signalling.send(message),
          relayOnly: options.relayOnly ?? false,
          local: async () => local,
          onChange: (tiles, participants) => store.setState({ tiles, participants }),
        });
        releaseWakeLock = await keepScreenAwake();
        return;
      }
      case 'call.ended':
        if (link?.route(m) === 'ended') endCall();
        // The end of the answered call (also when the citizen hung up first) may ask the verdict.
        if (m.survey && m.callId === answeredCallId && verdictFor !== m.callId) {
          answeredCallId = null;
          askVerdict(m.callId);
        }
        return;
      case 'call.signal':
      case 'call.restart':
        if (link?.route(m) === 'ended') endCall();
        return;
      default:
        return;
    }
  }

  function answer() {
    const { callId } = store.getState();
    stopCountdown();
    markCallStep('answer.sent');
    if (callId) signalling.send({ type: 'call.answer', callId });
  }

  // After sleep, or when the network comes back, the tablet reconnects at once.
  const wake = () => signalling.reconnectNow();
  window.addEventListener('online', wake);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') wake();
  });

  // While a planned call is ahead the screen stays on (the system lets go of it when hidden; taken again on return).
  let releaseWaitingLock: (() => void) | null = null;
  const keepAwakeWhileWaiting = async () => {
    const { phase, nextCallAt } = store.getState();
    const waiting = (phase === 'waiting' || phase === 'incoming') && nextCallAt !== null && document.visibilityState === 'visible';
    if (waiting && !releaseWaitingLock) {
      releaseWaitingLock = () => undefined;
      releaseWaitingLock = await keepScreenAwake();
    } else if (!waiting && releaseWaitingLock) {
      releaseWaitingLock();
      releaseWaitingLock = null;
    }
  };
  store.subscribe(() => void keepAwakeWhileWaiting());
  document.addEventListener('visibilitychange', () => {
    releaseWaitingLock = null;
    void keepAwakeWhileWaiting();
  });

  return {
    store,
    start: () => signalling.start(),
    /** A new device redeems the code on its (not yet authenticated) connection. */
    pair(code: string) {
      pendingPairCode = code.trim();
      store.setState({ pairError: false });
      if (!signalling.send({ type: 'pair.redeem', code: pendingPairCode })) signalling.start();
    },
    answer,
    giveVerdict,
    answerConsent,
    /** The citizen ends a relative's part of the call. */
    removeGuest(peer: string) {
      const { callId } = store.getState();
      if (callId) signalling.send({ type: 'call.remove', callId, participant: peer });
    },
    hangUp() {
      const { callId } = store.getState();
      if (callId) signalling.send({ type: 'call.hangup', callId });
      endCall();
    },
  };
}
export type CitizenController = ReturnType<typeof createCitizenController>;
