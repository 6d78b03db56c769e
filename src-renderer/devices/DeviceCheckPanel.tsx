import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore, type StoreApi } from 'zustand';
import type { Finding } from '../../src-shared/devices/check';
import type { Visit } from '../../src-shared/domain/visit';
import type { DeviceCheckState } from './deviceCheckStore';

const ROLES = [
  ['camera', 'videoinput'],
  ['microphone', 'audioinput'],
  ['speaker', 'audiooutput'],
] as const;

const MARK: Record<Finding['severity'], string> = { ok: '✓', warning: '!', blocking: '✕' };

function Preview({ stream }: { stream: MediaStream | null }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream ? new MediaStream(stream.getVideoTracks()) : null;
  }, [stream]);
  const { t } = useTranslation();
  return <video ref={ref} className="check-preview" autoPlay playsInline muted aria-label={t('check.preview')} />;
}

/** The findings of the last check, one line each with what to do. */
export function CheckFindings({ findings, labels }: { findings: Finding[]; labels: Record<string, string> }) {
  const { t } = useTranslation();
  return (
    <ul className="check-findings">
      {findings.map((f) => (
        <li key={f.code} className={`finding finding-${f.severity}`} data-finding={f.code}>
          <span aria-hidden="true" className="finding-mark">
            {MARK[f.severity]}
          </span>
          <span>
            {t(`check.part.${f.part}`)}: {t(`check.finding.${f.code}`, labels)}
          </span>
        </li>
      ))}
    </ul>
  );
}

/**
 * The device check: live preview and level meter, the devices to choose, each part's finding with
 * a one-line hint, the speaker tests, and the verdict. Opened at the start of a shift, and before a
 * call whose quick check found something.
 */
export function DeviceCheckPanel({
  store,
  pendingCall,
  onRingAnyway,
  onClose,
}: {
  store: StoreApi<DeviceCheckState>;
  pendingCall: Visit | null;
  onRingAnyway(): void;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const s = useStore(store);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  if (!s.open) return null;
  const result = s.result;
  const preferredLabel = (role: 'camera' | 'microphone' | 'speaker') => s.preferred?.[role]?.label ?? '';
  const labels: Record<string, string> = {
    headset: result?.chosen.speaker?.label || result?.chosen.microphone?.label || '',
    preferredCamera: preferredLabel('camera'),
    chosenCamera: result?.chosen.camera?.label ?? '',
    preferredMicrophone: preferredLabel('microphone'),
    chosenMicrophone: result?.chosen.microphone?.label ?? '',
    preferredSpeaker: preferredLabel('speaker'),
    chosenSpeaker: result?.chosen.speaker?.label ?? '',
    rtt: String(result?.network?.measurement.rttMs ?? '–'),
    mbit: result?.network?.measurement.throughputKbps != null ? (result.network.measurement.throughputKbps / 1000).toFixed(1) : '–',
  };
  const verdict = s.running ? 'running' : (result?.verdict ?? 'running');
  return (
    <div className="check-panel" role="dialog" aria-modal="false" aria-labelledby="check-heading" data-verdict={verdict}>
      <h2 id="check-heading" tabIndex={-1} ref={heading}>
        {pendingCall ? t('check.beforeCall', { name: pendingCall.citizen.name }) : t('check.heading')}
      </h2>
      <p role="status" className={`check-verdict verdict-${verdict}`} data-testid="check-verdict">
        {t(`check.verdict.${verdict}`)}
      </p>
      {s.error && (
        <p role="alert" className="banner banner-error">
          {s.error}
        </p>
      )}
      <div className="check-body">
        <div className="check-media">
          <Preview stream={s.preview} />
          <div className="level" role="meter" aria-label={t('check.level')} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(s.level * 100)}>
            <div className="level-bar" style={{ width: `${Math.round(s.level * 100)}%` }} />
          </div>
          <p className="check-speak" role="status">
            {s.heard ? t('check.heard') : t('check.saySomething')}
          </p>
        </div>
        <div className="check-results">
          {result && <CheckFindings findings={result.findings} labels={labels} />}
          <div className="check-devices">
            {ROLES.map(([role, kind]) => {
              const options = s.available.filter((d) => d.kind === kind);
              if (options.length === 0) return null;
              return (
                <label key={role}>
                  {t(`call.device.${role}`)}
                  <select value={result?.chosen[role]?.deviceId ?? ''} disabled={s.running !== null} onChange={(e) => void s.choose(role, e.target.value)}>
                    {!result?.chosen[role] && <option value="">{t('call.device.default')}</option>}
                    {options.map((o) => (
                      <option key={o.deviceId} value={o.deviceId}>
                        {o.label || o.deviceId}
                      </option>
                    ))}
                  </select>
                </label>
              );
            })}
          </div>
          <div className="check-speaker">
            <button type="button" disabled={s.speakerTest !== 'idle'} onClick={() => void s.playTone()}>
              {t('check.playTone')}
            </button>
            <button type="button" disabled={s.speakerTest !== 'idle' || !result} onClick={() => void s.echo()}>
              {t('check.echo')}
            </button>
            {s.speakerTest !== 'idle' && <span role="status">{t(`check.speakerTest.${s.speakerTest}`)}</span>}
          </div>
        </div>
      </div>
      <div className="check-actions">
        <button type="button" disabled={s.running !== null} onClick={() => void s.runFull()}>
          {t('check.again')}
        </button>
        {pendingCall && result && result.verdict !== 'blocked' && (
          <button
            type="button"
            className="primary"
            disabled={s.running !== null}
            onClick={() => {
              s.accept();
              onRingAnyway();
            }}
          >
            {result.verdict === 'ready' ? t('check.ring') : t('check.ringAnyway')}
          </button>
        )}
        {!pendingCall && result?.verdict === 'warnings' && (
          <button
            type="button"
            onClick={() => {
              s.accept();
              onClose();
            }}
          >
            {t('check.acceptAndClose')}
          </button>
        )}
        <button type="button" onClick={onClose}>
          {t('check.close')}
        </button>
      </div>
    </div>
  );
}
