import { useState } from 'react';
import { Box, Button, Paper, TextField, Typography } from '@mui/material';
import { useFeedback } from '../../components/feedback.js';
import { fieldProblem, FormRefusal, problemsOf } from '../form-problems.js';
import type { Problems } from '../form-problems.js';
import type { ActivationIdView } from '../licensing-api.js';
import { useChangeLineItem } from '../licensing-api.js';
import { isDate } from '../licensing-text.js';

/** Add counts or renew: a new quantity (never below what is activated) or a new expiry. */
export function LineItemChangeForm({ view }: { view: ActivationIdView }) {
  const feedback = useFeedback();
  const change = useChangeLineItem(view.activationId);
  const [quantity, setQuantity] = useState(String(view.quantity));
  const [expiry, setExpiry] = useState(view.expiry ?? '');
  const [problems, setProblems] = useState<Problems>({});

  const submit = async () => {
    const found: Problems = {};
    const q = quantity.trim();
    const e = expiry.trim();
    if (!/^\d+$/.test(q) || Number(q) < 1) found.quantity = 'must be a whole number, at least 1';
    else if (Number(q) < view.activated) found.quantity = `must be at least ${view.activated}, the counts activated: take counts back first`;
    if (e !== '' && e !== 'permanent' && !isDate(e)) found.expiry = 'must be a date (YYYY-MM-DD), "permanent", or empty for the product term';
    setProblems(found);
    change.reset();
    if (Object.keys(found).length > 0) return;
    const body: { quantity?: number; expiry?: string | null } = {};
    if (Number(q) !== view.quantity) body.quantity = Number(q);
    if ((e === '' ? null : e) !== view.expiry) body.expiry = e === '' ? null : e;
    if (Object.keys(body).length === 0) {
      feedback.notify('Nothing changed: give a new quantity or expiry.', 'info');
      return;
    }
    try {
      const after = await change.mutateAsync(body);
      feedback.notify(`${after.activationId} now has a quantity of ${after.quantity}, expiry ${after.expiry ?? 'by the product term'}; servers get it at their next exchange.`);
    } catch (err) {
      setProblems(problemsOf(err));
    }
  };

  return (
    <Paper variant="outlined" component="form" noValidate aria-labelledby="line-item-change" sx={{ p: 2, display: 'grid', gap: 1.5 }} onSubmit={(ev) => { ev.preventDefault(); void submit(); }}>
      <Typography variant="h6" component="h2" id="line-item-change">
        Add counts or renew
      </Typography>
      <Box sx={{ display: 'flex', gap: 1.5, flexWrap: 'wrap', alignItems: 'flex-start' }}>
        <TextField
          label="Quantity"
          size="small"
          value={quantity}
          onChange={(ev) => setQuantity(ev.target.value)}
          slotProps={{ htmlInput: { inputMode: 'numeric' } }}
          sx={{ width: { xs: '100%', sm: 160 } }}
          {...fieldProblem(problems, 'quantity')}
        />
        <TextField
          label="Expiry"
          size="small"
          placeholder="YYYY-MM-DD or permanent"
          value={expiry}
          onChange={(ev) => setExpiry(ev.target.value)}
          sx={{ width: { xs: '100%', sm: 300 } }}
          {...(problems.expiry ? fieldProblem(problems, 'expiry') : { helperText: 'a date, permanent, or empty for the product term' })}
        />
        <Button type="submit" variant="contained" disabled={change.isPending}>
          Save
        </Button>
      </Box>
      <FormRefusal error={change.error} title="The activation ID was not changed" />
    </Paper>
  );
}
