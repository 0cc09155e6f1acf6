CREATE TABLE "deprovisioning_cases" (
	"id" text PRIMARY KEY NOT NULL,
	"employee_id" text NOT NULL,
	"run_id" text,
	"reason" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"steps" jsonb NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "directory_sync_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"directory_key" text DEFAULT 'main' NOT NULL,
	"mode" text NOT NULL,
	"dry_run" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"trigger" text NOT NULL,
	"requested_by_user_id" text,
	"entries_read" integer DEFAULT 0 NOT NULL,
	"counts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"failure" text,
	"problems" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"pending_disables" jsonb,
	"high_water_mark" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"duration_ms" integer
);
--> statement-breakpoint
ALTER TABLE "deprovisioning_cases" ADD CONSTRAINT "deprovisioning_cases_employee_id_employees_id_fk" FOREIGN KEY ("employee_id") REFERENCES "public"."employees"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "deprovisioning_open_uq" ON "deprovisioning_cases" USING btree ("employee_id") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "directory_sync_runs_started_idx" ON "directory_sync_runs" USING btree ("started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "directory_sync_runs_one_running_uq" ON "directory_sync_runs" USING btree ("directory_key") WHERE status = 'running';