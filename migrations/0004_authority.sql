CREATE TABLE `invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`email` text NOT NULL,
	`email_key` text NOT NULL,
	`permission` text NOT NULL,
	`invited_by` text NOT NULL,
	`status` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`responded_at` text,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_pending` ON `invitations` (`org_id`,`email_key`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `invitations_email` ON `invitations` (`email_key`,`status`);--> statement-breakpoint
CREATE INDEX `invitations_org` ON `invitations` (`org_id`,`status`);--> statement-breakpoint
ALTER TABLE `refresh_tokens` ADD `expires_at` text;--> statement-breakpoint
ALTER TABLE `refresh_tokens` ADD `replaced_by` text;--> statement-breakpoint
CREATE INDEX `refresh_tokens_rotated` ON `refresh_tokens` (`rotated_at`);--> statement-breakpoint
CREATE INDEX `refresh_tokens_expires` ON `refresh_tokens` (`expires_at`);--> statement-breakpoint
ALTER TABLE `sessions` ADD `user_agent` text;--> statement-breakpoint
CREATE INDEX `sessions_expires` ON `sessions` (`expires_at`);--> statement-breakpoint
CREATE INDEX `login_failures_window` ON `login_failures` (`window_start`);--> statement-breakpoint
CREATE INDEX `oauth_codes_expires` ON `oauth_codes` (`expires_at`);