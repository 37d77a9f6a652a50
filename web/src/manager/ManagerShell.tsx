import { Suspense, useEffect, useState } from 'react';
import {
  Alert,
  AlertTitle,
  AppBar,
  Box,
  Button,
  Chip,
  Divider,
  Drawer,
  Icon,
  IconButton,
  LinearProgress,
  List,
  ListItemButton,
  ListItemIcon,
  ListItemText,
  ListSubheader,
  Toolbar,
  Typography,
} from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { Link, Outlet, useLocation } from 'react-router';
import type { HealthBody } from '../../../src/server/http/health/routes.js';
import { FailoverRoleChip } from './about/failover.js';
import { ApiError, apiJson, instancePath } from '../api/client.js';
import { useAuth } from '../api/auth.js';
import { routeOf } from './access.js';
import { useBranding } from './branding.js';
import { describeTarget, targetOf, useConnection } from './connection.js';
import { MANAGER_VIEWS, VIEW_GROUPS } from './views.js';

const DRAWER = 260;

/** The health of the server managed: whether it can be reached at all, its version and uptime. */
export function useServerHealth() {
  const connection = useConnection();
  return useQuery({
    queryKey: ['health', describeTarget(connection)],
    queryFn: ({ signal }) => apiJson<HealthBody>(instancePath('/health'), { signal }),
    refetchInterval: 30_000,
    retry: false,
  });
}

/** Says, at the top of every view, when the server cannot be reached, what was tried, and the ways out. */
function UnreachableBanner() {
  const connection = useConnection();
  const health = useServerHealth();
  if (!health.isError || (health.error instanceof ApiError && health.error.status !== 0 && health.error.status < 500)) return null;
  const status = health.error instanceof ApiError ? health.error.status : 0;
  const crossOrigin = targetOf(connection).origin !== '';
  return (
    <Alert severity="error" data-testid="unreachable" sx={{ mb: 2, '& .MuiAlert-message': { minWidth: 0, overflowWrap: 'anywhere' } }}>
      <AlertTitle>The license server cannot be reached</AlertTitle>
      Tried <strong>{describeTarget(connection)}/health</strong>: {status === 0 ? 'no answer' : `it answered ${status}`}. Check that the server is running and that
      Settings name the right host, {connection.kind === 'cloud' ? 'instance ID' : 'port'} and HTTPS.
      {crossOrigin && status === 0 && ` A server other than ${window.location.origin} must also list that origin in its security.corsOrigins property.`}
      <Box sx={{ display: 'flex', gap: 1, mt: 1 }}>
        <Button variant="outlined" color="inherit" size="small" disabled={health.isFetching} onClick={() => void health.refetch()}>
          {health.isFetching ? 'Retrying…' : 'Retry'}
        </Button>
        <Button variant="outlined" color="inherit" size="small" component={Link} to="/settings">
          Settings
        </Button>
      </Box>
    </Alert>
  );
}

/** The manager's frame: the navigation (relabelled by branding), who is logged in, and the view. */
export function ManagerShell() {
  const auth = useAuth();
  const branding = useBranding();
  const health = useServerHealth();
  const connection = useConnection();
  const { pathname, search } = useLocation();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    document.title = branding.productName;
  }, [branding.productName]);
  const views = MANAGER_VIEWS.filter((v) => !v.needs || !auth.session || auth.may(v.needs.method, routeOf(v.needs.path)));
  const nav = (
    <Box component="nav" aria-label="Views" sx={{ width: DRAWER }}>
      {(Object.keys(VIEW_GROUPS) as Array<keyof typeof VIEW_GROUPS>).map((group) => (
        <List key={group} dense subheader={<ListSubheader component="div">{VIEW_GROUPS[group]}</ListSubheader>}>
          {views
            .filter((v) => v.group === group)
            .map((v) => {
              const brand = branding.views[v.key];
              return (
                <ListItemButton key={v.key} component={Link} to={`/${v.path}`} selected={pathname === `/${v.path}` || pathname.startsWith(`/${v.path}/`)} onClick={() => setOpen(false)}>
                  <ListItemIcon>
                    <Icon aria-hidden>{brand?.icon ?? v.icon}</Icon>
                  </ListItemIcon>
                  <ListItemText primary={brand?.label ?? v.label} />
                </ListItemButton>
              );
            })}
        </List>
      ))}
    </Box>
  );
  return (
    <Box sx={{ display: 'flex', minHeight: '100vh' }}>
      <AppBar position="fixed" elevation={0} sx={{ zIndex: (t) => t.zIndex.drawer + 1 }}>
        <Toolbar sx={{ gap: 1 }}>
          <IconButton color="inherit" edge="start" aria-label="Open the navigation" onClick={() => setOpen(true)} sx={{ display: { md: 'none' } }}>
            <Icon>menu</Icon>
          </IconButton>
          {branding.logoUrl && <Box component="img" src={branding.logoUrl} alt="" sx={{ height: 32, maxWidth: 120, objectFit: 'contain' }} />}
          <Typography variant="h6" component="div" sx={{ flexGrow: 1 }} noWrap>
            {branding.productName}
          </Typography>
          {/* A back office hosts many instances: which one this is stays in sight. */}
          {connection.kind === 'cloud' && connection.instanceId && (
            <Chip size="small" data-testid="cloud-instance" label={`Cloud instance ${connection.instanceId}`} sx={{ bgcolor: 'action.selected', flexShrink: 1, minWidth: 0 }} />
          )}
          <FailoverRoleChip failover={health.data?.failover} />
          {auth.session ? (
            <>
              <Typography variant="body2" sx={{ display: { xs: 'none', sm: 'block' } }} data-testid="who">
                {auth.session.user} ({auth.session.role})
              </Typography>
              <Button color="inherit" onClick={() => void auth.logout()} sx={{ flexShrink: 0, whiteSpace: 'nowrap' }}>
                Log out
              </Button>
            </>
          ) : (
            <Button color="inherit" component={Link} to="/login" state={{ from: pathname + search }} sx={{ flexShrink: 0, whiteSpace: 'nowrap' }}>
              Log in
            </Button>
          )}
        </Toolbar>
      </AppBar>
      <Drawer variant="temporary" open={open} onClose={() => setOpen(false)} sx={{ display: { md: 'none' } }}>
        <Toolbar />
        {nav}
      </Drawer>
      <Drawer variant="permanent" sx={{ display: { xs: 'none', md: 'block' }, width: DRAWER, flexShrink: 0, '& .MuiDrawer-paper': { width: DRAWER } }}>
        <Toolbar />
        <Divider />
        {nav}
      </Drawer>
      <Box component="main" sx={{ flexGrow: 1, minWidth: 0, p: { xs: 1.5, sm: 3 } }}>
        <Toolbar />
        <UnreachableBanner />
        <Suspense fallback={<LinearProgress data-state="loading" />}>
          <Outlet />
        </Suspense>
      </Box>
    </Box>
  );
}
