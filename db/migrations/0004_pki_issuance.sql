ALTER TABLE "certificate_authorities" ADD COLUMN "fingerprint_sha256" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "progress" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "key_type" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "fingerprint_sha256" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "bundle_ovpn" text;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "installed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "certificates" ADD COLUMN "expiry_reminder_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_live_cn_uq" ON "certificates" USING btree ("ca_id","common_name") WHERE status in ('pending', 'issued') and supersedes_id is null;--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_supersedes_uq" ON "certificates" USING btree ("supersedes_id") WHERE supersedes_id is not null;--> statement-breakpoint
ALTER TABLE "vpn_servers" ADD CONSTRAINT "vpn_servers_capacity_ck" CHECK ("vpn_servers"."capacity" >= 1);