import { useTranslation } from 'react-i18next';
import type { AuthState } from '../../src-shared/api/contract';
import type { Staff } from '../../src-shared/domain/visit';

interface Props {
  auth: AuthState | null;
  options: readonly Staff[];
  error: string | null;
  /** The IdP's page is open in the system browser (Electron). */
  waiting: boolean;
  onPick(practitionerId: string): void;
  onSignIn(): void;
}

/** Sign-in: the municipality's login (one button), or in the demo without an EOJ the list of staff. */
export function SignInView({ auth, options, error, waiting, onPick, onSignIn }: Props) {
  const { t } = useTranslation();
  const idp = auth?.method === 'idp';
  const shownError = error ?? auth?.error ?? null;
  return (
    <section className="sign-in" aria-labelledby="sign-in-heading">
      <h2 id="sign-in-heading">{t('signIn.heading')}</h2>
      <p>{idp ? t('signIn.introIdp') : t('signIn.intro')}</p>
      {shownError && (
        <p className="banner banner-error" role="alert">
          {shownError}
        </p>
      )}
      {idp ? (
        <>
          <button type="button" className="primary sign-in-idp" onClick={onSignIn} disabled={waiting}>
            {t('signIn.button')}
          </button>
          {waiting && <p role="status">{t('signIn.opening')}</p>}
        </>
      ) : options.length === 0 ? (
        <p role="status">{t('signIn.noOptions')}</p>
      ) : (
        <ul className="sign-in-list">
          {options.map((s) => (
            <li key={s.practitionerId}>
              <button type="button" onClick={() => onPick(s.practitionerId)}>
                <span className="sign-in-name">{s.name}</span>
                <span className="sign-in-role">{t(`signIn.role.${s.role}`)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
