/**
 * The page and paper colours of the two themes. Charts and their colours are chosen to read on
 * both (the denial palette's contrast test checks them against these).
 */
export const THEME_COLORS = {
  light: { background: '#f6f7f9', paper: '#ffffff', primary: '#1f5fa8' },
  dark: { background: '#121417', paper: '#1e2024', primary: '#8ab4f8' },
} as const;
