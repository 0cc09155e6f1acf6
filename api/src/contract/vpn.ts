import { z } from 'zod';
import { ZCertificate } from './pki.js';

const CIDR = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\/(?:3[0-2]|[12]?\d)$/;
const ZCidr = z.string().regex(CIDR, 'must be an IPv4 network such as 10.8.0.0/24');

export const ZVpnProfileInput = z
  .object({
    /** A slug: it names the nftables table and the account's default profile. */
    code: z.string().regex(/^[a-z][a-z0-9_]{0,30}$/, 'a-z, 0-9, _ (max 31), starting with a letter'),
    name: z.string().trim().min(1).max(100),
    subnet: ZCidr,
    routes: z.array(z.object({ network: ZCidr }).strict()).max(32),
    firewall: z
      .array(z.object({ cidr: ZCidr, ports: z.array(z.number().int().min(1).max(65_535)).min(1).max(64), proto: z.enum(['tcp', 'udp']) }).strict())
      .max(256),
  })
  .strict()
  .meta({ id: 'VpnProfileInput' });
export type TVpnProfileInput = z.infer<typeof ZVpnProfileInput>;

export const ZVpnProfile = ZVpnProfileInput.extend({ id: z.string(), accounts: z.number().int() }).meta({ id: 'VpnProfile' });
export type TVpnProfile = z.infer<typeof ZVpnProfile>;
export const ZVpnProfileList = z.object({ items: z.array(ZVpnProfile) }).meta({ id: 'VpnProfileList' });

export const ZVpnServerInput = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'a-z, 0-9, - (max 41)'),
    host: z.string().regex(/^(?=.{1,253}$)[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?$/, 'a host name or IPv4 address, lower case'),
    port: z.number().int().min(1).max(65_535),
    protocol: z.enum(['udp', 'tcp']),
    capacity: z.number().int().min(1).max(100_000),
    profileId: z.string().regex(/^vpp_[0-9a-z]{10,32}$/),
    enabled: z.boolean().default(true),
  })
  .strict()
  .meta({ id: 'VpnServerInput' });
export type TVpnServerInput = z.infer<typeof ZVpnServerInput>;

export const ZVpnServer = ZVpnServerInput.omit({ profileId: true })
  .extend({
    id: z.string(),
    profile: z.object({ id: z.string(), code: z.string(), name: z.string() }),
    accounts: z.number().int(),
    /** accounts / capacity (balancing puts new accounts where this is lowest). */
    load: z.number(),
  })
  .meta({ id: 'VpnServer' });
export type TVpnServer = z.infer<typeof ZVpnServer>;
export const ZVpnServerList = z.object({ items: z.array(ZVpnServer) }).meta({ id: 'VpnServerList' });

export const ZVpnAccount = z
  .object({
    id: z.string(),
    profile: z.object({ id: z.string(), code: z.string(), name: z.string() }),
    tunnelAddress: z.string(),
    enabled: z.boolean(),
    /** In failover order: the primary first. */
    servers: z.array(z.object({ id: z.string(), name: z.string(), host: z.string(), port: z.number().int(), protocol: z.enum(['udp', 'tcp']), primary: z.boolean() })),
  })
  .meta({ id: 'VpnAccount' });
export type TVpnAccount = z.infer<typeof ZVpnAccount>;

export const ZEmployeeVpn = z.object({ account: ZVpnAccount.nullable(), certificates: z.array(ZCertificate) }).meta({ id: 'EmployeeVpn' });
export type TEmployeeVpn = z.infer<typeof ZEmployeeVpn>;
export const ZCreateVpnAccount = z
  .object({ profileCode: z.string().regex(/^[a-z][a-z0-9_]{0,30}$/).nullable().optional() })
  .strict()
  .meta({ id: 'CreateVpnAccount' });

export const ZGatewayExportQuery = z.object({
  /** Where the files live on the gateway (absolute path, safe characters). */
  baseDir: z.string().regex(/^\/[A-Za-z0-9_./-]{1,200}$/).refine((dir) => !dir.includes('..'), 'must not contain ..').optional(),
});
export const ZGatewayExport = z
  .object({
    serverId: z.string(),
    snippet: z.string(),
    /** CCD file name (the station certificate's CN) → content. */
    ccd: z.record(z.string(), z.string()),
    files: z.object({ ca: z.string(), cert: z.string(), key: z.string(), crl: z.string(), ccdDir: z.string() }),
  })
  .meta({ id: 'GatewayExport' });
export type TGatewayExport = z.infer<typeof ZGatewayExport>;
export const ZNftablesExport = z.object({ profileCode: z.string(), nftables: z.string() }).meta({ id: 'NftablesExport' });

/** A 204 answer (DELETE): no body. */
export const ZNoContent = z.null();
