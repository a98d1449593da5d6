CREATE TABLE `chat_presence` (
	`user_id` bigint unsigned NOT NULL,
	`last_seen_at` datetime(3) NOT NULL,
	CONSTRAINT `chat_presence_user_id` PRIMARY KEY(`user_id`)
);
--> statement-breakpoint
ALTER TABLE `chat_messages` ADD `system_data` text;--> statement-breakpoint
ALTER TABLE `chat_presence` ADD CONSTRAINT `fk_chatpresence_user` FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON DELETE cascade ON UPDATE cascade;