ALTER TABLE `chat_room_members` ADD `joined_event_id` integer;--> statement-breakpoint
ALTER TABLE `chat_room_members` ADD `hidden_through` integer;--> statement-breakpoint
ALTER TABLE `chat_events` ADD `message_id` integer;--> statement-breakpoint
CREATE INDEX `idx_chatevent_message` ON `chat_events` (`message_id`);--> statement-breakpoint
-- Events recorded before this migration: their message, from their data.
UPDATE `chat_events` SET `message_id` = json_extract(`data`, '$.id') WHERE `type` LIKE 'message.%';
