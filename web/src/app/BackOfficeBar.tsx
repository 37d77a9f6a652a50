import { AppBar, Box, Button, Toolbar, Typography } from '@mui/material';
import { Link } from 'react-router';
import { useAuth } from '../api/auth.js';
import { ColorModeSwitch } from './ColorModeSwitch.js';
import { SkipLink } from './SkipLink.js';

const AREAS = [
  { area: 'report', label: 'Usage and Denials', to: '/' },
  { area: 'licensing', label: 'Licensing', to: '/licensing' },
] as const;

/** The back office's top bar: a skip link, its two areas (the report, licensing), the theme, the user and Log out. */
export function BackOfficeBar({ area }: { area: (typeof AREAS)[number]['area'] }) {
  const auth = useAuth();
  return (
    <>
    <SkipLink />
    <AppBar position="static" elevation={0} component="header">
      <Toolbar sx={{ gap: { xs: 0.5, sm: 2 }, flexWrap: 'wrap' }}>
        <Box component="nav" aria-label="Back office areas" sx={{ display: 'flex', gap: { xs: 0, sm: 1 }, flexGrow: 1, flexWrap: 'wrap' }}>
          {AREAS.filter((a) => a.area === 'report' || auth.session?.role !== 'account-viewer').map((a) => (
            <Button
              key={a.area}
              component={Link}
              to={a.to}
              color="inherit"
              aria-current={a.area === area ? 'page' : undefined}
              sx={{ fontSize: { xs: '0.95rem', sm: '1.15rem' }, fontWeight: a.area === area ? 600 : 400, textTransform: 'none', opacity: a.area === area ? 1 : 0.8, borderBottom: 2, borderColor: a.area === area ? 'currentColor' : 'transparent', borderRadius: 0 }}
            >
              {a.label}
            </Button>
          ))}
        </Box>
        <Typography variant="body2" sx={{ display: { xs: 'none', sm: 'block' } }}>
          {auth.session?.user}
        </Typography>
        <ColorModeSwitch />
        <Button color="inherit" onClick={() => void auth.logout()}>
          Log out
        </Button>
      </Toolbar>
    </AppBar>
    </>
  );
}
