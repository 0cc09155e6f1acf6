/**
 * The PKI engine: pure async functions over keys, certificates, CRLs, PKCS#12 and OpenVPN text. No database, no
 * HTTP, no queue: job handlers and API routes call these. Design and measurements: README.md beside this file.
 */
export { createCa, importCa, MAX_CA_VALIDITY_DAYS, type TCaMaterial, type TCreateCaParams, type TImportCaParams, type TImportedCa } from './ca.js';
export {
  CLOCK_SKEW_MS,
  issueStationCertificate,
  MAX_VALIDITY_DAYS,
  type TIssueCertificateParams,
  type TIssuedCertificate,
} from './certificate.js';
export { assertCrlNumberIncreases, buildCrl, REVOCATION_REASONS, type TBuildCrlParams, type TBuiltCrl, type TRevocationReason, type TRevokedEntry } from './crl.js';
export { CSR_ERROR_CODES, CSR_MAX_BYTES, inspectCsr, type TCsrErrorCode, type TCsrInspection, type TCsrKeyType } from './csr.js';
export type { TNameEntry } from './csr-describe.js';
export {
  CaImportError,
  CrlNumberNotIncreasingError,
  MissingPassphraseError,
  PasswordTooShortError,
  PkiError,
  PkiInputError,
  WrongPassphraseError,
  type TCaImportErrorCode,
  type TPkiErrorCode,
} from './errors.js';
export type { TCaSigner } from './issuer.js';
export { CA_KEY_PBKDF2_ITERATIONS, openPrivateKey, sealPrivateKey } from './key-vault.js';
export { generateCaKey, generateStationKey, type TCaKeyType, type TKeyPair, type TStationKeyType } from './keys.js';
export type { TSubject } from './names.js';
export {
  renderCcd,
  renderClientProfile,
  renderNftables,
  renderServerSnippet,
  type TCcdParams,
  type TClientProfileParams,
  type TNftablesParams,
  type TRemote,
  type TRoute,
  type TServerSnippetParams,
} from './openvpn.js';
export { buildPkcs12, generateOneTimePassword, PKCS12_DEFAULT_ITERATIONS, PKCS12_MIN_PASSWORD_LENGTH, type TBuildPkcs12Params } from './pkcs12.js';
export { generateSerial, parseSerialHex, SERIAL_BYTES, type TSerial } from './serial.js';
