DROP INDEX `groups_org_external_id`;--> statement-breakpoint
CREATE INDEX `groups_org_external_id` ON `groups` (`org_id`,`external_id`,`display_name_key`);--> statement-breakpoint
DROP INDEX `users_org_external_id`;--> statement-breakpoint
CREATE INDEX `users_org_external_id` ON `users` (`org_id`,`external_id`,`user_name_key`);