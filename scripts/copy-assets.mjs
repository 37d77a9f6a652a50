// Copies files tsc does not emit (SQL migrations, the writer thread) next to the compiled code.
import { cpSync } from 'node:fs';

cpSync('src/server/store/migrations', 'dist/server/store/migrations', { recursive: true });
cpSync('src/server/store/writer-thread.js', 'dist/server/store/writer-thread.js');
cpSync('src/warehouse/duckdb/migrations', 'dist/warehouse/duckdb/migrations', { recursive: true });
cpSync('src/backoffice/store/migrations', 'dist/backoffice/store/migrations', { recursive: true });
cpSync('src/auth/migrations', 'dist/auth/migrations', { recursive: true });
cpSync('src/backoffice/monitors/migrations', 'dist/backoffice/monitors/migrations', { recursive: true });
