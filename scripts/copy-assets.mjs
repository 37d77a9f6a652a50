// Copies files tsc does not emit (SQL migrations) next to the compiled code.
import { cpSync } from 'node:fs';

cpSync('src/server/store/migrations', 'dist/server/store/migrations', { recursive: true });
