CREATE TABLE `chat_room_contexts` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`room_id` bigint unsigned NOT NULL,
	`context_type` varchar(50) NOT NULL,
	`context_id` varchar(100) NOT NULL,
	`label` varchar(200) NOT NULL,
	`url` varchar(500),
	CONSTRAINT `chat_room_contexts_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_chatcontext_room` UNIQUE(`room_id`),
	CONSTRAINT `uq_chatcontext_record` UNIQUE(`context_type`,`context_id`)
);
--> statement-breakpoint
ALTER TABLE `chat_room_contexts` ADD CONSTRAINT `fk_chatcontexts_room` FOREIGN KEY (`room_id`) REFERENCES `chat_rooms`(`id`) ON DELETE cascade ON UPDATE cascade;