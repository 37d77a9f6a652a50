import { Box, Container, Tab, Tabs, Typography } from '@mui/material';
import { visuallyHidden } from '../app/visually-hidden.js';
import { Link, Outlet, useLocation } from 'react-router';
import { BackOfficeBar } from '../app/BackOfficeBar.js';
import { usePageTitle } from '../app/page-title.js';
import { MAIN_ID } from '../app/SkipLink.js';
import { ExportMenu } from './ExportMenu.js';
import { FilterBar } from './FilterBar.js';
import { FilterChips } from './FilterChips.js';
import { useReportFilters, writeFilters } from './filters.js';
import { usePrefetch } from './hooks.js';
import { ViewsMenu } from './views/ViewsMenu.js';
import type { ReportPageName } from './page-requests.js';
import { pageRequests } from './page-requests.js';

const PAGES: Array<{ path: string; label: string; page: ReportPageName }> = [
  { path: '/', label: 'Overview', page: 'overview' },
  { path: '/denials', label: 'Denials', page: 'denials' },
  { path: '/events', label: 'All events', page: 'events' },
  { path: '/sessions', label: 'Sessions', page: 'sessions' },
  { path: '/utilization', label: 'Utilization', page: 'utilization' },
];

/** The report's frame: pages, the filters shared by every page, their chips, and export. */
export function ReportLayout() {
  const { filters, params } = useReportFilters();
  const { pathname } = useLocation();
  // Moving between pages keeps the filters (and drops what belongs to one page, like its sort).
  const search = `?${writeFilters(filters).toString()}`;
  const current = PAGES.find((p) => p.path === pathname) ?? PAGES[0]!;
  usePrefetch(pageRequests(current.page, filters, params));
  usePageTitle(current.label, 'Usage and Denials');
  return (
    <Box sx={{ minHeight: '100vh' }}>
      <BackOfficeBar area="report" />
      <Container component="main" id={MAIN_ID} tabIndex={-1} maxWidth="xl" sx={{ py: 2, '&:focus': { outline: 'none' } }}>
        {/* The tabs say which page this is; the heading says it to a screen reader's list of headings. */}
        <Typography component="h1" sx={visuallyHidden}>
          Usage and Denials: {current.label}
        </Typography>
        <Box sx={{ display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: 1, borderBottom: 1, borderColor: 'divider', mb: 2 }}>
          <Tabs value={current.path} variant="scrollable" allowScrollButtonsMobile sx={{ flexGrow: 1 }}>
            {PAGES.map((p) => (
              <Tab key={p.path} value={p.path} label={p.label} component={Link} to={{ pathname: p.path, search }} />
            ))}
          </Tabs>
          <ViewsMenu />
          <ExportMenu page={current.page} />
        </Box>
        <FilterBar />
        <FilterChips />
        <Outlet />
      </Container>
    </Box>
  );
}
