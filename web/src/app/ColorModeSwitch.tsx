import { useState } from 'react';
import { Button, ListItemText, Menu, MenuItem, useColorScheme } from '@mui/material';

const MODES = [
  { mode: 'system', label: 'System' },
  { mode: 'light', label: 'Light' },
  { mode: 'dark', label: 'Dark' },
] as const;

/** The theme switch: follow the system, or always light or dark; remembered on this browser. */
export function ColorModeSwitch() {
  const { mode, setMode } = useColorScheme();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const current = MODES.find((m) => m.mode === (mode ?? 'system')) ?? MODES[0];
  return (
    <>
      <Button color="inherit" aria-haspopup="menu" aria-expanded={anchor !== null} onClick={(e) => setAnchor(e.currentTarget)} sx={{ textTransform: 'none' }}>
        Theme: {current.label}
      </Button>
      <Menu anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
        {MODES.map((m) => (
          <MenuItem
            key={m.mode}
            role="menuitemradio"
            aria-checked={m.mode === current.mode}
            selected={m.mode === current.mode}
            onClick={() => {
              setMode(m.mode);
              setAnchor(null);
            }}
          >
            <ListItemText>{m.mode === 'system' ? 'System (follow the device)' : m.label}</ListItemText>
          </MenuItem>
        ))}
      </Menu>
    </>
  );
}
