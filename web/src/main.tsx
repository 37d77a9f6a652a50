import { Suspense, lazy } from 'react';
import type { ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { LinearProgress } from '@mui/material';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { AppProviders, RequireLogin, newQueryClient } from './app/providers.js';
import { setApiTarget } from './api/client.js';
import { FeedbackProvider } from './components/feedback.js';
import { LicensingLayout } from './licensing/LicensingLayout.js';
import { LoginPage } from './login/LoginPage.js';
import { ReportLayout } from './report/ReportLayout.js';

// Each page is its own chunk: the events page alone brings the data grid.
const OverviewPage = lazy(() => import('./report/overview/OverviewPage.js'));
const DenialsPage = lazy(() => import('./report/denials/DenialsPage.js'));
const EventsPage = lazy(() => import('./report/events/EventsPage.js'));
const SessionsPage = lazy(() => import('./report/sessions/SessionsPage.js'));
const UtilizationPage = lazy(() => import('./report/utilization/UtilizationPage.js'));
const ProductsPage = lazy(() => import('./licensing/products/ProductsPage.js'));
const ProductPage = lazy(() => import('./licensing/products/ProductPage.js'));
const ProductForm = lazy(() => import('./licensing/products/ProductForm.js'));
const UsersPage = lazy(() => import('./manager/users/UsersPage.js'));
const OpenView = lazy(() => import('./report/views/OpenView.js'));
const EntitlementsPage = lazy(() => import('./licensing/entitlements/EntitlementsPage.js'));
const EntitlementPage = lazy(() => import('./licensing/entitlements/EntitlementPage.js'));
const EntitlementForm = lazy(() => import('./licensing/entitlements/EntitlementForm.js'));
const ActivationIdPage = lazy(() => import('./licensing/activation-ids/ActivationIdPage.js'));
const CloudInstancesPage = lazy(() => import('./licensing/cloud-instances/CloudInstancesPage.js'));
const CloudInstanceForm = lazy(() => import('./licensing/cloud-instances/CloudInstanceForm.js'));
const OfflineRequestPage = lazy(() => import('./licensing/offline/OfflineRequestPage.js'));

const page = (element: ReactNode) => <Suspense fallback={<LinearProgress />}>{element}</Suspense>;

setApiTarget({ origin: '', instance: '~', name: 'The back office' });

createRoot(document.getElementById('root')!).render(
  <AppProviders queryClient={newQueryClient()}>
    <FeedbackProvider>
      <BrowserRouter>
        <Routes>
          <Route path="/login" element={<LoginPage title="Tally back office" purpose="Log in to see the Usage and Denials report and licensing." />} />
          <Route
            element={
              <RequireLogin>
                <ReportLayout />
              </RequireLogin>
            }
          >
            <Route index element={page(<OverviewPage />)} />
            <Route path="denials" element={page(<DenialsPage />)} />
            <Route path="events" element={page(<EventsPage />)} />
            <Route path="sessions" element={page(<SessionsPage />)} />
            <Route path="utilization" element={page(<UtilizationPage />)} />
          </Route>
          <Route
            path="views/:viewId"
            element={
              <RequireLogin>
                {page(<OpenView />)}
              </RequireLogin>
            }
          />
          <Route
            path="licensing"
            element={
              <RequireLogin>
                <LicensingLayout />
              </RequireLogin>
            }
          >
            <Route index element={<Navigate to="products" replace />} />
            <Route path="products" element={page(<ProductsPage />)} />
            <Route path="users" element={page(<UsersPage withAccountViewer />)} />
            <Route path="products/new" element={page(<ProductForm />)} />
            <Route path="products/:productId" element={page(<ProductPage />)} />
            <Route path="entitlements" element={page(<EntitlementsPage />)} />
            <Route path="entitlements/new" element={page(<EntitlementForm />)} />
            <Route path="entitlements/:entitlementId" element={page(<EntitlementPage />)} />
            <Route path="activation-ids/:activationId" element={page(<ActivationIdPage />)} />
            <Route path="cloud-instances" element={page(<CloudInstancesPage />)} />
            <Route path="cloud-instances/new" element={page(<CloudInstanceForm />)} />
            <Route path="offline" element={page(<OfflineRequestPage />)} />
          </Route>
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
      </BrowserRouter>
    </FeedbackProvider>
  </AppProviders>,
);
