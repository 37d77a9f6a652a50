/** The package version, set by Vite at build time. */
declare const __TALLY_VERSION__: string;
