import { useState } from 'react';
import {
  Box,
  Button,
  Checkbox,
  Chip,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  Divider,
  FormControlLabel,
  IconButton,
  List,
  ListItem,
  ListItemText,
  Menu,
  MenuItem,
  TextField,
  Tooltip,
  Typography,
} from '@mui/material';
import { useLocation, useNavigate } from 'react-router';
import { ApiError } from '../../api/client.js';
import { useFeedback } from '../../components/feedback.js';
import type { ReportView } from './views-api.js';
import { pageOf, pagePath, useViewChanges, useViews, viewLink } from './views-api.js';

const fieldError = (error: unknown, field: string) => (error instanceof ApiError ? error.details.find((d) => d.field.endsWith(field))?.message : undefined);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Copies a view's link, or shows it when the browser may not write the clipboard (plain HTTP). */
function useCopyLink() {
  const feedback = useFeedback();
  const notify = (text: string, severity?: 'success' | 'info') => feedback.notify(text, severity);
  return (view: ReportView) => {
    const link = viewLink(view.id);
    const shown = () => notify(`Link to ${view.name}: ${link}`, 'info');
    if (!navigator.clipboard) return shown();
    navigator.clipboard.writeText(link).then(() => notify(`Link to ${view.name} copied.`), shown);
  };
}

/** Names the page as it is now filtered, sorted and grouped; shared, every user can open it. */
function SaveDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { pathname, search } = useLocation();
  const { save } = useViewChanges();
  const copy = useCopyLink();
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const close = () => {
    save.reset();
    setName('');
    setShared(false);
    onClose();
  };
  const submit = (e: { preventDefault(): void }) => {
    e.preventDefault();
    save.mutate({ name, page: pageOf(pathname), query: search, shared });
  };
  const saved = save.data;
  return (
    <Dialog open={open} onClose={close} fullWidth maxWidth="xs">
      <form onSubmit={submit} noValidate>
        <DialogTitle>{saved ? 'View saved' : 'Save this view'}</DialogTitle>
        <DialogContent>
          {saved ? (
            <>
              <Typography>
                <b>{saved.name}</b> opens this page with these filters at
              </Typography>
              <TextField value={viewLink(saved.id)} fullWidth size="small" margin="dense" slotProps={{ htmlInput: { readOnly: true, 'aria-label': 'Link to the view' } }} onFocus={(e) => e.target.select()} />
            </>
          ) : (
            <>
              <TextField
                autoFocus
                label="Name"
                value={name}
                onChange={(e) => setName(e.target.value)}
                fullWidth
                margin="dense"
                required
                slotProps={{ htmlInput: { maxLength: 100 } }}
                error={fieldError(save.error, 'name') !== undefined}
                helperText={fieldError(save.error, 'name') ?? 'The page, its filters, columns and sort are saved.'}
              />
              <FormControlLabel control={<Checkbox checked={shared} onChange={(e) => setShared(e.target.checked)} />} label="Share with every user" />
              {save.isError && fieldError(save.error, 'name') === undefined && (
                <Typography color="error" role="alert">
                  {messageOf(save.error)}
                </Typography>
              )}
            </>
          )}
        </DialogContent>
        <DialogActions>
          {saved ? (
            <>
              <Button onClick={() => copy(saved)}>Copy link</Button>
              <Button onClick={close} variant="contained">
                Done
              </Button>
            </>
          ) : (
            <>
              <Button onClick={close}>Cancel</Button>
              <Button type="submit" variant="contained" disabled={save.isPending || name.trim() === ''}>
                Save
              </Button>
            </>
          )}
        </DialogActions>
      </form>
    </Dialog>
  );
}

/** One view in the manager: open, copy its link; its owner also renames, shares and deletes it. */
function ViewRow({ view, onOpen }: { view: ReportView; onOpen: (view: ReportView) => void }) {
  const { change, remove } = useViewChanges();
  const feedback = useFeedback();
  const notify = (text: string) => feedback.notify(text, 'error');
  const copy = useCopyLink();
  const [name, setName] = useState<string | null>(null);
  const rename = (e: { preventDefault(): void }) => {
    e.preventDefault();
    change.mutate({ id: view.id, name: name! }, { onSuccess: () => setName(null) });
  };
  const del = async () => {
    if (await feedback.confirm({ title: `Delete the view ${view.name}?`, text: 'Its link stops working for everyone.', action: 'Delete view' })) {
      remove.mutate(view.id, { onError: (e) => notify(messageOf(e)) });
    }
  };
  if (name !== null) {
    return (
      <ListItem component="form" onSubmit={rename} sx={{ gap: 1 }}>
        <TextField
          autoFocus
          size="small"
          label="New name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          fullWidth
          error={change.isError}
          helperText={change.isError ? (fieldError(change.error, 'name') ?? messageOf(change.error)) : undefined}
        />
        <Button type="submit" disabled={change.isPending}>
          Rename
        </Button>
        <Button onClick={() => setName(null)}>Cancel</Button>
      </ListItem>
    );
  }
  return (
    <ListItem divider sx={{ flexWrap: 'wrap', gap: 1 }}>
      <ListItemText primary={view.name} secondary={`${view.page}${view.mine ? '' : ` · saved by ${view.owner}`}`} sx={{ minWidth: 160 }} />
      {view.shared && <Chip size="small" label="Shared" />}
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5 }}>
        <Button size="small" onClick={() => onOpen(view)}>
          Open
        </Button>
        <Button size="small" onClick={() => copy(view)}>
          Copy link
        </Button>
        {view.mine && (
          <>
            <Button size="small" onClick={() => setName(view.name)}>
              Rename
            </Button>
            <Button size="small" onClick={() => change.mutate({ id: view.id, shared: !view.shared }, { onError: (e) => notify(messageOf(e)) })}>
              {view.shared ? 'Stop sharing' : 'Share'}
            </Button>
            <Tooltip title={`Delete ${view.name}`}>
              <IconButton size="small" aria-label={`Delete ${view.name}`} onClick={() => void del()}>
                ×
              </IconButton>
            </Tooltip>
          </>
        )}
      </Box>
    </ListItem>
  );
}

/** The report's saved views: save the page as it is, open one, and manage them. */
export function ViewsMenu() {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [saving, setSaving] = useState(false);
  const [managing, setManaging] = useState(false);
  const views = useViews();
  const navigate = useNavigate();
  const open = (view: ReportView) => {
    setAnchor(null);
    setManaging(false);
    void navigate({ pathname: pagePath(view.page), search: view.query ? `?${view.query}` : '' });
  };
  const items = views.data ?? [];
  return (
    <>
      <Button variant="outlined" size="small" onClick={(e) => setAnchor(e.currentTarget)} aria-haspopup="menu">
        Views
      </Button>
      <Menu anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
        <MenuItem
          onClick={() => {
            setAnchor(null);
            setSaving(true);
          }}
        >
          Save current view as…
        </MenuItem>
        <Divider />
        {items.length === 0 && <MenuItem disabled>{views.isError ? 'Views cannot be listed now' : views.isPending ? 'Loading views…' : 'No saved views yet'}</MenuItem>}
        {items.map((v) => (
          <MenuItem key={v.id} onClick={() => open(v)}>
            <ListItemText primary={v.name} secondary={v.mine ? (v.shared ? 'Shared' : undefined) : `by ${v.owner}`} />
          </MenuItem>
        ))}
        {items.length > 0 && <Divider />}
        {items.length > 0 && (
          <MenuItem
            onClick={() => {
              setAnchor(null);
              setManaging(true);
            }}
          >
            Manage views…
          </MenuItem>
        )}
      </Menu>
      <SaveDialog open={saving} onClose={() => setSaving(false)} />
      <Dialog open={managing} onClose={() => setManaging(false)} fullWidth maxWidth="md">
        <DialogTitle>Saved views</DialogTitle>
        <DialogContent>
          <List dense>
            {items.map((v) => (
              <ViewRow key={v.id} view={v} onOpen={open} />
            ))}
          </List>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setManaging(false)}>Close</Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
