import { oid, printableString, sequence, setOf, utf8String } from './der.js';
import { PkiInputError } from './errors.js';
import { OID } from './oids.js';
import { assertText } from './validate.js';

/** The subject fields our profiles use; order in the encoded Name is C, O, OU, CN, serialNumber. */
export interface TSubject {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  /** ISO 3166 alpha-2, e.g. "IT". */
  country?: string;
  /** The X.520 serialNumber attribute (e.g. an asset tag), not the certificate serial. */
  serialNumber?: string;
}

function attribute(dotted: string, valueDer: Buffer): Buffer {
  // One attribute per RDN: the usual form, and what OpenVPN's verify-x509-name "subject" matching expects.
  return setOf(sequence(oid(dotted), valueDer));
}

/**
 * Name DER for a subject we issue. Upper bounds from RFC 5280 appendix A (ub-common-name 64…); country and
 * serialNumber must be PrintableString, the rest is UTF8String as RFC 5280 §4.1.2.6 asks for new certificates.
 */
export function encodeName(subject: TSubject): Buffer {
  const rdns: Buffer[] = [];
  if (subject.country !== undefined) {
    if (!/^[A-Z]{2}$/.test(subject.country)) throw new PkiInputError('country must be two upper-case letters (ISO 3166)');
    rdns.push(attribute(OID.countryName, printableString(subject.country)));
  }
  if (subject.organization !== undefined) {
    rdns.push(attribute(OID.organizationName, utf8String(assertText(subject.organization, 'organization'))));
  }
  if (subject.organizationalUnit !== undefined) {
    rdns.push(attribute(OID.organizationalUnitName, utf8String(assertText(subject.organizationalUnit, 'organizationalUnit'))));
  }
  rdns.push(attribute(OID.commonName, utf8String(assertText(subject.commonName, 'commonName'))));
  if (subject.serialNumber !== undefined) {
    const value = assertText(subject.serialNumber, 'serialNumber');
    if (!/^[A-Za-z0-9 '()+,\-./:=?]+$/.test(value)) throw new PkiInputError('serialNumber must use PrintableString characters');
    rdns.push(attribute(OID.serialNumber, printableString(value)));
  }
  return sequence(...rdns);
}
