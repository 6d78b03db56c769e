import { useState } from 'react';
import { useStore } from 'zustand';
import { Video } from '../Video';
import type { GuestController } from './guestController';
import { guestTexts as t } from './guestTexts';

/** The relative's page: one step per screen, each fitting a phone without scrolling. */
export function GuestApp({ controller }: { controller: GuestController }) {
  const s = useStore(controller.store);
  const [pin, setPin] = useState('');
  const first = s.citizenFirstName;

  if (s.phase === 'no-link')
    return (
      <main className="screen guest">
        <h1>{t.heading}</h1>
        <p role="alert" className="error">
          {t.noLink}
        </p>
      </main>
    );
  if (s.phase === 'pin' || s.phase === 'joining')
    return (
      <main className="screen guest">
        <h1>{t.heading}</h1>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            controller.submitPin(pin);
          }}
        >
          <label htmlFor="pin">{t.pinLabel}</label>
          <input
            id="pin"
            value={pin}
            onChange={(e) => setPin(e.target.value)}
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]*"
            maxLength={7}
            aria-describedby={s.error ? 'pin-error' : undefined}
          />
          {s.error && (
            <p id="pin-error" role="alert" className="error">
              {s.error}
            </p>
          )}
          <button type="submit" className="big primary" disabled={s.phase === 'joining'}>
            {s.phase === 'joining' ? t.joining : t.pinButton}
          </button>
        </form>
      </main>
    );
  if (s.phase === 'check') {
    const findings = s.check?.findings ?? [];
    const blocked = s.check?.verdict === 'blocked';
    return (
      <main className="screen guest check">
        <h1>{t.checkHeading}</h1>
        <Video stream={s.preview} muted label={t.selfView} className="preview" />
        <ul className="check-list" aria-live="polite">
          {(['camera', 'microphone'] as const).map((part) => {
            const finding = findings.find((f) => f.part === part && f.severity !== 'ok');
            return (
              <li key={part} className={finding ? `finding ${finding.severity}` : 'finding ok'}>
                {t.parts[part]}: {s.checking && !s.check ? t.checking : finding ? t.problem(finding.code) : t.ok}
              </li>
            );
          })}
        </ul>
        <div className="guest-buttons">
          <button type="button" className="secondary" onClick={controller.checkAgain} disabled={s.checking}>
            {t.checkAgain}
          </button>
          <button type="button" className="big primary" onClick={controller.ready} disabled={s.checking || !s.check || blocked}>
            {t.ready}
          </button>
        </div>
        {blocked && (
          <p role="alert" className="error">
            {t.blocked}
          </p>
        )}
      </main>
    );
  }
  if (s.phase === 'waiting' || s.phase === 'asking')
    return (
      <main className="screen guest waiting">
        <h1>{s.phase === 'asking' ? t.asking(first) : t.waiting}</h1>
        <p role="status">{s.online ? t.waitingHelp : t.offline}</p>
        <button type="button" className="secondary" onClick={controller.leave}>
          {t.leave}
        </button>
      </main>
    );
  if (s.phase === 'call') {
    const others = s.participants.filter((p) => p.id !== s.guestId);
    return (
      <main className={`screen call guest-call people-${others.length}`}>
        <div className="tiles">
          {others.map((p) => {
            const tile = s.tiles.find((x) => x.peer === p.id);
            return (
              <figure className="tile" key={p.id}>
                <Video stream={tile?.stream ?? null} muted={false} label={`${p.name} (${p.role})`} className="remote" />
                <figcaption>
                  {p.name} <span className="role">({p.role})</span>
                  {tile?.audioOnly && <span> · {t.audioOnly}</span>}
                </figcaption>
              </figure>
            );
          })}
        </div>
        <Video stream={s.preview} muted label={t.selfView} className="self" />
        <button type="button" className="hangup leave" onClick={controller.leave}>
          {t.leave}
        </button>
      </main>
    );
  }
  return (
    <main className="screen guest">
      <h1>{s.phase === 'turned-away' ? t.turnedAway(first) : s.phase === 'full' ? t.full : t.ended}</h1>
    </main>
  );
}
