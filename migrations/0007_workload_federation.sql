CREATE TABLE `client_assertions` (
	`issuer` text NOT NULL,
	`jti` text NOT NULL,
	`expires_at` text NOT NULL,
	PRIMARY KEY(`issuer`, `jti`)
);
--> statement-breakpoint
CREATE INDEX `client_assertions_expires` ON `client_assertions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `federated_credentials` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`issuer` text NOT NULL,
	`subject` text NOT NULL,
	`audience` text NOT NULL,
	`grant_id` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`grant_id`) REFERENCES `oauth_grants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `federated_credentials_match` ON `federated_credentials` (`issuer`,`subject`,`audience`);--> statement-breakpoint
CREATE INDEX `federated_credentials_org` ON `federated_credentials` (`org_id`);--> statement-breakpoint
CREATE TABLE `issuer_keys` (
	`issuer` text PRIMARY KEY NOT NULL,
	`jwks_uri` text,
	`keys` text,
	`fetched_at` text,
	`tried_at` text NOT NULL,
	`last_error` text,
	`next_refresh_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `issuer_keys_due` ON `issuer_keys` (`next_refresh_at`);