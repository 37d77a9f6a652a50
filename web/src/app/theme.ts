import { useMemo } from 'react';
import { createTheme, useColorScheme } from '@mui/material';
import { THEME_COLORS } from './theme-colors.js';

/**
 * The light and the dark theme of both apps. Which one shows follows the system
 * (`prefers-color-scheme`) until the user picks one; the choice is kept in local storage.
 */
export const theme = createTheme({
  colorSchemes: {
    light: { palette: { primary: { main: THEME_COLORS.light.primary }, background: { default: THEME_COLORS.light.background, paper: THEME_COLORS.light.paper } } },
    dark: { palette: { primary: { main: THEME_COLORS.dark.primary }, background: { default: THEME_COLORS.dark.background, paper: THEME_COLORS.dark.paper } } },
  },
  components: {
    // The dark theme lightens raised paper by default; cards and menus keep the paper colour the
    // charts' colours are checked against.
    MuiPaper: { styleOverrides: { root: { backgroundImage: 'none' } } },
  },
});

/** Where the user's choice (system, light or dark) is kept. */
export const COLOR_MODE_KEY = 'tally.color-mode';

/** Whether the page shows the dark scheme now (the system's when following it), for charts to follow. */
export function useChartScheme(): { dark: boolean } {
  const { mode, systemMode } = useColorScheme();
  const dark = (mode === 'system' ? systemMode : mode) === 'dark';
  return useMemo(() => ({ dark }), [dark]);
}
