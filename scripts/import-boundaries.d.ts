import type { Linter } from 'eslint';

export const contexts: string[];
export const ioPackages: string[];
export const boundaries: Record<string, { contexts: string[]; packages: string[]; typeOnly?: string[] }>;
export function packageOf(specifier: string): string;
export function contextOf(file: string, root: string): string | undefined;
export function violation(file: string, specifier: string, typeOnly: boolean, root: string): string | undefined;
export function importBoundaryConfigs(root: string): Linter.Config[];
