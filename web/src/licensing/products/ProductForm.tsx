import { Box, Button, FormHelperText, MenuItem, Paper, TextField, Typography } from '@mui/material';
import { Link, useNavigate } from 'react-router';
import { useAuth } from '../../api/auth.js';
import { AccessDenied } from '../../components/QueryState.js';
import { useFeedback } from '../../components/feedback.js';
import { FormRefusal, useDraft } from '../form-problems.js';
import type { Problems } from '../form-problems.js';
import { LICENSING_ROUTES, useAddProduct } from '../licensing-api.js';
import { isCatalogId, isTerm } from '../licensing-text.js';

interface FeatureLine {
  key: number;
  name: string;
  version: string;
  count: string;
  model: 'concurrent' | 'metered';
  overdraft: string;
  borrowInterval: string;
}

interface ProductDraft {
  id: string;
  name: string;
  version: string;
  term: string;
  features: FeatureLine[];
}

let nextKey = 1;
const newFeature = (): FeatureLine => ({ key: nextKey++, name: '', version: '1.0', count: '1', model: 'concurrent', overdraft: '0', borrowInterval: '' });

const WHOLE = /^\d+$/;

/** What the form can tell before sending, by the field paths the API uses. */
function checkProduct(d: ProductDraft): Problems {
  const p: Problems = {};
  if (!isCatalogId(d.id.trim())) p.id = 'must be 1-64 letters, digits, dots, dashes, colons or underscores';
  if (d.name.trim() === '') p.name = 'must not be empty';
  if (!isTerm(d.term.trim())) p.term = 'must be "permanent" or a duration such as 30d or 52w';
  const seen = new Set<string>();
  d.features.forEach((f, i) => {
    const at = `features.${i}`;
    if (!/^[A-Za-z0-9_.\- ]{1,128}$/.test(f.name)) p[`${at}.name`] = 'must be 1-128 letters, digits, spaces, dots, dashes or underscores';
    if (!/^\d+\.\d+$/.test(f.version.trim())) p[`${at}.version`] = 'must be an a.b version, e.g. 1.0';
    if (!WHOLE.test(f.count.trim())) p[`${at}.count`] = 'must be a whole number (0 for uncounted)';
    if (!WHOLE.test(f.overdraft.trim())) p[`${at}.overdraft`] = 'must be a whole number';
    if (f.borrowInterval.trim() !== '' && !/^\d+[smhdw]?$/.test(f.borrowInterval.trim())) p[`${at}.borrowInterval`] = 'must be a duration such as 12h or 7d';
    const key = `${f.name}\u0000${f.version.trim()}`;
    if (seen.has(key)) p[`${at}.name`] = `lists ${f.name} ${f.version} twice`;
    seen.add(key);
  });
  if (d.features.length === 0) p.features = 'must list at least one feature';
  return p;
}

/** The Add product form: a product's ID, name, term and its feature lines. */
export default function ProductForm() {
  const auth = useAuth();
  const navigate = useNavigate();
  const feedback = useFeedback();
  const add = useAddProduct();
  const { draft, problems, set, setLine: setFeature, field, submit: send } = useDraft<ProductDraft, 'features'>({ id: '', name: '', version: '', term: 'permanent', features: [newFeature()] }, 'features');
  if (!auth.may(...LICENSING_ROUTES.addProduct)) return <AccessDenied message="Only an administrator may add products." />;

  const submit = () => {
    add.reset();
    return send(checkProduct, async () => {
      const product = await add.mutateAsync({
        id: draft.id.trim(),
        name: draft.name.trim(),
        version: draft.version.trim() === '' ? null : draft.version.trim(),
        term: draft.term.trim(),
        features: draft.features.map((f) => ({
          name: f.name,
          version: f.version.trim(),
          count: Number(f.count),
          counted: Number(f.count) > 0,
          model: f.model,
          overdraft: Number(f.overdraft),
          ...(f.borrowInterval.trim() === '' ? {} : { borrowInterval: f.borrowInterval.trim() }),
        })),
      });
      feedback.notify(`Added product ${product.id}.`);
      void navigate(`/licensing/products/${encodeURIComponent(product.id)}`);
    }, () => feedback.notify('Nothing was added: correct the fields marked first.', 'error'));
  };

  return (
    <Paper variant="outlined" component="form" noValidate aria-labelledby="product-form-title" sx={{ p: { xs: 1.5, sm: 2 }, display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 2, maxWidth: 1100 }} onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <Typography variant="h5" component="h1" id="product-form-title">
        Add product
      </Typography>
      <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', sm: '1fr 2fr 1fr 1fr' } }}>
        <TextField label="Product ID" required size="small" value={draft.id} onChange={(e) => set({ id: e.target.value })} {...field('id')} />
        <TextField label="Name" required size="small" value={draft.name} onChange={(e) => set({ name: e.target.value })} {...field('name')} />
        <TextField label="Version" size="small" value={draft.version} onChange={(e) => set({ version: e.target.value })} {...field('version')} />
        <TextField
          label="Term"
          size="small"
          value={draft.term}
          onChange={(e) => set({ term: e.target.value })}
          {...(problems.term ? field('term') : { helperText: 'permanent, or 365d from activation' })}
        />
      </Box>
      <Box component="fieldset" sx={{ border: 0, p: 0, m: 0, display: 'grid', gap: 1.5 }}>
        <Typography component="legend" variant="subtitle1" sx={{ mb: 1 }}>
          Features (counts are per unit activated)
        </Typography>
        {draft.features.map((f, i) => (
          <Box key={f.key} data-testid="feature-line" sx={{ display: 'grid', gap: 1, alignItems: 'start', gridTemplateColumns: { xs: '1fr 1fr', md: '2fr 0.8fr 1.2fr 0.8fr 0.8fr 1fr auto' }, pb: { xs: 1.5, md: 0 }, borderBottom: { xs: 1, md: 0 }, borderColor: 'divider' }}>
            <TextField label="Feature name" size="small" value={f.name} onChange={(e) => setFeature(i, { name: e.target.value })} {...field(`features.${i}.name`)} sx={{ gridColumn: { xs: '1 / -1', md: 'auto' } }} />
            <TextField label="Version" size="small" value={f.version} onChange={(e) => setFeature(i, { version: e.target.value })} {...field(`features.${i}.version`)} />
            <TextField select label="Model" size="small" value={f.model} onChange={(e) => setFeature(i, { model: e.target.value as FeatureLine['model'] })} {...field(`features.${i}.model`)}>
              <MenuItem value="concurrent">concurrent</MenuItem>
              <MenuItem value="metered">metered</MenuItem>
            </TextField>
            <TextField label="Count" size="small" value={f.count} onChange={(e) => setFeature(i, { count: e.target.value })} slotProps={{ htmlInput: { inputMode: 'numeric' } }} {...field(`features.${i}.count`)} />
            <TextField label="Overdraft" size="small" value={f.overdraft} onChange={(e) => setFeature(i, { overdraft: e.target.value })} slotProps={{ htmlInput: { inputMode: 'numeric' } }} {...field(`features.${i}.overdraft`)} />
            <TextField label="Borrow interval" placeholder="e.g. 7d" size="small" value={f.borrowInterval} onChange={(e) => setFeature(i, { borrowInterval: e.target.value })} {...field(`features.${i}.borrowInterval`)} />
            <Button color="error" disabled={draft.features.length === 1} onClick={() => set({ features: draft.features.filter((_, j) => j !== i) })} aria-label={`Remove feature line ${i + 1}`} sx={{ mt: 0.25 }}>
              Remove
            </Button>
            {problems[`features.${i}`] && <FormHelperText error sx={{ gridColumn: '1 / -1' }}>{problems[`features.${i}`]}</FormHelperText>}
          </Box>
        ))}
        {problems.features && <FormHelperText error>{problems.features}</FormHelperText>}
        <Box>
          <Button variant="outlined" onClick={() => set({ features: [...draft.features, newFeature()] })}>
            + Add feature
          </Button>
        </Box>
      </Box>
      <FormRefusal error={add.error} title="The product was not added" />
      <Box sx={{ display: 'flex', gap: 1, justifyContent: 'flex-end', flexWrap: 'wrap' }}>
        <Button component={Link} to="/licensing/products">
          Cancel
        </Button>
        <Button type="submit" variant="contained" disabled={add.isPending}>
          Add product
        </Button>
      </Box>
    </Paper>
  );
}
