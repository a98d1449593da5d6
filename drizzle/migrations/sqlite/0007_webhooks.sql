CREATE TABLE `chat_webhook_cursor` (
	`id` integer PRIMARY KEY NOT NULL,
	`last_event_id` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `chat_webhook_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` integer NOT NULL,
	`body` text NOT NULL,
	`status` text(16) NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease` text(36),
	`last_error` text(300),
	`created_at` integer NOT NULL,
	`delivered_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_chatwebhook_event` ON `chat_webhook_deliveries` (`event_id`);--> statement-breakpoint
CREATE INDEX `idx_chatwebhook_due` ON `chat_webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `idx_chatwebhook_created` ON `chat_webhook_deliveries` (`created_at`);