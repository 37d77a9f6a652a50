import { cloneElement } from 'react';
import type { ReactElement } from 'react';
import { Box, Tooltip } from '@mui/material';
import { useAuth } from '../api/auth.js';

/**
 * The route as the session's `may` list names it: an instance-relative path (`/users/:name`)
 * or a full API path (`/api/1.0/instances/<id>/users/:name`).
 */
export function routeOf(path: string): string {
  return path.startsWith('/api/') ? path : `/api/1.0/instances/~${path}`;
}

/** Whether the session's role may call `METHOD path` (the route as declared, with `:param`). */
export function useMay(method: string, path: string): boolean {
  return useAuth().may(method, routeOf(path));
}

/** The text a disabled control shows for a role that may not use it. */
export function notAllowedText(role: string | undefined): string {
  return `Your role${role ? ` (${role})` : ''} may not do this; ask an administrator.`;
}

export interface AllowedProps {
  method: string;
  /** Instance-relative (`/users/:name`) or full API path, with `:param` as the server declares it. */
  path: string;
  /** A control that takes `disabled` (a Button, IconButton, Switch, TextField…). */
  children: ReactElement<{ disabled?: boolean }>;
  /** Leave the control out instead of showing it disabled. */
  hide?: boolean;
  /** Another reason the control may not be used now (the last administrator, say): shown the same way. */
  because?: string | false | null;
  /** The control's own tooltip, while it may be used. */
  title?: string;
}

/**
 * A control that changes something, as the session's role sees it: itself when the role may
 * call the route, else disabled with a tooltip saying why (or left out with `hide`). A server
 * refusal (403) still says "access denied" where the action reports its outcome.
 */
export function Allowed({ method, path, children, hide, because, title }: AllowedProps) {
  const auth = useAuth();
  const allowed = auth.may(method, routeOf(path));
  const reason = !allowed ? notAllowedText(auth.session?.role) : because || null;
  if (!reason) return title ? <Tooltip title={title}>{children}</Tooltip> : children;
  if (hide && !allowed) return null;
  return (
    <Tooltip title={reason}>
      {/* A disabled button fires no pointer events: the wrapper carries the tooltip. */}
      <Box component="span" sx={{ display: 'inline-flex' }} tabIndex={0} data-testid="not-allowed">
        {cloneElement(children, { disabled: true })}
      </Box>
    </Tooltip>
  );
}
