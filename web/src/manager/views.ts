import { lazy } from 'react';
import type { ComponentType, LazyExoticComponent } from 'react';
import type { BrandingViewKey } from '../../../src/http/branding-routes.js';

/** The navigation's groups, in the order they are shown. */
export const VIEW_GROUPS = {
  server: 'License Server',
  setup: 'License Server Setup',
  backoffice: 'Back Office Operations',
  manager: 'Manager',
} as const;

export interface ManagerView {
  /** The key `data.json` of a branding folder uses to relabel it (the server validates data.json against the same list). */
  key: BrandingViewKey;
  path: string;
  label: string;
  /** A Material icon name (the font's ligature). */
  icon: string;
  group: keyof typeof VIEW_GROUPS;
  page: LazyExoticComponent<ComponentType>;
  /** Shown without logging in (Settings must work while the server cannot be reached). */
  open?: boolean;
  /** The route the role must be allowed to call for the view to be listed (as `useMay` takes it). */
  needs?: { method: string; path: string };
}

/** Every view of the manager: one entry each, and the navigation, routes and branding derive from it. Each page is its own chunk. */
export const MANAGER_VIEWS: ManagerView[] = [
  { key: 'features', path: 'features', label: 'Features', icon: 'inventory_2', group: 'server', page: lazy(() => import('./features/FeaturesPage.js')) },
  { key: 'pools', path: 'pools', label: 'Named License Pools', icon: 'workspaces', group: 'server', page: lazy(() => import('./pools/PoolsPage.js')) },
  { key: 'filters', path: 'filters', label: 'Checkout Filters', icon: 'filter_alt', group: 'server', page: lazy(() => import('./filters/FiltersPage.js')) },
  { key: 'devices', path: 'devices', label: 'Devices', icon: 'devices', group: 'server', page: lazy(() => import('./devices/DevicesPage.js')) },
  { key: 'reservations', path: 'reservations', label: 'Reservations', icon: 'event_seat', group: 'server', page: lazy(() => import('./reservations/ReservationsPage.js')) },
  { key: 'properties', path: 'properties', label: 'Properties', icon: 'tune', group: 'setup', page: lazy(() => import('./properties/PropertiesPage.js')) },
  { key: 'users', path: 'users', label: 'Users', icon: 'group', group: 'setup', page: lazy(() => import('./users/UsersPage.js')), needs: { method: 'GET', path: '/users' } },
  { key: 'resetPassword', path: 'reset-password', label: 'Reset Password', icon: 'password', group: 'setup', page: lazy(() => import('./login/ResetPasswordPage.js')), open: true },
  { key: 'onlineUpdates', path: 'backoffice/online', label: 'Online Server Updates', icon: 'cloud_sync', group: 'backoffice', page: lazy(() => import('./backoffice/OnlineUpdatesPage.js')) },
  { key: 'offlineUpdates', path: 'backoffice/offline', label: 'Offline Server Updates', icon: 'swap_horiz', group: 'backoffice', page: lazy(() => import('./backoffice/OfflineUpdatesPage.js')) },
  { key: 'clientKeys', path: 'backoffice/client-keys', label: 'Client Key Operations', icon: 'key', group: 'backoffice', page: lazy(() => import('./backoffice/ClientKeysPage.js')) },
  { key: 'settings', path: 'settings', label: 'Settings', icon: 'settings', group: 'manager', page: lazy(() => import('./settings/SettingsPage.js')), open: true },
  { key: 'about', path: 'about', label: 'About', icon: 'info', group: 'manager', page: lazy(() => import('./about/AboutPage.js')), open: true },
];

/** Pages reached from a view, not from the navigation. */
export const DETAIL_PAGES = {
  feature: lazy(() => import('./features/FeatureDetailsPage.js')),
  device: lazy(() => import('./devices/DeviceDetailsPage.js')),
};
