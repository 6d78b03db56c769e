import { describe, expect, it } from 'vitest';
import { ClientMessage } from '../../src-shared/signalling/protocol';
import { ROUTES } from '../../src-server/signalling/routes/index';

/**
 * Who may send which signalling message: the closed user group in one table. A tablet (or anyone
 * not signed in) must never pair, revoke, ring, report presence, hint the team or get TURN
 * credentials for a network check; the refusals themselves are exercised in signalling.test.ts.
 */
describe('the signalling routes', () => {
  it('every message type has a route, and each says who may send it', () => {
    const types = ClientMessage.options.map((o) => o.shape.type.value).sort();
    expect(Object.keys(ROUTES).sort()).toEqual(types);
    expect(Object.fromEntries(Object.entries(ROUTES).map(([type, r]) => [type, r.audience]))).toEqual({
      auth: 'anyone',
      'pair.redeem': 'anyone',
      'pair.create': 'staff',
      'device.revoke': 'staff',
      'call.ring': 'staff',
      'call.answer': 'signed-in',
      'call.verdict': 'signed-in',
      'call.hangup': 'signed-in',
      'call.signal': 'signed-in',
      'call.restart': 'signed-in',
      'net.probe': 'signed-in',
      'turn.request': 'staff',
      'presence.update': 'staff',
      'team.changed': 'staff',
      // Guests: staff invite, admit and turn away; a relative joins with link and PIN; the
      // tablet's consent and anyone's removal are checked against the call (src-server/signalling/calls.ts).
      'invite.create': 'staff',
      'guest.join': 'anyone',
      'call.admit': 'staff',
      'call.turnAway': 'staff',
      'call.consent': 'signed-in',
      'call.remove': 'signed-in',
      // A colleague: only staff ask who is free, ring, and answer (the call checks it is the one rung).
      'call.colleagues': 'staff',
      'call.colleague.ring': 'staff',
      'call.colleague.answer': 'staff',
    });
  });
});
