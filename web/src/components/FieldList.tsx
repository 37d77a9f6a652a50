import type { ReactNode } from 'react';
import { Box, Typography } from '@mui/material';

/** Named values of one thing (a record, a device), as a description list that wraps on a phone. */
export function FieldList({ fields, testId }: { fields: Array<{ label: string; value: ReactNode; note?: string }>; testId?: string }) {
  return (
    <Box
      component="dl"
      data-testid={testId}
      sx={{ display: 'grid', gridTemplateColumns: { xs: 'minmax(0, 1fr)', sm: 'max-content minmax(0, 1fr)' }, columnGap: 3, rowGap: { xs: 0, sm: 1 }, m: 0 }}
    >
      {fields.map((f) => (
        <Box key={f.label} sx={{ display: 'contents' }}>
          <Typography component="dt" variant="body2" color="text.secondary" sx={{ fontWeight: 500, pt: { xs: 1, sm: 0 } }}>
            {f.label}
          </Typography>
          <Typography component="dd" variant="body2" sx={{ m: 0, overflowWrap: 'anywhere' }}>
            {f.value}
            {f.note && (
              <Typography component="span" variant="caption" color="text.secondary" sx={{ display: 'block' }}>
                {f.note}
              </Typography>
            )}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}
