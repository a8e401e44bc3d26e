CREATE TABLE `identity_providers` (
	`org_id` text PRIMARY KEY NOT NULL,
	`entity_id` text NOT NULL,
	`sso_url` text NOT NULL,
	`sso_binding` text NOT NULL,
	`metadata_url` text,
	`metadata_xml` text NOT NULL,
	`certificates` text NOT NULL,
	`enabled` integer DEFAULT false NOT NULL,
	`allow_idp_initiated` integer DEFAULT true NOT NULL,
	`jit` integer DEFAULT false NOT NULL,
	`allow_sha1` integer DEFAULT false NOT NULL,
	`refreshed_at` text NOT NULL,
	`last_error` text,
	`next_refresh_at` text,
	`refresh_failures` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `identity_providers_due` ON `identity_providers` (`next_refresh_at`) WHERE metadata_url IS NOT NULL;--> statement-breakpoint
CREATE TABLE `saml_assertions` (
	`org_id` text NOT NULL,
	`assertion_id` text NOT NULL,
	`expires_at` text NOT NULL,
	PRIMARY KEY(`org_id`, `assertion_id`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `saml_assertions_expires` ON `saml_assertions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `saml_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`browser_hash` text NOT NULL,
	`relay_state` text,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `saml_requests_expires` ON `saml_requests` (`expires_at`);--> statement-breakpoint
CREATE TABLE `sign_ins` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` text NOT NULL,
	`at` text NOT NULL,
	`user_name` text,
	`user_id` text,
	`outcome` text NOT NULL,
	`reason` text,
	`detail` text,
	`method` text NOT NULL,
	`assertion_id` text
);
--> statement-breakpoint
CREATE INDEX `sign_ins_org` ON `sign_ins` (`org_id`,`seq`);--> statement-breakpoint
CREATE INDEX `sign_ins_org_outcome` ON `sign_ins` (`org_id`,`outcome`,`seq`);--> statement-breakpoint
CREATE INDEX `sign_ins_at` ON `sign_ins` (`at`);--> statement-breakpoint
CREATE TABLE `user_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`account_id` text,
	`token_hash` text NOT NULL,
	`method` text NOT NULL,
	`user_agent` text,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `user_sessions_token` ON `user_sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `user_sessions_user` ON `user_sessions` (`user_id`);--> statement-breakpoint
CREATE INDEX `user_sessions_expires` ON `user_sessions` (`expires_at`);--> statement-breakpoint
ALTER TABLE `users` ADD `work_email_key` text;--> statement-breakpoint
CREATE INDEX `users_org_work_email` ON `users` (`org_id`,`work_email_key`);--> statement-breakpoint
-- Users provisioned before single sign-on: their work e-mail key, chosen as the writer chooses it (work, else primary, else first).
UPDATE `users` SET `work_email_key` = lower(coalesce(
  (SELECT json_extract(e.value, '$.value') FROM json_each(users.emails) e WHERE json_type(e.value, '$.value') = 'text' AND json_extract(e.value, '$.value') <> '' AND json_extract(e.value, '$.type') = 'work' LIMIT 1),
  (SELECT json_extract(e.value, '$.value') FROM json_each(users.emails) e WHERE json_type(e.value, '$.value') = 'text' AND json_extract(e.value, '$.value') <> '' AND json_type(e.value, '$.primary') = 'true' LIMIT 1),
  (SELECT json_extract(e.value, '$.value') FROM json_each(users.emails) e WHERE json_type(e.value, '$.value') = 'text' AND json_extract(e.value, '$.value') <> '' LIMIT 1)
)) WHERE `emails` IS NOT NULL AND json_valid(`emails`);
