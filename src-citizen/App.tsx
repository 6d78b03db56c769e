import { useState } from 'react';
import { useStore } from 'zustand';
import { useSelfViewAfterPicture } from './selfView';
import { Video } from './Video';
import { formatClock } from '../src-shared/time/copenhagen';
import type { CitizenController } from './controller';
import { texts } from './texts';
import { FACES } from '../src-shared/workflow/verdict';

/** A face drawn plainly (no emoji font needed): the mouth says it. */
function Face({ kind }: { kind: (typeof FACES)[number] }) {
  const mouth = kind === 'good' ? 'M30 62 Q50 80 70 62' : kind === 'okay' ? 'M32 66 L68 66' : 'M30 72 Q50 54 70 72';
  return (
    <svg viewBox="0 0 100 100" aria-hidden="true" className="face-icon">
      <circle cx="50" cy="50" r="46" className="face-head" />
      <circle cx="35" cy="40" r="6" className="face-eye" />
      <circle cx="65" cy="40" r="6" className="face-eye" />
      <path d={mouth} className="face-mouth" />
    </svg>
  );
}

/** Said on every screen while signalling is away; the app reconnects by itself. */
function Offline({ online }: { online: boolean }) {
  return online ? null : (
    <p role="status" className="offline">
      {texts.offline}
    </p>
  );
}

/** One screen at a time, one big button at a time, no other navigation. */
export function App({ controller }: { controller: CitizenController }) {
  const s = useStore(controller.store);
  const [code, setCode] = useState('');
  const selfView = useSelfViewAfterPicture(s.phase === 'call' ? s.callId : null);

  if (s.phase === 'pair') {
    return (
      <main className="screen pair">
        <h1>{texts.pairHeading}</h1>
        <Offline online={s.online} />
        <p>{texts.pairIntro}</p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            controller.pair(code);
          }}
        >
          <label htmlFor="code">{texts.pairCode}</label>
          <input
            id="code"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            autoComplete="off"
            autoCapitalize="characters"
            inputMode="text"
            maxLength={12}
          />
          {s.pairError && (
            <p role="alert" className="error">
              {texts.pairInvalid}
            </p>
          )}
          <button type="submit" className="big primary">
            {texts.pairButton}
          </button>
        </form>
      </main>
    );
  }
  if (s.phase === 'incoming') {
    return (
      <main className="screen incoming">
        <h1>{texts.incoming(s.caller)}</h1>
        <button type="button" className="big answer" onClick={controller.answer} autoFocus>
          {texts.answer}
        </button>
        {s.autoAnswerIn !== null && <p role="status">{texts.autoAnswer(s.autoAnswerIn)}</p>}
      </main>
    );
  }
  if (s.phase === 'call') {
    // With guests the others share the screen, each large and named; never more than four people.
    const guests = s.participants.filter((p) => p.kind === 'relative' || p.kind === 'colleague');
    const staffName = s.participants.find((p) => p.kind === 'staff')?.name ?? texts.remoteView;
    return (
      <main className={`screen call${guests.length > 0 ? ` with-guests guests-${guests.length}` : ''}`}>
        <div className="tiles">
          <figure className="tile">
            <Video stream={s.remote} muted={false} label={staffName} className="remote" onPlaying={selfView.pictureUp} />
            {guests.length > 0 && <figcaption>{staffName}</figcaption>}
          </figure>
          {guests.map((g) => {
            const tile = s.tiles.find((t) => t.peer === g.id);
            return (
              <figure className="tile" key={g.id} data-peer={g.id}>
                <Video stream={tile?.stream ?? null} muted={false} label={texts.guestView(g.name, g.role)} className="remote" />
                <figcaption>
                  {g.name} <span className="role">({g.role})</span>
                  {tile?.audioOnly && <span className="audio-only"> · {texts.audioOnly}</span>}
                </figcaption>
              </figure>
            );
          })}
        </div>
        <Video stream={selfView.shown ? s.local : null} muted label={texts.selfView} className="self" />
        {guests.some((g) => g.kind === 'relative') && (
          <div className="guest-actions">
            {guests
              .filter((g) => g.kind === 'relative')
              .map((g) => (
                <button key={g.id} type="button" className="end-guest" onClick={() => controller.removeGuest(g.id)}>
                  {texts.endGuest(g.name.split(' ')[0] ?? g.name)}
                </button>
              ))}
          </div>
        )}
        {s.consent && (
          <div className="consent" role="alertdialog" aria-modal="true" aria-labelledby="consent-question" aria-describedby="consent-left">
            <h1 id="consent-question">{texts.consentQuestion(s.consent.firstName)}</h1>
            <div className="consent-buttons">
              <button type="button" className="big answer" onClick={() => controller.answerConsent(true)} autoFocus>
                {texts.yes}
              </button>
              <button type="button" className="big no" onClick={() => controller.answerConsent(false)}>
                {texts.no}
              </button>
            </div>
            <p id="consent-left">{texts.consentLeft(s.consent.left)}</p>
          </div>
        )}
        {s.peerState === 'recovering' && (
          <p role="status" className="recovering">
            {texts.recovering}
          </p>
        )}
        {s.peerState === 'failed' && (
          <p role="alert" className="recovering">
            {texts.failed}
          </p>
        )}
        <button type="button" className="big hangup" onClick={controller.hangUp}>
          {texts.hangUp}
        </button>
      </main>
    );
  }
  if (s.phase === 'verdict') {
    return (
      <main className="screen verdict">
        <h1>{texts.verdictHeading}</h1>
        <div className="faces" role="group" aria-label={texts.verdictHeading}>
          {FACES.map((kind, i) => (
            <button key={kind} type="button" className={`big face face-${kind}`} onClick={() => controller.giveVerdict(kind)} autoFocus={i === 0}>
              <Face kind={kind} />
              <span>{texts.faces[kind]}</span>
            </button>
          ))}
        </div>
        {s.verdictLeft !== null && <p role="status">{texts.verdictLeft(s.verdictLeft)}</p>}
      </main>
    );
  }
  return (
    <main className="screen waiting">
      <h1>{s.phase === 'ended' ? (s.thanked ? texts.thanks : texts.ended) : s.nextCallAt ? texts.waitingAt(formatClock(s.nextCallAt)) : texts.waiting}</h1>
      <Offline online={s.online} />
    </main>
  );
}
