import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createCitizenController } from './controller';
import { GuestApp } from './guest/GuestApp';
import { createGuestController } from './guest/guestController';
import './styles.css';

const params = new URL(window.location.href).searchParams;
const relayOnly = params.get('relay') === '1';
const root = createRoot(document.getElementById('root') as HTMLElement);
// "?gaest": a relative's page from an SMS link (no pairing, no device token, nothing kept).
if (params.has('gaest')) {
  document.title = 'Skærmbesøg';
  const guest = createGuestController({ relayOnly });
  guest.start();
  root.render(
    <StrictMode>
      <GuestApp controller={guest} />
    </StrictMode>,
  );
} else {
  const controller = createCitizenController({ relayOnly });
  controller.start();
  // The app shell is kept on the tablet, so it starts without network too (public/sw.js).
  if ('serviceWorker' in navigator) void navigator.serviceWorker.register('./sw.js', { scope: './' }).catch(() => undefined);
  root.render(
    <StrictMode>
      <App controller={controller} />
    </StrictMode>,
  );
}
