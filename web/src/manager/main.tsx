import '@fontsource/material-icons';
import './icons.css';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { AppProviders, RequireLogin, newQueryClient } from '../app/providers.js';
import { FeedbackProvider } from '../components/feedback.js';
import { LoginPage } from '../login/LoginPage.js';
import { useConnection } from './connection.js';
import { ManagerShell } from './ManagerShell.js';
import { ManagedServerNote } from './settings/ManagedServerNote.js';
import { DETAIL_PAGES, MANAGER_VIEWS } from './views.js';

// The same app under `/` of a license server and `/manager` of a back office.
const basename = window.location.pathname.startsWith('/manager') ? '/manager' : '/';

/** The login, saying which server or cloud instance it is for. */
function ManagerLoginPage() {
  const connection = useConnection();
  const cloud = connection.kind === 'cloud' && connection.instanceId !== '';
  return (
    <LoginPage title="License Server Manager" purpose={cloud ? `Log in to manage cloud instance ${connection.instanceId}.` : 'Log in to manage this license server.'}>
      <ManagedServerNote />
    </LoginPage>
  );
}

createRoot(document.getElementById('root')!).render(
  <AppProviders queryClient={newQueryClient()}>
    <FeedbackProvider>
      <BrowserRouter basename={basename}>
        <Routes>
          <Route
            path="/login"
            element={
              <ManagerLoginPage />
            }
          />
          <Route element={<ManagerShell />}>
            {MANAGER_VIEWS.map((v) => (
              <Route
                key={v.key}
                path={`${v.path}/*`}
                element={
                  v.open ? (
                    <v.page />
                  ) : (
                    <RequireLogin>
                      <v.page />
                    </RequireLogin>
                  )
                }
              />
            ))}
            <Route path="features/records/:recordId" element={<RequireLogin><DETAIL_PAGES.feature /></RequireLogin>} />
            <Route path="devices/:idType/:deviceId" element={<RequireLogin><DETAIL_PAGES.device /></RequireLogin>} />
            <Route index element={<Navigate to="/features" replace />} />
          </Route>
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </BrowserRouter>
    </FeedbackProvider>
  </AppProviders>,
);
