CREATE TABLE `chat_email_state` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`notified_through` integer DEFAULT 0 NOT NULL,
	`last_sent_at` integer,
	`failures` integer DEFAULT 0 NOT NULL,
	`retry_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `chat_leases` (
	`name` text(32) PRIMARY KEY NOT NULL,
	`owner` text(64) NOT NULL,
	`lease_until` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `chat_preferences` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`email` text DEFAULT 'mentions' NOT NULL,
	`email_delay_minutes` integer DEFAULT 15 NOT NULL,
	`sound` integer DEFAULT true NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE cascade ON DELETE cascade,
	CONSTRAINT "ck_chatprefs_email" CHECK("chat_preferences"."email" IN ('off', 'mentions', 'all'))
);
--> statement-breakpoint
CREATE INDEX `idx_chatprefs_email` ON `chat_preferences` (`email`);