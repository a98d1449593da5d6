CREATE TABLE `chat_room_contexts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`room_id` integer NOT NULL,
	`context_type` text(50) NOT NULL,
	`context_id` text(100) NOT NULL,
	`label` text(200) NOT NULL,
	`url` text(500),
	FOREIGN KEY (`room_id`) REFERENCES `chat_rooms`(`id`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_chatcontext_room` ON `chat_room_contexts` (`room_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `uq_chatcontext_record` ON `chat_room_contexts` (`context_type`,`context_id`);