import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { useTranslation } from 'react-i18next';
import { App } from './App.js';
import './i18n/index.js';
import { applyTheme, savedTheme } from './theme.js';
import './styles.css';
import './theme.css';

applyTheme(savedTheme());

/** Re-renders the whole console when the language changes, so locale-formatted values (format.ts) follow. */
function LocalizedApp() {
  useTranslation();
  return <App />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <LocalizedApp />
  </StrictMode>,
);
