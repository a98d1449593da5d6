CREATE TABLE `chat_event_seq` (
	`id` tinyint NOT NULL,
	`pruned_through` bigint unsigned NOT NULL DEFAULT 0,
	CONSTRAINT `chat_event_seq_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `chat_events` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`room_id` bigint unsigned NOT NULL,
	`type` varchar(32) NOT NULL,
	`data` mediumtext NOT NULL,
	`audience` mediumtext,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `chat_events_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE INDEX `idx_chatevent_room` ON `chat_events` (`room_id`,`id`);--> statement-breakpoint
CREATE INDEX `idx_chatevent_created` ON `chat_events` (`created_at`);--> statement-breakpoint
-- The one row that event writers lock (MySQL) and that keeps the retention mark.
INSERT INTO `chat_event_seq` (`id`, `pruned_through`) VALUES (1, 0);
