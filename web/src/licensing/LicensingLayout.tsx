import { useState } from 'react';
import { Box, Button, Container, Tab, Tabs, TextField } from '@mui/material';
import { Link, Outlet, useLocation, useNavigate } from 'react-router';
import { BackOfficeBar } from '../app/BackOfficeBar.js';
import { usePageTitle } from '../app/page-title.js';
import { MAIN_ID } from '../app/SkipLink.js';

const PAGES = [
  { path: '/licensing/products', label: 'Products' },
  { path: '/licensing/entitlements', label: 'Entitlements' },
  { path: '/licensing/cloud-instances', label: 'Cloud instances' },
  { path: '/licensing/offline', label: 'Offline requests' },
  { path: '/licensing/users', label: 'Users' },
] as const;

/** The licensing area's frame: its pages, and a box that opens an activation ID. */
export function LicensingLayout() {
  const { pathname } = useLocation();
  const page = PAGES.find((p) => pathname.startsWith(p.path));
  const current = page?.path ?? false;
  usePageTitle(...(page ? [page.label] : pathname.startsWith('/licensing/activation-ids/') ? ['Activation ID'] : []), 'Licensing');
  return (
    <Box sx={{ minHeight: '100vh' }}>
      <BackOfficeBar area="licensing" />
      <Container component="main" id={MAIN_ID} tabIndex={-1} maxWidth="xl" sx={{ py: 2, '&:focus': { outline: 'none' } }}>
        <Box sx={{ display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: 1, borderBottom: 1, borderColor: 'divider', mb: 2 }}>
          <Tabs value={current} variant="scrollable" allowScrollButtonsMobile sx={{ flexGrow: 1, minWidth: 0 }}>
            {PAGES.map((p) => (
              <Tab key={p.path} value={p.path} label={p.label} component={Link} to={p.path} />
            ))}
          </Tabs>
          <ActivationIdSearch />
        </Box>
        <Outlet />
      </Container>
    </Box>
  );
}

/** Opens an activation ID as the customer or the welcome email gives it. */
function ActivationIdSearch() {
  const navigate = useNavigate();
  const [id, setId] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <Box
      component="form"
      role="search"
      aria-label="Open an activation ID"
      sx={{ display: 'flex', gap: 1, alignItems: 'flex-start', py: 1, width: { xs: '100%', sm: 'auto' } }}
      onSubmit={(e) => {
        e.preventDefault();
        const wanted = id.trim();
        if (wanted === '') {
          setProblem('Enter an activation ID.');
          return;
        }
        setProblem(null);
        void navigate(`/licensing/activation-ids/${encodeURIComponent(wanted)}`);
      }}
    >
      <TextField
        size="small"
        label="Activation ID"
        placeholder="ACT-…"
        value={id}
        onChange={(e) => setId(e.target.value)}
        error={problem !== null}
        helperText={problem ?? undefined}
        sx={{ flexGrow: 1, minWidth: 180 }}
      />
      <Button type="submit" variant="outlined">
        Open
      </Button>
    </Box>
  );
}
