import { Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { LinearProgress } from '@mui/material';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { AppProviders, RequireLogin, newQueryClient } from './app/providers.js';
import { setApiTarget } from './api/client.js';
import { LoginPage } from './login/LoginPage.js';
import { ReportLayout } from './report/ReportLayout.js';

// Each page is its own chunk: the events page alone brings the data grid.
const OverviewPage = lazy(() => import('./report/overview/OverviewPage.js'));
const DenialsPage = lazy(() => import('./report/denials/DenialsPage.js'));
const EventsPage = lazy(() => import('./report/events/EventsPage.js'));

setApiTarget({ origin: '', instance: '~', name: 'The back office' });

createRoot(document.getElementById('root')!).render(
  <AppProviders queryClient={newQueryClient()}>
    <BrowserRouter>
      <Routes>
        <Route path="/login" element={<LoginPage title="Tally back office" purpose="Log in to see the Usage and Denials report." />} />
        <Route
          element={
            <RequireLogin>
              <ReportLayout />
            </RequireLogin>
          }
        >
          <Route index element={<Suspense fallback={<LinearProgress />}><OverviewPage /></Suspense>} />
          <Route path="denials" element={<Suspense fallback={<LinearProgress />}><DenialsPage /></Suspense>} />
          <Route path="events" element={<Suspense fallback={<LinearProgress />}><EventsPage /></Suspense>} />
        </Route>
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </BrowserRouter>
  </AppProviders>,
);
