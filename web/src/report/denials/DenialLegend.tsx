import { Box } from '@mui/material';
import { useDenialLook } from './denial-colors.js';

/** The legend of a denials chart: every code shown, wrapping onto as many lines as it takes (never paged). */
export function DenialLegend({ codes }: { codes: number[] }) {
  const look = useDenialLook();
  return (
    <Box component="ul" aria-label="Legend" sx={{ display: 'flex', flexWrap: 'wrap', justifyContent: 'center', gap: 0.5, columnGap: 2, listStyle: 'none', m: 0, mt: 1, p: 0 }}>
      {codes.map((code) => (
        <Box component="li" key={code} sx={{ display: 'flex', alignItems: 'center', gap: 0.75, typography: 'body2' }}>
          <Box component="span" aria-hidden sx={{ width: 12, height: 12, borderRadius: '2px', bgcolor: look.color(code), flexShrink: 0 }} />
          {look.label(code)}
        </Box>
      ))}
    </Box>
  );
}
