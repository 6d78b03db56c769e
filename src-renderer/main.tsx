import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectToMain } from './api/connect';
import { App } from './app/App';
import { initI18n } from './i18n';
import { createQueueStore, type QueueState } from './queue/queueStore';
import { createCallStore } from './call/callStore';
import type { StoreApi } from 'zustand';
import './styles.css';

async function boot(): Promise<void> {
  const i18n = await initI18n();
  const root = createRoot(document.getElementById('root') as HTMLElement);
  let store: StoreApi<QueueState> | null = null;
  const connection = connectToMain({
    onOnline: () => store?.getState().setOnline(true),
    onOffline: () => store?.getState().setOnline(false),
  });
  if (connection.kind === 'no-token') {
    root.render(<p className="banner banner-error" role="alert">{i18n.t('connection.noToken')}</p>);
    return;
  }
  store = createQueueStore(connection.api);
  const calls = createCallStore(connection.api, { relayOnly: new URL(window.location.href).searchParams.get('relay') === '1' });
  root.render(
    <StrictMode>
      <App store={store} calls={calls} />
    </StrictMode>,
  );
}

void boot();
