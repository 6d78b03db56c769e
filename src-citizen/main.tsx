import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createCitizenController } from './controller';
import './styles.css';

const controller = createCitizenController({ relayOnly: new URL(window.location.href).searchParams.get('relay') === '1' });
controller.start();
createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App controller={controller} />
  </StrictMode>,
);
