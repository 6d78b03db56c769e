import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectToMain } from './api/connect';
import { App } from './app/App';
import { initI18n } from './i18n';
import { createQueueStore, type QueueState } from './queue/queueStore';
import { createCallStore } from './call/callStore';
import { createDeviceCheckStore, type DeviceCheckState } from './devices/deviceCheckStore';
import type { StoreApi } from 'zustand';
import { createBoardStore } from './board/boardStore';
import { createReportsStore } from './reports/reportsStore';
import { createSignallingClient } from './signalling/signallingClient';
import { createTeamStore } from './team/teamStore';
import { alignWithMain } from './time/clock';
import './styles.css';

async function boot(): Promise<void> {
  const i18n = await initI18n();
  const root = createRoot(document.getElementById('root') as HTMLElement);
  let store: StoreApi<QueueState> | null = null;
  const connection = await connectToMain({
    onOnline: () => store?.getState().setOnline(true),
    onOffline: () => store?.getState().setOnline(false),
  });
  if (connection.kind !== 'ready') {
    // A page that cannot reach its main process says so, never a blank page.
    const text = { 'no-token': 'connection.noToken', 'wrong-token': 'connection.wrongToken', unreachable: 'connection.unreachable' }[connection.kind];
    root.render(
      <p className="banner banner-error" role="alert" data-testid="connection-refused">
        {i18n.t(text)}
      </p>,
    );
    return;
  }
  // Agree with the main process on what time it is (it may run at a configured instant).
  await Promise.race([alignWithMain(connection.api).catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2_000))]);
  store = createQueueStore(connection.api);
  // One signalling connection serves calls, the device check's network probe and the team's
  // presence and change hints; the call store starts calls on the devices the check opened.
  const signalling = createSignallingClient(connection.api);
  const checks: StoreApi<DeviceCheckState> = createDeviceCheckStore(connection.api, () => calls.getState().netProbe());
  const calls = createCallStore(connection.api, signalling, {
    relayOnly: new URL(window.location.href).searchParams.get('relay') === '1',
    checkedMedia: () => checks.getState().callMedia(),
  });
  const team = createTeamStore(connection.api, signalling);
  const board = createBoardStore(connection.api);
  const reports = createReportsStore(connection.api);
  root.render(
    <StrictMode>
      <App api={connection.api} store={store} calls={calls} checks={checks} team={team} board={board} reports={reports} />
    </StrictMode>,
  );
}

void boot();
