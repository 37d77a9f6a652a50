import { Alert, Icon, List, ListItemButton, ListItemIcon, ListItemText, Typography } from '@mui/material';
import type { TextMark } from './ModelEditor.js';

/** Each problem of a refused definition with its line and column; choosing one puts the caret there. */
export function DefinitionProblems({ heading, testId, problems, onPick }: { heading: string; testId: string; problems: TextMark[]; onPick: (p: TextMark) => void }) {
  return (
    <Alert severity="error" data-testid={`${testId}-problems`} sx={{ '& .MuiAlert-message': { width: '100%' } }}>
      <Typography variant="body2" sx={{ fontWeight: 600 }}>
        {heading}
      </Typography>
      <List dense disablePadding>
        {problems.map((p, i) => (
          <ListItemButton key={i} onClick={() => onPick(p)} sx={{ px: 1, borderRadius: 1 }} data-testid={`${testId}-problem`}>
            <ListItemIcon sx={{ minWidth: 32 }}>
              <Icon aria-hidden color="error">
                error_outline
              </Icon>
            </ListItemIcon>
            <ListItemText primary={`Line ${p.line}, column ${p.column}`} secondary={p.message} slotProps={{ secondary: { sx: { overflowWrap: 'anywhere' } } }} />
          </ListItemButton>
        ))}
      </List>
    </Alert>
  );
}
