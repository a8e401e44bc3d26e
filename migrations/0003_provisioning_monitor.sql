CREATE INDEX `provisioning_events_org_failed` ON `provisioning_events` (`org_id`,("status" >= 400),`seq`);--> statement-breakpoint
CREATE INDEX `provisioning_events_org_operation` ON `provisioning_events` (`org_id`,`operation`,`seq`);--> statement-breakpoint
CREATE INDEX `provisioning_events_org_resource` ON `provisioning_events` (`org_id`,`resource_type`,`seq`);--> statement-breakpoint
CREATE INDEX `provisioning_events_org_at` ON `provisioning_events` (`org_id`,`at`,`operation`,`status`);--> statement-breakpoint
CREATE INDEX `users_org_display_name` ON `users` (`org_id`,`display_name`);