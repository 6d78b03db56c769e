import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createCitizenController } from './controller';
import './styles.css';

const controller = createCitizenController({ relayOnly: new URL(window.location.href).searchParams.get('relay') === '1' });
controller.start();
// The app shell is kept on the tablet, so it starts without network too (public/sw.js).
if ('serviceWorker' in navigator) void navigator.serviceWorker.register('./sw.js', { scope: './' }).catch(() => undefined);
createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App controller={controller} />
  </StrictMode>,
);
