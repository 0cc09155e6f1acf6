import { TAG } from './der.js';
import { children, expectTag, readDisplayString, readOid, sequenceOf, type DerNode } from './der-reader.js';
import { OID, OID_NAMES } from './oids.js';
import { readExtensions } from './x509-reader.js';

/** One attribute of a requested subject, for display: `type` is a short name (CN, O…) or a dotted OID. */
export interface TNameEntry {
  type: string;
  value: string;
}

const MAX_ENTRIES = 32;
const MAX_VALUE_LENGTH = 256;
// eslint-disable-next-line no-control-regex -- replacing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Untrusted text made safe for logs and tables: bounded, control characters replaced. HTML escaping is the UI's job. */
function displayValue(value: string): string {
  return value.slice(0, MAX_VALUE_LENGTH).replace(CONTROL, '\uFFFD');
}

/** Name ::= SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue). */
export function describeName(name: DerNode): TNameEntry[] {
  const entries: TNameEntry[] = [];
  for (const rdn of children(expectTag(name, TAG.SEQUENCE, 'Name'))) {
    for (const pair of children(expectTag(rdn, TAG.SET, 'RelativeDistinguishedName'))) {
      const [type, value] = sequenceOf(pair, 'AttributeTypeAndValue', 2);
      const dotted = readOid(type!);
      if (entries.length < MAX_ENTRIES) entries.push({ type: OID_NAMES[dotted] ?? dotted, value: displayValue(readDisplayString(value!)) });
    }
  }
  return entries;
}

/** Names of the extensions in an extensionRequest attribute; other attributes (challengePassword…) are ignored. */
export function describeCsrAttributes(attributes: DerNode): string[] {
  const names: string[] = [];
  for (const attribute of children(attributes)) {
    const [type, values] = sequenceOf(attribute, 'Attribute', 2);
    if (readOid(type!) !== OID.extensionRequest) continue;
    for (const extensions of children(expectTag(values!, TAG.SET, 'attribute values'))) {
      for (const dotted of readExtensions(extensions).keys()) names.push(OID_NAMES[dotted] ?? dotted);
    }
  }
  return names.slice(0, MAX_ENTRIES);
}
