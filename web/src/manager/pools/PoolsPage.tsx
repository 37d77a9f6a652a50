import { Box, Tab, Tabs, Typography } from '@mui/material';
import { Link, Route, Routes, useLocation } from 'react-router';
import { ModelTab } from './ModelTab.js';
import { PoolsTab } from './PoolsTab.js';

/** Named License Pools: the pools tab and the Model tab, each with its own URL. */
export default function PoolsPage() {
  const { pathname } = useLocation();
  const tab = pathname.endsWith('/model') ? 'model' : 'pools';
  return (
    <Box>
      <Typography variant="h5" component="h1" gutterBottom>
        Named License Pools
      </Typography>
      <Tabs value={tab} aria-label="Named License Pools tabs" sx={{ mb: 2, borderBottom: 1, borderColor: 'divider' }}>
        <Tab value="pools" label="Named License Pools" component={Link} to="/pools" id="tab-pools" />
        <Tab value="model" label="Model" component={Link} to="/pools/model" id="tab-model" />
      </Tabs>
      <Box role="tabpanel" aria-labelledby={`tab-${tab}`}>
        <Routes>
          <Route index element={<PoolsTab />} />
          <Route path="model" element={<ModelTab />} />
        </Routes>
      </Box>
    </Box>
  );
}
