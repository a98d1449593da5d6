CREATE TABLE `chat_event_seq` (
	`id` integer PRIMARY KEY NOT NULL,
	`pruned_through` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `chat_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`room_id` integer NOT NULL,
	`type` text(32) NOT NULL,
	`data` text NOT NULL,
	`audience` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `idx_chatevent_room` ON `chat_events` (`room_id`,`id`);--> statement-breakpoint
CREATE INDEX `idx_chatevent_created` ON `chat_events` (`created_at`);--> statement-breakpoint
-- The one row that event writers lock (MySQL) and that keeps the retention mark.
INSERT INTO `chat_event_seq` (`id`, `pruned_through`) VALUES (1, 0);
