// The pairs of a call with guests: one media connection per pair of participants (a mesh of at
// most MAX_PARTICIPANTS). The server says when a pair starts (`call.peer`, with who offers: the
// one who was in first, so two sides never offer at once) and when it ends; each pair recovers on
// its own after a drop, and a weak line drops to audio on that pair alone.
import type { Participant, ServerMessage } from '../signalling/protocol';
import type { PeerState } from '../call/peerSession';
import { createCallLink, type CallLink, type CallLinkOptions } from './callLink';

export interface MeshTile {
  peer: string;
  stream: MediaStream | null;
  state: PeerState | null;
  audioOnly: boolean;
}

export interface MeshOptions {
  callId: string;
  send: CallLinkOptions['send'];
  relayOnly: boolean;
  /** Our own camera and microphone, once open. */
  local: () => Promise<MediaStream>;
  onChange(tiles: MeshTile[], participants: Participant[]): void;
}

export function createMesh(options: MeshOptions) {
  const links = new Map<string, CallLink>();
  const tiles = new Map<string, MeshTile>();
  let participants: Participant[] = [];
  const changed = () => options.onChange([...tiles.values()], participants);
  const update = (peer: string, patch: Partial<MeshTile>) => {
    const tile = tiles.get(peer);
    if (!tile) return;
    tiles.set(peer, { ...tile, ...patch });
    changed();
  };
  function drop(peer: string) {
    links.get(peer)?.stop();
    links.delete(peer);
    tiles.delete(peer);
  }
  return {
    /** The call's guest messages; true when it was one. */
    route(m: ServerMessage): boolean {
      if (!('callId' in m) || m.callId !== options.callId) return false;
      switch (m.type) {
        case 'call.participants':
          participants = m.participants;
          changed();
          return true;
        case 'call.peer': {
          // A new pair (or the same pair anew after the guest came back): a fresh link.
          drop(m.peer);
          const link = createCallLink({
            callId: options.callId,
            peer: m.peer,
            send: options.send,
            relayOnly: options.relayOnly,
            onRemoteStream: (stream) => update(m.peer, { stream }),
            onState: (state) => update(m.peer, { state }),
            onQuality: (_quality, audioOnly) => update(m.peer, { audioOnly }),
            restartOnStall: m.initiator,
          });
          links.set(m.peer, link);
          tiles.set(m.peer, { peer: m.peer, stream: null, state: 'connecting', audioOnly: false });
          changed();
          void options.local().then((local) => links.get(m.peer) === link && link.start(local, m));
          return true;
        }
        case 'call.peer.left':
          drop(m.peer);
          changed();
          return true;
        case 'call.signal':
        case 'call.restart':
          if (m.peer === undefined) return false;
          links.get(m.peer)?.route(m);
          return true;
        default:
          return false;
      }
    },
    /** A new track replaces the old one on every pair (a device switched mid-call). */
    peers: () => [...links.values()].map((l) => l.peer()),
    stop() {
      for (const peer of [...links.keys()]) drop(peer);
      participants = [];
    },
  };
}
export type Mesh = ReturnType<typeof createMesh>;
