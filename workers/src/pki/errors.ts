/**
 * Typed errors of the PKI engine. Each carries a stable `code` the API maps to an HTTP status, and a message safe
 * to show: no passphrase, password or key material ever goes into a message.
 */
export type TPkiErrorCode =
  | 'pki_invalid_input'
  | 'pki_passphrase_missing'
  | 'pki_passphrase_wrong'
  | 'pki_password_too_short'
  | 'pki_key_mismatch'
  | 'crl_number_not_increasing'
  | TCaImportErrorCode;

export type TCaImportErrorCode =
  | 'ca_certificate_invalid'
  | 'ca_key_invalid'
  | 'ca_key_unsupported'
  | 'ca_key_mismatch'
  | 'ca_not_a_ca'
  | 'ca_not_yet_valid'
  | 'ca_expired'
  | 'ca_chain_invalid';

export class PkiError extends Error {
  override name = 'PkiError';
  constructor(
    readonly code: TPkiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A caller passed a value the engine refuses (bad hostname, name too long, unknown reason code…). */
export class PkiInputError extends PkiError {
  override name = 'PkiInputError';
  constructor(message: string) {
    super('pki_invalid_input', message);
  }
}

export class MissingPassphraseError extends PkiError {
  override name = 'MissingPassphraseError';
  constructor(what = 'passphrase') {
    super('pki_passphrase_missing', `a non-empty ${what} is required`);
  }
}

/** Wrong passphrase for a sealed key. The message is fixed text: it never echoes what was typed. */
export class WrongPassphraseError extends PkiError {
  override name = 'WrongPassphraseError';
  constructor() {
    super('pki_passphrase_wrong', 'the passphrase does not open this private key');
  }
}

export class PasswordTooShortError extends PkiError {
  override name = 'PasswordTooShortError';
  constructor(minimum: number) {
    super('pki_password_too_short', `the password must have at least ${minimum} characters`);
  }
}

/** A CRL number that does not go up: a restored backup or a second signer would otherwise publish it. */
export class CrlNumberNotIncreasingError extends PkiError {
  override name = 'CrlNumberNotIncreasingError';
  constructor(
    readonly last: bigint,
    readonly next: bigint,
  ) {
    super('crl_number_not_increasing', `CRL number ${next} is not greater than the last published ${last}`);
  }
}

export class CaImportError extends PkiError {
  override name = 'CaImportError';
  constructor(code: TCaImportErrorCode, message: string) {
    super(code, message);
  }
}
