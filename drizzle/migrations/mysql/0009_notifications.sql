CREATE TABLE `chat_email_state` (
	`user_id` bigint unsigned NOT NULL,
	`notified_through` bigint unsigned NOT NULL DEFAULT 0,
	`last_sent_at` datetime(3),
	`failures` int NOT NULL DEFAULT 0,
	`retry_at` datetime(3),
	CONSTRAINT `chat_email_state_user_id` PRIMARY KEY(`user_id`)
);
--> statement-breakpoint
CREATE TABLE `chat_leases` (
	`name` varchar(32) NOT NULL,
	`owner` varchar(64) NOT NULL,
	`lease_until` datetime(3) NOT NULL,
	CONSTRAINT `chat_leases_name` PRIMARY KEY(`name`)
);
--> statement-breakpoint
CREATE TABLE `chat_preferences` (
	`user_id` bigint unsigned NOT NULL,
	`email` enum('off','mentions','all') NOT NULL DEFAULT 'mentions',
	`email_delay_minutes` int NOT NULL DEFAULT 15,
	`sound` boolean NOT NULL DEFAULT true,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `chat_preferences_user_id` PRIMARY KEY(`user_id`)
);
--> statement-breakpoint
ALTER TABLE `chat_email_state` ADD CONSTRAINT `fk_chatemailstate_user` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `chat_preferences` ADD CONSTRAINT `fk_chatprefs_user` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
CREATE INDEX `idx_chatprefs_email` ON `chat_preferences` (`email`);