CREATE TABLE `audit_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` text NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `audit_events_org` ON `audit_events` (`org_id`,`seq`);--> statement-breakpoint
CREATE TABLE `domains` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text,
	`domain` text NOT NULL,
	`status` text NOT NULL,
	`verification_code` text,
	`method` text,
	`dnssec` integer,
	`created_at` text NOT NULL,
	`expires_at` text,
	`verified_at` text,
	`last_checked_at` text,
	`next_check_at` text,
	`last_error` text,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `domains_verified_unique` ON `domains` (`domain`) WHERE status = 'verified';--> statement-breakpoint
CREATE INDEX `domains_org` ON `domains` (`org_id`,`domain`);--> statement-breakpoint
CREATE TABLE `group_members` (
	`group_id` text NOT NULL,
	`member_id` text NOT NULL,
	`member_type` text NOT NULL,
	`org_id` text NOT NULL,
	`added_at` text NOT NULL,
	PRIMARY KEY(`group_id`, `member_id`),
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `group_members_member` ON `group_members` (`member_id`,`group_id`);--> statement-breakpoint
CREATE TABLE `groups` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`display_name` text NOT NULL,
	`display_name_key` text NOT NULL,
	`external_id` text,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `groups_org_display_name` ON `groups` (`org_id`,`display_name_key`);--> statement-breakpoint
CREATE INDEX `groups_org_external_id` ON `groups` (`org_id`,`external_id`);--> statement-breakpoint
CREATE TABLE `organizations` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`settings` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `provisioning_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_id` text NOT NULL,
	`at` text NOT NULL,
	`method` text NOT NULL,
	`path` text NOT NULL,
	`operation` text NOT NULL,
	`resource_type` text,
	`resource_id` text,
	`external_id` text,
	`status` integer NOT NULL,
	`latency_ms` integer NOT NULL,
	`error_detail` text
);
--> statement-breakpoint
CREATE INDEX `provisioning_events_org` ON `provisioning_events` (`org_id`,`seq`);--> statement-breakpoint
CREATE TABLE `scim_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`description` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text,
	`revoked_at` text,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `scim_tokens_hash` ON `scim_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `scim_tokens_org` ON `scim_tokens` (`org_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`user_name` text NOT NULL,
	`user_name_key` text NOT NULL,
	`external_id` text,
	`active` integer NOT NULL,
	`display_name` text,
	`nick_name` text,
	`profile_url` text,
	`title` text,
	`user_type` text,
	`preferred_language` text,
	`locale` text,
	`timezone` text,
	`name_formatted` text,
	`name_family_name` text,
	`name_given_name` text,
	`name_middle_name` text,
	`name_honorific_prefix` text,
	`name_honorific_suffix` text,
	`emails` text,
	`phone_numbers` text,
	`ims` text,
	`photos` text,
	`addresses` text,
	`entitlements` text,
	`roles` text,
	`x509_certificates` text,
	`employee_number` text,
	`cost_center` text,
	`organization` text,
	`division` text,
	`department` text,
	`manager_id` text,
	`version` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_org_user_name` ON `users` (`org_id`,`user_name_key`);--> statement-breakpoint
CREATE INDEX `users_org_external_id` ON `users` (`org_id`,`external_id`);