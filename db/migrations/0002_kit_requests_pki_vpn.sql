CREATE TABLE "assets" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"model" text NOT NULL,
	"serial" text NOT NULL,
	"asset_tag" text NOT NULL,
	"status" text DEFAULT 'in_stock' NOT NULL,
	"location" text,
	"assigned_employee_id" text,
	"assigned_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assets_assignment_ck" CHECK (("assets"."status" = 'assigned') = ("assets"."assigned_employee_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "kit_request_events" (
	"id" text PRIMARY KEY NOT NULL,
	"request_id" text NOT NULL,
	"item_id" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_user_id" text,
	"actor_name" text,
	"action" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"comment" text,
	CONSTRAINT "kit_request_events_comment_ck" CHECK (length("kit_request_events"."comment") <= 2000)
);
--> statement-breakpoint
CREATE TABLE "kit_request_items" (
	"id" text PRIMARY KEY NOT NULL,
	"request_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"asset_id" text,
	"certificate_id" text,
	"checklist" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "kit_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"number" integer GENERATED ALWAYS AS IDENTITY (sequence name "kit_requests_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"employee_id" text NOT NULL,
	"created_by_user_id" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"note" text,
	"assignee_user_id" text,
	"eligibility_override" boolean DEFAULT false NOT NULL,
	"submitted_at" timestamp with time zone,
	"decided_at" timestamp with time zone,
	"installed_at" timestamp with time zone,
	"accepted_at" timestamp with time zone,
	"acceptance" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "certificate_authorities" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"key_type" text NOT NULL,
	"certificate_pem" text NOT NULL,
	"chain_pem" text,
	"sealed_key_pem" text NOT NULL,
	"subject" text NOT NULL,
	"not_before" timestamp with time zone NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"imported" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "certificates" (
	"id" text PRIMARY KEY NOT NULL,
	"ca_id" text NOT NULL,
	"kind" text NOT NULL,
	"flow" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"employee_id" text,
	"asset_id" text,
	"vpn_server_id" text,
	"common_name" text NOT NULL,
	"serial_hex" text,
	"csr_pem" text,
	"certificate_pem" text,
	"not_before" timestamp with time zone,
	"not_after" timestamp with time zone,
	"validity_days" smallint NOT NULL,
	"issuance_key" text NOT NULL,
	"bundle_p12" "bytea",
	"bundle_otp_sealed" text,
	"bundle_downloaded_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revocation_reason" smallint,
	"supersedes_id" text,
	"supersede_deadline" timestamp with time zone,
	"failure" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "crl_state" (
	"ca_id" text PRIMARY KEY NOT NULL,
	"crl_number" bigint NOT NULL,
	"this_update" timestamp with time zone NOT NULL,
	"next_update" timestamp with time zone NOT NULL,
	"der" "bytea" NOT NULL,
	"pem" text NOT NULL,
	"revoked_count" integer NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vpn_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"employee_id" text NOT NULL,
	"profile_id" text NOT NULL,
	"primary_server_id" text NOT NULL,
	"tunnel_address" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vpn_profiles" (
	"id" text PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"subnet" text NOT NULL,
	"routes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"firewall" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "vpn_servers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"host" text NOT NULL,
	"port" integer NOT NULL,
	"protocol" text NOT NULL,
	"capacity" integer NOT NULL,
	"profile_id" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vpn_servers_port_ck" CHECK ("vpn_servers"."port" between 1 and 65535)
);
--> statement-breakpoint
ALTER TABLE "assets" ADD CONSTRAINT "assets_assigned_employee_id_employees_id_fk" FOREIGN KEY ("assigned_employee_id") REFERENCES "public"."employees"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kit_request_events" ADD CONSTRAINT "kit_request_events_request_id_kit_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."kit_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kit_request_items" ADD CONSTRAINT "kit_request_items_request_id_kit_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."kit_requests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kit_request_items" ADD CONSTRAINT "kit_request_items_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kit_requests" ADD CONSTRAINT "kit_requests_employee_id_employees_id_fk" FOREIGN KEY ("employee_id") REFERENCES "public"."employees"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kit_requests" ADD CONSTRAINT "kit_requests_created_by_user_id_users_id_fk" FOREIGN KEY ("created_by_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kit_requests" ADD CONSTRAINT "kit_requests_assignee_user_id_users_id_fk" FOREIGN KEY ("assignee_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_ca_id_certificate_authorities_id_fk" FOREIGN KEY ("ca_id") REFERENCES "public"."certificate_authorities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_employee_id_employees_id_fk" FOREIGN KEY ("employee_id") REFERENCES "public"."employees"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "certificates" ADD CONSTRAINT "certificates_asset_id_assets_id_fk" FOREIGN KEY ("asset_id") REFERENCES "public"."assets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crl_state" ADD CONSTRAINT "crl_state_ca_id_certificate_authorities_id_fk" FOREIGN KEY ("ca_id") REFERENCES "public"."certificate_authorities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vpn_accounts" ADD CONSTRAINT "vpn_accounts_employee_id_employees_id_fk" FOREIGN KEY ("employee_id") REFERENCES "public"."employees"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vpn_accounts" ADD CONSTRAINT "vpn_accounts_profile_id_vpn_profiles_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."vpn_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vpn_accounts" ADD CONSTRAINT "vpn_accounts_primary_server_id_vpn_servers_id_fk" FOREIGN KEY ("primary_server_id") REFERENCES "public"."vpn_servers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vpn_servers" ADD CONSTRAINT "vpn_servers_profile_id_vpn_profiles_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."vpn_profiles"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "assets_tag_uq" ON "assets" USING btree ("asset_tag");--> statement-breakpoint
CREATE UNIQUE INDEX "assets_type_serial_uq" ON "assets" USING btree ("type","serial");--> statement-breakpoint
CREATE INDEX "assets_status_type_idx" ON "assets" USING btree ("status","type");--> statement-breakpoint
CREATE INDEX "assets_assigned_idx" ON "assets" USING btree ("assigned_employee_id");--> statement-breakpoint
CREATE INDEX "kit_request_events_request_idx" ON "kit_request_events" USING btree ("request_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "kit_request_items_kind_uq" ON "kit_request_items" USING btree ("request_id","kind");--> statement-breakpoint
CREATE UNIQUE INDEX "kit_request_items_asset_uq" ON "kit_request_items" USING btree ("asset_id") WHERE asset_id is not null and status not in ('returned', 'lost');--> statement-breakpoint
CREATE UNIQUE INDEX "kit_requests_number_uq" ON "kit_requests" USING btree ("number");--> statement-breakpoint
CREATE INDEX "kit_requests_employee_idx" ON "kit_requests" USING btree ("employee_id");--> statement-breakpoint
CREATE INDEX "kit_requests_status_idx" ON "kit_requests" USING btree ("status","submitted_at");--> statement-breakpoint
CREATE UNIQUE INDEX "certificate_authorities_active_uq" ON "certificate_authorities" USING btree ("active") WHERE active;--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_serial_uq" ON "certificates" USING btree ("ca_id","serial_hex");--> statement-breakpoint
CREATE UNIQUE INDEX "certificates_issuance_key_uq" ON "certificates" USING btree ("issuance_key");--> statement-breakpoint
CREATE INDEX "certificates_employee_idx" ON "certificates" USING btree ("employee_id");--> statement-breakpoint
CREATE INDEX "certificates_status_expiry_idx" ON "certificates" USING btree ("status","not_after");--> statement-breakpoint
CREATE UNIQUE INDEX "vpn_accounts_employee_uq" ON "vpn_accounts" USING btree ("employee_id");--> statement-breakpoint
CREATE UNIQUE INDEX "vpn_accounts_address_uq" ON "vpn_accounts" USING btree ("profile_id","tunnel_address");--> statement-breakpoint
CREATE INDEX "vpn_accounts_server_idx" ON "vpn_accounts" USING btree ("primary_server_id");--> statement-breakpoint
CREATE UNIQUE INDEX "vpn_profiles_code_uq" ON "vpn_profiles" USING btree ("code");--> statement-breakpoint
CREATE UNIQUE INDEX "vpn_servers_host_port_uq" ON "vpn_servers" USING btree ("host","port");