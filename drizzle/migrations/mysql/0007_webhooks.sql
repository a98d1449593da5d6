CREATE TABLE `chat_webhook_cursor` (
	`id` tinyint NOT NULL,
	`last_event_id` bigint unsigned NOT NULL,
	CONSTRAINT `chat_webhook_cursor_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `chat_webhook_deliveries` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`event_id` bigint unsigned NOT NULL,
	`body` mediumtext NOT NULL,
	`status` varchar(16) NOT NULL,
	`attempts` int NOT NULL DEFAULT 0,
	`next_attempt_at` datetime(3) NOT NULL,
	`lease` varchar(36),
	`last_error` varchar(300),
	`created_at` datetime(3) NOT NULL,
	`delivered_at` datetime(3),
	CONSTRAINT `chat_webhook_deliveries_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_chatwebhook_event` UNIQUE(`event_id`)
);
--> statement-breakpoint
CREATE INDEX `idx_chatwebhook_due` ON `chat_webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `idx_chatwebhook_created` ON `chat_webhook_deliveries` (`created_at`);