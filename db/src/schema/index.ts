export * from './directory.js';
export * from './auth.js';
export * from './audit.js';
export * from './jobs.js';
