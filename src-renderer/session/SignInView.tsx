import { useTranslation } from 'react-i18next';
import type { Staff } from '../../src-shared/domain/visit';

interface Props {
  options: readonly Staff[];
  error: string | null;
  onSignIn(practitionerId: string): void;
}

/** Sandbox sign-in: choose yourself. The municipal IdP (OIDC) replaces this screen later. */
export function SignInView({ options, error, onSignIn }: Props) {
  const { t } = useTranslation();
  return (
    <section className="sign-in" aria-labelledby="sign-in-heading">
      <h2 id="sign-in-heading">{t('signIn.heading')}</h2>
      <p>{t('signIn.intro')}</p>
      {error && (
        <p className="banner banner-error" role="alert">
          {error}
        </p>
      )}
      {options.length === 0 ? (
        <p role="status">{t('signIn.noOptions')}</p>
      ) : (
        <ul className="sign-in-list">
          {options.map((s) => (
            <li key={s.practitionerId}>
              <button type="button" onClick={() => onSignIn(s.practitionerId)}>
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
