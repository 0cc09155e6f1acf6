/** The PKI as the rest of Varco uses it: settings, the active CA's key, CRL publication, profiles and exports. */
export { checkPkiReadiness, loadActiveCa, openSigner, PkiUnavailableError, type TActiveCa, type TPkiReadiness, type TPkiUnavailableCode } from './ca-keyring.js';
export { crlGuardIn, type TCrlGuard } from './crl-guard.js';
export { openOneTimePassword, sealOneTimePassword } from './otp-seal.js';
export { crlHealth, crlNeedsRefresh, publishCrl, type TCrlHealth, type TPublishedCrl } from './publish-crl.js';
export { loadPkiSettings, PKI_DEFAULTS, readCaPassphrase, type TPassphraseProblem, type TPkiSettings } from './settings.js';
export { GATEWAY_CN_PREFIX, gatewayCommonName, renderStationProfile } from './station-profile.js';
export { checkProfileNetworks, DEFAULT_GATEWAY_DIR, GATEWAY_FILES, renderGatewayExport, renderProfileFirewall } from './vpn-export.js';
export { createCertificateAuthorityFromScratch, importCertificateAuthority, issueGatewayCertificate, sealImportedCa, type TCaImportInput } from './ca-lifecycle.js';
