import { Box, Button, FormHelperText, MenuItem, Paper, TextField, Typography } from '@mui/material';
import { Link, useNavigate } from 'react-router';
import { useAuth } from '../../api/auth.js';
import { AccessDenied } from '../../components/QueryState.js';
import { useFeedback } from '../../components/feedback.js';
import { FormRefusal, useDraft } from '../form-problems.js';
import type { Problems } from '../form-problems.js';
import { LICENSING_ROUTES, useAccounts, useAddEntitlement, useProductChoices } from '../licensing-api.js';
import { isCatalogId, isDate } from '../licensing-text.js';
import { entitlementPath } from './EntitlementsPage.js';

interface LineDraft {
  key: number;
  productId: string;
  quantity: string;
  activationId: string;
  start: string;
  expiry: string;
}

interface EntitlementDraft {
  accountId: string;
  name: string;
  lineItems: LineDraft[];
}

let nextKey = 1;
const newLine = (): LineDraft => ({ key: nextKey++, productId: '', quantity: '1', activationId: '', start: '', expiry: '' });

/** What the form can tell before sending, by the field paths the API uses. */
function checkEntitlement(d: EntitlementDraft): Problems {
  const p: Problems = {};
  if (d.accountId === '') p.accountId = 'choose the account to entitle';
  const seen = new Set<string>();
  d.lineItems.forEach((l, i) => {
    const at = `lineItems.${i}`;
    if (l.productId === '') p[`${at}.productId`] = 'choose a product';
    if (!/^\d+$/.test(l.quantity.trim()) || Number(l.quantity) < 1) p[`${at}.quantity`] = 'must be a whole number, at least 1';
    const id = l.activationId.trim();
    if (id !== '' && !isCatalogId(id)) p[`${at}.activationId`] = 'must be 1-64 letters, digits, dots, dashes, colons or underscores';
    else if (id !== '' && seen.has(id)) p[`${at}.activationId`] = `${id} is used twice`;
    seen.add(id);
    if (l.start !== '' && !isDate(l.start)) p[`${at}.start`] = 'must be a date (YYYY-MM-DD)';
    if (l.expiry !== '' && !isDate(l.expiry)) p[`${at}.expiry`] = 'must be a date (YYYY-MM-DD)';
    else if (l.start !== '' && l.expiry !== '' && l.expiry <= l.start) p[`${at}.expiry`] = 'must be after start';
  });
  return p;
}

/** The New entitlement form: an account, a name, and line items of products and quantities. */
export default function EntitlementForm() {
  const auth = useAuth();
  const navigate = useNavigate();
  const feedback = useFeedback();
  const accounts = useAccounts();
  const products = useProductChoices();
  const add = useAddEntitlement();
  const { draft, problems, set, setLine, field, submit: send } = useDraft<EntitlementDraft, 'lineItems'>({ accountId: '', name: '', lineItems: [newLine()] }, 'lineItems');
  if (!auth.may(...LICENSING_ROUTES.addEntitlement)) return <AccessDenied message="Only an administrator may entitle accounts." />;

  const submit = () => {
    add.reset();
    return send(checkEntitlement, async () => {
      const entitlement = await add.mutateAsync({
        accountId: draft.accountId,
        name: draft.name.trim() === '' ? null : draft.name.trim(),
        lineItems: draft.lineItems.map((l) => ({
          productId: l.productId,
          quantity: Number(l.quantity),
          ...(l.activationId.trim() === '' ? {} : { activationId: l.activationId.trim() }),
          start: l.start === '' ? null : l.start,
          expiry: l.expiry === '' ? null : l.expiry,
        })),
      });
      feedback.notify(`Added entitlement ${entitlement.id}.`);
      void navigate(entitlementPath(entitlement.id), { state: { created: true } });
    }, () => feedback.notify('Nothing was added: correct the fields marked first.', 'error'));
  };

  const accountChoices = accounts.data?.items ?? [];
  const productChoices = products.data?.items ?? [];
  return (
    <Paper variant="outlined" component="form" noValidate aria-labelledby="entitlement-form-title" sx={{ p: { xs: 1.5, sm: 2 }, display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 2, maxWidth: 1100 }} onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <Typography variant="h5" component="h1" id="entitlement-form-title">
        New entitlement
      </Typography>
      <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr' } }}>
        <TextField
          select
          required
          label="Account"
          size="small"
          value={draft.accountId}
          onChange={(e) => set({ accountId: e.target.value })}
          {...(accounts.isError ? { error: true, helperText: `Could not load the accounts: ${accounts.error.message}` } : field('accountId'))}
        >
          {accountChoices.length === 0 && (
            <MenuItem value="" disabled>
              {accounts.isPending ? 'Loading…' : 'No accounts yet: add one first (tally backoffice account add)'}
            </MenuItem>
          )}
          {accountChoices.map((a) => (
            <MenuItem key={a.id} value={a.id}>
              {a.name} ({a.id})
            </MenuItem>
          ))}
        </TextField>
        <TextField label="Name" placeholder="e.g. Order 4711" size="small" value={draft.name} onChange={(e) => set({ name: e.target.value })} {...field('name')} />
      </Box>
      <Box component="fieldset" sx={{ border: 0, p: 0, m: 0, display: 'grid', gap: 1.5 }}>
        <Typography component="legend" variant="subtitle1" sx={{ mb: 1 }}>
          Line items (an activation ID is made for each line left without one)
        </Typography>
        {draft.lineItems.map((l, i) => (
          <Box key={l.key} data-testid="line-item-draft" sx={{ display: 'grid', gap: 1, alignItems: 'start', gridTemplateColumns: { xs: '1fr 1fr', md: '2fr 0.7fr 1.5fr 1fr 1fr auto' }, pb: { xs: 1.5, md: 0 }, borderBottom: { xs: 1, md: 0 }, borderColor: 'divider' }}>
            <TextField select label="Product" size="small" value={l.productId} onChange={(e) => setLine(i, { productId: e.target.value })} {...field(`lineItems.${i}.productId`)} sx={{ gridColumn: { xs: '1 / -1', md: 'auto' } }}>
              {productChoices.length === 0 && (
                <MenuItem value="" disabled>
                  {products.isPending ? 'Loading…' : 'No products yet: add one first'}
                </MenuItem>
              )}
              {productChoices.map((p) => (
                <MenuItem key={p.id} value={p.id}>
                  {p.name} ({p.id})
                </MenuItem>
              ))}
            </TextField>
            <TextField label="Quantity" size="small" value={l.quantity} onChange={(e) => setLine(i, { quantity: e.target.value })} slotProps={{ htmlInput: { inputMode: 'numeric' } }} {...field(`lineItems.${i}.quantity`)} />
            <TextField label="Activation ID" placeholder="made when empty" size="small" value={l.activationId} onChange={(e) => setLine(i, { activationId: e.target.value })} {...field(`lineItems.${i}.activationId`)} />
            <TextField label="Start" type="date" size="small" value={l.start} onChange={(e) => setLine(i, { start: e.target.value })} slotProps={{ inputLabel: { shrink: true } }} {...field(`lineItems.${i}.start`)} />
            <TextField label="Expiry" type="date" size="small" value={l.expiry} onChange={(e) => setLine(i, { expiry: e.target.value })} slotProps={{ inputLabel: { shrink: true } }} {...(problems[`lineItems.${i}.expiry`] ? field(`lineItems.${i}.expiry`) : { helperText: 'empty: the product term' })} />
            <Button color="error" disabled={draft.lineItems.length === 1} onClick={() => set({ lineItems: draft.lineItems.filter((_, j) => j !== i) })} aria-label={`Remove line item ${i + 1}`} sx={{ mt: 0.25 }}>
              Remove
            </Button>
          </Box>
        ))}
        {problems.lineItems && <FormHelperText error>{problems.lineItems}</FormHelperText>}
        <Box>
          <Button variant="outlined" onClick={() => set({ lineItems: [...draft.lineItems, newLine()] })}>
            + Add line item
          </Button>
        </Box>
      </Box>
      <FormRefusal error={add.error} title="The entitlement was not added" />
      <Box sx={{ display: 'flex', gap: 1, justifyContent: 'flex-end', flexWrap: 'wrap' }}>
        <Button component={Link} to="/licensing/entitlements">
          Cancel
        </Button>
        <Button type="submit" variant="contained" disabled={add.isPending}>
          Add entitlement
        </Button>
      </Box>
    </Paper>
  );
}
