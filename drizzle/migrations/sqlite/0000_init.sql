CREATE TABLE `chat_room_members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`room_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`role` text DEFAULT 'member' NOT NULL,
	`joined_at` DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
	`last_read_at` DATETIME,
	`is_muted` integer DEFAULT false NOT NULL,
	`last_read_message_id` integer,
	FOREIGN KEY (`room_id`) REFERENCES `chat_rooms`(`id`) ON UPDATE cascade ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE cascade ON DELETE cascade,
	CONSTRAINT "ck_chatmember_role" CHECK("chat_room_members"."role" IN ('member', 'admin', 'moderator'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_room_member` ON `chat_room_members` (`room_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `idx_chatmember_room` ON `chat_room_members` (`room_id`);--> statement-breakpoint
CREATE INDEX `idx_chatmember_user` ON `chat_room_members` (`user_id`);--> statement-breakpoint
CREATE INDEX `idx_chatmember_lastread` ON `chat_room_members` (`last_read_at`);--> statement-breakpoint
CREATE TABLE `chat_rooms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text(200),
	`room_type` text DEFAULT 'direct' NOT NULL,
	`created_by_id` integer NOT NULL,
	`created_at` DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
	`updated_at` DATETIME,
	`direct_key` text(45),
	`last_message_id` integer,
	FOREIGN KEY (`created_by_id`) REFERENCES `users`(`id`) ON UPDATE cascade ON DELETE restrict,
	CONSTRAINT "ck_chatroom_type" CHECK("chat_rooms"."room_type" IN ('direct', 'group', 'channel'))
);
--> statement-breakpoint
CREATE INDEX `idx_chatroom_creator` ON `chat_rooms` (`created_by_id`);--> statement-breakpoint
CREATE INDEX `idx_chatroom_type` ON `chat_rooms` (`room_type`);--> statement-breakpoint
CREATE UNIQUE INDEX `uq_chatroom_direct` ON `chat_rooms` (`direct_key`);--> statement-breakpoint
CREATE TABLE `chat_attachments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` integer NOT NULL,
	`file_name` text(255) NOT NULL,
	`file_path` text(500) NOT NULL,
	`file_size` integer NOT NULL,
	`file_type` text(100) NOT NULL,
	`file_extension` text(10) NOT NULL,
	`thumbnail_path` text(500),
	`created_at` DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `chat_messages`(`id`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `idx_chatattach_message` ON `chat_attachments` (`message_id`);--> statement-breakpoint
CREATE INDEX `idx_chatattach_type` ON `chat_attachments` (`file_type`);--> statement-breakpoint
CREATE TABLE `chat_message_reads` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`message_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`read_at` DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
	FOREIGN KEY (`message_id`) REFERENCES `chat_messages`(`id`) ON UPDATE cascade ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_msg_read` ON `chat_message_reads` (`message_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `idx_chatread_message` ON `chat_message_reads` (`message_id`);--> statement-breakpoint
CREATE INDEX `idx_chatread_user` ON `chat_message_reads` (`user_id`);--> statement-breakpoint
CREATE TABLE `chat_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`room_id` integer NOT NULL,
	`sender_id` integer NOT NULL,
	`content` text NOT NULL,
	`message_type` text DEFAULT 'text' NOT NULL,
	`is_edited` integer DEFAULT false NOT NULL,
	`edited_at` DATETIME,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_at` DATETIME,
	`reply_to_id` integer,
	`created_at` DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
	`client_id` text(64),
	FOREIGN KEY (`room_id`) REFERENCES `chat_rooms`(`id`) ON UPDATE cascade ON DELETE cascade,
	FOREIGN KEY (`sender_id`) REFERENCES `users`(`id`) ON UPDATE cascade ON DELETE restrict,
	FOREIGN KEY (`reply_to_id`) REFERENCES `chat_messages`(`id`) ON UPDATE cascade ON DELETE set null,
	CONSTRAINT "ck_chatmsg_type" CHECK("chat_messages"."message_type" IN ('text', 'file', 'system'))
);
--> statement-breakpoint
CREATE INDEX `idx_chatmsg_room` ON `chat_messages` (`room_id`);--> statement-breakpoint
CREATE INDEX `idx_chatmsg_sender` ON `chat_messages` (`sender_id`);--> statement-breakpoint
CREATE INDEX `idx_chatmsg_created` ON `chat_messages` (`created_at`);--> statement-breakpoint
CREATE INDEX `idx_chatmsg_reply` ON `chat_messages` (`reply_to_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `uq_chatmsg_client` ON `chat_messages` (`sender_id`,`client_id`);