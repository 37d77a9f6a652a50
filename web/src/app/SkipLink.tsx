import { Link } from '@mui/material';

/** The id of every page's main landmark, where the skip link goes. */
export const MAIN_ID = 'main-content';

/** "Skip to content": first in the tab order, hidden until focused, moves focus into the page's main content. */
export function SkipLink() {
  return (
    <Link
      href={`#${MAIN_ID}`}
      onClick={(e) => {
        e.preventDefault();
        document.getElementById(MAIN_ID)?.focus();
      }}
      sx={{
        position: 'absolute',
        left: 8,
        top: -48,
        zIndex: (t) => t.zIndex.tooltip + 1,
        p: 1,
        bgcolor: 'background.paper',
        color: 'primary.main',
        border: 2,
        borderColor: 'primary.main',
        borderRadius: 1,
        '&:focus': { top: 8 },
      }}
    >
      Skip to content
    </Link>
  );
}
