import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { CssBaseline, LinearProgress, ThemeProvider, createTheme } from '@mui/material';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import type { ReactNode } from 'react';
import { ApiError } from './api/client.js';
import { AuthProvider, useAuth } from './api/auth.js';
import { LoginPage } from './login/LoginPage.js';
import { ReportLayout } from './report/ReportLayout.js';

// Each page is its own chunk: the events page alone brings the data grid.
const OverviewPage = lazy(() => import('./report/overview/OverviewPage.js'));
const DenialsPage = lazy(() => import('./report/denials/DenialsPage.js'));
const EventsPage = lazy(() => import('./report/events/EventsPage.js'));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // A refusal will not change on retry; a network hiccup may.
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

const theme = createTheme({ palette: { primary: { main: '#1f5fa8' } } });

function RequireLogin({ children }: { children: ReactNode }) {
  const { session } = useAuth();
  const location = useLocation();
  if (!session) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return children;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ThemeProvider theme={theme}>
        <CssBaseline />
        <AuthProvider>
          <BrowserRouter>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
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
        </AuthProvider>
      </ThemeProvider>
    </QueryClientProvider>
  </StrictMode>,
);
