export * from './directory.js';
export * from './auth.js';
export * from './audit.js';
export * from './jobs.js';
export * from './inventory.js';
export * from './requests.js';
export * from './pki.js';
export * from './vpn.js';
